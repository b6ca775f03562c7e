import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	asObject as asAnswerObject,
	checkOutcome,
	endedHow,
	jobEndedError,
	statusFromWord,
	unknownStatusError,
} from '../shared/answers';
import type { CheckOutcome } from '../shared/polling';
import type { NormalizedTranscript, TranscriptStatus } from '../shared/transcript';
import { readNumber, readSegment, readText } from '../shared/transcript';
import type { ApiContext, ProviderProfile } from '../shared/transport';
import { apiRequest } from '../shared/transport';
import type { AudioInput } from '../shared/readers';
import { multipartBody } from '../shared/upload';

type WithNode = { getNode(): INode };

export const AUDIO_TO_TEXT_AI: ProviderProfile = {
	name: 'AudioToTextAI',
	credentialType: 'audioToTextAiApi',
	// Errors are { error: "insufficient_credits", message: "You have 10 credits…" }: the message says more.
	errorMessage: (body) => {
		if (!body || typeof body !== 'object') return undefined;
		const { error, message, detail } = body as IDataObject;
		const text = readText(message) ?? readText(detail);
		const code = readText(error);
		if (text && code) return `${text} (${code})`;
		return text ?? code ?? undefined;
	},
	hints: {
		402: 'Your AudioToTextAI credits are too low for this file: buy credits, then retry.',
		404: 'AudioToTextAI has no such transcription: check the job ID.',
	},
};

export const MODELS = ['whisper-large-v3', 'whisper-turbo'] as const;

const UPLOAD_PATH = '/api/v1/transcribe/';
const URL_PATH = '/api/v1/transcribe/url/';
const LANGUAGES_PATH = '/api/v1/languages/';
const jobPath = (jobId: string) => `/api/v1/transcribe/${encodeURIComponent(jobId)}/`;

/** The documented options of both transcribe routes, as the API names them. */
export interface TranscribeOptions {
	model?: string;
	language?: string;
	diarization?: boolean;
	timestamps?: boolean;
	word_timestamps?: boolean;
	summary?: boolean;
	vocabulary?: string[];
	webhook_url?: string;
}

/**
 * POST /transcribe/ (multipart, the file streamed) or POST /transcribe/url/ (JSON; direct audio and
 * video links and YouTube links, fetched by AudioToTextAI).
 */
export async function transcribe(
	context: IExecuteFunctions,
	itemIndex: number,
	input: AudioInput,
	options: TranscribeOptions,
): Promise<IDataObject> {
	if ('url' in input) {
		const response = await apiRequest(context, AUDIO_TO_TEXT_AI, {
			method: 'POST',
			path: URL_PATH,
			body: { url: input.url, ...options },
			idempotent: false,
			itemIndex,
		});
		return asObject(context, response.body, itemIndex);
	}
	const { vocabulary, ...rest } = options;
	// Form fields are strings; the vocabulary goes as a JSON array (the docs accept that or a comma list).
	const fields = {
		...rest,
		vocabulary: vocabulary?.length ? JSON.stringify(vocabulary) : undefined,
	};
	const response = await apiRequest(context, AUDIO_TO_TEXT_AI, {
		method: 'POST',
		path: UPLOAD_PATH,
		body: async () => await multipartBody(fields, 'file', input.file),
		idempotent: false,
		itemIndex,
	});
	return asObject(context, response.body, itemIndex);
}

/** The job ID of a transcribe answer (`uuid` in the older blog post's shape). */
export function jobIdOf(context: WithNode, answer: IDataObject, itemIndex: number): string {
	const jobId = readText(answer.id ?? answer.uuid);
	if (!jobId)
		throw new NodeOperationError(context.getNode(), 'AudioToTextAI returned no job ID', {
			itemIndex,
		});
	return jobId;
}

/** GET /transcribe/{id}/?segments=true */
export async function getTranscription(
	context: ApiContext,
	jobId: string,
	itemIndex: number | undefined,
	options: { segments?: boolean; retryRateLimits?: boolean } = {},
): Promise<IDataObject> {
	const response = await apiRequest(context, AUDIO_TO_TEXT_AI, {
		method: 'GET',
		path: jobPath(jobId),
		qs: options.segments === false ? undefined : { segments: 'true' },
		retryRateLimits: options.retryRateLimits,
		itemIndex,
	});
	return asObject(context, response.body, itemIndex);
}

export interface Language {
	code: string;
	name: string;
}

