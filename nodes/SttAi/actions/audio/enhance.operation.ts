import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { audioInputFields } from '../../../shared/descriptions';
import { readAudioSource } from '../../../shared/readers';
import { runForEachItem } from '../../../shared/items';
import { multipartBody } from '../../../shared/upload';
import { PATHS, sttAiRequest } from '../../api';
import { baseName, binaryOutputField, readBinaryOutputField, storeFile } from '../fields';

const show = { resource: ['audio'], operation: ['enhance'] };

export const description: INodeProperties[] = [
	...audioInputFields(show),
	binaryOutputField(show, 'enhanced WAV file'),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const source = await readAudioSource(this, itemIndex);
		const property = readBinaryOutputField(this, itemIndex);
		const response = await sttAiRequest<AsyncIterable<Uint8Array>>(this, {
			method: 'POST',
			path: PATHS.enhance,
			body: async () => await multipartBody({}, 'file', source),
			idempotent: false,
			itemIndex,
			streamResponse: true,
		});
		const fileName = `${baseName(source.fileName)}-enhanced.wav`;
		const binary = await storeFile(this, response.body, fileName, 'wav');
		return [
			{
				json: {
					fileName,
					mimeType: binary.mimeType,
					fileSize: binary.fileSize ?? null,
					sourceFileName: source.fileName,
				},
				binary: { [property]: binary },
			},
		];
	});
}
