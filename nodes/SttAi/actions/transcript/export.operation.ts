import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runForEachItem } from '../../../shared/items';
import { readListedOption } from '../../../shared/parameters';
import { PATHS, sttAiRequest } from '../../api';
import { binaryOutputField, readBinaryOutputField, storeFile } from '../fields';
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

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const id = readTranscriptId(this, itemIndex);
		// The format goes into the URL path: only the listed ones.
		const format = readListedOption(this, itemIndex, description, 'format');
		const property = readBinaryOutputField(this, itemIndex);
		const response = await sttAiRequest<AsyncIterable<Uint8Array>>(this, {
			method: 'GET',
			path: PATHS.exportFile(id, format),
			account: true,
			itemIndex,
			streamResponse: true,
		});
		const fileName = `transcript-${id}.${format}`;
		const binary = await storeFile(this, response.body, fileName, format);
		return [
			{
				json: {
					id,
					format,
					fileName,
					mimeType: binary.mimeType,
					fileSize: binary.fileSize ?? null,
				},
				binary: { [property]: binary },
			},
		];
	});
}
