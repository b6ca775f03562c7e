import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type {
	NormalizedTranscript,
	TranscriptSegment,
	TranscriptStatus,
	TranscriptWord,
} from '../shared/transcript';
import { readNumber, readText } from '../shared/transcript';
import type { ApiResponse, ProviderProfile } from '../shared/transport';
import { apiRequest } from '../shared/transport';

export const STTAI: ProviderProfile = {
	name: 'STT.ai',
	credentialType: 'sttAiApi',
	hints: {
		400: 'STT.ai rejected the request: check the parameters named in the message (language codes, model, file format).',
		401: 'Check the API key in your STT.ai credential, or leave it empty for anonymous use.',
		402: 'Your STT.ai credits are used up (1 credit = 1 minute of audio): top up or upgrade your plan, then retry.',
		403: 'Your STT.ai key is not allowed to do this: check your plan and key.',
		404: 'STT.ai has no such transcript: check the transcript ID. Deleted transcripts are gone for good.',
		413: 'The file is larger than your STT.ai plan allows (anonymous 100 MB, free 500 MB, paid 2 GB): add an API key or upgrade.',
		429: 'STT.ai rate limit reached (anonymous use allows 3 transcriptions a day per IP, and each plan a few at a time): retry later, send fewer files at once, or add an API key.',
		503: 'The STT.ai GPU is temporarily unavailable: try again in a few minutes.',
	},
};

/**
 * Stored transcripts belong to an account, so the account API has no anonymous use: its 401 hint
 * says that a key is needed (no key) or that the key is wrong (a key was given).
 */
const ACCOUNT_HINTS = {
	withKey: 'Check the API key in your STT.ai credential: stored transcripts need a valid key.',
	withoutKey:
		'Stored transcripts need an STT.ai API key: add the key from your STT.ai account settings to the credential. Without a key, only the Transcription, Text, Audio and Service operations work.',
};

/** The credential field holding the account REST API's base URL (stored transcripts). */
const ACCOUNT_BASE_URL = 'accountBaseUrl';

export const PATHS = {
	transcribe: '/v1/transcribe',
	summarize: '/v1/summarize',
	translate: '/v1/translate',
	analyze: '/v1/analyze',
	generate: '/v1/generate',
	embed: '/v1/embed',
	enhance: '/v1/enhance-audio',
	tts: '/v1/tts',
	models: '/v1/models',
	languages: '/v1/languages',
	health: '/health',
	transcripts: '/transcripts/',
	transcript: (id: string) => `/transcripts/${encodeURIComponent(id)}/`,
	exportFile: (id: string, format: string) =>
		`/transcripts/${encodeURIComponent(id)}/export/${format}/`,
	chat: (id: string) => `/transcripts/${encodeURIComponent(id)}/chat/`,
};

/**
 * Query names of the transcript list filters. The docs say "filter by status, language, date"
 * without naming the parameters; these are the inferred names, kept here to be easy to change.
 */
export const LIST_QUERY = {
	page: 'page',
	pageSize: 'page_size',
	status: 'status',
	language: 'language',
	createdAfter: 'created_after',
	createdBefore: 'created_before',
};

/** STT.ai's documented upper limit (paid plans); lower plans answer 413 for smaller files. */
export const MAX_FILE_BYTES = 2 * 1024 ** 3;

export const FALLBACK_MODELS = [
	{ id: 'large-v3-turbo', name: 'Whisper Large V3 Turbo' },
	{ id: 'large-v3', name: 'Whisper Large V3' },
	{ id: 'medium', name: 'Whisper Medium' },
	{ id: 'small', name: 'Whisper Small' },
];

export const FALLBACK_LANGUAGES = [
	['en', 'english'],
	['es', 'spanish'],
	['fr', 'french'],
	['de', 'german'],
	['it', 'italian'],
	['pt', 'portuguese'],
	['nl', 'dutch'],
	['ru', 'russian'],
	['uk', 'ukrainian'],
	['pl', 'polish'],
	['tr', 'turkish'],
	['ar', 'arabic'],
	['hi', 'hindi'],
	['ja', 'japanese'],
	['ko', 'korean'],
	['zh', 'chinese'],
	['hy', 'armenian'],
].map(([code, name]) => ({ code, name }));

