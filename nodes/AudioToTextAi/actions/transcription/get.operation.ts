import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { jobIdField, outputFields } from '../../../shared/descriptions';
import { transcriptItem } from '../../../shared/output';
import { readJobId } from '../../../shared/readers';
import { runForEachItem } from '../../../shared/items';
import { readBoolean } from '../../../shared/parameters';
import { getTranscription, normalizeTranscription } from '../../api';

const show = { resource: ['transcription'], operation: ['get'] };

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

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const jobId = readJobId(this, itemIndex);
		const segments = readBoolean(
			this,
			itemIndex,
			{ name: 'segments', displayName: 'Include Segments' },
			true,
		);
		const data = await getTranscription(this, jobId, itemIndex, { segments });
		return [
			await transcriptItem(this, itemIndex, normalizeTranscription(this, data, itemIndex), data),
		];
	});
}
