import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { outputFields } from '../../../shared/descriptions';
import { transcriptItem } from '../../../shared/output';
import { normalizeTranscript, PATHS, requestObject } from '../../api';
import { readTranscriptId, transcriptIdField } from './transcriptId';

const show = { resource: ['transcript'], operation: ['get'] };

export const description: INodeProperties[] = [
	transcriptIdField(show, 'The stored transcript to get, with its segments'),
	...outputFields(show, { subtitles: true }),
];

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const id = readTranscriptId(this, itemIndex);
	const data = await requestObject(this, {
		method: 'GET',
		path: PATHS.transcript(id),
		account: true,
		itemIndex,
	});
	return [await transcriptItem(this, itemIndex, normalizeTranscript(this, data, itemIndex), data)];
}
