import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { audioInputFields } from '../../../shared/descriptions';
import { readAudioSource } from '../../../shared/readers';
import type { FileStream } from '../../api';
import { PATHS, postAudio } from '../../api';
import { baseName, binaryOutputField, fileItem, readBinaryOutputField } from '../fields';

const show = { resource: ['audio'], operation: ['enhance'] };

export const description: INodeProperties[] = [
	...audioInputFields(show),
	binaryOutputField(show, 'enhanced WAV file'),
];

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const source = await readAudioSource(this, itemIndex);
	const property = readBinaryOutputField(this, itemIndex);
	const form = { fields: {}, fileField: 'file', source, fileAnswer: true };
	const response = await postAudio<FileStream>(this, PATHS.enhance, form, itemIndex);
	const fileName = `${baseName(source.fileName)}-enhanced.wav`;
	const file = { content: response.body, fileName, format: 'wav', property };
	return [await fileItem(this, file, { after: { sourceFileName: source.fileName } })];
}
