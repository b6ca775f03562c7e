import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	asObject,
	checkOutcome,
	endedHow,
	jobEndedError as endedError,
	statusFromWord,
	unknownStatusError,
} from '../shared/answers';
import type { CheckOutcome } from '../shared/polling';
import type { SubtitleFormat } from '../shared/subtitles';
import type { NormalizedTranscript, TranscriptStatus } from '../shared/transcript';
import { readNumber, readSegment, readText } from '../shared/transcript';
import type { ApiContext, ProviderProfile } from '../shared/transport';
import { apiRequest } from '../shared/transport';
import type { AudioInput } from '../shared/readers';
import { multipartBody } from '../shared/upload';
import type { CreateParameters } from './parameters';

// The create options' reader lives beside them; it is part of this module's interface.
export type { CreateParameters } from './parameters';
export { readCreateParameters } from './parameters';

export const SPEECH_IS_CHEAP: ProviderProfile = {
	name: 'Speech is Cheap',
	credentialType: 'speechIsCheapApi',
	hints: {
		401: 'Check the API key in your Speech is Cheap credential (keys start with "sk_").',
		404: 'Speech is Cheap has no such job: check the job ID.',
	},
};

/** Cancel answers 404 for an unknown job and for one that already started: say both. */
const CANCEL_PROFILE: ProviderProfile = {
	...SPEECH_IS_CHEAP,
	hints: {
		...SPEECH_IS_CHEAP.hints,
		404: 'Speech is Cheap has no such job, or it is no longer pending: only PENDING jobs can be canceled. Check the job ID.',
	},
};

export const DEFAULT_BASE_URL = 'https://api.speechischeap.com';
const JOBS_PATH = '/v2/jobs/';
/** Job URLs have no trailing slash: with one, the API answers 404. */
const jobPath = (jobId: string) => `/v2/jobs/${encodeURIComponent(jobId)}`;

/**
 * POST /v2/jobs/: JSON with input_url on the API host, or multipart with input_file on the upload
 * host (the credential's Upload Base URL). With can_stream_output the answer is an event stream,
 * handed back unread.
 */
export async function createJob(
	context: IExecuteFunctions,
	itemIndex: number,
	input: AudioInput,
	parameters: CreateParameters,
): Promise<unknown> {
	const stream = parameters.can_stream_output === true;
	const request = {
		method: 'POST' as const,
		path: JOBS_PATH,
		headers: stream ? { Accept: 'text/event-stream, application/json' } : undefined,
		idempotent: false,
		encoding: stream ? ('stream' as const) : undefined,
		itemIndex,
	};
	const response = await apiRequest(
		context,
		SPEECH_IS_CHEAP,
		'url' in input
			? { ...request, body: { input_url: input.url, ...parameters } }
			: {
					...request,
					baseUrlField: 'uploadBaseUrl',
					body: async () => await multipartBody({ ...parameters }, 'input_file', input.file),
				},
	);
	return response.body;
}

/** GET /v2/jobs/:id (no auth needed). `baseUrl` is given when there is no credential (the trigger). */
export async function getJob(
	context: ApiContext,
	jobId: string,
	itemIndex: number,
	options: { format?: SubtitleFormat; retryRateLimits?: boolean; baseUrl?: string } = {},
): Promise<unknown> {
	const response = await apiRequest(context, SPEECH_IS_CHEAP, {
		method: 'GET',
		path: jobPath(jobId),
		qs: options.format ? { output_format: options.format } : undefined,
		retryRateLimits: options.retryRateLimits,
		baseUrl: options.baseUrl,
		authenticate: options.baseUrl === undefined,
		itemIndex,
	});
	return response.body;
}

/** DELETE /v2/jobs/:id: cancels a PENDING job; answers "OK". */
export async function cancelJob(
	context: IExecuteFunctions,
	jobId: string,
	itemIndex: number,
): Promise<string> {
	const response = await apiRequest(context, CANCEL_PROFILE, {
		method: 'DELETE',
		path: jobPath(jobId),
		itemIndex,
	});
	return typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
}

type WithNode = { getNode(): INode };

/** A job answer must be a JSON object (an HTML page or text means a wrong Base URL). */
export function asJob(context: WithNode, body: unknown, itemIndex?: number): IDataObject {
	return asObject(context, body, itemIndex, {
		provider: SPEECH_IS_CHEAP.name,
		expected: 'a job',
		parseText: true,
	});
}

