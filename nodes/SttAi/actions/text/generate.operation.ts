import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { firstPresent } from '../../../shared/transcript';
import { PATHS } from '../../api';
import { simplifyField, textField } from '../fields';
import type { TextAnswer } from './ask';
import { askText } from './ask';

const show = { resource: ['text'], operation: ['generate'] };

export const description: INodeProperties[] = [
	textField(
		show,
		'The transcript to write from. Defaults to the transcript from the previous node.',
	),
	{
		displayName: 'Type',
		name: 'type',
		type: 'options',
		options: [
			{ name: 'Blog Post', value: 'blog_post' },
			{ name: 'Chapter Markers', value: 'chapter_markers' },
			{ name: 'Flashcards', value: 'flashcards' },
			{ name: 'Key Quotes', value: 'key_quotes' },
			{ name: 'Meeting Notes', value: 'meeting_notes' },
			{ name: 'Newsletter', value: 'newsletter' },
			{ name: 'Quiz', value: 'quiz' },
			{ name: 'Show Notes', value: 'show_notes' },
			{ name: 'Social Media', value: 'social_media' },
			{ name: 'Study Guide', value: 'study_guide' },
		],
		default: 'meeting_notes',
		displayOptions: { show },
	},
	simplifyField(show, 'The generated content and its type: { type, content, model }'),
];

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const answer = await askText(this, itemIndex, PATHS.generate, 'type', description);
	if (answer.raw) return [{ json: answer.data }];
	const content = contentOf(this, answer, itemIndex);
	return [{ json: { type: answer.kind, content, model: answer.model } }];
}

/** The docs show no answer: the content is read from the likely fields. */
function contentOf(
	context: IExecuteFunctions,
	{ data, asked }: TextAnswer,
	itemIndex: number,
): IDataObject[string] {
	const keys = ['content', 'result', 'generated_text', 'output', asked, 'text'];
	const content = firstPresent(data, keys);
	if (content === undefined) {
		throw new NodeOperationError(context.getNode(), 'STT.ai answered without generated content', {
			itemIndex,
			description: `Received fields: ${Object.keys(data).join(', ') || 'none'}. Use Raw output to see the answer.`,
		});
	}
	return content as IDataObject[string];
}
