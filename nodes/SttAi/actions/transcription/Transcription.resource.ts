import type { INodeProperties } from 'n8n-workflow';

import * as transcribe from './transcribe.operation';

export { transcribe };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transcription'] } },
		options: [
			{
				name: 'Transcribe',
				value: 'transcribe',
				description: 'Turn an audio or video file into text, with speakers and timings',
				action: 'Transcribe an audio file',
			},
		],
		default: 'transcribe',
	},
	...transcribe.description,
];
