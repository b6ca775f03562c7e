import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { EndedJob } from '../shared/answers';
import {
	asObject as sharedAsObject,
	jobEndedError,
	statusFromWord,
	unknownStatusError,
} from '../shared/answers';
import { parseSubtitles } from '../shared/subtitles';
import type {
	NormalizedTranscript,
	TranscriptSegment,
	TranscriptStatus,
} from '../shared/transcript';
import { readNumber, readText } from '../shared/transcript';
import type { ApiContext, ProviderProfile } from '../shared/transport';
import { apiRequest } from '../shared/transport';

export const TRANSCRIBE_API: ProviderProfile = {
	name: 'TranscribeAPI',
	credentialType: 'transcribeApiApi',
	errorMessage: (body) => {
		if (!body || typeof body !== 'object') return undefined;
		const { error, code } = body as IDataObject;
		if (typeof error !== 'string') return undefined;
		return typeof code === 'string' ? `${error} (${code})` : error;
	},
	hintFor: (body) => CODE_HINTS[errorCodeOf(body) ?? ''],
	hints: {
		402: 'Your TranscribeAPI balance is too low: top up in the dashboard, then retry.',
		403: 'The TranscribeAPI account behind this key has not verified its email: verify it, then retry.',
		404: 'TranscribeAPI has no such job for this account: check the job ID.',
		409: 'The job is not in a state that allows this yet (for results: it has not finished). Check it with Get Job.',
		429: 'TranscribeAPI limits transcription requests per minute (10 on the free plan, 300 pay as you go): retry later.',
		502: 'TranscribeAPI had a temporary transcription failure: try again in a few minutes.',
	},
};

/** Hints for documented error codes, which say more than the HTTP status alone. */
export const CODE_HINTS: Record<string, string> = {
	audio_too_long:
		'Sync transcription takes at most 10 minutes of audio: the node sends longer files as async jobs.',
	file_too_large: 'Sync uploads take at most 30 MB: the node sends larger files as async jobs.',
	insufficient_credit:
		'Your TranscribeAPI balance is too low: top up in the dashboard, then retry.',
	invalid_request_options: 'Check Language, Task, VTT Granularity and Exclude.',
	too_many_files:
		'A batch job takes at most 10,000 files: split the items (for example with Loop Over Items).',
	batch_too_large:
		'A batch job takes at most 10 GB in total: split the items into smaller batches.',
	email_not_verified: 'Verify the email of the TranscribeAPI account that owns this key.',
	rate_limit_exceeded: 'Wait a minute, or upgrade to pay as you go (300 requests per minute).',
};

/** The documented `code` of an error body, or of the body kept by a NodeApiError. */
export function errorCodeOf(bodyOrError: unknown): string | undefined {
	const body = (bodyOrError as { errorResponse?: unknown })?.errorResponse ?? bodyOrError;
	const code = body && typeof body === 'object' ? (body as IDataObject).code : undefined;
	return typeof code === 'string' ? code : undefined;
}

export const DEFAULT_MODEL = 'whisper-large-v3-turbo';
/** The documented sync limits: 30 MB (decimal, the stricter reading) and 10 minutes. */
export const SYNC_MAX_BYTES = 30_000_000;
export const MAX_BATCH_FILES = 10_000;
/** The official SDK polls no faster than this. */
export const MIN_POLL_SECONDS = 10;

export const PATHS = {
	sync: '/v1/transcribe',
	/** Big-file jobs use the documented route. */
	createJob: '/v1/jobs',
	/** Batch jobs use the JSON form of /v1/transcribe, which answers every file's upload at once (official SDK). */
	createBatch: '/v1/transcribe',
	job: (jobId: string) => `/v1/transcribe/${encodeURIComponent(jobId)}`,
	uploadCompleted: (jobId: string) =>
		`/v1/transcribe/${encodeURIComponent(jobId)}/upload-completed`,
	resumeUpload: (jobId: string) => `/v1/jobs/${encodeURIComponent(jobId)}/resume-upload`,
	uploadUrls: (jobId: string) => `/v1/jobs/${encodeURIComponent(jobId)}/upload-urls`,
	wellKnownSigningDocument: '/.well-known/transcribeapi-webhook-keys.json',
};

