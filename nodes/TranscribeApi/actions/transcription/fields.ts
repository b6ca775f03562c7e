import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { audioInputFields, outputFields, waitFields } from '../../../shared/descriptions';
import { readPollSettings } from '../../../shared/readers';
import type { PollSettings } from '../../../shared/polling';
import {
	entry,
	readBoolean,
	readCollection,
	readOption,
	readText,
	readUrl,
} from '../../../shared/parameters';
import { DEFAULT_MODEL, MIN_POLL_SECONDS } from '../../api';
import { LANGUAGES } from '../../languages';

type Show = Record<string, string[]>;

/** Audio input, model, language, waiting and output: the fields Transcribe and Transcribe Batch share. */
export function transcriptionFields(show: Show, maxWaitMinutes: number): INodeProperties[] {
	return [
		...audioInputFields(show),
		{
			displayName: 'Model',
			name: 'model',
			type: 'options',
			options: [
				{
					name: 'Whisper Large V3 Turbo',
					value: 'whisper-large-v3-turbo',
					description: 'The public model for sync, async and batch transcription',
				},
			],
			default: 'whisper-large-v3-turbo',
			displayOptions: { show },
		},
		{
			displayName: 'Language',
			name: 'language',
			type: 'options',
			options: LANGUAGES,
			default: '',
			description: 'The spoken language. Auto-Detect leaves it to TranscribeAPI.',
			displayOptions: { show },
		},
		...waitFields(show, ['poll', 'callback', 'none'], {
			mode: 'poll',
			intervalSeconds: MIN_POLL_SECONDS,
			minIntervalSeconds: MIN_POLL_SECONDS,
			maxWaitMinutes,
			laterOperation: 'Get Job',
		}),
		...outputFields(show, { subtitles: true }),
	];
}

/** Polling limits; TranscribeAPI's SDK checks a job no more often than every 10 seconds. */
export function readTranscribeApiPollSettings(
	context: IExecuteFunctions,
	itemIndex: number,
): PollSettings {
	return readPollSettings(context, itemIndex, {
		providerName: 'TranscribeAPI',
		laterOperation: 'Get Result',
		minIntervalSeconds: MIN_POLL_SECONDS,
	});
}

/** The documented options, in a collection. */
/** The editor's "Add Option" list is alphabetical by display name (as in n8n's own nodes). */
const byDisplayName = (options: INodeProperties[]) =>
	[...options].sort((a, b) => a.displayName.localeCompare(b.displayName));

export function transcriptionOptions(show: Show, extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: byDisplayName([
			{
				displayName: 'Exclude Fields',
				name: 'exclude',
				type: 'multiOptions',
				options: [
					{ name: 'Segments', value: 'segments' },
					{ name: 'Text', value: 'text' },
					{ name: 'VTT', value: 'vtt' },
				],
				default: [],
				description:
					'Transcript fields TranscribeAPI should leave out of its answer, to keep it small. The text is rebuilt from the segments when it is left out.',
			},
			{
				displayName: 'Initial Prompt',
				name: 'initialPrompt',
				type: 'string',
				default: '',
				description: 'Context for names, acronyms, product terms or vocabulary',
			},
			{
				displayName: 'Task',
				name: 'task',
				type: 'options',
				options: [
					{
						name: 'Transcribe',
						value: 'transcribe',
						description: 'Write what is said, in its language',
					},
					{
						name: 'Translate',
						value: 'translate',
						description: 'Translate the speech into English',
					},
				],
				default: 'transcribe',
			},
			{
				displayName: 'VAD Filter',
				name: 'vadFilter',
				type: 'boolean',
				default: false,
				description: 'Whether to filter out sections without speech',
			},
			{
				displayName: 'VTT Granularity',
				name: 'vttGranularity',
				type: 'options',
				options: [
					{ name: 'Sentence', value: 'sentence' },
					{ name: 'Word', value: 'word' },
				],
				default: 'sentence',
				description: 'Whether each VTT cue holds a sentence or a single word',
			},
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/transcribe-webhook',
				description:
					'TranscribeAPI posts a signed notice here when the job finishes (for example the production URL of a TranscribeAPI Trigger). A file with a webhook always goes through an async job.',
			},
			...extra,
		]),
	};
}

export interface TranscriptionRequest {
	model: string;
	language?: string;
	webhookUrl?: string;
	/** Form fields for the sync request (all documented options that are set). */
	syncFields: Record<string, string | undefined>;
	/** Fields for async job requests: only the ones the user set, so the default body is the documented one. */
	jobFields: IDataObject;
	options: IDataObject;
}

export function readTranscriptionRequest(
	context: IExecuteFunctions,
	itemIndex: number,
): TranscriptionRequest {
	// Model and language are catalogues TranscribeAPI may extend: any text passes, its error shows.
	const model =
		readText(context, itemIndex, { name: 'model', displayName: 'Model' }, {}, DEFAULT_MODEL) ||
		DEFAULT_MODEL;
	const language =
		readText(
			context,
			itemIndex,
			{ name: 'language', displayName: 'Language' },
			{ expected: 'a language code such as "en", or empty for Auto-Detect' },
			'',
		) || undefined;
	const options = readCollection(context, itemIndex, { name: 'options', displayName: 'Options' });
	const exclude = readExclude(context, itemIndex, options.exclude);
	const webhookUrl =
		readUrl(context, itemIndex, entry(options, 'webhookUrl', 'Webhook URL')) || undefined;
	const task = entry(options, 'task', 'Task');
	const vad = entry(options, 'vadFilter', 'VAD Filter');
	const granularity = entry(options, 'vttGranularity', 'VTT Granularity');
	// The documented defaults (transcribe, no VAD, sentence cues) are not sent, as before.
	const optional: IDataObject = {
		task: task.present
			? readOption(context, itemIndex, task, ['transcribe', 'translate']) === 'translate'
				? 'translate'
				: undefined
			: undefined,
		vad_filter: vad.present && readBoolean(context, itemIndex, vad) ? true : undefined,
		initial_prompt:
			readText(context, itemIndex, entry(options, 'initialPrompt', 'Initial Prompt'), {
				keepSpaces: true,
			}) || undefined,
		vtt_granularity: granularity.present
			? readOption(context, itemIndex, granularity, ['sentence', 'word']) === 'word'
				? 'word'
				: undefined
			: undefined,
		exclude,
	};
	const syncFields: Record<string, string | undefined> = { model, language };
	for (const [key, value] of Object.entries(optional))
		if (value !== undefined) syncFields[key] = String(value);
	const jobFields: IDataObject = {};
	for (const [key, value] of Object.entries(optional))
		if (value !== undefined) jobFields[key] = value;
	return { model, language, webhookUrl, syncFields, jobFields, options };
}

function readExclude(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): string | undefined {
	if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0))
		return undefined;
	const list = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(',')
			: undefined;
	const fields = list?.map((entry) => String(entry).trim()).filter(Boolean);
	const allowed = ['text', 'vtt', 'segments'];
	const unknown = fields?.filter((field) => !allowed.includes(field)) ?? ['(not a list)'];
	if (!fields || unknown.length > 0) {
		throw new NodeOperationError(
			context.getNode(),
			`Exclude Fields has unknown fields: ${unknown.join(', ')}`,
			{
				itemIndex,
				description: 'Choose from text, vtt and segments.',
			},
		);
	}
	if (fields.length === allowed.length) {
		throw new NodeOperationError(context.getNode(), 'Exclude Fields leaves no transcript at all', {
			itemIndex,
			description: 'Keep at least one of text, vtt or segments.',
		});
	}
	return fields.join(',');
}
