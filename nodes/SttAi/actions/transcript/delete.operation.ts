import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { accountRequest, PATHS } from '../../api';
import { readTranscriptId, transcriptIdField } from './transcriptId';

const show = { resource: ['transcript'], operation: ['delete'] };

export const description: INodeProperties[] = [
	transcriptIdField(show, 'The stored transcript to delete for good'),
];

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const id = readTranscriptId(this, itemIndex);
	await accountRequest(this, 'DELETE', PATHS.transcript(id), itemIndex);
	return [{ json: { id, deleted: true } }];
}