export function noJobIdError(context: WithNode, itemIndex: number): NodeOperationError {
	return new NodeOperationError(context.getNode(), 'Speech is Cheap returned no job ID', {
		itemIndex,
	});
}

/** PENDING, COMPLETED, FAILED, CANCELED; a few likely spellings besides; unknown words fail clearly. */
export function mapStatus(value: unknown): TranscriptStatus | undefined {
	return statusFromWord(value);
}

function statusOf(context: WithNode, data: IDataObject, itemIndex?: number): TranscriptStatus {
	const status = mapStatus(data.status);
	if (status) return status;
	throw unknownStatusError(context, SPEECH_IS_CHEAP.name, data.status, itemIndex);
}

/** `output` is an object; some answers carry it as a JSON string. */
export function jobOutput(data: IDataObject): IDataObject {
	const output = typeof data.output === 'string' ? safeParse(data.output) : data.output;
	return output && typeof output === 'object' && !Array.isArray(output)
		? (output as IDataObject)
		: {};
}

export function safeParse(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** "en (99.95%)" → "en". */
function languageOf(output: IDataObject, segments: IDataObject[]): string | null {
	const raw =
		readText(output.language) ??
		segments.map((segment) => readText(segment.language)).find(Boolean) ??
		null;
	const code = raw?.trim().split(/[\s(]/)[0];
	return code ? code : null;
}

export function normalizeJob(
	context: WithNode,
	data: IDataObject,
	itemIndex?: number,
): NormalizedTranscript {
	const output = jobOutput(data);
	const rawSegments = Array.isArray(output.segments) ? (output.segments as IDataObject[]) : [];
	const status = statusOf(context, data, itemIndex);
	const segments = rawSegments.map((segment) => readSegment(segment, ['speaker_id', 'speaker']));
	const text = segments
		.map((segment) => segment.text)
		.filter(Boolean)
		.join(' ');
	const normalized: NormalizedTranscript = {
		provider: 'speechischeap',
		jobId: readText(data.id ?? data.job_id) ?? null,
		status,
		text: status === 'completed' ? text : null,
		language: languageOf(output, rawSegments),
		durationSeconds: readNumber(output.duration ?? output.duration_in_s),
		segments,
	};
	const error = readText(output.error ?? data.error);
	if (error || status === 'failed') normalized.error = error ?? null;
	return normalized;
}

/** One status check for the poller. A FAILED job's GET carries no reason (only its webhook does). */
export async function checkJob(
	context: IExecuteFunctions,
	jobId: string,
	itemIndex: number,
): Promise<CheckOutcome<IDataObject>> {
	const data = asJob(
		context,
		await getJob(context, jobId, itemIndex, { retryRateLimits: false }),
		itemIndex,
	);
	return checkOutcome(statusOf(context, data, itemIndex), data, () =>
		jobEndedError(context, jobId, data, itemIndex),
	);
}

/** What to do about a failed job: the reason, when known, says what was wrong; else where to find it. */
const FAILED_FIX = {
	withReason:
		'Check that the URL is public, the file is audio between 6 seconds and 24 hours long, and the options are valid.',
	withoutReason:
		'Speech is Cheap gives the reason for a failure only in its webhook and its event stream, not when the job is read later. To get it, use Wait Mode "Stream", or send the job\'s webhook to a Speech is Cheap Trigger (with Wait for Callback, n8n keeps nothing from a callback that arrives while other jobs of the run still run). Check that the URL is public and the audio is between 6 seconds and 24 hours long.',
};

export function jobEndedError(
	context: WithNode,
	jobId: string,
	data: IDataObject,
	itemIndex: number,
): NodeOperationError {
	const { status, error } = normalizeJob(context, data, itemIndex);
	// A canceled job was canceled by someone: there is no reason to give, nor anything to fix.
	const canceled = status === 'canceled';
	return endedError(
		context,
		{
			provider: SPEECH_IS_CHEAP.name,
			jobId,
			ended: endedHow(status),
			reason: canceled ? null : error,
			fix: canceled ? '' : error ? FAILED_FIX.withReason : FAILED_FIX.withoutReason,
		},
		itemIndex,
	);
}
