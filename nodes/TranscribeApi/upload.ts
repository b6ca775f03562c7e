import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ItemRun } from '../shared/items';
import type { PartUrl } from '../shared/parts';
import {
	completeMultipart,
	putWholeFile,
	uploadParts,
	UploadUrlExpiredError,
} from '../shared/parts';
import { readNumber, readText } from '../shared/transcript';
import { apiRequest } from '../shared/transport';
import type { UploadSource } from '../shared/upload';
import { asObject, PATHS, TRANSCRIBE_API } from './api';

/** Where one file of a job must be uploaded: `{ reference_id | file_id, upload }` entries. */
export function uploadsByReference(data: IDataObject): Map<string, IDataObject> {
	const uploads = new Map<string, IDataObject>();
	const list = Array.isArray(data.uploads) ? (data.uploads as IDataObject[]) : [];
	for (const entry of list) {
		const reference = readText(entry.reference_id) ?? readText(entry.file_id);
		const upload = (entry.upload ?? entry) as IDataObject;
		if (reference) uploads.set(reference, upload);
	}
	// A big-file answer may carry one `upload` object instead of a list.
	if (uploads.size === 0 && data.upload && typeof data.upload === 'object')
		uploads.set('', data.upload as IDataObject);
	return uploads;
}

function partUrls(upload: IDataObject): PartUrl[] {
	const parts = Array.isArray(upload.parts) ? (upload.parts as IDataObject[]) : [];
	return parts
		.map((part) => ({
			partNumber: readNumber(part.part_number) ?? 0,
			url: readText(part.url) ?? '',
		}))
		.filter((part) => part.partNumber > 0 && part.url !== '');
}

/**
 * Uploads one file following TranscribeAPI's instructions: a single signed PUT, or a multipart
 * upload (parts in parallel, each retried; fresh URLs from resume-upload when parts keep failing,
 * keeping the parts already stored), completed with the S3-style part list. Upload URLs are valid
 * for one hour: a PUT whose URL has expired is sent once more on fresh instructions, from
 * `freshInstructions` (a batch: upload-urls) or else from resume-upload.
 */
export async function uploadFile(
	context: IExecuteFunctions,
	jobId: string,
	source: UploadSource,
	upload: IDataObject,
	itemIndex: number,
	freshInstructions?: () => Promise<IDataObject>,
): Promise<void> {
	try {
		await uploadAsInstructed(context, jobId, source, upload, itemIndex);
	} catch (error) {
		// Anything else is already the node's own error (NodeApiError or NodeOperationError).
		if (!(error instanceof UploadUrlExpiredError) || uploadType(upload) !== 'put')
			throw error as NodeOperationError;
		const fresh = freshInstructions
			? await freshInstructions()
			: await resumeUpload(context, jobId, upload, itemIndex);
		await uploadAsInstructed(context, jobId, source, fresh, itemIndex);
	}
}

function uploadType(upload: IDataObject): string {
	return (readText(upload.type) ?? (upload.parts ? 'multipart' : 'put')).toLowerCase();
}

async function uploadAsInstructed(
	context: IExecuteFunctions,
	jobId: string,
	source: UploadSource,
	upload: IDataObject,
	itemIndex: number,
): Promise<void> {
	const type = uploadType(upload);
	const label = `Uploading "${source.fileName}" to TranscribeAPI`;
	if (type === 'put') {
		const url = readText(upload.url);
		if (!url) throw badInstructions(context, itemIndex, 'a PUT upload without a URL');
		await putWholeFile(context, source, url, (upload.headers as IDataObject) ?? {}, {
			itemIndex,
			label,
		});
		return;
	}
	if (type !== 'multipart')
		throw badInstructions(context, itemIndex, `an unknown upload type "${type}"`);

	const partSize = readNumber(upload.part_size);
	const plannedCompleteUrl = readText(upload.complete_url);
	const parts = partUrls(upload);
	if (!partSize || partSize <= 0 || !plannedCompleteUrl || parts.length === 0) {
		throw badInstructions(
			context,
			itemIndex,
			'a multipart upload without part size, part URLs or completion URL',
		);
	}
	let completeUrl = plannedCompleteUrl;
	const uploaded = await uploadParts(
		context,
		source,
		{ partSize, parts },
		{
			itemIndex,
			label,
			refreshUrls: async () => {
				const fresh = await resumeUpload(context, jobId, upload, itemIndex);
				// The completion URL expires with the part URLs: complete on the fresh one.
				completeUrl = readText(fresh.complete_url) ?? completeUrl;
				return partUrls(fresh);
			},
		},
	);
	await completeMultipart(context, completeUrl, uploaded, { itemIndex, label });
}

