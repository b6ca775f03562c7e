import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as transcribe from './transcribe.operation';

export { get, transcribe };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transcription'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get a transcription with its status, transcript and segments',
				action: 'Get a transcription',
			},
			{
				name: 'Transcribe',
				value: 'transcribe',
				description: 'Transcribe an audio or video file, a URL or a YouTube link',
				action: 'Transcribe audio',
			},
		],
		default: 'transcribe',
	},
	...transcribe.description,
	...get.description,
];
