import type { INodeProperties } from 'n8n-workflow';

import * as health from './health.operation';
import * as languages from './languages.operation';
import * as models from './models.operation';

export { health, languages, models };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['service'] } },
		options: [
			{
				name: 'Health',
				value: 'health',
				description: 'Check that the API and its GPU are up',
				action: 'Check the service health',
			},
			{
				name: 'Languages',
				value: 'languages',
				description: 'List the languages transcription supports, one item each',
				action: 'List the languages',
			},
			{
				name: 'Models',
				value: 'models',
				description: 'List the transcription models, one item each',
				action: 'List the models',
			},
		],
		default: 'health',
	},
];
