import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readNumber } from '../../../shared/transcript';
import { PATHS, postText } from '../../api';
import { readInputText, textField } from '../fields';
import type { BatchEntry } from './batch';
import { runBatched } from './batch';

const show = { resource: ['text'], operation: ['embed'] };

export const description: INodeProperties[] = [
	textField(show, 'The text to embed. The texts of all items go to STT.ai in one request.'),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const prepare = (itemIndex: number) => ({
		itemIndex,
		text: readInputText(this, itemIndex),
		key: 'all',
	});
	return await runBatched(this, items, prepare, async (entries) => await embedAll(this, entries));
}

/** All texts in one request; the vectors come back in their order. */
async function embedAll(
	context: IExecuteFunctions,
	entries: BatchEntry[],
): Promise<INodeExecutionData[]> {
	const texts = entries.map((entry) => entry.text);
	const data = await postText(context, PATHS.embed, { texts }, entries[0].itemIndex);
	const embeddings = data.embeddings;
	if (!Array.isArray(embeddings) || embeddings.length !== texts.length) {
		throw new NodeOperationError(
			context.getNode(),
			`STT.ai answered ${Array.isArray(embeddings) ? embeddings.length : 'no'} embeddings for ${texts.length} texts`,
			{
				itemIndex: entries[0].itemIndex,
				description: 'The vectors cannot be matched to their items: retry.',
			},
		);
	}
	return (embeddings as number[][]).map((embedding, index) => ({
		json: {
			text: texts[index],
			embedding,
			dimensions:
				readNumber(data.dimensions) ?? (Array.isArray(embedding) ? embedding.length : null),
		},
	}));
}
