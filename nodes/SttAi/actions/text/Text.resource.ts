import type { INodeProperties } from 'n8n-workflow';

import * as analyze from './analyze.operation';
import * as embed from './embed.operation';
import * as generate from './generate.operation';
import * as summarize from './summarize.operation';
import * as translate from './translate.operation';

export { analyze, embed, generate, summarize, translate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['text'] } },
		options: [
			{
				name: 'Analyze',
				value: 'analyze',
				description:
					'Find sentiment, topics, entities, action items or questions, or redact personal data',
				action: 'Analyze a text',
			},
			{
				name: 'Embed',
				value: 'embed',
				description: 'Turn texts into 384-dimensional vectors for semantic search',
				action: 'Embed a text',
			},
			{
				name: 'Generate',
				value: 'generate',
				description:
					'Write meeting notes, blog posts, show notes, quizzes and more from a transcript',
				action: 'Generate content from a text',
			},
			{
				name: 'Summarize',
				value: 'summarize',
				description: 'Summarize a transcript or any text',
				action: 'Summarize a text',
			},
			{
				name: 'Translate',
				value: 'translate',
				description: 'Translate a text, or the texts of all items in one request',
				action: 'Translate a text',
			},
		],
		default: 'summarize',
	},
	...summarize.description,
	...translate.description,
	...analyze.description,
	...generate.description,
	...embed.description,
];
