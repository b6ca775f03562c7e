import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runForEachItem } from '../../../shared/items';
import { readListedOption } from '../../../shared/parameters';
import { readText } from '../../../shared/transcript';
import { firstPresent, PATHS, postText } from '../../api';
import { isRaw, readInputText, simplifyField, textField } from '../fields';

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

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const text = readInputText(this, itemIndex);
		const type = readListedOption(this, itemIndex, description, 'type');
		const raw = isRaw(this, itemIndex);
		const data = await postText(this, PATHS.generate, { text, type }, itemIndex);
		if (raw) return [{ json: data }];
		// The docs show no answer: the content is read from the likely fields.
		const content = firstPresent(data, [
			'content',
			'result',
			'generated_text',
			'output',
			type,
			'text',
		]);
		if (content === undefined) {
			throw new NodeOperationError(this.getNode(), 'STT.ai answered without generated content', {
				itemIndex,
				description: `Received fields: ${Object.keys(data).join(', ') || 'none'}. Use Raw output to see the answer.`,
			});
		}
		return [
			{
				json: {
					type: readText(data.type) ?? type,
					content: content as string,
					model: readText(data.model),
				},
			},
		];
	});
}
