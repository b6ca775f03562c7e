// What runs: the readers of the parameters that descriptions.ts declares, one item at a time.
// Each checks its value and fails the item with the field's name and what is valid.
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { WaitMode } from './descriptions';
import { MAX_PARALLEL_SUBMISSIONS, MAX_WAIT_LIMIT_MINUTES } from './descriptions';
import {
	entry,
	readCollection,
	readFieldName,
	readNumber,
	readOption,
	readText,
} from './parameters';
import type { ItemRun } from './items';
import type { PollSettings } from './polling';
import type { SubtitleFormat } from './subtitles';
import type { OutputMode } from './transcript';
import type { UploadSource } from './upload';
import { binarySource, parseHttpUrl, urlSource } from './upload';

/** The Audio URL parameter, checked to be a full http(s) URL. */
export function readAudioUrl(context: IExecuteFunctions, itemIndex: number): string {
	const url = readText(
		context,
		itemIndex,
		{ name: 'audioUrl', displayName: 'Audio URL' },
		{
			expected: 'a full http:// or https:// URL',
		},
	);
	if (url === '') {
		throw new NodeOperationError(context.getNode(), 'The audio URL is empty', {
			itemIndex,
			description: 'Enter the URL of the audio file, or switch "Audio Source" to Binary File.',
		});
	}
	parseHttpUrl(context, itemIndex, url.trim());
	return url.trim();
}

export async function readAudioSource(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<UploadSource> {
	if (readInputType(context, itemIndex) === 'url')
		return await urlSource(context, itemIndex, readAudioUrl(context, itemIndex));
	return await binarySource(context, itemIndex, readInputBinaryField(context, itemIndex));
}

function readInputType(context: IExecuteFunctions, itemIndex: number): 'binary' | 'url' {
	return readOption(context, itemIndex, { name: 'inputType', displayName: 'Audio Source' }, [
		'binary',
		'url',
	]);
}

function readInputBinaryField(context: IExecuteFunctions, itemIndex: number): string {
	return readFieldName(context, itemIndex, {
		name: 'binaryPropertyName',
		displayName: 'Input Binary Field',
	});
}

/** Max Wait of one item, in milliseconds. */
export function readMaxWaitMs(context: IExecuteFunctions, itemIndex: number): number {
	const maxWait = readNumber(
		context,
		itemIndex,
		{ name: 'maxWaitMinutes', displayName: 'Max Wait (Minutes)' },
		{ min: 0, exclusiveMin: true, max: MAX_WAIT_LIMIT_MINUTES, unit: 'minutes, at most 30 days' },
	);
	return maxWait * 60_000;
}

/** The item's Wait Mode, one of the modes this operation offers; anything else is an error. */
export function readWaitMode<M extends WaitMode>(
	context: IExecuteFunctions,
	itemIndex: number,
	modes: readonly M[],
): M {
	return readOption(context, itemIndex, { name: 'waitMode', displayName: 'Wait Mode' }, modes);
}

export function readPollSettings(
	context: IExecuteFunctions,
	itemIndex: number,
	base: Pick<PollSettings, 'providerName' | 'laterOperation' | 'callsPerHour'> & {
		minIntervalSeconds: number;
	},
): PollSettings {
	const interval = readNumber(
		context,
		itemIndex,
		{ name: 'pollIntervalSeconds', displayName: 'Poll Interval (Seconds)' },
		{ min: 0, max: MAX_WAIT_LIMIT_MINUTES * 60, unit: 'seconds' },
	);
	const maxWaitMs = readMaxWaitMs(context, itemIndex);
	return {
		providerName: base.providerName,
		laterOperation: base.laterOperation,
		callsPerHour: base.callsPerHour,
		intervalMs: Math.max(interval, base.minIntervalSeconds) * 1000,
		maxWaitMs,
	};
}

/** The output fields of one item, read once (a waiting run builds its output later, elsewhere). */
export interface OutputSettings {
	output: OutputMode;
	subtitleFormat: SubtitleFormat | 'none';
	subtitleBinaryProperty: string;
}

export function readOutputSettings(context: IExecuteFunctions, itemIndex: number): OutputSettings {
	const output = readOutputMode(context, itemIndex);
	// Only the listed formats: a near miss ("SRT") would name a file whose extension lies about it.
	const subtitleFormat = readOption<SubtitleFormat | 'none'>(
		context,
		itemIndex,
		{ name: 'subtitleFormat', displayName: 'Subtitles File' },
		['none', 'srt', 'vtt'],
		'none',
	);
	const subtitleBinaryProperty =
		subtitleFormat === 'none'
			? 'subtitles'
			: readFieldName(
					context,
					itemIndex,
					{ name: 'subtitleBinaryProperty', displayName: 'Put Subtitles in Field' },
					'subtitles',
				);
	return { output, subtitleFormat, subtitleBinaryProperty };
}

/** Simplified or Raw. */
export function readOutputMode(context: IExecuteFunctions, itemIndex: number): OutputMode {
	return readOption<OutputMode>(
		context,
		itemIndex,
		{ name: 'output', displayName: 'Output' },
		['simplified', 'raw'],
		'simplified',
	);
}

export function readJobId(
	context: IExecuteFunctions,
	itemIndex: number,
	createOperation = 'Transcribe',
): string {
	const value = readText(
		context,
		itemIndex,
		{ name: 'jobId', displayName: 'Job ID' },
		{
			expected: 'a job ID',
		},
	);
	if (value === '') {
		throw new NodeOperationError(context.getNode(), 'The job ID is empty', {
			itemIndex,
			description: `Map the "jobId" field of a ${createOperation} result run with "Don't Wait", or paste the job ID.`,
		});
	}
	return value;
}

/** Audio for a provider that downloads URLs itself: the URL as given, or the binary file to upload. */
export type AudioInput = { url: string } | { file: UploadSource };

export async function readAudioInput(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<AudioInput> {
	if (readInputType(context, itemIndex) !== 'url') {
		const property = readInputBinaryField(context, itemIndex);
		return { file: await binarySource(context, itemIndex, property) };
	}
	return { url: readAudioUrl(context, itemIndex) };
}

/**
 * The Parallel Submissions option (in the Options collection) of every item: one value serves the
 * run, the first item's that is valid; a wrong value fails its own item before anything is sent.
 */
export function readParallelSubmissions(
	context: IExecuteFunctions,
	run: ItemRun,
	defaultCount: number,
): number {
	let chosen: number | undefined;
	for (let itemIndex = 0; itemIndex < context.getInputData().length; itemIndex++) {
		try {
			const options = readCollection(context, itemIndex, {
				name: 'options',
				displayName: 'Options',
			});
			const ref = entry(options, 'parallelSubmissions', 'Parallel Submissions');
			if (!ref.present) continue;
			const count = readNumber(context, itemIndex, ref, {
				min: 1,
				max: MAX_PARALLEL_SUBMISSIONS,
				integer: true,
			});
			chosen ??= count;
		} catch (error) {
			run.stopOrFail(itemIndex, error);
		}
	}
	return chosen ?? defaultCount;
}
