import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { jobIdField } from '../../../shared/descriptions';
import { readJobId } from '../../../shared/readers';
import { cancelJob } from '../../api';

const show = { resource: ['job'], operation: ['cancel'] };

export const description: INodeProperties[] = [
	jobIdField(
		show,
		'The job to cancel. Only PENDING jobs can be canceled.',
		'00000000-1111-7222-b333-444444444444-sic',
	),
];

/** Cancels a job that has not started; Speech is Cheap answers "OK". */
export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const jobId = readJobId(this, itemIndex, 'Create');
	const message = await cancelJob(this, jobId, itemIndex);
	return [{ json: { jobId, canceled: true, message: message.trim() } }];
}
