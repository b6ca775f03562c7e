import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readListedOption } from '../../../shared/parameters';
import type { FileStream } from '../../api';
import { accountRequest, PATHS } from '../../api';
import { binaryOutputField, fileItem, readBinaryOutputField } from '../fields';
import { readTranscriptId, transcriptIdField } from './transcriptId';

const show = { resource: ['transcript'], operation: ['export'] };

export const description: INodeProperties[] = [
	transcriptIdField(show, 'The stored transcript to export'),
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: [
			{ name: 'CSV', value: 'csv' },
			{ name: 'JSON', value: 'json' },
			{ name: 'PDF', value: 'pdf' },
			{ name: 'Plain Text', value: 'txt' },
			{ name: 'SRT Subtitles', value: 'srt' },
			{ name: 'VTT Subtitles', value: 'vtt' },
			{ name: 'Word Document', value: 'docx' },
		],
		default: 'txt',
		displayOptions: { show },
	},
	binaryOutputField(show, 'exported file'),
];

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const id = readTranscriptId(this, itemIndex);
	// The format goes into the URL path: only the listed ones.
	const format = readListedOption(this, itemIndex, description, 'format');
	const property = readBinaryOutputField(this, itemIndex);
	const path = PATHS.exportFile(id, format);
	const stream = { streamResponse: true };
	const response = await accountRequest<FileStream>(this, 'GET', path, itemIndex, stream);
	const file = { content: response.body, fileName: `transcript-${id}.${format}`, format, property };
	return [await fileItem(this, file, { before: { id, format } })];
}
