import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { audioInputFields } from '../../../shared/descriptions';
import { readAudioSource } from '../../../shared/readers';
import { runForEachItem } from '../../../shared/items';
import { readNumber } from '../../../shared/transcript';
import { multipartBody } from '../../../shared/upload';
import { PATHS, sttAiRequest } from '../../api';
import { binaryOutputField, readInputText, readBinaryOutputField, storeFile } from '../fields';

const show = { resource: ['audio'], operation: ['textToSpeech'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'speechText',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: 'What the cloned voice should say',
		displayOptions: { show },
	},
	{
		displayName:
			'The voice to clone comes from a reference clip of 3 to 10 seconds of clear speech',
		name: 'referenceNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	...audioInputFields(show),
	binaryOutputField(show, 'generated WAV file'),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const text = readInputText(this, itemIndex, 'speechText', 'Text');
		const source = await readAudioSource(this, itemIndex);
		const property = readBinaryOutputField(this, itemIndex);
		const response = await sttAiRequest<AsyncIterable<Uint8Array>>(this, {
			method: 'POST',
			path: PATHS.tts,
			body: async () => await multipartBody({ text }, 'reference', source),
			idempotent: false,
			itemIndex,
			streamResponse: true,
		});
		const fileName = 'speech.wav';
		const binary = await storeFile(this, response.body, fileName, 'wav');
		return [
			{
				json: {
					fileName,
					mimeType: binary.mimeType,
					fileSize: binary.fileSize ?? null,
					durationSeconds: readNumber(response.headers['x-duration']),
					generationTimeSeconds: readNumber(response.headers['x-generation-time']),
				},
				binary: { [property]: binary },
			},
		];
	});
}
