import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { jobIdField, outputFields } from '../../../shared/descriptions';
import { transcriptItem } from '../../../shared/output';
import { readJobId } from '../../../shared/readers';
import { readBoolean } from '../../../shared/parameters';
import { getTranscription, normalizeTranscription } from '../../api';

const show = { resource: ['transcription'], operation: ['get'] };
const SEGMENTS = { name: 'segments', displayName: 'Include Segments' };

export const description: INodeProperties[] = [
	jobIdField(
		show,
		'The transcription to get, e.g. from Transcribe run with "Don\'t Wait"',
		'550e8400-e29b-41d4-a716-446655440000',
	),
	{
		displayName: 'Include Segments',
		name: 'segments',
		type: 'boolean',
		default: true,
		description: 'Whether to include the timed segments (needed for subtitles)',
		displayOptions: { show },
	},
	...outputFields(show, { subtitles: true }),
];

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const jobId = readJobId(this, itemIndex);
	const segments = readBoolean(this, itemIndex, SEGMENTS, true);
	const data = await getTranscription(this, jobId, itemIndex, { segments });
	const normalized = normalizeTranscription(this, data, itemIndex);
	return [await transcriptItem(this, itemIndex, normalized, data)];
}
