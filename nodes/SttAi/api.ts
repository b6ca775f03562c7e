import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import type { AnswerShape } from '../shared/answers';
import { asObject, statusFromWord, unknownStatusError } from '../shared/answers';
import type {
	NormalizedTranscript,
	SegmentFields,
	TranscriptSegment,
	TranscriptStatus,
} from '../shared/transcript';
import { readNumber, readSegment, readText } from '../shared/transcript';
import type { ApiResponse, ProviderProfile } from '../shared/transport';
import { apiRequest } from '../shared/transport';
import type { UploadSource } from '../shared/upload';
import { multipartBody } from '../shared/upload';

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

/** The answers must be JSON objects: anything else means a Base URL points elsewhere. */
export const ANSWER: AnswerShape = {
	provider: 'STT.ai',
	fix: 'Check the Base URLs in the STT.ai credential.',
};

/** A call whose answer must be a JSON object. */
export async function requestObject(context: Context, call: Call): Promise<IDataObject> {
	const response = await sttAiRequest<unknown>(context, call);
	return asObject(context, response.body, call.itemIndex, ANSWER);
}

/** A call to the account API, which holds the stored transcripts. */
export async function accountRequest<T = unknown>(
	context: IExecuteFunctions,
	method: IHttpRequestMethods,
	path: string,
	itemIndex: number,
	more: Partial<Call> = {},
): Promise<ApiResponse<T>> {
	return await sttAiRequest<T>(context, { method, path, itemIndex, account: true, ...more });
}

/** The text operations are pure functions of their input: safe to resend after a 5xx or a reset. */
export async function postText(
	context: IExecuteFunctions,
	path: string,
	body: IDataObject,
	itemIndex: number,
): Promise<IDataObject> {
	return await requestObject(context, { method: 'POST', path, body, itemIndex, idempotent: true });
}

/** A file STT.ai answers with, read as it arrives. */
export type FileStream = AsyncIterable<Uint8Array>;

/** The form of an audio upload: its text fields, and the audio in `fileField`. */
export interface AudioForm {
	fields: Record<string, string | number | boolean | undefined>;
	fileField: string;
	source: UploadSource;
	/** The answer is a file (WAV, TXT, SRT, VTT), streamed, rather than JSON. */
	fileAnswer: boolean;
}

/** Sends audio to be worked on: a paid request, never resent. */
export async function postAudio<T = unknown>(
	context: IExecuteFunctions,
	path: string,
	form: AudioForm,
	itemIndex: number,
): Promise<ApiResponse<T>> {
	return await sttAiRequest<T>(context, {
		method: 'POST',
		path,
		body: async () => await multipartBody(form.fields, form.fileField, form.source),
		idempotent: false,
		itemIndex,
		streamResponse: form.fileAnswer,
	});
}

export async function readAll(stream: FileStream): Promise<Buffer> {
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
	const status = statusFromWord(raw, { completed: ['ready'] });
	if (status) return status;
	throw unknownStatusError(context, STTAI.name, raw, itemIndex, { noun: 'transcript' });
}

/** STT.ai's segments keep their spacing; stored ones may name their times and word fields otherwise. */
const SEGMENT_FIELDS: Partial<SegmentFields> = {
	start: ['start', 'start_time'],
	end: ['end', 'end_time'],
	wordText: ['word', 'text'],
	wordConfidence: ['confidence', 'probability', 'score'],
	trim: false,
	numericSpeakers: true,
};

function readSegments(value: unknown): TranscriptSegment[] {
	if (!Array.isArray(value)) return [];
	return (value as IDataObject[]).map((segment) =>
		readSegment(segment, ['speaker', 'speaker_label'], SEGMENT_FIELDS),
	);
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

/** GET /v1/models or /v1/languages (no key needed): the list, bare or under `key`. */
async function listCatalogue(
	context: Context,
	path: string,
	key: string,
	itemIndex?: number,
): Promise<IDataObject[]> {
	const response = await sttAiRequest<unknown>(context, { method: 'GET', path, itemIndex });
	const body = response.body as IDataObject;
	const list = Array.isArray(body) ? body : body?.[key];
	return Array.isArray(list) ? (list as IDataObject[]) : [];
}

export async function listModels(context: Context, itemIndex?: number): Promise<IDataObject[]> {
	return await listCatalogue(context, PATHS.models, 'models', itemIndex);
}

export async function listLanguages(context: Context, itemIndex?: number): Promise<IDataObject[]> {
	return await listCatalogue(context, PATHS.languages, 'languages', itemIndex);
}
