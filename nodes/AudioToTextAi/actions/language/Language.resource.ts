import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['language'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the languages AudioToTextAI can transcribe',
				action: 'Get many languages',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
