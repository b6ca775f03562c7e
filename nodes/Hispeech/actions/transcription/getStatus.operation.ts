import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { jobIdField, outputFields } from '../../../shared/descriptions';
import { transcriptItem } from '../../../shared/output';
import { readJobId } from '../../../shared/readers';
import { getStatus, normalizeJob } from '../../api';

const show = { resource: ['transcription'], operation: ['getStatus'] };

export const description: INodeProperties[] = [
	jobIdField(
		show,
		'The job to check. A secure-mode result can be read only once: this read consumes it.',
	),
	...outputFields(show, { subtitles: false }),
];

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const jobId = readJobId(this, itemIndex);
	const data = await getStatus(this, jobId, itemIndex);
	return [await transcriptItem(this, itemIndex, normalizeJob(this, data, itemIndex), data)];
}
