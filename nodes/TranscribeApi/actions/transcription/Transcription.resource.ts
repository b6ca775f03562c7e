import type { INodeProperties } from 'n8n-workflow';

import * as getJob from './getJob.operation';
import * as getResult from './getResult.operation';
import * as transcribe from './transcribe.operation';
import * as transcribeBatch from './transcribeBatch.operation';

export { getJob, getResult, transcribe, transcribeBatch };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transcription'] } },
		options: [
			{
				name: 'Get Job',
				value: 'getJob',
				description: 'Get the status and details of an async or batch job',
				action: 'Get a transcription job',
			},
			{
				name: 'Get Result',
				value: 'getResult',
				description: 'Download the transcript of a finished job (one item per file for batches)',
				action: 'Get the result of a transcription job',
			},
			{
				name: 'Transcribe',
				value: 'transcribe',
				description:
					'Turn an audio file into text; large files go through an async job automatically',
				action: 'Transcribe an audio file',
			},
			{
				name: 'Transcribe Batch',
				value: 'transcribeBatch',
				description: 'Send all input items as one batch job and get one transcript per item',
				action: 'Transcribe a batch of audio files',
			},
		],
		default: 'transcribe',
	},
	...transcribe.description,
	...transcribeBatch.description,
	...getJob.description,
	...getResult.description,
];
