import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as create from './create.operation';
import * as get from './get.operation';

export { cancel, create, get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['job'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Cancel a job that is still pending',
				action: 'Cancel a job',
			},
			{
				name: 'Create',
				value: 'create',
				description: 'Transcribe an audio or video file from a URL or a binary file',
				action: 'Create a transcription job',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a job with its transcript, or its subtitles as SRT or VTT',
				action: 'Get a job',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...cancel.description,
];
