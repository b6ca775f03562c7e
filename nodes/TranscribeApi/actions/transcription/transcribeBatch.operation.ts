import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	callbackUrlFor,
	callbackTokenSigner,
	pauseForCallbacks,
	webhookOptionConflict,
} from '../../../shared/callback';
import {
	readAudioInput,
	readMaxWaitMs,
	readOutputSettings,
	readWaitMode,
} from '../../../shared/readers';
import { ItemRun } from '../../../shared/items';
import { pollJobs } from '../../../shared/jobs';
import type { PendingJob, PollSettings } from '../../../shared/polling';
import { jobIdOf, markUploadCompleted, MAX_BATCH_FILES, rawStatusOf } from '../../api';
import { checkJob, createBatchJob } from '../../jobs';
import { readResult } from '../../result';
import type { BatchUpload } from '../../upload';
import { uploadBatchFiles } from '../../upload';
import type { TranscriptionRequest } from './fields';
import {
	readTranscribeApiPollSettings,
	readTranscriptionRequest,
	transcriptionFields,
	transcriptionOptions,
} from './fields';
import { callbacks } from './callbacks';
import type { BatchFileItem } from './output';
import { batchFileItems, pendingJobItem } from './output';

const show = { resource: ['transcription'], operation: ['transcribeBatch'] };