/** POST /v1/jobs/{id}/resume-upload: fresh part URLs for an active multipart upload. */
async function resumeUpload(
	context: IExecuteFunctions,
	jobId: string,
	upload: IDataObject,
	itemIndex: number,
): Promise<IDataObject> {
	const response = await apiRequest<unknown>(context, TRANSCRIBE_API, {
		method: 'POST',
		path: PATHS.resumeUpload(jobId),
		body: { upload_id: upload.upload_id, key: upload.key },
		idempotent: true,
		itemIndex,
	});
	const data = asObject(context, response.body, itemIndex);
	return (data.upload && typeof data.upload === 'object' ? data.upload : data) as IDataObject;
}

/**
 * POST /v1/jobs/{id}/upload-urls: the batch's upload instructions again, with fresh URLs, for the
 * file with this reference ID. The docs show one answer `{ job_id, uploads }`; a `next_offset`
 * (inferred: a long batch may be paged) is followed.
 */
export async function freshBatchUpload(
	context: IExecuteFunctions,
	jobId: string,
	reference: string,
	itemIndex: number,
): Promise<IDataObject> {
	let body: IDataObject = {};
	for (let page = 0; page < MAX_UPLOAD_URL_PAGES; page++) {
		const response = await apiRequest<unknown>(context, TRANSCRIBE_API, {
			method: 'POST',
			path: PATHS.uploadUrls(jobId),
			body,
			idempotent: true,
			itemIndex,
		});
		const data = asObject(context, response.body, itemIndex);
		const upload = uploadsByReference(data).get(reference);
		if (upload) return upload;
		const next = readNumber(data.next_offset);
		if (next === null) break;
		body = { offset: next };
	}
	throw badInstructions(context, itemIndex, `no fresh upload URL for ${reference} of job ${jobId}`);
}

/** A batch holds at most 10,000 files; no answer should need more pages than that. */
const MAX_UPLOAD_URL_PAGES = 10_000;

function badInstructions(
	context: IExecuteFunctions,
	itemIndex: number,
	what: string,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), `TranscribeAPI sent ${what}`, {
		itemIndex,
		description:
			'The upload cannot continue. Run the node again; if it persists, report it to the package maintainers.',
	});
}

/** Files of a batch uploaded at the same time (each multipart file also sends its parts in parallel). */
const FILE_CONCURRENCY = 3;

/** One input item's file in a batch job. */
export interface BatchUpload {
	itemIndex: number;
	referenceId: string;
	/** The stored file to upload; none for a URL, which TranscribeAPI imports itself. */
	source?: UploadSource;
}

/**
 * Uploads the batch's files, a few at a time, as the job's answer instructs. A file that cannot be
 * uploaded fails its own item.
 */
export async function uploadBatchFiles(
	context: IExecuteFunctions,
	run: ItemRun,
	jobId: string,
	created: IDataObject,
	files: BatchUpload[],
): Promise<void> {
	const uploads = uploadsByReference(created);
	const toUpload = files.filter((file) => file.source);
	for (let start = 0; start < toUpload.length; start += FILE_CONCURRENCY) {
		await Promise.all(
			toUpload.slice(start, start + FILE_CONCURRENCY).map(async (file) => {
				try {
					await uploadBatchFile(context, jobId, uploads.get(file.referenceId), file);
				} catch (error) {
					// Continue On Fail: only this file's item fails (the other files go into a new job).
					run.stopOrFail(file.itemIndex, error);
				}
			}),
		);
	}
}

/** One file of a batch; an expired upload URL is replaced through upload-urls (the docs' route for batch uploads). */
async function uploadBatchFile(
	context: IExecuteFunctions,
	jobId: string,
	upload: IDataObject | undefined,
	{ itemIndex, referenceId, source }: BatchUpload,
): Promise<void> {
	if (!upload) {
		throw new NodeOperationError(
			context.getNode(),
			`TranscribeAPI sent no upload instructions for ${referenceId} of job ${jobId}`,
			{ itemIndex },
		);
	}
	await uploadFile(
		context,
		jobId,
		source!,
		upload,
		itemIndex,
		async () => await freshBatchUpload(context, jobId, referenceId, itemIndex),
	);
}
