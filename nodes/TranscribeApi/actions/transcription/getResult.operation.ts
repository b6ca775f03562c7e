import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { jobIdField, outputFields } from '../../../shared/descriptions';
import { readJobId, readOutputSettings } from '../../../shared/readers';
import { failureMessage, getJob, statusOrFail } from '../../api';
import type { FileResult } from '../../result';
import { readResult } from '../../result';
import type { JobResult } from './output';
import { finishedTranscriptItem } from './output';

const show = { resource: ['transcription'], operation: ['getResult'] };

export const description: INodeProperties[] = [
	jobIdField(show, 'The finished job whose transcript to download', 'job_123'),
	...outputFields(show, { subtitles: true }),
];

/**
 * Looks the job up, downloads its result_url, and returns one item per file: a batch job gives one
 * item per file (failed files as errors under Continue On Fail), a big-file job gives one item.
 */
export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const jobId = readJobId(this, itemIndex);
	const job = await getJob(this, jobId, itemIndex);
	const state = statusOrFail(this, job, itemIndex);
	if (state === 'failed' || state === 'canceled') {
		throw new NodeOperationError(this.getNode(), failureMessage(this, jobId, job), { itemIndex });
	}
	const result: JobResult = { jobId, ...(await readResult(this, job, itemIndex)) };
	const output: INodeExecutionData[] = [];
	for (const file of result.files) output.push(await fileOutput(this, itemIndex, result, file));
	return output;
}

/** One file of the result; with Continue On Fail, one failed file of a batch does not hide the others. */
async function fileOutput(
	context: IExecuteFunctions,
	itemIndex: number,
	{ jobId, files, raw }: JobResult,
	file: FileResult,
): Promise<INodeExecutionData> {
	const isBatch = files.length > 1;
	if (file.error !== null && isBatch && context.continueOnFail()) {
		return {
			json: {
				error: `File ${file.referenceId ?? '?'} failed: ${file.error}`,
				referenceId: file.referenceId,
			},
		};
	}
	const settings = readOutputSettings(context, itemIndex);
	const body = isBatch ? file.body : raw;
	const item = await finishedTranscriptItem(context, itemIndex, jobId, file, body, settings);
	if (file.referenceId) item.json.referenceId = file.referenceId;
	return item;
}