export const description: INodeProperties[] = [
	{
		displayName:
			'All input items become one batch job (up to 10,000 files). Model, language and options are read from the first item.',
		name: 'batchNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	...transcriptionFields(show, 240),
	transcriptionOptions(show),
];

interface BatchFile extends BatchUpload {
	/** The file's entry in the job's manifest. */
	entry: IDataObject;
}

/** The job-level settings of a batch, as one item gives them. */
interface BatchSettings {
	request: TranscriptionRequest;
	pollSettings?: PollSettings;
	waitsForCallback: boolean;
	callbackLimitMs: number;
}

function readBatchSettings(context: IExecuteFunctions, itemIndex: number): BatchSettings {
	const waitMode = readWaitMode(context, itemIndex, ['poll', 'callback', 'none'] as const);
	const request = readTranscriptionRequest(context, itemIndex);
	const pollSettings =
		waitMode === 'poll' ? readTranscribeApiPollSettings(context, itemIndex) : undefined;
	const waitsForCallback = waitMode === 'callback';
	const callbackLimitMs = waitsForCallback ? readMaxWaitMs(context, itemIndex) : 0;
	if (waitsForCallback && request.webhookUrl) throw webhookOptionConflict(context, itemIndex);
	return { request, pollSettings, waitsForCallback, callbackLimitMs };
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	refuseOversizedBatch(this, items.length);
	const run = new ItemRun(this, items.length);
	// 1. Read every item's settings and file; a bad item fails alone and stays out of the batch.
	// Model, language, options and waiting belong to the one batch job, so they are taken from the
	// first item whose settings are valid; every item's own settings are still checked, so a wrong
	// value fails its item (with Continue On Fail) instead of being silently replaced or failing all.
	const read = await run.each(async (itemIndex) => await readBatchItem(this, itemIndex));
	if (read.length === 0) return run.output();
	const { request, pollSettings, waitsForCallback, callbackLimitMs } = read[0].value.settings;
	const files = read.map(({ value }) => value.file);
	const callback = waitsForCallback ? await prepareCallback(this, files[0].itemIndex) : undefined;
	// 2. One job for the files that could be uploaded.
	const batch = await submitBatch(this, run, files, request, callback);
	if (!batch) return run.output();
	// 3. Wait as the first item says, then hand each file's transcript (or failure) back to its item.
	if (callback) return await pauseForCallback(this, run, batch, callback, callbackLimitMs);
	if (pollSettings) await collectResults(this, run, batch, pollSettings);
	else await answerWithJob(this, run, batch);
	return run.output();
}

function refuseOversizedBatch(context: IExecuteFunctions, itemCount: number): void {
	if (itemCount <= MAX_BATCH_FILES) return;
	throw new NodeOperationError(
		context.getNode(),
		`A TranscribeAPI batch takes at most ${MAX_BATCH_FILES} files, not ${itemCount}`,
		{ description: 'Split the items into smaller groups, for example with Loop Over Items.' },
	);
}

/** One item's settings for the job, and its file's entry in the job's manifest. */
async function readBatchItem(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<{ settings: BatchSettings; file: BatchFile }> {
	const settings = readBatchSettings(context, itemIndex);
	readOutputSettings(context, itemIndex); // checked before the job is paid for
	const referenceId = `item_${itemIndex}`;
	const input = await readAudioInput(context, itemIndex);
	if ('url' in input) {
		const entry = { reference_id: referenceId, url: input.url };
		return { settings, file: { itemIndex, referenceId, entry } };
	}
	const entry = { reference_id: referenceId, size_bytes: input.file.size };
	return { settings, file: { itemIndex, referenceId, entry, source: input.file } };
}

/** Wait for Callback: the job calls this execution's resume URL, which carries a secret token. */
interface BatchCallback {
	url: string;
	/** The one job's token is derived for the batch's first item. */
	tokenItem: number;
	prepared?: IDataObject;
}

async function prepareCallback(
	context: IExecuteFunctions,
	tokenItem: number,
): Promise<BatchCallback> {
	// What every callback needs (the signing keys) is read before the job exists.
	const prepared = await callbacks.prepare?.(context);
	const token = (await callbackTokenSigner(context, callbacks))(tokenItem);
	return { url: callbackUrlFor(context, token), tokenItem, prepared };
}

/** The job that was started, and the files in it. */
interface SubmittedBatch {
	jobId: string;
	files: BatchFile[];
}

/**
 * One job for all files, then the uploads it asks for, then the signal to start. The signal is
 * sent only when every file of the job is uploaded: TranscribeAPI would fail the whole job for one
 * missing file. A file that cannot be uploaded fails its own item, and the other files go into a
 * new job; the first one never starts, so nothing is transcribed or billed twice. Undefined when
 * no file could be uploaded.
 */
async function submitBatch(
	context: IExecuteFunctions,
	run: ItemRun,
	files: BatchFile[],
	request: TranscriptionRequest,
	callback: BatchCallback | undefined,
): Promise<SubmittedBatch | undefined> {
	const isOk = (file: BatchFile) => !('error' in run.current[file.itemIndex]);
	let inJob = files;
	while (inJob.length > 0) {
		const created = await createBatchJob(context, {
			files: inJob.map((file) => file.entry),
			model: request.model,
			language: request.language,
			webhook_url: callback ? callback.url : request.webhookUrl,
			...request.jobFields,
		});
		const jobId = jobIdOf(created)!;
		await uploadBatchFiles(context, run, jobId, created, inJob);
		if (inJob.every(isOk)) {
			// URL files are imported by TranscribeAPI itself; only a job waiting for uploads needs the signal.
			if (inJob.some((file) => file.source) || rawStatusOf(created)?.toLowerCase() === 'uploading')
				await markUploadCompleted(context, jobId, inJob[0].itemIndex);
			return { jobId, files: inJob };
		}
		inJob = inJob.filter(isOk);
	}
	return undefined;
}

async function pauseForCallback(
	context: IExecuteFunctions,
	run: ItemRun,
	{ jobId, files }: SubmittedBatch,
	{ tokenItem, prepared }: BatchCallback,
	limitMs: number,
): Promise<INodeExecutionData[]> {
	const jobs = files.map(({ itemIndex, referenceId }) => ({
		itemIndex,
		jobId,
		tokenItem,
		reference: referenceId,
		settings: readOutputSettings(context, itemIndex),
	}));
	return await pauseForCallbacks(context, callbacks, run.current, jobs, limitMs, prepared);
}

/** Don't Wait: each item gets the job's ID and its file's reference, for Get Result later. */
async function answerWithJob(
	context: IExecuteFunctions,
	run: ItemRun,
	{ jobId, files }: SubmittedBatch,
): Promise<void> {
	for (const { itemIndex, referenceId } of files) {
		await run.settle(
			itemIndex,
			async () => await pendingJobItem(context, itemIndex, jobId, { reference_id: referenceId }),
		);
	}
}

/** Polls the job, then gives each file's item its transcript; a failed job fails every item. */
async function collectResults(
	context: IExecuteFunctions,
	run: ItemRun,
	{ jobId, files }: SubmittedBatch,
	pollSettings: PollSettings,
): Promise<void> {
	const first = files[0].itemIndex; // the job is polled for the batch's first item
	const check = async (job: PendingJob) => await checkJob(context, job);
	const polled = await pollJobs(context, [{ jobId, itemIndex: first }], check, pollSettings);
	let fileItem: BatchFileItem;
	try {
		const waited = polled.get(first)!;
		if ('error' in waited) throw waited.error;
		const result = { jobId, ...(await readResult(context, waited.result, first)) };
		fileItem = batchFileItems(
			result,
			files.map((file) => file.referenceId),
		);
	} catch (error) {
		for (const file of files) run.fail(file.itemIndex, error);
		return;
	}
	for (const { itemIndex, referenceId } of files) {
		await run.settle(
			itemIndex,
			async () =>
				await fileItem(context, itemIndex, referenceId, readOutputSettings(context, itemIndex)),
		);
	}
}
