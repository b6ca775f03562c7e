import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CheckOutcome, PendingJob, PollResult, PollSettings } from '../shared/polling';
import { pollUntilDone } from '../shared/polling';
import { readText } from '../shared/transcript';
import type { ApiContext } from '../shared/transport';
import { apiRequest } from '../shared/transport';
import type { UploadSource } from '../shared/upload';
import type { FileResult } from './api';
import {
	asObject,
	downloadResult,
	failureMessage,
	getJob,
	jobIdOf,
	markUploadCompleted,
	PATHS,
	rawStatusOf,
	splitResult,
	statusOrFail,
	TRANSCRIBE_API,
} from './api';
import { uploadFile, uploadsByReference } from './upload';

/** POSTs a job-creating request: never resent when TranscribeAPI may have acted on it. */
async function createJob(
	context: IExecuteFunctions,
	path: string,
	body: IDataObject,
	itemIndex: number,
): Promise<IDataObject> {
	const response = await apiRequest<unknown>(context, TRANSCRIBE_API, {
		method: 'POST',
		path,
		body,
		idempotent: false,
		itemIndex,
	});
	const data = asObject(context, response.body, itemIndex);
	if (!jobIdOf(data)) {
		throw new NodeOperationError(context.getNode(), 'TranscribeAPI created no job ID', {
			itemIndex,
			description: `Received: ${JSON.stringify(data).slice(0, 200)}`,
		});
	}
	return data;
}

/**
 * A big-file job for a stored file: create it, upload the file as instructed, mark the upload
 * complete. Returns the job's ID.
 */
export async function runBigFileJob(
	context: IExecuteFunctions,
	source: UploadSource,
	fields: IDataObject,
	itemIndex: number,
): Promise<string> {
	const created = await createJob(
		context,
		PATHS.createJob,
		{ type: 'big_file', size_bytes: source.size, content_type: source.mimeType, ...fields },
		itemIndex,
	);
	const jobId = jobIdOf(created)!;
	const upload = uploadsByReference(created).values().next().value;
	if (!upload) {
		throw new NodeOperationError(
			context.getNode(),
			`TranscribeAPI job ${jobId} came without upload instructions`,
			{
				itemIndex,
				description:
					'The file could not be sent. Run the node again; if it persists, report it to the package maintainers.',
			},
		);
	}
	await uploadFile(context, jobId, source, upload, itemIndex);
	await markUploadCompleted(context, jobId, itemIndex);
	return jobId;
}

/** A big-file job that TranscribeAPI imports from a URL itself: nothing passes through n8n. */
export async function runUrlJob(
	context: IExecuteFunctions,
	url: string,
	fields: IDataObject,
	itemIndex: number,
): Promise<string> {
	const created = await createJob(
		context,
		PATHS.createJob,
		{ type: 'big_file', source: { type: 'url', url }, ...fields },
		itemIndex,
	);
	const jobId = jobIdOf(created)!;
	// An import starts by itself; a job still waiting for uploads needs the signal.
	if (rawStatusOf(created)?.toLowerCase() === 'uploading')
		await markUploadCompleted(context, jobId, itemIndex);
	return jobId;
}

/** Creates a batch job (JSON /v1/transcribe, the SDK's form) and returns its answer with the uploads. */
export async function createBatchJob(
	context: IExecuteFunctions,
	body: IDataObject,
): Promise<IDataObject> {
	return await createJob(context, PATHS.createBatch, body, 0);
}

/** One status check: a finished job ends the wait with its data, a failed one with its error. */
export async function checkJob(
	context: IExecuteFunctions,
	job: PendingJob,
): Promise<CheckOutcome<IDataObject>> {
	const data = await getJob(context, job.jobId, job.itemIndex, false);
	const status = statusOrFail(context, data, job.itemIndex);
	if (status === 'completed') return { done: true, result: data };
	if (status === 'failed' || status === 'canceled')
		throw jobFailedError(context, job.jobId, data, job.itemIndex);
	return { done: false };
}

export function jobFailedError(
	context: ApiContext,
	jobId: string,
	data: IDataObject,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), failureMessage(jobId, data), {
		itemIndex,
		description:
			'See the status for the reason (for example failed_insufficient_credits: top up; failed_upload_size_mismatch: run the node again).',
	});
}

export async function waitForJobs(
	context: IExecuteFunctions,
	jobs: PendingJob[],
	settings: PollSettings,
): Promise<Map<string, PollResult<IDataObject>>> {
	return await pollUntilDone(context, jobs, async (job) => await checkJob(context, job), settings);
}

/** Downloads a finished job's result (its signed result_url) and splits it into per-file results. */
export async function readResult(
	context: IExecuteFunctions | IWebhookFunctions,
	data: IDataObject,
	itemIndex: number,
): Promise<{ files: FileResult[]; raw: unknown }> {
	const jobId = jobIdOf(data) ?? '(unknown)';
	const resultUrl = readText(data.result_url);
	if (!resultUrl) {
		throw new NodeOperationError(
			context.getNode(),
			`TranscribeAPI job ${jobId} has no result yet (status "${rawStatusOf(data) ?? 'unknown'}")`,
			{
				itemIndex,
				description:
					'Wait until the job has finished (Get Job shows its status), then get the result.',
			},
		);
	}
	const raw = await downloadResult(context, resultUrl, itemIndex);
	return { files: splitResult(raw), raw };
}
