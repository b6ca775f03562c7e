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
import type { ItemOutcome } from '../../../shared/items';
import { collectOutput, forItem } from '../../../shared/items';
import type { PollSettings } from '../../../shared/polling';
import type { UploadSource } from '../../../shared/upload';
import type { FileResult } from '../../api';
import { jobIdOf, markUploadCompleted, MAX_BATCH_FILES, rawStatusOf } from '../../api';
import { createBatchJob, readResult, waitForJobs } from '../../jobs';
import { freshBatchUpload, uploadFile, uploadsByReference } from '../../upload';
import type { TranscriptionRequest } from './fields';
import {
	readTranscribeApiPollSettings,
	readTranscriptionRequest,
	transcriptionFields,
	transcriptionOptions,
} from './fields';
import { callbacks } from './callbacks';
import { finishedTranscriptItem, matchResults, pendingJobItem } from './output';

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

/** Files uploaded at the same time (each multipart file also sends its parts in parallel). */
const FILE_CONCURRENCY = 3;

interface BatchFile {
	itemIndex: number;
	referenceId: string;
	/** The file's entry in the job's manifest. */
	entry: IDataObject;
	source?: UploadSource;
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
	// Wait for Callback: the job calls this execution's resume URL, which carries a secret token.
	const waitsForCallback = waitMode === 'callback';
	const callbackLimitMs = waitsForCallback ? readMaxWaitMs(context, itemIndex) : 0;
	if (waitsForCallback && request.webhookUrl) throw webhookOptionConflict(context, itemIndex);
	return { request, pollSettings, waitsForCallback, callbackLimitMs };
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const outcomes: ItemOutcome[] = items.map(() => ({ output: [] }));
	const fail = (itemIndex: number, error: unknown) => {
		if (!this.continueOnFail()) throw forItem(this, error, itemIndex);
		outcomes[itemIndex] = { error: forItem(this, error, itemIndex) };
	};
	if (items.length > MAX_BATCH_FILES) {
		throw new NodeOperationError(
			this.getNode(),
			`A TranscribeAPI batch takes at most ${MAX_BATCH_FILES} files, not ${items.length}`,
			{
				description: 'Split the items into smaller groups, for example with Loop Over Items.',
			},
		);
	}

