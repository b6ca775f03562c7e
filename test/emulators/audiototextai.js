'use strict';
/**
 * Local emulator of the AudioToTextAI API (https://audiototextai.com/api/v1) for tests. Follows
 * /work/shared/providers/audiototextai.txt and the AudioToTextAI section of NOTES.md. Listens on
 * 127.0.0.1 only; every route needs `Authorization: Bearer <apiKey>`.
 *
 *   const emu = await startAudioToTextAiEmulator({ apiKey: 'a2t_test', processingDelayMs: 50 });
 *
 * Decisions where the docs are silent (inferred, easy to change):
 * - A job is `pending` for the first fifth of `processingDelayMs`, then `processing` with a
 *   `progress` from 0 to 99, then `completed` (or `failed` with `error_message`).
 * - Audio length is bytes / `bytesPerSecond` (default 1000 B/s); one segment per 10 s; credits
 *   cost 1 per started minute and the account holds `credits` (402 insufficient_credits beyond).
 * - URL jobs fetch the URL at once (127.0.0.1 only). YouTube links are not fetched: their
 *   "audio" is the video ID (212 s long).
 * - A file or URL whose name starts with "fail" makes the job fail (option `failure(input)`).
 * - The webhook body is the completed (or failed) job as GET returns it without `segments`.
 * - Option `stringNumbers` answers numbers as strings ("45", "1847.5"); `legacyFields` answers
 *   with the older blog post's names (`uuid`, `transcript_text`).
 * - Both `/api/v1/transcribe/{id}/` and the same path without the trailing slash are served.
 */
const crypto = require('node:crypto');
const { startServer, httpError, readJson, readForm, fetchInput, postJson, sentencesFor, wordsOf, round3 } = require('./common');

const MODELS = ['whisper-large-v3', 'whisper-turbo'];
const LANGUAGES = [
	{ code: '', name: 'Auto-detect' },
	{ code: 'en', name: 'English' },
	{ code: 'es', name: 'Spanish' },
	{ code: 'fr', name: 'French' },
	{ code: 'de', name: 'German' },
	{ code: 'hy', name: 'Armenian' },
];

const DEFAULTS = {
	apiKey: 'a2t_test',
	port: 0,
	processingDelayMs: 0,
	bytesPerSecond: 1000,
	credits: 1000,
	stringNumbers: false,
	legacyFields: false,
	failure: (input) => (/^fail/i.test(input.name) ? 'Audio file could not be decoded' : undefined),
};

function parseBoolean(value, name, fallback) {
	if (value === undefined || value === '') return fallback;
	if (typeof value === 'boolean') return value;
	if (/^(true|1)$/i.test(String(value))) return true;
	if (/^(false|0)$/i.test(String(value))) return false;
	throw httpError(400, `Invalid value for "${name}": expected true or false`, 'invalid_parameter');
}

function parseVocabulary(value) {
	if (value === undefined || value === '') return [];
	if (Array.isArray(value)) return value.map(String);
	const text = String(value).trim();
	if (text.startsWith('[')) {
		try {
			const list = JSON.parse(text);
			if (Array.isArray(list)) return list.map(String);
		} catch {
			/* fall through */
		}
		throw httpError(400, 'Invalid "vocabulary": not a JSON array', 'invalid_parameter');
	}
	return text
		.split(',')
		.map((word) => word.trim())
		.filter(Boolean);
}

function readOptions(raw) {
	const model = raw.model || MODELS[0];
	if (!MODELS.includes(model)) throw httpError(400, `Unknown model "${model}"`, 'invalid_model');
	const language = raw.language ?? '';
	if (!LANGUAGES.some((l) => l.code === language)) throw httpError(400, `Unsupported language "${language}"`, 'invalid_language');
	if (raw.webhook_url !== undefined && raw.webhook_url !== '' && !/^https?:\/\//.test(raw.webhook_url)) {
		throw httpError(400, 'Invalid "webhook_url"', 'invalid_parameter');
	}
	return {
		model,
		language,
		diarization: parseBoolean(raw.diarization, 'diarization', false),
		timestamps: parseBoolean(raw.timestamps, 'timestamps', true),
		word_timestamps: parseBoolean(raw.word_timestamps, 'word_timestamps', false),
		summary: parseBoolean(raw.summary, 'summary', false),
		vocabulary: parseVocabulary(raw.vocabulary),
		webhook_url: raw.webhook_url || null,
	};
}

