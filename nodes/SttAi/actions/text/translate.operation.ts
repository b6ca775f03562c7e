import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readBoolean } from '../../../shared/parameters';
import { readText } from '../../../shared/transcript';
import { PATHS, postText } from '../../api';
import { isRaw, readInputText, readLanguageCode, simplifyField, textField } from '../fields';
import type { BatchEntry } from './batch';
import { runBatched } from './batch';

const show = { resource: ['text'], operation: ['translate'] };

export const description: INodeProperties[] = [
	textField(show, 'The text to translate. Defaults to the transcript from the previous node.'),
	{
		displayName: 'Target Language Name or ID',
		name: 'target',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTargetLanguages' },
		default: '',
		required: true,
		description:
			'Language to translate into. STT.ai translates into 450+ languages: give any other code, such as "zu", as an expression. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show },
	},
	{
		displayName: 'Source Language Name or ID',
		name: 'source',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getSourceLanguages' },
		default: '',
		description:
			'Language of the text. Default: STT.ai assumes English. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show },
	},
	{
		displayName: 'Send All Items in One Request',
		name: 'batch',
		type: 'boolean',
		default: false,
		description:
			'Whether to translate the texts of all items in one batch request (items with the same languages are sent together). Each item still gets its own translation.',
		displayOptions: { show },
	},
	simplifyField(
		show,
		'The translation and its languages: { translatedText, sourceLanguage, targetLanguage }',
	),
];

interface Languages {
	target: string;
	source: string | undefined;
}

function readLanguages(context: IExecuteFunctions, itemIndex: number): Languages {
	return {
		target: readLanguageCode(context, itemIndex, 'target', 'Target Language Name or ID')!,
		source: readLanguageCode(context, itemIndex, 'source', 'Source Language Name or ID', true),
	};
}

function toItem(
	context: IExecuteFunctions,
	itemIndex: number,
	data: IDataObject,
	languages: Languages,
): INodeExecutionData {
	if (isRaw(context, itemIndex)) return { json: data };
	return {
		json: {
			translatedText:
				readText(data.translated_text) ?? readText(data.translation) ?? readText(data.text),
			sourceLanguage: readText(data.source_language) ?? languages.source ?? null,
			targetLanguage: readText(data.target_language) ?? languages.target,
		},
	};
}

/** One item's request: its text and languages, and (in its key) whether it joins a batch. */
interface Translation extends BatchEntry {
	languages: Languages;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const prepare = (itemIndex: number) => readTranslation(this, itemIndex);
	return await runBatched(this, items, prepare, async (entries) => {
		if (entries.length === 1 && !entries[0].key.startsWith('batch|'))
			return [await translateOne(this, entries[0])];
		return await translateMany(this, entries);
	});
}

/** Each item says whether it joins a batch request; an item that does not is sent alone. */
function readTranslation(context: IExecuteFunctions, itemIndex: number): Translation {
	const text = readInputText(context, itemIndex);
	const languages = readLanguages(context, itemIndex);
	const batch = readBoolean(
		context,
		itemIndex,
		{ name: 'batch', displayName: 'Send All Items in One Request' },
		false,
	);
	isRaw(context, itemIndex); // checked before anything is sent
	const key = batch ? `batch|${languages.target}|${languages.source ?? ''}` : `item|${itemIndex}`;
	return { itemIndex, text, key, languages };
}

async function translateOne(
	context: IExecuteFunctions,
	{ itemIndex, text, languages }: Translation,
): Promise<INodeExecutionData> {
	const data = await postText(context, PATHS.translate, { text, ...languages }, itemIndex);
	return toItem(context, itemIndex, data, languages);
}

/** Items with the same languages, in one request: its translations come back in their order. */
async function translateMany(
	context: IExecuteFunctions,
	entries: Translation[],
): Promise<INodeExecutionData[]> {
	const first = entries[0].itemIndex;
	const languages = entries[0].languages;
	const texts = entries.map((entry) => entry.text);
	const data = await postText(context, PATHS.translate, { texts, ...languages }, first);
	const translations = data.translations;
	if (!Array.isArray(translations) || translations.length !== texts.length) {
		throw new NodeOperationError(
			context.getNode(),
			`STT.ai answered ${Array.isArray(translations) ? translations.length : 'no'} translations for ${texts.length} texts`,
			{
				itemIndex: first,
				description:
					'The translations cannot be matched to their items. Turn off "Send All Items in One Request" and retry.',
			},
		);
	}
	return (translations as unknown[]).map((translation, index) => {
		const entry =
			typeof translation === 'string'
				? { translated_text: translation }
				: (translation as IDataObject);
		return toItem(context, entries[index].itemIndex, entry, languages);
	});
}
