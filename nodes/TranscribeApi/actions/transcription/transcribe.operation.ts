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
import { parallelSubmissionsOption } from '../../../shared/descriptions';
import { forItem, ItemRun } from '../../../shared/items';
import {
	pollSubmitted,
	submitEach,
	submitThenPause,
	waitsForCallbacks,
} from '../../../shared/jobs';
import { entry, readBoolean } from '../../../shared/parameters';
import type { PollResult, PollSettings } from '../../../shared/polling';
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
import { checkJob, runBigFileJob, runUrlJob } from '../../jobs';
import { readResult } from '../../result';
import { callbacks } from './callbacks';
import type { TranscriptionRequest } from './fields';
import {
	readTranscribeApiPollSettings,
	readTranscriptionRequest,
	transcriptionFields,
	transcriptionOptions,
} from './fields';
import { pendingJobItem, singleFileItem } from './output';

const show = { resource: ['transcription'], operation: ['transcribe'] };

/** Files submitted at the same time by default (TranscribeAPI limits requests per minute: its 429 slows all down). */
const PARALLEL_SUBMISSIONS = 4;

export const description: INodeProperties[] = [
	...transcriptionFields(show, 120),
	transcriptionOptions(show, [
		parallelSubmissionsOption(PARALLEL_SUBMISSIONS),
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
type Submitted =
	| { transcript: INodeExecutionData; jobId?: never }
	| { jobId: string; poll?: PollSettings };

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (waitsForCallbacks(this, items.length, WAIT_MODES)) {
		return await submitThenPause(
			this,
			items,
			{ ...callbacks, waitModes: WAIT_MODES, parallelSubmissions: PARALLEL_SUBMISSIONS },
			async (itemIndex, callbackUrl) => await submitForCallback(this, itemIndex, callbackUrl),
		);
	}
	const run = new ItemRun(this, items.length);
	const submitted = await submitEach(
		this,
		run,
		PARALLEL_SUBMISSIONS,
		async (itemIndex) => await submitItem(this, itemIndex),
	);
	const polled = await pollSubmitted(this, submitted, async (job) => await checkJob(this, job));
	for (const { itemIndex, value } of submitted) {
		await run.settle(itemIndex, async () => await outputOf(this, itemIndex, value, polled));
	}
	return run.output();
}

/** Wait for Callback: the job calls this execution back, so the file always goes through a job. */
async function submitForCallback(
	context: IExecuteFunctions,
	itemIndex: number,
	callbackUrl: string,
): Promise<string> {
	const request = readTranscriptionRequest(context, itemIndex);
	if (request.webhookUrl) throw webhookOptionConflict(context, itemIndex);
	request.webhookUrl = callbackUrl;
	const outcome = await submit(context, itemIndex, request);
	if ('jobId' in outcome) return outcome.jobId;
	throw new NodeOperationError(
		context.getNode(),
		'TranscribeAPI answered at once instead of creating a job',
		{ itemIndex },
	);
}

/** Reads one item's settings (all checked before a job is paid for) and submits its file. */
async function submitItem(context: IExecuteFunctions, itemIndex: number): Promise<Submitted> {
	const waitMode = readWaitMode(context, itemIndex, WAIT_MODES);
	const request = readTranscriptionRequest(context, itemIndex);
	const poll = waitMode === 'poll' ? readTranscribeApiPollSettings(context, itemIndex) : undefined;
	readOutputSettings(context, itemIndex); // checked before a job is paid for
	const outcome = await submit(context, itemIndex, request);
	return 'transcript' in outcome ? outcome : { jobId: outcome.jobId, poll };
}

/** An item's output: its sync transcript, its job's ID ("Don't Wait"), or its finished job's transcript. */
async function outputOf(
	context: IExecuteFunctions,
	itemIndex: number,
	submitted: Submitted,
	polled: Map<number, PollResult<IDataObject>>,
): Promise<INodeExecutionData> {
	if ('transcript' in submitted) return submitted.transcript;
	const waited = polled.get(itemIndex);
	if (!waited) return await pendingJobItem(context, itemIndex, submitted.jobId);
	if ('error' in waited) throw waited.error;
	const { files, raw } = await readResult(context, waited.result, itemIndex);
	const result = { jobId: jobIdOf(waited.result) ?? '', files, raw };
	return await singleFileItem(context, itemIndex, result, readOutputSettings(context, itemIndex));
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
