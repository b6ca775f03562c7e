import type { IDataObject } from 'n8n-workflow';

export type TranscriptStatus = 'queued' | 'processing' | 'completed' | 'failed' | 'canceled';

export interface TranscriptWord {
	start: number;
	end: number;
	text: string;
	confidence?: number;
}

export interface TranscriptSegment {
	start: number;
	end: number;
	text: string;
	speaker?: string;
	confidence?: number;
	words?: TranscriptWord[];
}

/** The one output shape shared by every provider (Simplified output). Times are in seconds. */
export interface NormalizedTranscript {
	provider: string;
	jobId: string | null;
	status: TranscriptStatus;
	text: string | null;
	language: string | null;
	durationSeconds: number | null;
	segments: TranscriptSegment[];
	summary?: string | null;
	subtitles?: string | null;
	/** Why a failed job failed, in the provider's words. */
	error?: string | null;
}

export type OutputMode = 'simplified' | 'raw';

/** Simplified output gives the normalized transcript; Raw gives the provider's JSON untouched. */
export function toOutputJson(
	mode: OutputMode,
	normalized: NormalizedTranscript,
	raw: unknown,
): IDataObject {
	if (mode === 'raw') {
		return raw && typeof raw === 'object' && !Array.isArray(raw)
			? (raw as IDataObject)
			: { data: raw as IDataObject[] };
	}
	return normalized as unknown as IDataObject;
}

/** Providers send booleans as true/"true" and numbers as 3/"3"; read both, never guess. */
export function readBoolean(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string') {
		const lowered = value.trim().toLowerCase();
		if (lowered === 'true' || lowered === '1') return true;
		if (lowered === 'false' || lowered === '0') return false;
	}
	if (typeof value === 'number') return value !== 0;
	return undefined;
}

export function readNumber(value: unknown): number | null {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && value.trim() !== '' && value.trim() !== 'null') {
		const parsed = Number(value);
		return Number.isFinite(parsed) ? parsed : null;
	}
	return null;
}

/** A string that is really absent when the provider writes "null" or "". */
export function readText(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	return value === 'null' ? null : value;
}

/** The first of `keys` whose value is present (not undefined or null): a field with several names. */
export function firstPresent(data: IDataObject, keys: string[]): unknown {
	for (const key of keys) {
		if (data[key] !== undefined && data[key] !== null) return data[key];
	}
	return undefined;
}

/**
 * The field names of a provider's segments and words, and how their text is read. Each list is
 * tried in order, the first present field wins; a provider gives only what differs from COMMON.
 */
export interface SegmentFields {
	/** A segment's start and end times (a word's are always `start` and `end`). */
	start: string[];
	end: string[];
	wordText: string[];
	wordConfidence: string[];
	/** Trims the texts (false: kept as sent, spaces included). */
	trim: boolean;
	/** Reads a number as a speaker ID (2 becomes "2"); otherwise only text names a speaker. */
	numericSpeakers: boolean;
}

const COMMON: SegmentFields = {
	start: ['start'],
	end: ['end'],
	wordText: ['text', 'word'],
	wordConfidence: ['confidence', 'probability'],
	trim: true,
	numericSpeakers: false,
};

function textOf(value: unknown, trim: boolean): string {
	const text = String(value ?? '');
	return trim ? text.trim() : text;
}

/** Word timings (`text` or `word`, `confidence` or `probability`), or undefined when there are none. */
export function readWords(
	value: unknown,
	fields: Partial<SegmentFields> = {},
): TranscriptWord[] | undefined {
	if (!Array.isArray(value)) return undefined;
	const names = { ...COMMON, ...fields };
	return (value as IDataObject[]).map((word) => {
		const normalized: TranscriptWord = {
			start: readNumber(word.start) ?? 0,
			end: readNumber(word.end) ?? 0,
			text: textOf(firstPresent(word, names.wordText), names.trim),
		};
		const confidence = readNumber(firstPresent(word, names.wordConfidence));
		if (confidence !== null) normalized.confidence = confidence;
		return normalized;
	});
}

/**
 * A timed segment; `speakerKeys` name the fields a provider may put the speaker in (an empty one
 * means none), `fields` the other names where the provider's differ from the common ones.
 */
export function readSegment(
	segment: IDataObject,
	speakerKeys: string[],
	fields: Partial<SegmentFields> = {},
): TranscriptSegment {
	const names = { ...COMMON, ...fields };
	const normalized: TranscriptSegment = {
		start: readNumber(firstPresent(segment, names.start)) ?? 0,
		end: readNumber(firstPresent(segment, names.end)) ?? 0,
		text: textOf(segment.text, names.trim),
	};
	const speakerOf = (value: unknown) =>
		names.numericSpeakers && typeof value === 'number' ? String(value) : readText(value);
	const speaker = speakerKeys.map((key) => speakerOf(segment[key])).find(Boolean);
	if (speaker) normalized.speaker = speaker;
	const confidence = readNumber(segment.confidence);
	if (confidence !== null) normalized.confidence = confidence;
	const words = readWords(segment.words, fields);
	if (words) normalized.words = words;
	return normalized;
}
