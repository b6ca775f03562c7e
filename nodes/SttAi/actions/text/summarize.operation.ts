import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readText } from '../../../shared/transcript';
import { PATHS } from '../../api';
import { simplifyField, textField } from '../fields';
import { askText } from './ask';

const show = { resource: ['text'], operation: ['summarize'] };

export const description: INodeProperties[] = [
	textField(show, 'The text to summarize. Defaults to the transcript from the previous node.'),
	{
		displayName: 'Style',
		name: 'style',
		type: 'options',
		options: [
			{ name: 'Action Items', value: 'action_items', description: 'The to-dos and who owns them' },
			{ name: 'Brief', value: 'brief', description: 'A short paragraph' },
			{ name: 'Bullet Points', value: 'bullet_points', description: 'The main points as a list' },
			{ name: 'Detailed', value: 'detailed', description: 'A longer summary with the details' },
		],
		default: 'brief',
		displayOptions: { show },
	},
	simplifyField(show, 'The summary, its style and the model: { summary, style, model }'),
];

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const answer = await askText(this, itemIndex, PATHS.summarize, 'style', description);
	if (answer.raw) return [{ json: answer.data }];
	const summary = readText(answer.data.summary);
	return [{ json: { summary, style: answer.kind, model: answer.model } }];
}