/** MIME types of the files STT.ai returns, by format; the answer's own Content-Type may be generic. */
export const FILE_MIME_TYPES: Record<string, string> = {
	txt: 'text/plain',
	srt: 'application/x-subrip',
	vtt: 'text/vtt',
	json: 'application/json',
	csv: 'text/csv',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	pdf: 'application/pdf',
	wav: 'audio/wav',
};

type Context = IExecuteFunctions | ILoadOptionsFunctions;

interface Call {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: unknown;
	itemIndex?: number;
	idempotent?: boolean;
	/** Stored transcripts live on the account API, not the transcription API. */
	account?: boolean;
	streamResponse?: boolean;
}

export async function sttAiRequest<T = IDataObject>(
	context: Context,
	call: Call,
): Promise<ApiResponse<T>> {
	let profile = STTAI;
	if (call.account) {
		const { apiKey } = await context.getCredentials(STTAI.credentialType);
		const hint = apiKey ? ACCOUNT_HINTS.withKey : ACCOUNT_HINTS.withoutKey;
		profile = { ...STTAI, hints: { ...STTAI.hints, 401: hint } };
	}
	return await apiRequest<T>(context, profile, {
		method: call.method,
		path: call.path,
		qs: call.qs,
		body: call.body,
		itemIndex: call.itemIndex,
		idempotent: call.idempotent,
		baseUrlField: call.account ? ACCOUNT_BASE_URL : undefined,
		encoding: call.streamResponse ? 'stream' : undefined,
		headers: call.streamResponse ? { Accept: '*/*' } : undefined,
	});
}

/** A JSON answer that must be an object; anything else means the Base URL points elsewhere. */
export function asObject(
	context: IExecuteFunctions,
	body: unknown,
	itemIndex: number,
): IDataObject {
	if (body && typeof body === 'object' && !Array.isArray(body)) return body as IDataObject;
	throw new NodeOperationError(
		context.getNode(),
		'STT.ai sent an answer that is not a JSON object',
		{
			itemIndex,
			description: `Received: ${String(body).slice(0, 200)}. Check the Base URLs in the STT.ai credential.`,
		},
	);
}

/** The text operations are pure functions of their input: safe to resend after a 5xx or a reset. */
export async function postText(
	context: IExecuteFunctions,
	path: string,
	body: IDataObject,
	itemIndex: number,
): Promise<IDataObject> {
	const response = await sttAiRequest(context, {
		method: 'POST',
		path,
		body,
		itemIndex,
		idempotent: true,
	});
	return asObject(context, response.body, itemIndex);
}

export async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.from(chunk));
	return Buffer.concat(chunks);
}

/** Stored transcript status words; a synchronous transcription answer has none and is complete. */
export function mapStatus(
	context: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
): TranscriptStatus {
	const raw = readText(value);
	if (raw === null || raw.trim() === '') return 'completed';
	const status = raw.trim().toLowerCase();
	if (
		['completed', 'complete', 'done', 'finished', 'ready', 'success', 'succeeded'].includes(status)
	)
		return 'completed';
	if (['processing', 'in_progress', 'transcribing', 'running', 'started'].includes(status))
		return 'processing';
	if (['pending', 'queued', 'uploaded', 'waiting', 'created'].includes(status)) return 'queued';
	if (['failed', 'error', 'errored'].includes(status)) return 'failed';
	if (['canceled', 'cancelled'].includes(status)) return 'canceled';
	throw new NodeOperationError(
		context.getNode(),
		`STT.ai reported an unknown transcript status "${raw}"`,
		{
			itemIndex,
			description:
				'Use Raw output to see the full answer, and report this status to the package maintainers.',
		},
	);
}

