import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { PartUrl } from '../shared/parts';
import { completeMultipart, putWholeFile, uploadParts } from '../shared/parts';
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
 * keeping the parts already stored), completed with the S3-style part list.
 */
export async function uploadFile(
	context: IExecuteFunctions,
	jobId: string,
	source: UploadSource,
	upload: IDataObject,
	itemIndex: number,
): Promise<void> {
	const type = (readText(upload.type) ?? (upload.parts ? 'multipart' : 'put')).toLowerCase();
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
	const completeUrl = readText(upload.complete_url);
	const parts = partUrls(upload);
	if (!partSize || partSize <= 0 || !completeUrl || parts.length === 0) {
		throw badInstructions(
			context,
			itemIndex,
			'a multipart upload without part size, part URLs or completion URL',
		);
	}
	const uploaded = await uploadParts(
		context,
		source,
		{ partSize, parts },
		{
			itemIndex,
			label,
			refreshUrls: async () => partUrls(await resumeUpload(context, jobId, upload, itemIndex)),
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
