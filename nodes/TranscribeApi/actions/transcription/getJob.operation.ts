import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { jobIdField } from '../../../shared/descriptions';
import { readJobId } from '../../../shared/readers';
import { getJob, mapStatus, rawStatusOf } from '../../api';

const show = { resource: ['transcription'], operation: ['getJob'] };

export const description: INodeProperties[] = [
	jobIdField(show, 'The async or batch job to look up', 'job_123'),
];

/** GET /v1/transcribe/{job_id}: the job as TranscribeAPI describes it, plus its status in the shared words. */
export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const data = await getJob(this, readJobId(this, itemIndex), itemIndex);
	return [{ json: { ...data, state: mapStatus(rawStatusOf(data)) ?? 'unknown' } }];
}