/** GET /languages/: `{ languages: [{ code, name }] }` (a bare array is accepted too). */
export async function listLanguages(context: ApiContext, itemIndex?: number): Promise<Language[]> {
	const response = await apiRequest(context, AUDIO_TO_TEXT_AI, {
		method: 'GET',
		path: LANGUAGES_PATH,
		itemIndex,
	});
	const body = response.body as IDataObject | IDataObject[];
	const list = Array.isArray(body)
		? body
		: Array.isArray(body?.languages)
			? (body.languages as IDataObject[])
			: undefined;
	if (!list) {
		throw new NodeOperationError(
			context.getNode(),
			'AudioToTextAI sent a language list in an unknown shape',
			{
				itemIndex,
				description: 'Check the Base URL in the credential.',
			},
		);
	}
	return list.map((language) => ({
		code: String(language.code ?? language.value ?? ''),
		name: String(language.name ?? language.label ?? language.code ?? ''),
	}));
}

/** Used when the language list cannot be loaded. */
export const FALLBACK_LANGUAGES: Language[] = [
	{ code: '', name: 'Auto-detect' },
	{ code: 'en', name: 'English' },
	{ code: 'es', name: 'Spanish' },
	{ code: 'fr', name: 'French' },
	{ code: 'de', name: 'German' },
	{ code: 'it', name: 'Italian' },
	{ code: 'pt', name: 'Portuguese' },
	{ code: 'nl', name: 'Dutch' },
	{ code: 'ja', name: 'Japanese' },
	{ code: 'zh', name: 'Chinese' },
];

function asObject(context: WithNode, body: unknown, itemIndex?: number): IDataObject {
	return asAnswerObject(context, body, itemIndex, {
		provider: AUDIO_TO_TEXT_AI.name,
		expected: 'JSON',
	});
}

/** pending, processing, completed, failed (and a few likely spellings besides). */
export function mapStatus(value: unknown): TranscriptStatus | undefined {
	return statusFromWord(value);
}

function statusOf(context: WithNode, data: IDataObject, itemIndex?: number): TranscriptStatus {
	const status = mapStatus(data.status);
	if (status) return status;
	// A transcript with no status word is a finished job.
	if (data.status === undefined && readText(data.transcript ?? data.transcript_text) !== null)
		return 'completed';
	throw unknownStatusError(context, AUDIO_TO_TEXT_AI.name, data.status, itemIndex);
}

/** Accepts the API page's names and the older blog post's (`uuid`, `transcript_text`). */
export function normalizeTranscription(
	context: WithNode,
	data: IDataObject,
	itemIndex?: number,
): NormalizedTranscript {
	const status = statusOf(context, data, itemIndex);
	const segments = Array.isArray(data.segments)
		? (data.segments as IDataObject[]).map((segment) =>
				readSegment(segment, ['speaker', 'speaker_label', 'speaker_id']),
			)
		: [];
	const language = readText(data.language ?? data.detected_language);
	const normalized: NormalizedTranscript = {
		provider: 'audiototextai',
		jobId: readText(data.id ?? data.uuid ?? data.job_id) ?? null,
		status,
		text: readText(data.transcript ?? data.transcript_text ?? data.text),
		language: language ? language : null,
		durationSeconds: readNumber(data.duration_seconds ?? data.duration),
		segments,
		summary: readText(data.summary),
	};
	const error = readText(data.error_message ?? data.error);
	if (error || status === 'failed') normalized.error = error ?? null;
	return normalized;
}

/** One status check for the poller; a failed job fails its item with the provider's message. */
export async function checkTranscription(
	context: IExecuteFunctions,
	jobId: string,
	itemIndex: number,
): Promise<CheckOutcome<IDataObject>> {
	const data = await getTranscription(context, jobId, itemIndex, { retryRateLimits: false });
	return checkOutcome(statusOf(context, data, itemIndex), data, () =>
		jobFailedError(context, jobId, data, itemIndex),
	);
}

export function jobFailedError(
	context: WithNode,
	jobId: string,
	data: IDataObject,
	itemIndex: number,
): NodeOperationError {
	const { status, error } = normalizeTranscription(context, data, itemIndex);
	return jobEndedError(
		context,
		{
			provider: AUDIO_TO_TEXT_AI.name,
			jobId,
			ended: endedHow(status),
			reason: error,
			fix: 'Check that the file or URL holds audio or video in a supported format and is publicly reachable.',
		},
		itemIndex,
	);
}
