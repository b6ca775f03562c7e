import type { INodeProperties } from 'n8n-workflow';

import * as deleteJob from './delete.operation';
import * as getStatus from './getStatus.operation';
import * as transcribe from './transcribe.operation';
import * as transcribeOpenAi from './transcribeOpenAi.operation';

export { deleteJob as delete, getStatus, transcribe, transcribeOpenAi };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transcription'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a job with its audio and transcript',
				action: 'Delete a transcription',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				description: 'Check a job and get its transcript when it is done',
				action: 'Get the status of a transcription',
			},
			{
				name: 'Transcribe',
				value: 'transcribe',
				description: 'Turn an audio or video file into text',
				action: 'Transcribe an audio file',
			},
			{
				name: 'Transcribe (OpenAI-Compatible)',
				value: 'transcribeOpenAi',
				description:
					'Transcribe through the OpenAI-compatible endpoint, with timed segments for subtitles',
				action: 'Transcribe with timed segments',
			},
		],
		default: 'transcribe',
	},
	...transcribe.description,
	...getStatus.description,
	...deleteJob.description,
	...transcribeOpenAi.description,
];
