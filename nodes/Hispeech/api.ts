import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	asObject,
	checkOutcome,
	endedHow,
	jobEndedError,
	statusFromWord,
	unknownStatusError,
} from '../shared/answers';
import type { CheckOutcome } from '../shared/polling';
import type {
	NormalizedTranscript,
	TranscriptSegment,
	TranscriptStatus,
} from '../shared/transcript';
import { readBoolean, readNumber, readText } from '../shared/transcript';
import type { ProviderProfile } from '../shared/transport';
import { apiRequest } from '../shared/transport';
import type { UploadSource } from '../shared/upload';
import { multipartBody } from '../shared/upload';

export const HISPEECH: ProviderProfile = {
	name: 'Hispeech',
	credentialType: 'hispeechApi',
	hints: {
		404: 'Hispeech has no such job: check the job ID. Deleted jobs, and secure-mode results that were already read or outlived their TTL, are gone for good.',
		429: 'Hispeech allows 60 status checks per hour: wait, or raise the Poll Interval.',
	},
};

/** How Hispeech's answers are read: an answer that is no JSON object means the Base URL is wrong. */
const ANSWER = { provider: HISPEECH.name, expected: 'JSON' };

export const MODELS = {
	formal: 'model-01052025',
	conversational: 'model-23012026',
} as const;

/** Hispeech's documented limit, and its advice to check once a minute. */
export const STATUS_CALLS_PER_HOUR = 60;
export const RECOMMENDED_POLL_SECONDS = 60;

const UPLOAD_PATH = '/api/v1/transcriptions/upload';
const STATUS_PATH = '/api/v1/transcriptions/transcription-status';
const DELETE_PATH = '/api/v1/transcriptions';
const OPENAI_PATH = '/api/v1/audio/transcriptions';

export interface UploadOptions {
	model: string;
	waitForResult: boolean;
	secureMode: boolean;
	ttlSeconds?: number;
	wordTimestamps?: boolean;
}

/** POST /transcriptions/upload: the synchronous and the asynchronous request. */
export async function uploadAudio(
	context: IExecuteFunctions,
	itemIndex: number,
	source: UploadSource,
	options: UploadOptions,
): Promise<IDataObject> {
	const fields = {
		wait_for_result: options.waitForResult,
		secure_mode: options.secureMode,
		ttl: options.secureMode ? options.ttlSeconds : undefined,
		return_word_timestamps: options.wordTimestamps || undefined,
	};
	const response = await apiRequest<IDataObject>(context, HISPEECH, {
		method: 'POST',
		path: UPLOAD_PATH,
		qs: { stt_model: options.model },
		body: async () => await multipartBody(fields, 'file', source),
		idempotent: false,
		itemIndex,
	});
	return assertSuccess(context, response.body, itemIndex);
}

/** GET /transcription-status/{id}. Rate limits are left to the poller, which paces all jobs. */
export async function getStatus(
	context: IExecuteFunctions,
	jobId: string,
	itemIndex: number,
	retryRateLimits = true,
): Promise<IDataObject> {
	const response = await apiRequest<IDataObject>(context, HISPEECH, {
		method: 'GET',
		path: `${STATUS_PATH}/${encodeURIComponent(jobId)}`,
		itemIndex,
		retryRateLimits,
	});
	return assertSuccess(context, response.body, itemIndex);
}

export async function deleteJob(
	context: IExecuteFunctions,
	jobId: string,
	itemIndex: number,
): Promise<IDataObject> {
	const response = await apiRequest<IDataObject>(context, HISPEECH, {
		method: 'DELETE',
		path: DELETE_PATH,
		body: { transcription_id: jobId },
		itemIndex,
	});
	return assertSuccess(context, response.body, itemIndex);
}

/** Cleanup must not cost the user a transcript already in hand: a failure is only logged. */
export async function deleteJobQuietly(
	context: IExecuteFunctions,
	jobId: string,
	itemIndex: number,
): Promise<void> {
	try {
		await deleteJob(context, jobId, itemIndex);
	} catch (error) {
		context.logger.warn(
			`Hispeech job ${jobId} was read but could not be deleted: ${(error as Error).message}`,
		);
	}
}