	// 1. Read every item's settings and file; a bad item fails alone and stays out of the batch.
	// Model, language, options and waiting belong to the one batch job, so they are taken from the
	// first item whose settings are valid; every item's own settings are still checked, so a wrong
	// value fails its item (with Continue On Fail) instead of being silently replaced or failing all.
	let job: BatchSettings | undefined;
	let files: BatchFile[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const settings = readBatchSettings(this, itemIndex);
			readOutputSettings(this, itemIndex);
			const referenceId = `item_${itemIndex}`;
			const input = await readAudioInput(this, itemIndex);
			job ??= settings;
			if ('url' in input) {
				files.push({
					itemIndex,
					referenceId,
					entry: { reference_id: referenceId, url: input.url },
				});
				continue;
			}
			const entry = { reference_id: referenceId, size_bytes: input.file.size };
			files.push({ itemIndex, referenceId, entry, source: input.file });
		} catch (error) {
			fail(itemIndex, error);
		}
	}
	if (files.length === 0 || !job) return collectOutput(this, outcomes);
	const { request, pollSettings, waitsForCallback, callbackLimitMs } = job;
	// Wait for Callback: what every callback needs (the signing keys) is read before the job exists.
	const prepared = waitsForCallback ? await callbacks.prepare?.(this) : undefined;
	// The one job's callback token is derived for the batch's first item.
	const tokenItem = files[0].itemIndex;
	const callbackToken = waitsForCallback
		? (await callbackTokenSigner(this, callbacks))(tokenItem)
		: undefined;

	// 2. One job for all files, then the uploads it asks for, then the signal to start. The signal
	// is sent only when every file of the job is uploaded: TranscribeAPI would fail the whole job
	// for one missing file. A file that cannot be uploaded fails its own item, and the other files
	// go into a new job; the first one never starts, so nothing is transcribed or billed twice.
	const isOk = (file: BatchFile) => !('error' in outcomes[file.itemIndex]);
	let created: IDataObject;
	let jobId: string;
	for (;;) {
		created = await createBatchJob(this, {
			files: files.map((file) => file.entry),
			model: request.model,
			language: request.language,
			webhook_url: callbackToken ? callbackUrlFor(this, callbackToken) : request.webhookUrl,
			...request.jobFields,
		});
		jobId = jobIdOf(created)!;
		await uploadBatchFiles(this, jobId, created, files, fail);
		if (files.every(isOk)) break;
		files = files.filter(isOk);
		if (files.length === 0) return collectOutput(this, outcomes);
	}
	// URL files are imported by TranscribeAPI itself; only a job waiting for uploads needs the signal.
	if (files.some((file) => file.source) || rawStatusOf(created)?.toLowerCase() === 'uploading') {
		await markUploadCompleted(this, jobId, files[0].itemIndex);
	}

	if (callbackToken) {
		const waitingFiles = files.filter((file) => !('error' in outcomes[file.itemIndex]));
		const jobs = waitingFiles.map((file) => ({
			itemIndex: file.itemIndex,
			jobId,
			tokenItem,
			reference: file.referenceId,
			settings: readOutputSettings(this, file.itemIndex),
		}));
		if (jobs.length === 0) return collectOutput(this, outcomes);
		return await pauseForCallbacks(this, callbacks, outcomes, jobs, callbackLimitMs, prepared);
	}

	if (!pollSettings) {
		for (const file of files) {
			if ('error' in outcomes[file.itemIndex]) continue;
			outcomes[file.itemIndex] = {
				output: [
					await pendingJobItem(this, file.itemIndex, jobId, { reference_id: file.referenceId }),
				],
			};
		}
		return collectOutput(this, outcomes);
	}

	// 3. Wait for the job, then hand each file's transcript (or failure) back to its item.
	const waited = (
		await waitForJobs(this, [{ jobId, itemIndex: files[0].itemIndex }], pollSettings)
	).get(jobId)!;
	let results: FileResult[] = [];
	let raw: unknown;
	try {
		if ('error' in waited) throw waited.error;
		({ files: results, raw } = await readResult(this, waited.result, files[0].itemIndex));
	} catch (error) {
		for (const file of files)
			if (!('error' in outcomes[file.itemIndex])) fail(file.itemIndex, error);
		return collectOutput(this, outcomes);
	}
	const byReference = matchResults(
		files.map((file) => file.referenceId),
		results,
	);
	for (const file of files) {
		if ('error' in outcomes[file.itemIndex]) continue;
		try {
			const result = byReference.get(file.referenceId);
			const item = await finishedTranscriptItem(
				this,
				file.itemIndex,
				jobId,
				result,
				result?.body ?? raw,
				readOutputSettings(this, file.itemIndex),
			);
			item.json.referenceId = file.referenceId;
			outcomes[file.itemIndex] = { output: [item] };
		} catch (error) {
			fail(file.itemIndex, error);
		}
	}
	return collectOutput(this, outcomes);
}

/**
 * Uploads the batch's files, a few at a time, as the job's answer instructs. An expired upload URL
 * is replaced through upload-urls (the docs' route for batch uploads); a file that still
 * cannot be uploaded is handed to `fail`.
 */
async function uploadBatchFiles(
	context: IExecuteFunctions,
	jobId: string,
	created: IDataObject,
	files: BatchFile[],
	fail: (itemIndex: number, error: unknown) => void,
): Promise<void> {
	const uploads = uploadsByReference(created);
	const toUpload = files.filter((file) => file.source);
	for (let start = 0; start < toUpload.length; start += FILE_CONCURRENCY) {
		await Promise.all(
			toUpload.slice(start, start + FILE_CONCURRENCY).map(async (file) => {
				try {
					const upload = uploads.get(file.referenceId);
					if (!upload) {
						throw new NodeOperationError(
							context.getNode(),
							`TranscribeAPI sent no upload instructions for ${file.referenceId} of job ${jobId}`,
							{ itemIndex: file.itemIndex },
						);
					}
					await uploadFile(
						context,
						jobId,
						file.source!,
						upload,
						file.itemIndex,
						async () => await freshBatchUpload(context, jobId, file.referenceId, file.itemIndex),
					);
				} catch (error) {
					fail(file.itemIndex, error);
				}
			}),
		);
	}
}
