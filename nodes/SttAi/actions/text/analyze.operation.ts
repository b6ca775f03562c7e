import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { firstPresent } from '../../../shared/transcript';
import { PATHS } from '../../api';
import { simplifyField, textField } from '../fields';
import type { TextAnswer } from './ask';
import { askText } from './ask';

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

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const answer = await askText(this, itemIndex, PATHS.analyze, 'type', description);
	if (answer.raw) return [{ json: answer.data }];
	return [{ json: { type: answer.kind, result: analysisOf(answer), model: answer.model } }];
}

/** The docs show no answer: the result is read from the likely fields, or is the answer itself. */
function analysisOf({ data, asked }: TextAnswer): IDataObject[string] {
	const rest = Object.fromEntries(
		Object.entries(data).filter(([key]) => !['type', 'model'].includes(key)),
	);
	return (firstPresent(data, ['result', asked, 'analysis', 'redacted_text', 'data']) ??
		rest) as IDataObject[string];
}