function readWords(value: unknown): TranscriptWord[] | undefined {
	if (!Array.isArray(value)) return undefined;
	return (value as IDataObject[]).map((word) => {
		const normalized: TranscriptWord = {
			start: readNumber(word.start) ?? 0,
			end: readNumber(word.end) ?? 0,
			text: String(word.word ?? word.text ?? ''),
		};
		const confidence = readNumber(word.confidence ?? word.probability ?? word.score);
		if (confidence !== null) normalized.confidence = confidence;
		return normalized;
	});
}

function readSegments(value: unknown): TranscriptSegment[] {
	if (!Array.isArray(value)) return [];
	return (value as IDataObject[]).map((segment) => {
		const normalized: TranscriptSegment = {
			start: readNumber(segment.start ?? segment.start_time) ?? 0,
			end: readNumber(segment.end ?? segment.end_time) ?? 0,
			text: String(segment.text ?? ''),
		};
		const speaker = segment.speaker ?? segment.speaker_label;
		if (speaker !== undefined && speaker !== null && speaker !== '')
			normalized.speaker = String(speaker);
		const confidence = readNumber(segment.confidence);
		if (confidence !== null) normalized.confidence = confidence;
		const words = readWords(segment.words);
		if (words) normalized.words = words;
		return normalized;
	});
}

/**
 * One normalizer for a transcription answer (POST /v1/transcribe, json) and a stored transcript
 * (GET /transcripts/:id/ or a list entry). Field names other than the documented ones are read
 * too, since the account API's transcript shape is not documented.
 */
export function normalizeTranscript(
	context: IExecuteFunctions,
	data: IDataObject,
	itemIndex: number,
): NormalizedTranscript {
	const segments = readSegments(data.segments);
	const text =
		readText(data.text) ??
		readText(data.transcript) ??
		readText(data.full_text) ??
		(segments.length > 0 ? segments.map((segment) => segment.text.trim()).join(' ') : null);
	const language = readText(data.language) ?? readText(data.detected_language);
	const id = data.id ?? data.transcript_id ?? data.uuid;
	const normalized: NormalizedTranscript = {
		provider: 'sttai',
		jobId: id === undefined || id === null || id === '' ? null : String(id),
		status: mapStatus(context, data.status, itemIndex),
		text,
		language: language && language !== 'auto' ? language : null,
		durationSeconds: readNumber(data.duration ?? data.duration_seconds ?? data.audio_duration),
		segments,
	};
	const summary = readText(data.summary);
	if (summary) normalized.summary = summary;
	return normalized;
}

/** The transcript list: DRF pagination ({ count, next, results }), or a bare list. */
export function readTranscriptPage(body: unknown): { results: IDataObject[]; hasNext: boolean } {
	if (Array.isArray(body)) return { results: body as IDataObject[], hasNext: false };
	const page = (body ?? {}) as IDataObject;
	const list = page.results ?? page.transcripts ?? page.data ?? [];
	const results = Array.isArray(list) ? (list as IDataObject[]) : [];
	const next = page.next ?? page.has_next ?? page.hasNext;
	return { results, hasNext: Boolean(next) && results.length > 0 };
}

/** The first of several possible answer fields that is present: shapes the docs do not show. */
export function firstPresent(data: IDataObject, keys: string[]): unknown {
	for (const key of keys) {
		if (data[key] !== undefined && data[key] !== null) return data[key];
	}
	return undefined;
}

/** GET /v1/models: no key needed. */
export async function listModels(context: Context, itemIndex?: number): Promise<IDataObject[]> {
	const response = await sttAiRequest<unknown>(context, {
		method: 'GET',
		path: PATHS.models,
		itemIndex,
	});
	const body = response.body as IDataObject;
	const models = Array.isArray(body) ? body : body?.models;
	return Array.isArray(models) ? (models as IDataObject[]) : [];
}

/** GET /v1/languages: no key needed. */
export async function listLanguages(context: Context, itemIndex?: number): Promise<IDataObject[]> {
	const response = await sttAiRequest<unknown>(context, {
		method: 'GET',
		path: PATHS.languages,
		itemIndex,
	});
	const body = response.body as IDataObject;
	const languages = Array.isArray(body) ? body : body?.languages;
	return Array.isArray(languages) ? (languages as IDataObject[]) : [];
}
