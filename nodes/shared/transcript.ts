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

/** Word timings (`text` or `word`, `confidence` or `probability`), or undefined when there are none. */
export function readWords(value: unknown): TranscriptWord[] | undefined {
	if (!Array.isArray(value)) return undefined;
	return (value as IDataObject[]).map((word) => {
		const normalized: TranscriptWord = {
			start: readNumber(word.start) ?? 0,
			end: readNumber(word.end) ?? 0,
			text: String(word.text ?? word.word ?? '').trim(),
		};
		const confidence = readNumber(word.confidence ?? word.probability);
		if (confidence !== null) normalized.confidence = confidence;
		return normalized;
	});
}

/** A timed segment; `speakerKeys` name the fields a provider may put the speaker in (an empty one means none). */
export function readSegment(segment: IDataObject, speakerKeys: string[]): TranscriptSegment {
	const normalized: TranscriptSegment = {
		start: readNumber(segment.start) ?? 0,
		end: readNumber(segment.end) ?? 0,
		text: String(segment.text ?? '').trim(),
	};
	const speaker = speakerKeys.map((key) => readText(segment[key])).find(Boolean);
	if (speaker) normalized.speaker = speaker;
	const confidence = readNumber(segment.confidence);
	if (confidence !== null) normalized.confidence = confidence;
	const words = readWords(segment.words);
	if (words) normalized.words = words;
	return normalized;
}
