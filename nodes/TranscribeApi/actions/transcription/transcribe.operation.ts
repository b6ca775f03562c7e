import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { webhookOptionConflict } from '../../../shared/callback';
import { transcriptItem } from '../../../shared/output';
import { readAudioInput, readOutputSettings, readWaitMode } from '../../../shared/readers';
import { forItem } from '../../../shared/items';
import {
	pollJobsInto,
	settle,
	submitThenPause,
	submitThenWait,
	waitsForCallbacks,
} from '../../../shared/jobs';
import { entry, readBoolean } from '../../../shared/parameters';
import type { PendingJob, PollSettings } from '../../../shared/polling';
import { apiRequest } from '../../../shared/transport';
import type { UploadSource } from '../../../shared/upload';
import { multipartBody } from '../../../shared/upload';
import {
	errorCodeOf,
	jobIdOf,
	normalizeTranscript,
	PATHS,
	SYNC_MAX_BYTES,
	TRANSCRIBE_API,
} from '../../api';
import { checkJob, readResult, runBigFileJob, runUrlJob } from '../../jobs';
import { callbacks } from './callbacks';
import type { TranscriptionRequest } from './fields';
import {
	readTranscribeApiPollSettings,
	readTranscriptionRequest,
	transcriptionFields,
	transcriptionOptions,
} from './fields';
import { finishedTranscriptItem, pendingJobItem } from './output';

const show = { resource: ['transcription'], operation: ['transcribe'] };

export const description: INodeProperties[] = [
	...transcriptionFields(show, 120),
	transcriptionOptions(show, [
		{
			displayName: 'Always Use an Async Job',
			name: 'forceAsync',
			type: 'boolean',
			default: false,
			description:
				'Whether to skip the sync request even for short files. Files over 30 MB or 10 minutes, URLs, and files with a Webhook URL always use an async job.',
		},
	]),
];

/** Sync answers that mean "too big for sync": the file goes through an async job instead. */
const TOO_BIG_FOR_SYNC = ['audio_too_long', 'file_too_large'];

const WAIT_MODES = ['poll', 'callback', 'none'] as const;

/** What submitting one item gave: a finished sync transcript, or a job and how to wait for it. */
interface Submitted {
	transcript?: INodeExecutionData;
	pollSettings?: PollSettings;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (waitsForCallbacks(this, items.length, WAIT_MODES)) {
		return await submitThenPause(
			this,
			items,
			{ ...callbacks, waitModes: WAIT_MODES },
			async (itemIndex, callbackUrl) => {
				const request = readTranscriptionRequest(this, itemIndex);
				if (request.webhookUrl) throw webhookOptionConflict(this, itemIndex);
				request.webhookUrl = callbackUrl;
				// With a callback URL the file always goes through a job, never the sync request.
				const outcome = await submit(this, itemIndex, request);
				if ('jobId' in outcome) return outcome.jobId;
				throw new NodeOperationError(
					this.getNode(),
					'TranscribeAPI answered at once instead of creating a job',
					{ itemIndex },
				);
			},
		);
	}
	return await submitThenWait<Submitted>(
		this,
		items,
		async (itemIndex) => {
			const waitMode = readWaitMode(this, itemIndex, WAIT_MODES);
			const request = readTranscriptionRequest(this, itemIndex);
			const pollSettings =
				waitMode === 'poll' ? readTranscribeApiPollSettings(this, itemIndex) : undefined;
			readOutputSettings(this, itemIndex); // checked before a job is paid for
			const outcome = await submit(this, itemIndex, request);
			return 'transcript' in outcome
				? { itemIndex, waitMode, jobId: null, answer: { transcript: outcome.transcript } }
				: { itemIndex, waitMode, jobId: outcome.jobId, answer: { pollSettings } };
		},
		async (submissions, outcomes) => {
			const pending: PendingJob[] = [];
			let pollSettings: PollSettings | undefined;
			for (const { itemIndex, waitMode, jobId, answer } of submissions) {
				if (answer.transcript) {
					outcomes.set(itemIndex, { output: [answer.transcript] });
				} else if (waitMode !== 'poll') {
					outcomes.set(
						itemIndex,
						await settle(
							this,
							itemIndex,
							async () => await pendingJobItem(this, itemIndex, jobId!),
						),
					);
				} else {
					// One wait serves all items; each keeps its own Poll Interval and Max Wait.
					pollSettings ??= answer.pollSettings;
					pending.push({
						jobId: jobId!,
						itemIndex,
						intervalMs: answer.pollSettings!.intervalMs,
						maxWaitMs: answer.pollSettings!.maxWaitMs,
					});
				}
			}
			await pollJobsInto(
				this,
				pending,
				async (job) => await checkJob(this, job),
				pollSettings,
				outcomes,
				async (itemIndex, job) =>
					await settle(this, itemIndex, async () => {
						const { files, raw } = await readResult(this, job, itemIndex);
						return await finishedTranscriptItem(
							this,
							itemIndex,
							jobIdOf(job) ?? '',
							files[0],
							raw,
							readOutputSettings(this, itemIndex),
						);
					}),
			);
		},
	);
}

type SubmitOutcome = { transcript: INodeExecutionData } | { jobId: string };

/** Sync when the file fits, otherwise (or when sync says it is too long) an async big-file job. */
async function submit(
	context: IExecuteFunctions,
	itemIndex: number,
	request: TranscriptionRequest,
): Promise<SubmitOutcome> {
	const jobFields: IDataObject = {
		model: request.model,
		language: request.language,
		webhook_url: request.webhookUrl,
		...request.jobFields,
	};
	const input = await readAudioInput(context, itemIndex);
	if ('url' in input) return { jobId: await runUrlJob(context, input.url, jobFields, itemIndex) };
	const source = input.file;
	const fitsSync =
		!request.webhookUrl &&
		!readBoolean(
			context,
			itemIndex,
			entry(request.options, 'forceAsync', 'Always Use an Async Job'),
			false,
		) &&
		source.size !== undefined &&
		source.size <= SYNC_MAX_BYTES;
	if (fitsSync) {
		const answer = await transcribeSync(context, itemIndex, source, request);
		if (answer !== undefined) {
			const normalized = normalizeTranscript(answer, null);
			return { transcript: await transcriptItem(context, itemIndex, normalized, answer) };
		}
	}
	return { jobId: await runBigFileJob(context, source, jobFields, itemIndex) };
}

/** POST /v1/transcribe with the file. Undefined when TranscribeAPI says the file is too big for sync. */
async function transcribeSync(
	context: IExecuteFunctions,
	itemIndex: number,
	source: UploadSource,
	request: TranscriptionRequest,
): Promise<unknown> {
	try {
		const response = await apiRequest<unknown>(context, TRANSCRIBE_API, {
			method: 'POST',
			path: PATHS.sync,
			body: async () => await multipartBody(request.syncFields, 'file', source),
			idempotent: false,
			itemIndex,
		});
		return response.body;
	} catch (error) {
		if (TOO_BIG_FOR_SYNC.includes(errorCodeOf(error) ?? '')) return undefined;
		throw forItem(context, error, itemIndex);
	}
}
