import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runForEachItem } from '../../../shared/items';
import { readListedOption } from '../../../shared/parameters';
import { readText } from '../../../shared/transcript';
import { PATHS, postText } from '../../api';
import { isRaw, readInputText, simplifyField, textField } from '../fields';

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

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const text = readInputText(this, itemIndex);
		const style = readListedOption(this, itemIndex, description, 'style');
		const raw = isRaw(this, itemIndex);
		const data = await postText(this, PATHS.summarize, { text, style }, itemIndex);
		if (raw) return [{ json: data }];
		return [
			{
				json: {
					summary: readText(data.summary),
					style: readText(data.style) ?? style,
					model: readText(data.model),
				},
			},
		];
	});
}
