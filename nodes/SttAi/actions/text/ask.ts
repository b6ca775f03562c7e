import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readListedOption } from '../../../shared/parameters';
import { readText } from '../../../shared/transcript';
import { postText } from '../../api';
import { isRaw, readInputText } from '../fields';

/** What STT.ai answered a text operation (Analyze, Generate, Summarize). */
export interface TextAnswer {
	data: IDataObject;
	/** Raw output: the answer is the item, unchanged. */
	raw: boolean;
	/** The kind of work asked for: the chosen type or style. */
	asked: string;
	/** The kind STT.ai says it did, or else the one asked for. */
	kind: string;
	model: string | null;
}

/**
 * The step the text operations share: the item's text and the kind of work chosen in `choice`
 * ("type" or "style"), sent to STT.ai. What the answer says is the operation's to read.
 */
export async function askText(
	context: IExecuteFunctions,
	itemIndex: number,
	path: string,
	choice: 'type' | 'style',
	description: INodeProperties[],
): Promise<TextAnswer> {
	const text = readInputText(context, itemIndex);
	const asked = readListedOption(context, itemIndex, description, choice);
	const raw = isRaw(context, itemIndex);
	const data = await postText(context, path, { text, [choice]: asked }, itemIndex);
	return { data, raw, asked, kind: readText(data[choice]) ?? asked, model: readText(data.model) };
}
