import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readOutputMode } from '../../shared/readers';
import { readFieldName, readText } from '../../shared/parameters';
import type { FileStream } from '../api';
import { FILE_MIME_TYPES } from '../api';

type Show = Record<string, string[]>;

/**
 * The text to work on. It defaults to the "text" of the incoming item, which is where every
 * transcription node of this package puts the transcript: they chain in without an expression.
 */
export function textField(show: Show, description: string): INodeProperties {
	return {
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '={{ $json.text }}',
		required: true,
		description,
		displayOptions: { show },
	};
}

export function readInputText(
	context: IExecuteFunctions,
	itemIndex: number,
	name = 'text',
	label = 'Text',
): string {
	// An object or a list is an error, never sent as "[object Object]".
	const text = readText(context, itemIndex, { name, displayName: label }, { keepSpaces: true }, '');
	if (text.trim() === '') {
		throw new NodeOperationError(context.getNode(), `The "${label}" field is empty`, {
			itemIndex,
			description: `"${label}" defaults to {{ $json.text }}, the transcript of a transcription node. Map the field that holds your text, or type it.`,
		});
	}
	return text;
}

/** A language code such as "es", "pt-BR" or "yue": checked before anything is sent. */
export function readLanguageCode(
	context: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	optional = false,
): string | undefined {
	const value = readText(
		context,
		itemIndex,
		{ name, displayName: label },
		{
			expected: 'a language code such as "en"',
		},
	);
	if (value === '' && optional) return undefined;
	if (!/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/.test(value)) {
		throw new NodeOperationError(
			context.getNode(),
			value === '' ? `The "${label}" is empty` : `"${value}" is not a language code (${label})`,
			{ itemIndex, description: 'Use an ISO 639 code such as "en", "es", "fr" or "zh".' },
		);
	}
	return value;
}

export function simplifyField(show: Show, simplified: string): INodeProperties {
	return {
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'Simplified', value: 'simplified', description: simplified },
			{ name: 'Raw', value: 'raw', description: "STT.ai's own JSON, unchanged" },
		],
		default: 'simplified',
		displayOptions: { show },
	};
}

export function isRaw(context: IExecuteFunctions, itemIndex: number): boolean {
	return readOutputMode(context, itemIndex) === 'raw';
}

/** The output binary field of the operation (named by binaryOutputField). */
export function readBinaryOutputField(
	context: IExecuteFunctions,
	itemIndex: number,
	name = 'binaryOutputProperty',
): string {
	return readFieldName(context, itemIndex, { name, displayName: 'Put Output File in Field' });
}

export function binaryOutputField(
	show: Show,
	what: string,
	name = 'binaryOutputProperty',
	defaultField = 'data',
): INodeProperties {
	return {
		displayName: 'Put Output File in Field',
		name,
		type: 'string',
		default: defaultField,
		required: true,
		hint: `The name of the output binary field for the ${what}`,
		displayOptions: { show },
	};
}

/** Stores a file STT.ai answered with in n8n's binary storage (streams are written as they come). */
export async function storeFile(
	context: IExecuteFunctions,
	content: Buffer | FileStream,
	fileName: string,
	format: string,
): Promise<IBinaryData> {
	const mimeType = FILE_MIME_TYPES[format] ?? 'application/octet-stream';
	type BinaryContent = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];
	return await context.helpers.prepareBinaryData(content as BinaryContent, fileName, mimeType);
}

/** A file STT.ai answered with, and where its output item keeps it. */
export interface SentFile {
	content: Buffer | FileStream;
	fileName: string;
	format: string;
	/** The output binary field. */
	property: string;
}

/**
 * Stores the file and gives its output item: the file in its binary field, and in the JSON its
 * name, type and size, between the operation's own `before` and `after` fields.
 */
export async function fileItem(
	context: IExecuteFunctions,
	file: SentFile,
	fields: { before?: IDataObject; after?: IDataObject },
): Promise<INodeExecutionData> {
	const binary = await storeFile(context, file.content, file.fileName, file.format);
	return {
		json: {
			...fields.before,
			fileName: file.fileName,
			mimeType: binary.mimeType,
			fileSize: binary.fileSize ?? null,
			...fields.after,
		},
		binary: { [file.property]: binary },
	};
}

/** "meeting.mp3" → "meeting": output files are named after their input. */
export function baseName(fileName: string): string {
	const name = fileName.replace(/^.*[\\/]/, '');
	const dot = name.lastIndexOf('.');
	return (dot > 0 ? name.slice(0, dot) : name) || 'audio';
}
