import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { outputFields } from '../../../shared/descriptions';
import { transcriptItem } from '../../../shared/output';
import { runForEachItem } from '../../../shared/items';
import { asObject, normalizeTranscript, PATHS, sttAiRequest } from '../../api';
import { readTranscriptId, transcriptIdField } from './transcriptId';

const show = { resource: ['transcript'], operation: ['get'] };

export const description: INodeProperties[] = [
	transcriptIdField(show, 'The stored transcript to get, with its segments'),
	...outputFields(show, { subtitles: true }),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const id = readTranscriptId(this, itemIndex);
		const response = await sttAiRequest<unknown>(this, {
			method: 'GET',
			path: PATHS.transcript(id),
			account: true,
			itemIndex,
		});
		const data = asObject(this, response.body, itemIndex);
		return [
			await transcriptItem(this, itemIndex, normalizeTranscript(this, data, itemIndex), data),
		];
	});
}
