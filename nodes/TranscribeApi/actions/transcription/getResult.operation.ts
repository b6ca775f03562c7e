import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { jobIdField, outputFields } from '../../../shared/descriptions';
import { readJobId, readOutputSettings } from '../../../shared/readers';
import { runForEachItem } from '../../../shared/items';
import { failureMessage, getJob, statusOrFail } from '../../api';
import { readResult } from '../../jobs';
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
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const jobId = readJobId(this, itemIndex);
		const job = await getJob(this, jobId, itemIndex);
		const state = statusOrFail(this, job, itemIndex);
		if (state === 'failed' || state === 'canceled') {
			throw new NodeOperationError(this.getNode(), failureMessage(jobId, job), { itemIndex });
		}
		const { files, raw } = await readResult(this, job, itemIndex);
		const output: INodeExecutionData[] = [];
		for (const file of files) {
			// With Continue On Fail, one failed file of a batch does not hide the others.
			if (file.error !== null && files.length > 1 && this.continueOnFail()) {
				output.push({
					json: {
						error: `File ${file.referenceId ?? '?'} failed: ${file.error}`,
						referenceId: file.referenceId,
					},
				});
				continue;
			}
			const item = await finishedTranscriptItem(
				this,
				itemIndex,
				jobId,
				file,
				files.length > 1 ? file.body : raw,
				readOutputSettings(this, itemIndex),
			);
			if (file.referenceId) item.json.referenceId = file.referenceId;
			output.push(item);
		}
		return output;
	});
}
