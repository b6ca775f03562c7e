import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { jobIdField, outputFields } from '../../../shared/descriptions';
import { transcriptItem } from '../../../shared/output';
import { readJobId } from '../../../shared/readers';
import { readFieldName, readOption } from '../../../shared/parameters';
import type { SubtitleFormat } from '../../../shared/subtitles';
import { subtitleFile } from '../../../shared/subtitles';
import { asJob, getJob, mapStatus, normalizeJob } from '../../api';

const show = { resource: ['job'], operation: ['get'] };
const PLACEHOLDER = '00000000-1111-7222-b333-444444444444-sic';

export const description: INodeProperties[] = [
	jobIdField(show, 'The job to get, e.g. from Create run with "Don\'t Wait"', PLACEHOLDER),
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: [
			{ name: 'JSON', value: 'json', description: 'The job with its transcript' },
			{
				name: 'SRT',
				value: 'srt',
				description: 'SubRip subtitles made by Speech is Cheap, as a binary file',
			},
			{
				name: 'VTT',
				value: 'vtt',
				description: 'WebVTT subtitles made by Speech is Cheap, as a binary file',
			},
		],
		default: 'json',
		displayOptions: { show },
	},
	...outputFields({ ...show, format: ['json'] }, { subtitles: false }),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'subtitles',
		hint: 'The name of the output binary field for the subtitles file',
		displayOptions: { show: { ...show, format: ['srt', 'vtt'] } },
	},
];

const FORMAT = { name: 'format', displayName: 'Format' };
const FORMATS = ['json', 'srt', 'vtt'] as const;
const FILE_FIELD = { name: 'binaryPropertyName', displayName: 'Put Output File in Field' };

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const jobId = readJobId(this, itemIndex, 'Create');
	const format = readOption<SubtitleFormat | 'json'>(this, itemIndex, FORMAT, FORMATS, 'json');
	if (format === 'json') return [await jobItem(this, jobId, itemIndex)];
	const property = readFieldName(this, itemIndex, FILE_FIELD, 'subtitles');
	return [await subtitlesItem(this, jobId, format, property, itemIndex)];
}

/** The job with its transcript, shaped by the output fields. */
async function jobItem(
	context: IExecuteFunctions,
	jobId: string,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const job = asJob(context, await getJob(context, jobId, itemIndex), itemIndex);
	return await transcriptItem(context, itemIndex, normalizeJob(context, job, itemIndex), job);
}

/** The subtitles Speech is Cheap made, as a binary file in `property`. */
async function subtitlesItem(
	context: IExecuteFunctions,
	jobId: string,
	format: SubtitleFormat,
	property: string,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const body = await getJob(context, jobId, itemIndex, { format });
	// Unfinished jobs answer JSON whatever the format asked for.
	if (typeof body !== 'string' || !isSubtitles(body, format)) {
		const status =
			body && typeof body === 'object'
				? mapStatus((body as { status?: unknown }).status)
				: undefined;
		throw new NodeOperationError(
			context.getNode(),
			`Speech is Cheap job ${jobId} has no subtitles yet`,
			{
				itemIndex,
				description: `The job is ${status ?? 'not completed'}: subtitles exist only for completed jobs. Get it again once it is completed.`,
			},
		);
	}
	const binary = await subtitleFile(context, body, format, `transcript-${jobId}`);
	return { json: { jobId, format }, binary: { [property]: binary } };
}

function isSubtitles(text: string, format: SubtitleFormat): boolean {
	const start = text.replace(/^\uFEFF/, '').trimStart();
	return format === 'vtt'
		? start.startsWith('WEBVTT')
		: /^\d+\s*\r?\n\d\d:\d\d/.test(start) || start === '';
}
