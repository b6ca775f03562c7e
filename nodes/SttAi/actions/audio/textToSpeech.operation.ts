import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { audioInputFields } from '../../../shared/descriptions';
import { readAudioSource } from '../../../shared/readers';
import { readNumber } from '../../../shared/transcript';
import type { FileStream } from '../../api';
import { PATHS, postAudio } from '../../api';
import { binaryOutputField, fileItem, readBinaryOutputField, readInputText } from '../fields';

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

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const text = readInputText(this, itemIndex, 'speechText', 'Text');
	const source = await readAudioSource(this, itemIndex);
	const property = readBinaryOutputField(this, itemIndex);
	const form = { fields: { text }, fileField: 'reference', source, fileAnswer: true };
	const response = await postAudio<FileStream>(this, PATHS.tts, form, itemIndex);
	const file = { content: response.body, fileName: 'speech.wav', format: 'wav', property };
	const timings = {
		durationSeconds: readNumber(response.headers['x-duration']),
		generationTimeSeconds: readNumber(response.headers['x-generation-time']),
	};
	return [await fileItem(this, file, { after: timings })];
}
