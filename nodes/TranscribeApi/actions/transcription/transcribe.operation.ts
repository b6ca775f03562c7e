import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { readAudioInput, transcriptItem } from '../../../shared/descriptions';
import type { ItemOutcome } from '../../../shared/items';
import { collectOutput, forItem } from '../../../shared/items';
import type { PendingJob, PollSettings } from '../../../shared/polling';
import { apiRequest } from '../../../shared/transport';
import type { UploadSource } from '../../../shared/upload';
import { multipartBody } from '../../../shared/upload';
import { errorCodeOf, normalizeTranscript, PATHS, SYNC_MAX_BYTES, TRANSCRIBE_API } from '../../api';
import { readResult, runBigFileJob, runUrlJob, waitForJobs } from '../../jobs';
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

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const outcomes: ItemOutcome[] = [];
	const pending: PendingJob[] = [];
	let pollSettings: PollSettings | undefined;

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const request = readTranscriptionRequest(this, itemIndex);
			const waitMode = this.getNodeParameter('waitMode', itemIndex) as string;
			const settings =
				waitMode === 'poll' ? readTranscribeApiPollSettings(this, itemIndex) : undefined;

			const outcome = await submit(this, itemIndex, request);
			if ('transcript' in outcome) {
				outcomes.push({ output: [outcome.transcript] });
				continue;
			}
			if (waitMode !== 'poll') {
				outcomes.push({ output: [await pendingJobItem(this, itemIndex, outcome.jobId)] });
				continue;
			}
			// One wait serves all items, so its interval and limit come from the first polling item.
			pollSettings = pollSettings ?? settings;
			pending.push({ jobId: outcome.jobId, itemIndex });
			outcomes.push({ output: [] });
		} catch (error) {
			if (!this.continueOnFail()) throw forItem(this, error, itemIndex);
			outcomes.push({ error: forItem(this, error, itemIndex) });
		}
	}

	if (pending.length > 0 && pollSettings) {
		const results = await waitForJobs(this, pending, pollSettings);
		for (const { jobId, itemIndex } of pending) {
			const result = results.get(jobId)!;
			try {
				if ('error' in result) throw result.error;
				const { files, raw } = await readResult(this, result.result, itemIndex);
				outcomes[itemIndex] = {
					output: [await finishedTranscriptItem(this, itemIndex, jobId, files[0], raw)],
				};
			} catch (error) {
				outcomes[itemIndex] = { error: forItem(this, error, itemIndex) };
			}
		}
	}
	return collectOutput(this, outcomes);
}

type Submitted = { transcript: INodeExecutionData } | { jobId: string };

/** Sync when the file fits, otherwise (or when sync says it is too long) an async big-file job. */
async function submit(
	context: IExecuteFunctions,
	itemIndex: number,
	request: TranscriptionRequest,
): Promise<Submitted> {
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
		request.options.forceAsync !== true &&
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
