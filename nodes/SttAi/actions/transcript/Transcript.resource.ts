import type { INodeProperties } from 'n8n-workflow';

import * as chat from './chat.operation';
import * as deleteTranscript from './delete.operation';
import * as exportTranscript from './export.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { chat, deleteTranscript as delete, exportTranscript as export, get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transcript'] } },
		options: [
			{
				name: 'Chat',
				value: 'chat',
				description: 'Ask a question about a stored transcript',
				action: 'Chat about a transcript',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a stored transcript',
				action: 'Delete a transcript',
			},
			{
				name: 'Export',
				value: 'export',
				description: 'Download a stored transcript as TXT, SRT, VTT, JSON, CSV, DOCX or PDF',
				action: 'Export a transcript',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a stored transcript with its segments',
				action: 'Get a transcript',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the transcripts stored in your STT.ai account',
				action: 'Get many transcripts',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...get.description,
	...deleteTranscript.description,
	...exportTranscript.description,
	...chat.description,
];
