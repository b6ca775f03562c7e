// Reading a provider's answers the same way for every provider: the JSON object a call must return,
// the job status words, and the errors for a job that ended without a transcript.
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CheckOutcome } from './polling';
import type { TranscriptStatus } from './transcript';
import { readText } from './transcript';
import { plainErrorText } from './transport';

type WithNode = { getNode(): INode };

export interface AnswerShape {
	/** The provider's name, as messages show it. */
	provider: string;
	/** What the answer should have been: "a JSON object" unless said otherwise. */
	expected?: string;
	/** Some answers carry their JSON as text: parse it before giving up. */
	parseText?: boolean;
	/** The fix to suggest; by default, checking the credential's Base URL. */
	fix?: string;
}

/** A JSON answer that must be an object; anything else (an HTML page, text) means the Base URL points elsewhere. */
export function asObject(
	context: WithNode,
	body: unknown,
	itemIndex: number | undefined,
	shape: AnswerShape,
): IDataObject {
	let value = body;
	if (shape.parseText && typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			/* reported below */
		}
	}
	if (value && typeof value === 'object' && !Array.isArray(value)) return value as IDataObject;
	throw new NodeOperationError(
		context.getNode(),
		`${shape.provider} sent an answer that is not ${shape.expected ?? 'a JSON object'}`,
		{
			itemIndex,
			description: `Received: ${String(body).slice(0, 200)}. ${shape.fix ?? 'Check the Base URL in the credential.'}`,
		},
	);
}

/** The status words the providers use (and their likely spellings), by the shared status they mean. */
const STATUS_WORDS: Record<TranscriptStatus, string[]> = {
	queued: ['pending', 'queued', 'waiting', 'created', 'uploaded'],
	processing: ['processing', 'in_progress', 'in-progress', 'running', 'transcribing', 'started'],
	completed: ['completed', 'complete', 'done', 'finished', 'success', 'succeeded'],
	failed: ['failed', 'error', 'errored'],
	canceled: ['canceled', 'cancelled'],
};

/**
 * The shared status a provider's word means, or undefined for a word nobody uses. `extra` adds a
 * provider's own words (such as TranscribeAPI's "uploading").
 */
export function statusFromWord(
	value: unknown,
	extra: Partial<Record<TranscriptStatus, string[]>> = {},
): TranscriptStatus | undefined {
	const word = (readText(value) ?? '').trim().toLowerCase();
	if (word === '') return undefined;
	for (const status of Object.keys(STATUS_WORDS) as TranscriptStatus[]) {
		if (STATUS_WORDS[status].includes(word) || extra[status]?.includes(word)) return status;
	}
	return undefined;
}

/** A status word no provider documents: fail clearly rather than wait forever. */
export function unknownStatusError(
	context: WithNode,
	provider: string,
	value: unknown,
	itemIndex: number | undefined,
	options: { noun?: string; fix?: string } = {},
): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		`${provider} reported an unknown ${options.noun ?? 'job'} status "${String(value ?? '(none)')}"`,
		{
			itemIndex,
			description:
				options.fix ??
				'Use Raw output to see the full answer, and report this status to the package maintainers.',
		},
	);
}

/** True once a job has ended: nothing about it changes any more. */
export function isFinal(status: TranscriptStatus): boolean {
	return status === 'completed' || status === 'failed' || status === 'canceled';
}

/**
 * What one status check means for the wait: a completed job ends it with the answer, a failed or
 * canceled one ends its item with `endedError`, anything else waits on.
 */
export function checkOutcome<R>(
	status: TranscriptStatus,
	answer: R,
	endedError: () => Error,
): CheckOutcome<R> {
	if (status === 'completed') return { done: true, result: answer };
	if (status === 'failed' || status === 'canceled') throw endedError();
	return { done: false };
}

export interface EndedJob {
	provider: string;
	jobId: string;
	/** How it ended, as the message says it: "failed", "was canceled", `ended with status "x"`. */
	ended: string;
	/** The provider's reason, when it gave one. */
	reason?: string | null;
	/** What the user can do about it. */
	fix: string;
}

/** The error of a job that ended without a transcript: "<Provider> job <ID> failed: <reason>". */
export function jobEndedError(
	context: WithNode,
	job: EndedJob,
	itemIndex: number | undefined,
): NodeOperationError {
	const reason = job.reason ? `: ${plainErrorText(job.reason)}` : '';
	return new NodeOperationError(
		context.getNode(),
		`${job.provider} job ${job.jobId} ${job.ended}${reason}`,
		{ itemIndex, description: job.fix },
	);
}

/** `failed`, or `was canceled`: how a job that ended without a transcript ended. */
export function endedHow(status: TranscriptStatus): string {
	return status === 'canceled' ? 'was canceled' : 'failed';
}