/** POST /audio/transcriptions: the OpenAI-compatible route, synchronous, with segments. */
export async function transcribeOpenAiCompatible(
	context: IExecuteFunctions,
	itemIndex: number,
	source: UploadSource,
	fields: Record<string, string | undefined>,
): Promise<IDataObject> {
	const response = await apiRequest<IDataObject>(context, HISPEECH, {
		method: 'POST',
		path: OPENAI_PATH,
		body: async () =>
			await multipartBody(
				{ model: 'whisper-1', response_format: 'json', ...fields },
				'file',
				source,
			),
		idempotent: false,
		itemIndex,
	});
	return asObject(context, response.body, itemIndex, ANSWER);
}

/** A 200 can still carry success: false ("false" in some examples) with an error text. */
function assertSuccess(context: IExecuteFunctions, body: unknown, itemIndex: number): IDataObject {
	const data = asObject(context, body, itemIndex, ANSWER);
	if (readBoolean(data.success) === false) {
		throw new NodeOperationError(
			context.getNode(),
			`Hispeech: ${readText(data.error) ?? 'the request failed'}`,
			{
				itemIndex,
			},
		);
	}
	return data;
}

/** Maps Hispeech's status words to the shared ones; unknown words fail clearly. */
export function mapStatus(
	context: IExecuteFunctions,
	data: IDataObject,
	itemIndex: number,
): TranscriptStatus {
	// A synchronous answer carries the HTTP code (200) in "status" and the transcript itself.
	if (readText(data.status) === null || /^\d+$/.test(String(data.status))) {
		return typeof data.transcription === 'string' ? 'completed' : 'queued';
	}
	const status = statusFromWord(data.status, { canceled: ['deleted'] });
	if (status) return status;
	throw unknownStatusError(context, HISPEECH.name, data.status, itemIndex);
}

export function normalizeJob(
	context: IExecuteFunctions,
	data: IDataObject,
	itemIndex: number,
): NormalizedTranscript {
	const normalized: NormalizedTranscript = {
		provider: 'hispeech',
		jobId: readText(data.job_id),
		status: mapStatus(context, data, itemIndex),
		text: readText(data.transcription),
		language: null,
		durationSeconds: readNumber(data.audio_duration),
		segments: [],
	};
	// A failed job's reason is in `error` (Simplified output must show it, as Raw does).
	if (normalized.status === 'failed') normalized.error = readText(data.error);
	return normalized;
}

export function normalizeOpenAi(data: IDataObject): NormalizedTranscript {
	const segments: TranscriptSegment[] = Array.isArray(data.segments)
		? (data.segments as IDataObject[]).map((segment) => ({
				start: readNumber(segment.start) ?? 0,
				end: readNumber(segment.end) ?? 0,
				text: String(segment.text ?? ''),
			}))
		: [];
	const language = readText(data.language);
	return {
		provider: 'hispeech',
		jobId: null,
		status: 'completed',
		text: readText(data.text),
		language: language && language !== 'auto' ? language : null,
		durationSeconds: readNumber(data.duration),
		segments,
	};
}

/** One status check for the poller: finished jobs carry the response that finished them. */
export async function checkJob(
	context: IExecuteFunctions,
	jobId: string,
	itemIndex: number,
	secureMode: boolean,
): Promise<CheckOutcome<IDataObject>> {
	let data: IDataObject;
	try {
		data = await getStatus(context, jobId, itemIndex, false);
	} catch (error) {
		const resultGone = secureMode && (error as { httpCode?: string }).httpCode === '404';
		throw resultGone ? secureResultGone(context, jobId, itemIndex) : (error as NodeOperationError);
	}
	const status = mapStatus(context, data, itemIndex);
	// Hispeech's reason is the error's description; the message stays "Hispeech job <ID> failed".
	return checkOutcome(status, data, () =>
		jobEndedError(
			context,
			{
				provider: HISPEECH.name,
				jobId,
				ended: endedHow(status),
				fix: readText(data.error) ?? 'Check that the file is a supported audio or video format.',
			},
			itemIndex,
		),
	);
}

/**
 * A secure-mode result exists once: if it is gone while we were still waiting for it, it was either
 * delivered on a connection that broke, or it outlived its TTL. Say so rather than return nothing.
 */
function secureResultGone(
	context: IExecuteFunctions,
	jobId: string,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		`Hispeech no longer has the secure-mode result of job ${jobId}`,
		{
			itemIndex,
			description:
				'Secure-mode results can be read only once and are deleted after their Time to Live. The result was either delivered on a connection that broke before n8n received it, or it expired. Transcribe the file again (and raise Time to Live if the job is long).',
		},
	);
}