export async function getJob(
	context: ApiContext,
	jobId: string,
	itemIndex: number,
	retryRateLimits = true,
): Promise<IDataObject> {
	const response = await apiRequest<unknown>(context, TRANSCRIBE_API, {
		method: 'GET',
		path: PATHS.job(jobId),
		itemIndex,
		retryRateLimits,
	});
	return asObject(context, response.body, itemIndex);
}

export async function markUploadCompleted(
	context: IExecuteFunctions,
	jobId: string,
	itemIndex: number,
): Promise<IDataObject> {
	// Marking twice is harmless, so a lost answer may be retried. The retry then finds the job past
	// "uploading" (409 invalid_job_status): the first mark went through, and polling reports the
	// job's state from there.
	const response = await apiRequest<unknown>(context, TRANSCRIBE_API, {
		method: 'POST',
		path: PATHS.uploadCompleted(jobId),
		body: {},
		idempotent: true,
		itemIndex,
	}).catch(async (error: unknown) => {
		if (error instanceof NodeApiError && error.httpCode === '409') return undefined;
		return await Promise.reject(error);
	});
	return response ? asObject(context, response.body, itemIndex) : { job_id: jobId };
}

export function asObject(context: ApiContext, body: unknown, itemIndex: number): IDataObject {
	return sharedAsObject(context, body, itemIndex, { provider: 'TranscribeAPI' });
}

export function jobIdOf(data: IDataObject): string | null {
	return readText(data.job_id) ?? readText(data.id);
}

export function rawStatusOf(data: IDataObject): string | null {
	return readText(data.status) ?? readText(data.job_status);
}

/**
 * The status words TranscribeAPI (and its SDK) uses. Only these are read: the shared vocabulary
 * knows spellings TranscribeAPI never sends ("done"), and those stay unknown here.
 */
const STATUS_WORDS: Record<TranscriptStatus, string[]> = {
	queued: ['uploading', 'verifying', 'queued', 'pending', 'created', 'importing'],
	processing: ['processing', 'transcribing', 'running', 'in_progress'],
	completed: [
		'completed',
		'result_available',
		'completed_with_errors',
		'result_available_with_errors',
	],
	failed: ['failed', 'insufficient_funds'],
	canceled: ['canceled', 'cancelled', 'expired'],
};
const KNOWN_WORDS = new Set(Object.values(STATUS_WORDS).flat());

/**
 * Maps TranscribeAPI's raw status to the shared one. Every `failed_*` value, and the SDK's
 * `insufficient_funds`, is a failure; an unknown word fails clearly rather than waiting forever.
 */
export function mapStatus(raw: string | null): TranscriptStatus | undefined {
	if (raw === null) return undefined;
	const word = raw.trim().toLowerCase();
	const family = word.startsWith('failed_') ? 'failed' : word; // failed_upload_size_mismatch, ...
	return KNOWN_WORDS.has(family) ? statusFromWord(family, STATUS_WORDS) : undefined;
}

export function statusOrFail(
	context: ApiContext,
	data: IDataObject,
	itemIndex: number,
): TranscriptStatus {
	const raw = rawStatusOf(data);
	const status = mapStatus(raw);
	if (status) return status;
	throw unknownStatusError(context, 'TranscribeAPI', raw, itemIndex, {
		fix: 'Use Get Job to see the full answer, and report this status to the package maintainers.',
	});
}

/** True for the batch statuses that carry per-file failures. */
export function hasFileErrors(raw: string | null): boolean {
	return raw !== null && raw.trim().toLowerCase().endsWith('_with_errors');
}