function stringifyNumbers(value) {
	if (typeof value === 'number') return String(value);
	if (Array.isArray(value)) return value.map(stringifyNumbers);
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyNumbers(v)]));
	return value;
}

async function startAudioToTextAiEmulator(options = {}) {
	const opts = { ...DEFAULTS };
	for (const [k, v] of Object.entries(options)) if (v !== undefined) opts[k] = v;
	const jobs = new Map();
	const webhooks = [];
	let credits = opts.credits;

	const server = await startServer({
		port: opts.port,
		faultRate: opts.faults,
		route,
		errorResponse: (status, message, code) => [
			'application/json',
			JSON.stringify({ error: code || (status === 429 ? 'rate_limited' : status >= 500 ? 'server_error' : 'bad_request'), message }),
		],
	});

	function segmentsOf(job) {
		const count = Math.max(1, Math.ceil(job.duration / 10));
		return sentencesFor(job.input, count).map((text, i) => {
			const start = round3((i * job.duration) / count);
			const end = round3(((i + 1) * job.duration) / count);
			const segment = { start, end, text, confidence: 0.98 };
			if (job.options.diarization) segment.speaker = i % 2 === 0 ? 'Host' : 'Guest';
			if (job.options.word_timestamps) segment.words = wordsOf(text, start, end);
			return segment;
		});
	}

	function statusOf(job, now = Date.now()) {
		if (job.status === 'completed' || job.status === 'failed') return job.status;
		if (job.input === null || now < job.createdAt + job.delay / 5) return 'pending';
		return 'processing';
	}

	function jobJson(job, withSegments) {
		const status = statusOf(job);
		const idField = opts.legacyFields ? 'uuid' : 'id';
		let body;
		if (status === 'pending') body = { [idField]: job.id, status };
		else if (status === 'processing') {
			const progress = Math.min(99, Math.floor(((Date.now() - job.createdAt) / Math.max(1, job.delay)) * 100));
			body = { [idField]: job.id, status, progress };
		} else if (status === 'failed') body = { [idField]: job.id, status, error_message: job.error };
		else {
			const segments = segmentsOf(job);
			body = {
				[idField]: job.id,
				status,
				[opts.legacyFields ? 'transcript_text' : 'transcript']: segments.map((s) => s.text).join(' '),
				duration_seconds: job.duration,
				language: job.options.language || 'en',
				credits_used: job.credits,
			};
			if (job.options.diarization) {
				body.speakers = ['Host', 'Guest'].map((label, i) => ({
					id: `SPEAKER_0${i}`,
					label,
					speaking_time: round3(segments.filter((s) => s.speaker === label).reduce((t, s) => t + s.end - s.start, 0)),
				}));
			}
			if (job.options.summary) {
				body.summary = `Summary of ${job.input.name}: ${segments.length} part(s).`;
				body.topics = ['testing', 'transcription'];
			}
			if (withSegments) {
				body.segments = job.options.timestamps ? segments : segments.map(({ text, speaker }) => ({ text, speaker }));
			}
		}
		return opts.stringNumbers ? stringifyNumbers(body) : body;
	}

	function finish(job) {
		if (job.failure) {
			job.status = 'failed';
			job.error = job.failure;
		} else job.status = 'completed';
		if (job.options.webhook_url) {
			const body = jobJson(job, false);
			void postJson(job.options.webhook_url, body).then((status) => webhooks.push({ jobId: job.id, url: job.options.webhook_url, body, status }));
		}
	}

	function createJob(options, source) {
		const job = { id: crypto.randomUUID(), options, source, input: null, createdAt: Date.now(), status: null };
		jobs.set(job.id, job);
		return job;
	}

	function settle(job, input, failure) {
		job.input = input;
		job.duration = input ? round3(input.bytes / opts.bytesPerSecond) : 0;
		job.failure = failure ?? opts.failure(input);
		job.credits = Math.max(1, Math.ceil(job.duration / 60));
		job.delay = typeof opts.processingDelayMs === 'function' ? opts.processingDelayMs(input ?? {}) : opts.processingDelayMs;
		server.later(job.createdAt + job.delay - Date.now(), () => finish(job));
	}

	/** Charges credits up front (the docs' 402 example names what the transcription requires). */
	function charge(needed) {
		if (needed > credits) {
			throw httpError(
				402,
				`You have ${credits} credits remaining but this transcription requires ${needed} credits.`,
				'insufficient_credits',
			);
		}
		credits -= needed;
	}

	async function transcribeFile(ctx) {
		const form = await readForm(ctx);
		const file = form.files.find((f) => f.name === 'file');
		if (!file) throw httpError(400, 'The "file" field is required', 'missing_file');
		if (file.bytes === 0) throw httpError(400, 'The uploaded file is empty', 'empty_file');
		const options = readOptions(form.fields);
		const input = { name: file.filename || 'audio', bytes: file.bytes, sha256: file.sha256 };
		const estimated = Math.max(1, Math.ceil(input.bytes / opts.bytesPerSecond / 60));
		charge(estimated);
		const job = createJob(options, { type: 'file', filename: file.filename, bytes: file.bytes, sha256: file.sha256 });
		settle(job, input);
		ctx.entry.jobId = job.id;
		server.send(ctx, 201, { id: job.id, status: 'processing', estimated_credits: estimated });
	}

	async function transcribeUrl(ctx) {
		const body = await readJson(ctx);
		if (!body) throw httpError(400, 'The body must be a JSON object', 'invalid_json');
		if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) throw httpError(400, 'A valid "url" is required', 'missing_url');
		const options = readOptions(body);
		const job = createJob(options, { type: 'url', url: body.url });
		const youtube = /^https?:\/\/(www\.)?(youtube\.com\/watch\?v=|youtu\.be\/)([\w-]+)/.exec(body.url);
		if (youtube) {
			const id = youtube[3];
			settle(job, { name: `youtube-${id}`, bytes: 212 * opts.bytesPerSecond, sha256: crypto.createHash('sha256').update(id).digest('hex') });
		} else {
			fetchInput(body.url).then(
				(input) => settle(job, input),
				(error) => settle(job, null, error.message),
			);
		}
		ctx.entry.jobId = job.id;
		server.send(ctx, 201, { id: job.id, status: 'pending', estimated_credits: null });
	}

	function getJob(ctx, id) {
		ctx.entry.jobId = id;
		const job = jobs.get(id);
		if (!job) throw httpError(404, 'Transcription not found', 'not_found');
		const segments = /^(true|1)$/i.test(ctx.url.searchParams.get('segments') ?? '');
		server.send(ctx, 200, jobJson(job, segments));
	}

	function route(method, path) {
		const handler = (() => {
			if (method === 'POST' && path === '/api/v1/transcribe/') return transcribeFile;
			if (method === 'POST' && path === '/api/v1/transcribe/url/') return transcribeUrl;
			if (method === 'GET' && path === '/api/v1/languages/') return (ctx) => server.send(ctx, 200, { languages: LANGUAGES });
			const match = /^\/api\/v1\/transcribe\/([^/]+)\/?$/.exec(path);
			if (method === 'GET' && match && match[1] !== 'url') return (ctx) => getJob(ctx, decodeURIComponent(match[1]));
			return null;
		})();
		if (!handler) return null;
		return async (ctx) => {
			if (ctx.req.headers.authorization !== `Bearer ${opts.apiKey}`) {
				if (method === 'POST') await readForm(ctx).catch(() => {});
				throw httpError(401, 'Invalid or missing API key', 'unauthorized');
			}
			await handler(ctx);
		};
	}

	return {
		url: server.urls.api,
		requests: server.requests,
		jobs,
		webhooks,
		injectFault: server.injectFault,
		setFaultRate: server.setFaultRate,
		get credits() {
			return credits;
		},
		reset() {
			server.requests.length = 0;
			webhooks.length = 0;
			jobs.clear();
			credits = opts.credits;
			server.clearFaults();
		},
		close: server.close,
	};
}

module.exports = { startAudioToTextAiEmulator, LANGUAGES };
