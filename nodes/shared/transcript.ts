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
export function toOutputJson(mode: OutputMode, normalized: NormalizedTranscript, raw: unknown): IDataObject {
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
