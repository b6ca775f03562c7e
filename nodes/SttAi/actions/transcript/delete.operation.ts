import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runForEachItem } from '../../../shared/items';
import { PATHS, sttAiRequest } from '../../api';
import { readTranscriptId, transcriptIdField } from './transcriptId';

const show = { resource: ['transcript'], operation: ['delete'] };

export const description: INodeProperties[] = [
	transcriptIdField(show, 'The stored transcript to delete for good'),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const id = readTranscriptId(this, itemIndex);
		await sttAiRequest<unknown>(this, {
			method: 'DELETE',
			path: PATHS.transcript(id),
			account: true,
			itemIndex,
		});
		return [{ json: { id, deleted: true } }];
	});
}
