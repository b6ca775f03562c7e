import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runForEachItem } from '../../../shared/items';
import { readListedOption } from '../../../shared/parameters';
import { readText } from '../../../shared/transcript';
import { firstPresent, PATHS, postText } from '../../api';
import { isRaw, readInputText, simplifyField, textField } from '../fields';

const show = { resource: ['text'], operation: ['analyze'] };

export const description: INodeProperties[] = [
	textField(show, 'The text to analyze. Defaults to the transcript from the previous node.'),
	{
		displayName: 'Type',
		name: 'type',
		type: 'options',
		options: [
			{ name: 'Action Items', value: 'action_items' },
			{ name: 'Entities', value: 'entities', description: 'People, organizations, places, dates' },
			{
				name: 'PII Redaction',
				value: 'pii_redact',
				description: 'The text with personal data removed',
			},
			{ name: 'Questions', value: 'questions', description: 'The questions that were asked' },
			{ name: 'Sentiment', value: 'sentiment' },
			{ name: 'Topics', value: 'topics' },
		],
		default: 'sentiment',
		displayOptions: { show },
	},
	simplifyField(show, 'The analysis and its type: { type, result, model }'),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const text = readInputText(this, itemIndex);
		const type = readListedOption(this, itemIndex, description, 'type');
		const raw = isRaw(this, itemIndex);
		const data = await postText(this, PATHS.analyze, { text, type }, itemIndex);
		if (raw) return [{ json: data }];
		// The docs show no answer: the result is read from the likely fields, or is the answer itself.
		const rest = Object.fromEntries(
			Object.entries(data).filter(([key]) => !['type', 'model'].includes(key)),
		);
		const result =
			firstPresent(data, ['result', type, 'analysis', 'redacted_text', 'data']) ?? rest;
		return [
			{
				json: {
					type: readText(data.type) ?? type,
					result: result as string,
					model: readText(data.model),
				},
			},
		];
	});
}
