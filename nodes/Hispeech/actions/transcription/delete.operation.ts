import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { jobIdField } from '../../../shared/descriptions';
import { readJobId } from '../../../shared/readers';
import { readText } from '../../../shared/transcript';
import { deleteJob } from '../../api';

const show = { resource: ['transcription'], operation: ['delete'] };

export const description: INodeProperties[] = [
	jobIdField(show, 'The job whose audio and transcript Hispeech should delete'),
];

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const jobId = readJobId(this, itemIndex);
	const data = await deleteJob(this, jobId, itemIndex);
	return [{ json: { jobId, deleted: true, message: readText(data.message) } }];
}
