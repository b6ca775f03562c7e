// A finished job's result document: downloading it from its signed URL, and splitting it into files.
import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readText } from '../shared/transcript';
import { apiRequest } from '../shared/transport';
import {
	jobFailedError,
	jobIdOf,
	mapStatus,
	rawStatusOf,
	statusOrFail,
	TRANSCRIBE_API,
} from './api';

/** One file's outcome inside a job result. */
export interface FileResult {
	referenceId: string | null;
	error: string | null;
	body: unknown;
}

/**
 * Splits a job result into per-file results. Nothing public fixes the result document's shape,
 * so this accepts a single transcript, an array of files, or an object holding one under
 * `files`, `results` or `items`; a file may carry its transcript inline or under `result` /
 * `transcript`, and fails when it has a failed status or an error.
 */
export function splitResult(body: unknown): FileResult[] {
	const list = Array.isArray(body)
		? body
		: ['files', 'results', 'items']
				.map((key) => (body as IDataObject | undefined)?.[key])
				.find(
					(value) =>
						Array.isArray(value) && value.some((entry) => entry && typeof entry === 'object'),
				);
	if (!Array.isArray(list) || (Array.isArray(body) && !isFileList(list))) {
		return [{ referenceId: null, error: null, body }];
	}
	return (list as IDataObject[]).map((file) => {
		const referenceId = readText(file.reference_id) ?? readText(file.file_id) ?? readText(file.id);
		const status = readText(file.status) ?? '';
		const errorValue = file.error as unknown;
		const errorText =
			typeof errorValue === 'string'
				? errorValue
				: errorValue && typeof errorValue === 'object'
					? (readText((errorValue as IDataObject).message) ??
						readText((errorValue as IDataObject).code))
					: null;
		const failed = mapStatus(status) === 'failed' || (errorText !== null && errorText !== '');
		const inner = file.result ?? file.transcript ?? file.transcription;
		return {
			referenceId,
			error: failed ? (errorText ?? `status "${status}"`) : null,
			body: inner ?? file,
		};
	});
}

/** A bare array of segments (the `exclude` quirk) is not a list of files. */
function isFileList(list: unknown[]): boolean {
	return list.some(
		(entry) =>
			entry &&
			typeof entry === 'object' &&
			['reference_id', 'file_id', 'result', 'transcript', 'error', 'status'].some(
				(key) => key in (entry as IDataObject),
			),
	);
}

/** Downloads a signed result URL. It carries its own signature, so no API key is sent with it. */
export async function downloadResult(
	context: IExecuteFunctions | IWebhookFunctions,
	resultUrl: string,
	itemIndex: number,
): Promise<unknown> {
	// The signed URL is complete as given (no credential): it goes through the shared transport as
	// its own address, so a dropped connection or a 5xx is retried like any other read.
	const response = await apiRequest<unknown>(context, TRANSCRIBE_API, {
		method: 'GET',
		baseUrl: '',
		path: resultUrl,
		authenticate: false,
		itemIndex,
	}).catch(
		async (error: unknown) => await Promise.reject(resultDownloadError(context, error, itemIndex)),
	);
	return typeof response.body === 'string' ? parseMaybeJson(response.body) : response.body;
}

function resultDownloadError(
	context: IExecuteFunctions | IWebhookFunctions,
	error: unknown,
	itemIndex: number,
): NodeOperationError {
	const httpCode = (error as { httpCode?: string | null }).httpCode;
	const reason = httpCode
		? `HTTP ${httpCode}${httpCode === '403' ? ' (the signed URL may have expired: result URLs are valid for 7 days)' : ''}`
		: (error as Error).message;
	return new NodeOperationError(
		context.getNode(),
		`Could not download the TranscribeAPI result: ${reason}`,
		{
			itemIndex,
			description: 'Run Get Job to get a fresh result URL, then Get Result again.',
		},
	);
}

function parseMaybeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
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

/** A job a callback reported as ended: its result when it completed, else the error it ended with. */
export async function readFinishedResult(
	context: IWebhookFunctions,
	jobId: string,
	data: IDataObject,
	itemIndex: number,
): Promise<{ files: FileResult[]; raw: unknown }> {
	if (statusOrFail(context, data, itemIndex) !== 'completed')
		throw jobFailedError(context, jobId, data, itemIndex);
	return await readResult(context, data, itemIndex);
}
