import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asObject } from '../../../shared/answers';
import {
	audioInputFields,
	outputFields,
	parallelSubmissionsOption,
} from '../../../shared/descriptions';
import { ItemRun } from '../../../shared/items';
import { submitEach } from '../../../shared/jobs';
import { transcriptItem } from '../../../shared/output';
import { readAudioSource, readOutputSettings } from '../../../shared/readers';
import { readBoolean, readListedOption, readNumber, readText } from '../../../shared/parameters';
import { parseSubtitles } from '../../../shared/subtitles';
import type { NormalizedTranscript } from '../../../shared/transcript';
import type { UploadSource } from '../../../shared/upload';
import type { FileStream } from '../../api';
import { ANSWER, MAX_FILE_BYTES, normalizeTranscript, PATHS, postAudio, readAll } from '../../api';
import { baseName, binaryOutputField, readBinaryOutputField, storeFile } from '../fields';

const show = { resource: ['transcription'], operation: ['transcribe'] };

/** Requests at the same time by default: STT.ai's free tier allows 2 concurrent ones (paid plans 5, anonymous 1). */
const PARALLEL_SUBMISSIONS = 2;

export const description: INodeProperties[] = [
	...audioInputFields(show),
	{
		displayName: 'Model Name or ID',
		name: 'model',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getModels' },
		default: 'large-v3-turbo',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		displayOptions: { show },
	},
	{
		displayName: 'Language Name or ID',
		name: 'language',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getLanguages' },
		default: 'auto',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		displayOptions: { show },
	},
	{
		displayName: 'Diarize',
		name: 'diarize',
		type: 'boolean',
		default: true,
		description: 'Whether to tell speakers apart ("Speaker 1", "Speaker 2", …) in the segments',
		displayOptions: { show },
	},
	{
		displayName: 'Speakers',
		name: 'speakers',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: 'How many speakers to expect; 0 lets STT.ai decide',
		displayOptions: { show: { ...show, diarize: [true] } },
	},
	{
		displayName: 'Output Format',
		name: 'responseFormat',
		type: 'options',
		options: [
			{
				name: 'JSON',
				value: 'json',
				description: 'The transcript with timed segments, speakers and words',
			},
			{
				name: 'Plain Text File',
				value: 'txt',
				description: 'A .txt file, and the text in the JSON',
			},
			{
				name: 'SRT Subtitles File',
				value: 'srt',
				description: 'A .srt file, and its cues as segments',
			},
			{
				name: 'VTT Subtitles File',
				value: 'vtt',
				description: 'A .vtt file, and its cues as segments',
			},
		],
		default: 'json',
		displayOptions: { show },
	},
	// Not `data`: that is where the input audio usually is, and the two would be mistaken for each other.
	binaryOutputField(
		{ ...show, responseFormat: ['txt', 'srt', 'vtt'] },
		'transcript file',
		'binaryOutputProperty',
		'transcript',
	),
	...outputFields({ ...show, responseFormat: ['json'] }, { subtitles: true }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [parallelSubmissionsOption(PARALLEL_SUBMISSIONS)],
	},
];

/** Transcribes the items a few at once (each request keeps its connection until the transcript is ready). */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const run = new ItemRun(this, items.length);
	const transcribed = await submitEach(
		this,
		run,
		await defaultParallelSubmissions(this),
		async (itemIndex) => await transcribeItem.call(this, itemIndex),
	);
	for (const { itemIndex, value } of transcribed) run.succeed(itemIndex, value);
	return run.output();
}

/** Without an API key STT.ai serves anonymous requests, one at a time (its documented tier). */
async function defaultParallelSubmissions(context: IExecuteFunctions): Promise<number> {
	const credentials = await context.getCredentials('sttAiApi');
	return String(credentials.apiKey ?? '').trim() ? PARALLEL_SUBMISSIONS : 1;
}

async function transcribeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const fields = readFields(this, itemIndex);
	const format = fields.response_format;
	// Checked before the paid request: the output fields of the chosen format.
	const property = format === 'json' ? '' : readBinaryOutputField(this, itemIndex);
	if (format === 'json') readOutputSettings(this, itemIndex);
	const source = await readSource(this, itemIndex);
	const form = { fields, fileField: 'file', source, fileAnswer: format !== 'json' };
	const response = await postAudio(this, PATHS.transcribe, form, itemIndex);
	if (format === 'json') {
		const data = asObject(this, response.body, itemIndex, ANSWER);
		const normalized = normalizeTranscript(this, data, itemIndex);
		return [await transcriptItem(this, itemIndex, normalized, data)];
	}
	const content = await readAll(response.body as FileStream);
	const fileName = `${baseName(source.fileName)}.${format}`;
	const file = await storeFile(this, content, fileName, format);
	return [{ json: fileTranscript(content, format), binary: { [property]: file } }];
}

/** The request's form fields, sent in this order. */
function readFields(context: IExecuteFunctions, itemIndex: number) {
	const response_format = readListedOption(context, itemIndex, description, 'responseFormat');
	const diarize = readBoolean(context, itemIndex, { name: 'diarize', displayName: 'Diarize' });
	const speakers = diarize
		? readNumber(
				context,
				itemIndex,
				{ name: 'speakers', displayName: 'Speakers' },
				{ min: 0, integer: true },
				0,
			)
		: undefined;
	// Model and language are catalogues STT.ai may extend: any text passes, its error shows.
	const model = readText(
		context,
		itemIndex,
		{ name: 'model', displayName: 'Model Name or ID' },
		{ required: true, expected: 'an STT.ai model ID' },
	);
	const language =
		readText(context, itemIndex, { name: 'language', displayName: 'Language Name or ID' }) ||
		'auto';
	return { model, language, diarize, speakers, response_format };
}

/** The audio, refused before it is sent when it is over STT.ai's largest plan limit. */
async function readSource(context: IExecuteFunctions, itemIndex: number): Promise<UploadSource> {
	const source = await readAudioSource(context, itemIndex);
	if (source.size !== undefined && source.size > MAX_FILE_BYTES) {
		throw new NodeOperationError(
			context.getNode(),
			`The file is ${Math.ceil(source.size / 1024 ** 2)} MB, over STT.ai's 2 GB limit`,
			{ itemIndex, description: 'Split or compress the recording before transcribing it.' },
		);
	}
	return source;
}

/** txt, srt, vtt: the file's text (and its cues as segments) in the JSON. */
function fileTranscript(content: Buffer, format: string): IDataObject {
	const body = content.toString('utf8');
	const segments = format === 'txt' ? [] : parseSubtitles(body);
	const normalized: NormalizedTranscript = {
		provider: 'sttai',
		jobId: null,
		status: 'completed',
		text: format === 'txt' ? body.trim() : segments.map((segment) => segment.text).join(' '),
		language: null,
		durationSeconds: null,
		segments,
	};
	if (format !== 'txt') normalized.subtitles = body;
	return normalized as unknown as IDataObject;
}
