import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OutputSettings } from '../../../shared/readers';
import { buildTranscriptItem, transcriptItem } from '../../../shared/output';
import type { FileResult } from '../../result';
import { normalizeTranscript } from '../../api';

/** One file of a finished job as an output item; a failed file becomes this item's error. */
export async function finishedTranscriptItem(
	context: IExecuteFunctions | IWebhookFunctions,
	itemIndex: number,
	jobId: string,
	file: FileResult | undefined,
	raw: unknown,
	settings: OutputSettings,
): Promise<INodeExecutionData> {
	if (!file) {
		throw new NodeOperationError(
			context.getNode(),
			`The result of TranscribeAPI job ${jobId} holds no transcript`,
			{
				itemIndex,
				description: 'Use Get Result with Raw output to see what TranscribeAPI returned.',
			},
		);
	}
	if (file.error !== null) {
		const name = file.referenceId ? `File ${file.referenceId}` : 'The file';
		throw new NodeOperationError(
			context.getNode(),
			`${name} of TranscribeAPI job ${jobId} failed: ${file.error}`,
			{
				itemIndex,
				description:
					'Check that the file is a supported audio format (mp3, mpeg, mpga, m4a, wav or webm) and not empty.',
			},
		);
	}
	return await buildTranscriptItem(context, settings, normalizeTranscript(file.body, jobId), raw);
}

/** A finished job's result, split into files (see `readResult`). */
export interface JobResult {
	jobId: string;
	files: FileResult[];
	raw: unknown;
}

/** The output of the one item a job served: the job's (only) file. */
export async function singleFileItem(
	context: IExecuteFunctions | IWebhookFunctions,
	itemIndex: number,
	result: JobResult,
	settings: OutputSettings,
): Promise<INodeExecutionData> {
	const { jobId, files, raw } = result;
	return await finishedTranscriptItem(context, itemIndex, jobId, files[0], raw, settings);
}

/** Builds the output of the item that sent the file `referenceId` of a batch job. */
export type BatchFileItem = (
	context: IExecuteFunctions | IWebhookFunctions,
	itemIndex: number,
	referenceId: string,
	settings: OutputSettings,
) => Promise<INodeExecutionData>;

/** Gives each item of a batch job its own file of the result, by reference ID. */
export function batchFileItems(result: JobResult, referenceIds: string[]): BatchFileItem {
	const byReference = matchResults(referenceIds, result.files);
	return async (context, itemIndex, referenceId, settings) => {
		const file = byReference.get(referenceId);
		const body = file?.body ?? result.raw;
		const item = await finishedTranscriptItem(
			context,
			itemIndex,
			result.jobId,
			file,
			body,
			settings,
		);
		item.json.referenceId = referenceId;
		return item;
	};
}

/** Results are matched by reference ID; a result that names no file we sent is matched by position. */
function matchResults(referenceIds: string[], results: FileResult[]): Map<string, FileResult> {
	const byReference = new Map<string, FileResult>();
	const known = new Set(referenceIds);
	const named = results.filter((result) => result.referenceId && known.has(result.referenceId));
	if (named.length > 0) {
		for (const result of named) byReference.set(result.referenceId!, result);
		return byReference;
	}
	if (results.length === referenceIds.length) {
		referenceIds.forEach((referenceId, index) => byReference.set(referenceId, results[index]));
	}
	return byReference;
}

/** A job that is still running ("Don't Wait"): its ID, for Get Job / Get Result later. */
export async function pendingJobItem(
	context: IExecuteFunctions,
	itemIndex: number,
	jobId: string,
	extra: IDataObject = {},
): Promise<INodeExecutionData> {
	return await transcriptItem(
		context,
		itemIndex,
		{
			provider: 'transcribeapi',
			jobId,
			status: 'queued',
			text: null,
			language: null,
			durationSeconds: null,
			segments: [],
		},
		{ job_id: jobId, ...extra },
	);
}
