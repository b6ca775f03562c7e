import type { INodeProperties } from 'n8n-workflow';

import * as enhance from './enhance.operation';
import * as textToSpeech from './textToSpeech.operation';

export { enhance, textToSpeech };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['audio'] } },
		options: [
			{
				name: 'Enhance',
				value: 'enhance',
				description: 'Remove noise and normalize a recording; returns a WAV file',
				action: 'Enhance an audio file',
			},
			{
				name: 'Text to Speech',
				value: 'textToSpeech',
				description:
					'Speak a text in a voice cloned from a short reference clip; returns a WAV file',
				action: 'Convert text to speech',
			},
		],
		default: 'enhance',
	},
	...textToSpeech.description,
	...enhance.description,
];