/** How a job ended without a transcript: its status word says what went wrong (e.g. failed_upload_size_mismatch). */
function endedJob(jobId: string, data: IDataObject): EndedJob {
	return {
		provider: 'TranscribeAPI',
		jobId,
		ended: `ended with status "${rawStatusOf(data) ?? 'failed'}"`,
		reason: readText(data.error) ?? readText(data.message),
		fix: 'See the status for the reason (for example failed_insufficient_credits: top up; failed_upload_size_mismatch: run the node again).',
	};
}

/** `TranscribeAPI job X ended with status "failed_...": detail`, with what to do about it. */
export function jobFailedError(
	context: ApiContext,
	jobId: string,
	data: IDataObject,
	itemIndex: number | undefined,
): NodeOperationError {
	return jobEndedError(context, endedJob(jobId, data), itemIndex);
}

/** The same failure as a line of text (the trigger's summary, Get Result's error). */
export function failureMessage(context: ApiContext, jobId: string, data: IDataObject): string {
	return jobFailedError(context, jobId, data, undefined).message;
}

/**
 * Reads a transcript body: the sync answer, one file of a job result, or what `exclude` left of
 * them — a bare string (the text, or VTT) or a bare array (the segments).
 */
export function normalizeTranscript(body: unknown, jobId: string | null): NormalizedTranscript {
	if (typeof body === 'string') {
		const isVtt = body.trimStart().startsWith('WEBVTT');
		const segments = isVtt ? segmentsFromVtt(body) : [];
		return transcript(jobId, {
			text: isVtt ? joinSegments(segments) : body,
			segments,
			subtitles: isVtt ? body : null,
		});
	}
	if (Array.isArray(body)) {
		const segments = readSegments(body);
		return transcript(jobId, { text: joinSegments(segments), segments });
	}
	const data = (body ?? {}) as IDataObject;
	const segments = readSegments(data.segments);
	const vtt = readText(data.vtt);
	return transcript(readText(data.job_id) ?? jobId, {
		text:
			readText(data.text) ??
			readText(data.transcript) ??
			(segments.length ? joinSegments(segments) : null),
		segments: segments.length === 0 && vtt ? segmentsFromVtt(vtt) : segments,
		subtitles: vtt,
		language: readText(data.detected_language) ?? readText(data.language),
		durationSeconds:
			readNumber(data.duration_seconds) ??
			readNumber(data.duration) ??
			readNumber(data.billed_seconds),
	});
}

function transcript(
	jobId: string | null,
	fields: Partial<NormalizedTranscript>,
): NormalizedTranscript {
	return {
		provider: 'transcribeapi',
		jobId,
		status: 'completed',
		text: fields.text ?? null,
		language: fields.language ?? null,
		durationSeconds: fields.durationSeconds ?? null,
		segments: fields.segments ?? [],
		subtitles: fields.subtitles ?? null,
	};
}

function readSegments(value: unknown): TranscriptSegment[] {
	if (!Array.isArray(value)) return [];
	return (value as IDataObject[])
		.filter((segment) => segment && typeof segment === 'object')
		.map((segment) => {
			const result: TranscriptSegment = {
				start: readNumber(segment.start_seconds) ?? readNumber(segment.start) ?? 0,
				end: readNumber(segment.end_seconds) ?? readNumber(segment.end) ?? 0,
				text: String(segment.text ?? ''),
			};
			const speaker = readText(segment.speaker);
			if (speaker) result.speaker = speaker;
			return result;
		});
}

function joinSegments(segments: TranscriptSegment[]): string | null {
	if (segments.length === 0) return null;
	return segments
		.map((segment) => segment.text.trim())
		.filter(Boolean)
		.join(' ');
}

/** TranscribeAPI's VTT cues as segments (its documented answers show the VTT's line breaks escaped). */
function segmentsFromVtt(vtt: string): TranscriptSegment[] {
	return parseSubtitles(vtt, { escapedLineBreaks: true });
}
