import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkOutcome } from '../shared/answers';
import type { CheckOutcome, PendingJob } from '../shared/polling';
import { apiRequest } from '../shared/transport';
import type { UploadSource } from '../shared/upload';
import {
	asObject,
	getJob,
	jobFailedError,
	jobIdOf,
	markUploadCompleted,
	PATHS,
	rawStatusOf,
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

/** A big-file job (the documented route), from a stored file or a URL: its ID and the creation answer. */
async function createBigFileJob(
	context: IExecuteFunctions,
	file: IDataObject,
	fields: IDataObject,
	itemIndex: number,
): Promise<{ jobId: string; created: IDataObject }> {
	const body = { type: 'big_file', ...file, ...fields };
	const created = await createJob(context, PATHS.createJob, body, itemIndex);
	return { jobId: jobIdOf(created)!, created };
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
	const { jobId, created } = await createBigFileJob(
		context,
		{ size_bytes: source.size, content_type: source.mimeType },
		fields,
		itemIndex,
	);
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
	const { jobId, created } = await createBigFileJob(
		context,
		{ source: { type: 'url', url } },
		fields,
		itemIndex,
	);
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
	return checkOutcome(statusOrFail(context, data, job.itemIndex), data, () =>
		jobFailedError(context, job.jobId, data, job.itemIndex),
	);
}
