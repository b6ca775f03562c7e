'use strict';
/**
 * Local emulator of the STT.ai APIs for tests, following /work/shared/providers/sttai.txt and the
 * STT.ai section of NOTES.md. One server on 127.0.0.1 serves both route families:
 *   - the transcription/AI API (https://api.stt.ai): /v1/..., /health → use `emu.url`
 *   - the account REST API (https://stt.ai/api/v1): /api/v1/...     → use `emu.accountUrl`
 *
 *   const { startSttAiEmulator } = require('./sttai');
 *   const emu = await startSttAiEmulator({ apiKeys: { 'test-key': { credits: 100 } } });
 *
 * CLI: node test/emulators/sttai.js --port 4105 --api-key test-key
 *
 * Decisions where the docs are silent (all easy to change here):
 * - Errors: the API answers { "error": "…" } (documented); the account API answers Django REST
 *   style { "detail": "…" }.
 * - Size tiers answer 413; anonymous and concurrency limits answer 429 with Retry-After (seconds).
 * - Credits are minutes of audio: a transcription costs ceil(duration / 60); with too few, 402.
 *   Only transcription costs credits.
 * - The models and languages routes and /health ignore the Authorization header.
 * - Transcript list: DRF page-number pagination (page, page_size ≤ 100, default 20), answering
 *   { count, next, previous, results }, filters status, language, created_after, created_before
 *   (ISO dates). List entries carry no text or segments; the detail route does. A page past the
 *   end is a 404 "Invalid page.".
 * - Analyze answers { type, result, model }; generate answers { type, content, model }.
 * - Translation "translates" by prefixing the target code: "[es] Hello".
 * - Every request body is read to its end before answering. Dropped connections log status 0.
 */
const http = require('node:http');
const crypto = require('node:crypto');
const { parseMultipartStream, getBoundary, readBody, mulberry32 } = require('./hispeech');

const MB = 1024 * 1024;
const MODELS = [
	{ id: 'large-v3-turbo', name: 'Whisper Large V3 Turbo', languages: 99, speed: 'fast' },
	{ id: 'large-v3', name: 'Whisper Large V3', languages: 99, speed: 'standard' },
	{ id: 'medium', name: 'Whisper Medium', languages: 99, speed: 'fast' },
	{ id: 'small', name: 'Whisper Small', languages: 99, speed: 'very_fast' },
];
const LANGUAGES = Object.entries({
	en: 'english', es: 'spanish', fr: 'french', de: 'german', it: 'italian', pt: 'portuguese', nl: 'dutch',
	ru: 'russian', uk: 'ukrainian', pl: 'polish', tr: 'turkish', ar: 'arabic', hi: 'hindi', ja: 'japanese',
	ko: 'korean', zh: 'chinese', hy: 'armenian', sv: 'swedish', fi: 'finnish', el: 'greek', he: 'hebrew',
}).map(([code, name]) => ({ code, name }));
const LANGUAGE_CODES = new Set(LANGUAGES.map((l) => l.code));
/** MADLAD-400 covers 450+ languages; these extra codes stand in for the ones not transcribed. */
const TRANSLATE_CODES = new Set([...LANGUAGE_CODES, 'ca', 'eu', 'gl', 'cy', 'ga', 'sw', 'yo', 'zu', 'pt-BR', 'zh-TW']);
const SUMMARY_STYLES = ['brief', 'detailed', 'action_items', 'bullet_points', 'bullets', 'headline'];
const ANALYZE_TYPES = ['sentiment', 'topics', 'entities', 'action_items', 'questions', 'pii_redact'];
const GENERATE_TYPES = ['blog_post', 'social_media', 'newsletter', 'key_quotes', 'show_notes', 'meeting_notes', 'study_guide', 'flashcards', 'quiz', 'chapter_markers'];
const RESPONSE_FORMATS = ['json', 'txt', 'srt', 'vtt'];
const EXPORT_TYPES = {
	txt: 'text/plain; charset=utf-8',
	srt: 'application/x-subrip',
	vtt: 'text/vtt; charset=utf-8',
	json: 'application/json',
	csv: 'text/csv; charset=utf-8',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	pdf: 'application/pdf',
};
const LLM = 'qwen2.5-1.5b-instruct';
const FAULT_TYPES = ['status', '429', 'drop', 'slow', 'drop-after-processing'];

const DEFAULTS = {
	port: 0,
	/** key → { tier: 'free' | 'paid', credits (minutes) } */
	apiKeys: { 'test-key': { tier: 'paid', credits: 10_000 } },
	tiers: {
		anonymous: { maxBytes: 100 * MB, concurrent: 1 },
		free: { maxBytes: 500 * MB, concurrent: 2 },
		paid: { maxBytes: 2048 * MB, concurrent: 5 },
	},
	anonymousDailyLimit: 3,
	anonymousWindowMs: 24 * 3600 * 1000,
	/** Delay of a transcription (ms, or a function of the upload), and of every other route. */
	processingDelayMs: 0,
	routeDelayMs: 0,
	sentences: (u) => [`Hello, this is ${u.filename}.`, `The recording has ${u.bytes} bytes.`, 'Thanks for listening.'],
	audioDuration: (u) => Math.max(1, Math.round(u.bytes / 16000)),
};

function httpError(status, message, headers) {
	return Object.assign(new Error(message), { status, headers });
}

// ---------------------------------------------------------------------------------------------
// Content the fake models produce (deterministic)
// ---------------------------------------------------------------------------------------------

const sentencesOf = (text) => text.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter(Boolean);
const round2 = (n) => Math.round(n * 100) / 100;

function buildSegments(sentences, duration, { diarize, speakers }) {
	const step = duration / sentences.length;
	const speakerCount = speakers > 0 ? speakers : 2;
	return sentences.map((text, i) => {
		const start = round2(i * step);
		const end = i === sentences.length - 1 ? duration : round2((i + 1) * step);
		const words = text.split(/\s+/);
		const wordStep = (end - start) / words.length;
		const segment = { start, end, text, confidence: 0.95 };
		if (diarize) segment.speaker = `Speaker ${(i % speakerCount) + 1}`;
		segment.words = words.map((word, w) => ({ word, start: round2(start + w * wordStep), end: round2(start + (w + 1) * wordStep) }));
		return segment;
	});
}

function stamp(seconds, sep) {
	const ms = Math.round(seconds * 1000);
	const pad = (n, w = 2) => String(n).padStart(w, '0');
	return `${pad(Math.floor(ms / 3600000))}:${pad(Math.floor(ms / 60000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${sep}${pad(ms % 1000, 3)}`;
}

function subtitles(segments, format) {
	if (format === 'srt') {
		return segments.map((s, i) => `${i + 1}\n${stamp(s.start, ',')} --> ${stamp(s.end, ',')}\n${s.speaker ? `[${s.speaker}] ` : ''}${s.text}`).join('\n\n') + '\n';
	}
	return 'WEBVTT\n\n' + segments.map((s) => `${stamp(s.start, '.')} --> ${stamp(s.end, '.')}\n${s.speaker ? `<v ${s.speaker}>` : ''}${s.text}`).join('\n\n') + '\n';
}

function summarize(text, style) {
	const sentences = sentencesOf(text);
	if (style === 'bullet_points' || style === 'bullets') return sentences.map((s) => `- ${s}`).join('\n');
	if (style === 'action_items') return `Action items:\n${sentences.map((s) => `- [ ] ${s}`).join('\n')}`;
	if (style === 'headline') return text.split(/\s+/).slice(0, 8).join(' ');
	if (style === 'detailed') return `In detail: ${text}`;
	return `Summary: ${sentences[0] ?? text}`;
}

function analyze(text, type) {
	const sentences = sentencesOf(text);
	const words = text.toLowerCase().match(/\p{L}{5,}/gu) ?? [];
	switch (type) {
		case 'sentiment':
			return /thank|great|good|happy/i.test(text) ? { label: 'positive', score: 0.82 } : { label: 'neutral', score: 0.5 };
		case 'topics':
			return [...new Set(words)].slice(0, 5);
		case 'entities':
			return (text.match(/\b[A-Z][a-z]+\b/g) ?? []).map((t) => ({ text: t, type: 'MISC' }));
		case 'action_items':
			return sentences.filter((s) => /\b(will|must|should|todo|need)\b/i.test(s));
		case 'questions':
			return sentences.filter((s) => s.endsWith('?'));
		default:
			return text.replace(/[\w.+-]+@[\w-]+\.[\w.]+/g, '[EMAIL]').replace(/\d/g, '#');
	}
}

function generate(text, type) {
	const sentences = sentencesOf(text);
	if (type === 'meeting_notes') {
		return `# Meeting notes\n\n## Summary\n${sentences[0] ?? ''}\n\n## Discussion\n${sentences.map((s) => `- ${s}`).join('\n')}`;
	}
	return `${type.replace(/_/g, ' ')}: ${text}`;
}

/** A unit vector of 384 numbers derived from the text (same text, same vector). */
function embedding(text) {
	const values = [];
	for (let block = 0; values.length < 384; block++) {
		const digest = crypto.createHash('sha256').update(`${block}:${text}`).digest();
		for (let i = 0; i < digest.length && values.length < 384; i += 2) values.push(digest.readInt16BE(i) / 32768);
	}
	const norm = Math.hypot(...values);
	return values.map((v) => Math.round((v / norm) * 1e6) / 1e6);
}

/** A valid 16 kHz mono 16-bit PCM WAV file with `samples` samples of a quiet tone. */
function wav(samples) {
	const data = Buffer.alloc(samples * 2);
	for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(Math.sin(i / 8) * 1000), i * 2);
	const header = Buffer.alloc(44);
	header.write('RIFF', 0);
	header.writeUInt32LE(36 + data.length, 4);
	header.write('WAVEfmt ', 8);
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20);
	header.writeUInt16LE(1, 22);
	header.writeUInt32LE(16000, 24);
	header.writeUInt32LE(32000, 28);
	header.writeUInt16LE(2, 32);
	header.writeUInt16LE(16, 34);
	header.write('data', 36);
	header.writeUInt32LE(data.length, 40);
	return Buffer.concat([header, data]);
}

function exportFile(t, format) {
	const segments = t.segments;
	switch (format) {
		case 'txt':
			return t.text;
		case 'srt':
		case 'vtt':
			return subtitles(segments, format);
		case 'json':
			return JSON.stringify({ id: t.id, title: t.title, language: t.language, duration: t.duration, text: t.text, segments });
		case 'csv':
			return 'start,end,speaker,text\n' + segments.map((s) => `${s.start},${s.end},${s.speaker ?? ''},"${s.text.replace(/"/g, '""')}"`).join('\n') + '\n';
		case 'pdf':
			return Buffer.from(`%PDF-1.4\n% ${t.title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
		default: // docx: a ZIP container (only its signature and a marker matter here)
			return Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(`word/document.xml ${t.text}`)]);
	}
}

// ---------------------------------------------------------------------------------------------
// The emulator
// ---------------------------------------------------------------------------------------------

async function startSttAiEmulator(options = {}) {
	const opts = { ...DEFAULTS };
	for (const [k, v] of Object.entries(options)) if (v !== undefined) opts[k] = v;
	if (options.apiKey) opts.apiKeys = { [options.apiKey]: { tier: 'paid', credits: 10_000 } };
	opts.tiers = { ...DEFAULTS.tiers, ...(options.tiers ?? {}) };

	const requests = [];
	const accounts = new Map(); // key → { tier, credits, transcripts: Map, nextId }
	const anonymousUse = new Map(); // ip → timestamps
	const active = new Map(); // account key or ip → running transcriptions
	const sockets = new Set();
	const timers = new Set();
	let faults = [];
	let faultRate = null;
	let nextTranscriptId = 1000;

	function resetAccounts() {
		accounts.clear();
		for (const [key, account] of Object.entries(opts.apiKeys)) {
			accounts.set(key, { key, tier: account.tier ?? 'paid', credits: account.credits ?? 10_000, transcripts: new Map() });
		}
	}
	resetAccounts();

	function sleep(ms) {
		if (!(ms > 0)) return Promise.resolve();
		return new Promise((resolve) => {
			const t = setTimeout(() => {
				timers.delete(t);
				resolve();
			}, ms);
			timers.add(t);
		});
	}

	// --- faults -----------------------------------------------------------------------------------

	function injectFault({ method, path, type, times = 1, retryAfter = 1, delayMs = 200, status = 500 } = {}) {
		if (!FAULT_TYPES.includes(type)) throw new Error(`Unknown fault type: ${type}`);
		faults.push({ method, path, type, remaining: times, retryAfter, delayMs, status });
	}

	function setFaultRate({ rate = 0, types = ['429', '500', '503', 'drop', 'slow'], seed = 1, retryAfter = 1, delayMs = 200 } = {}) {
		faultRate = rate > 0 ? { rate, types, retryAfter, delayMs, random: mulberry32(seed) } : null;
	}
	// Option `faults` ({ rate, seed, types, retryAfter, delayMs }) turns seeded random faults on from the start.
	if (opts.faults) setFaultRate(opts.faults);

	function takeFault(method, path) {
		const matches = (f) =>
			(!f.method || f.method.toUpperCase() === method) && (f.path instanceof RegExp ? f.path.test(path) : path.startsWith(f.path || ''));
		const fault = faults.find(matches);
		if (fault) {
			if (--fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
			return fault;
		}
		if (!faultRate || faultRate.random() >= faultRate.rate) return null;
		const type = faultRate.types[Math.floor(faultRate.random() * faultRate.types.length)];
		const numeric = /^\d+$/.test(type) && type !== '429';
		return { type: numeric ? 'status' : type, status: Number(type) || 500, retryAfter: faultRate.retryAfter, delayMs: faultRate.delayMs, name: type };
	}

	// --- plumbing ---------------------------------------------------------------------------------

	function send(ctx, status, body, headers = {}) {
		const { req, res, entry } = ctx;
		if (entry.status !== null || res.headersSent) return;
		entry.endedAt = Date.now();
		if (ctx.dropResponse) {
			entry.status = 0;
			req.socket.destroy();
			return;
		}
		entry.status = status;
		let payload = body;
		let type = headers['content-type'] ?? 'application/json';
		if (body === null) payload = Buffer.alloc(0);
		else if (typeof body === 'string') payload = Buffer.from(body, 'utf8');
		else if (!Buffer.isBuffer(body)) payload = Buffer.from(JSON.stringify(body));
		res.writeHead(status, { ...headers, 'content-type': type, 'content-length': payload.length });
		res.end(payload);
	}

	const errorBody = (ctx, message) => (ctx.account ? { detail: message } : { error: message });
	const countChunk = (entry) => (chunk) => (entry.bytesReceived += chunk.length);
	const drain = (ctx) => readBody(ctx.req, countChunk(ctx.entry), 0);

	async function readJson(ctx) {
		const { body, tooLarge } = await readBody(ctx.req, countChunk(ctx.entry), 10 * MB);
		if (tooLarge) throw httpError(413, 'Request body too large');
		try {
			ctx.entry.json = JSON.parse(body.toString('utf8') || '{}');
		} catch {
			throw httpError(400, 'Invalid JSON body');
		}
		if (!ctx.entry.json || typeof ctx.entry.json !== 'object' || Array.isArray(ctx.entry.json)) throw httpError(400, 'The body must be a JSON object');
		return ctx.entry.json;
	}

	async function readForm(ctx) {
		const boundary = getBoundary(ctx.req.headers['content-type']);
		if (!boundary) {
			await drain(ctx);
			throw httpError(400, 'Send the file as multipart/form-data');
		}
		const form = await parseMultipartStream(ctx.req, boundary, { onChunk: countChunk(ctx.entry) });
		ctx.entry.fields = form.fields;
		ctx.entry.files = form.files;
		return form;
	}

	function requireFile(ctx, form, field, tier) {
		const file = form.files.find((f) => f.name === field);
		if (!file) throw httpError(400, `Missing file: the "${field}" field is required`);
		if (file.bytes === 0) throw httpError(400, 'The file is empty');
		const limit = opts.tiers[tier].maxBytes;
		if (file.bytes > limit) {
			throw httpError(413, `File too large: the ${tier} tier allows files up to ${Math.round(limit / MB) >= 1 ? `${Math.round(limit / MB)} MB` : `${limit} bytes`}`);
		}
		return file;
	}

	function requireText(value, name = 'text') {
		if (typeof value !== 'string' || value.trim() === '') throw httpError(400, `${name} is required`);
		return value;
	}

	function requireChoice(value, allowed, name, fallback) {
		if (value === undefined || value === null || value === '') return fallback;
		if (!allowed.includes(value)) throw httpError(400, `Invalid ${name} "${value}". Allowed: ${allowed.join(', ')}`);
		return value;
	}

	/** Who is calling: an account, anonymous, or (wrong key) a 401. */
	function caller(ctx) {
		const header = ctx.req.headers.authorization;
		if (header === undefined) return { tier: 'anonymous', account: null, id: ctx.req.socket.remoteAddress };
		const match = /^Bearer\s+(\S+)$/.exec(header);
		const account = match && accounts.get(match[1]);
		if (!account) throw httpError(401, ctx.account ? 'Invalid token.' : 'Invalid or missing API key');
		return { tier: account.tier, account, id: account.key };
	}

	// --- API routes (api.stt.ai) ------------------------------------------------------------------

	async function transcribe(ctx, who) {
		const form = await readForm(ctx);
		const file = requireFile(ctx, form, 'file', who.tier);
		const f = form.fields;
		const model = requireChoice(f.model, MODELS.map((m) => m.id), 'model', 'large-v3-turbo');
		const language = f.language === undefined || f.language === '' || f.language === 'auto' ? 'auto' : f.language;
		if (language !== 'auto' && !LANGUAGE_CODES.has(language)) throw httpError(400, `Unsupported language "${language}". Use an ISO 639-1 code or "auto".`);
		const diarizeRaw = (f.diarize ?? 'true').toLowerCase();
		if (!['true', 'false', '1', '0'].includes(diarizeRaw)) throw httpError(400, 'diarize must be true or false');
		const diarize = diarizeRaw === 'true' || diarizeRaw === '1';
		const speakers = f.speakers === undefined || f.speakers === '' ? 0 : Number(f.speakers);
		if (!Number.isInteger(speakers) || speakers < 0) throw httpError(400, 'speakers must be a whole number of 0 or more');
		const format = requireChoice(f.response_format, RESPONSE_FORMATS, 'response_format', 'json');

		// Limits: anonymous daily count, concurrency, credits.
		const now = Date.now();
		if (who.tier === 'anonymous') {
			const used = (anonymousUse.get(who.id) ?? []).filter((t) => t > now - opts.anonymousWindowMs);
			anonymousUse.set(who.id, used);
			if (used.length >= opts.anonymousDailyLimit) {
				const retryAfter = Math.max(1, Math.ceil((used[0] + opts.anonymousWindowMs - now) / 1000));
				throw httpError(429, `Anonymous limit reached: ${opts.anonymousDailyLimit} transcriptions per day. Sign up for an API key.`, { 'retry-after': String(retryAfter) });
			}
			used.push(now);
		}
		const running = active.get(who.id) ?? 0;
		if (running >= opts.tiers[who.tier].concurrent) {
			throw httpError(429, `Too many concurrent transcriptions: the ${who.tier} tier allows ${opts.tiers[who.tier].concurrent}`, { 'retry-after': '1' });
		}
		const upload = { filename: file.filename, bytes: file.bytes, sha256: file.sha256, model, language, diarize, speakers, format };
		const duration = opts.audioDuration(upload);
		const cost = Math.ceil(duration / 60);
		if (who.account && who.account.credits < cost) throw httpError(402, 'No credits remaining. Upgrade your plan.');

		active.set(who.id, running + 1);
		try {
			const delay = typeof opts.processingDelayMs === 'function' ? opts.processingDelayMs(upload) : opts.processingDelayMs;
			await sleep(delay);
		} finally {
			active.set(who.id, (active.get(who.id) ?? 1) - 1);
		}
		if (who.account) who.account.credits -= cost;

		const sentences = opts.sentences(upload);
		const segments = buildSegments(sentences, duration, { diarize, speakers });
		const result = {
			text: sentences.join(' '),
			language: language === 'auto' ? 'en' : language,
			duration,
			segments,
			speakers: diarize ? [...new Set(segments.map((s) => s.speaker))] : [],
		};
		ctx.entry.upload = upload;
		if (who.account) {
			const id = nextTranscriptId++;
			who.account.transcripts.set(String(id), { id, title: file.filename, status: 'completed', created_at: new Date(now).toISOString(), ...result });
			ctx.entry.transcriptId = id;
		}
		if (format === 'json') return send(ctx, 200, result);
		if (format === 'txt') return send(ctx, 200, result.text, { 'content-type': 'text/plain; charset=utf-8' });
		return send(ctx, 200, subtitles(segments, format), { 'content-type': format === 'srt' ? 'text/plain; charset=utf-8' : 'text/vtt; charset=utf-8' });
	}

	async function summarizeRoute(ctx) {
		const body = await readJson(ctx);
		const text = requireText(body.text);
		const style = requireChoice(body.style, SUMMARY_STYLES, 'style', 'brief');
		send(ctx, 200, { summary: summarize(text, style), style, model: LLM });
	}

	function translateCode(value, name, fallback) {
		if (value === undefined || value === null || value === '') {
			if (fallback) return fallback;
			throw httpError(400, `${name} is required`);
		}
		if (!TRANSLATE_CODES.has(value)) throw httpError(400, `Unsupported ${name} language "${value}"`);
		return value;
	}

	async function translateRoute(ctx) {
		const body = await readJson(ctx);
		const target = translateCode(body.target, 'target');
		const source = translateCode(body.source, 'source', 'en');
		if (Array.isArray(body.texts)) {
			if (body.texts.length === 0) throw httpError(400, 'texts must not be empty');
			body.texts.forEach((t, i) => requireText(t, `texts[${i}]`));
			return send(ctx, 200, { translations: body.texts.map((t) => ({ translated_text: `[${target}] ${t}` })) });
		}
		const text = requireText(body.text, 'text or texts');
		send(ctx, 200, { translated_text: `[${target}] ${text}`, source_language: source, target_language: target });
	}

	async function analyzeRoute(ctx) {
		const body = await readJson(ctx);
		const text = requireText(body.text);
		const type = requireChoice(body.type, ANALYZE_TYPES, 'type', 'sentiment');
		send(ctx, 200, { type, result: analyze(text, type), model: LLM });
	}

	async function generateRoute(ctx) {
		const body = await readJson(ctx);
		const text = requireText(body.text);
		const type = requireChoice(body.type, GENERATE_TYPES, 'type', 'blog_post');
		send(ctx, 200, { type, content: generate(text, type), model: LLM });
	}

	async function embedRoute(ctx) {
		const body = await readJson(ctx);
		if (!Array.isArray(body.texts) || body.texts.length === 0) throw httpError(400, 'texts must be a non-empty array of strings');
		body.texts.forEach((t, i) => requireText(t, `texts[${i}]`));
		send(ctx, 200, { embeddings: body.texts.map(embedding), dimensions: 384 });
	}

	async function enhanceRoute(ctx, who) {
		const form = await readForm(ctx);
		const file = requireFile(ctx, form, 'file', who.tier);
		send(ctx, 200, wav(Math.min(Math.ceil(file.bytes / 2), 16000 * 60)), { 'content-type': 'audio/wav' });
	}

	async function ttsRoute(ctx, who) {
		const form = await readForm(ctx);
		requireFile(ctx, form, 'reference', who.tier);
		const text = requireText(form.fields.text);
		const duration = round2(text.split(/\s+/).length * 0.4);
		send(ctx, 200, wav(Math.round(duration * 16000)), {
			'content-type': 'audio/wav',
			'x-duration': String(duration),
			'x-generation-time': '0.42',
		});
	}

	// --- account routes (stt.ai/api/v1) -----------------------------------------------------------

	function listEntry(t) {
		return { id: t.id, title: t.title, status: t.status, language: t.language, duration: t.duration, created_at: t.created_at };
	}

	function listTranscripts(ctx, account) {
		const q = ctx.url.searchParams;
		const page = q.has('page') ? Number(q.get('page')) : 1;
		const pageSize = q.has('page_size') ? Number(q.get('page_size')) : 20;
		if (!Number.isInteger(page) || page < 1) throw httpError(404, 'Invalid page.');
		if (!Number.isInteger(pageSize) || pageSize < 1) throw httpError(400, 'Invalid page_size.');
		const size = Math.min(pageSize, 100);
		let list = [...account.transcripts.values()].sort((a, b) => b.id - a.id);
		if (q.get('status')) list = list.filter((t) => t.status === q.get('status'));
		if (q.get('language')) list = list.filter((t) => t.language === q.get('language'));
		const after = q.get('created_after');
		const before = q.get('created_before');
		for (const [value, name] of [[after, 'created_after'], [before, 'created_before']]) {
			if (value && Number.isNaN(Date.parse(value))) throw httpError(400, `Invalid ${name}: use an ISO 8601 date.`);
		}
		if (after) list = list.filter((t) => Date.parse(t.created_at) >= Date.parse(after));
		if (before) list = list.filter((t) => Date.parse(t.created_at) < Date.parse(before));
		const pages = Math.max(1, Math.ceil(list.length / size));
		if (page > pages) throw httpError(404, 'Invalid page.');
		const link = (p) => {
			const u = new URL(ctx.url.href);
			u.searchParams.set('page', String(p));
			return `${ctx.origin}${u.pathname}${u.search}`;
		};
		send(ctx, 200, {
			count: list.length,
			next: page < pages ? link(page + 1) : null,
			previous: page > 1 ? link(page - 1) : null,
			results: list.slice((page - 1) * size, page * size).map(listEntry),
		});
	}

	async function chatRoute(ctx, t) {
		const body = await readJson(ctx);
		const question = requireText(body.question, 'question');
		const words = question.toLowerCase().match(/\p{L}{4,}/gu) ?? [];
		const sources = t.segments
			.map((s, order) => ({ segment_order: order, text: s.text, score: round2(0.5 + 0.1 * words.filter((w) => s.text.toLowerCase().includes(w)).length) }))
			.sort((a, b) => b.score - a.score)
			.slice(0, 2);
		const sessionId = typeof body.session_id === 'string' && body.session_id ? body.session_id : crypto.randomUUID();
		ctx.entry.sessionId = sessionId;
		send(ctx, 200, { answer: `About "${question}": ${sources[0]?.text ?? t.text}`, sources, session_id: sessionId });
	}

	async function accountRoute(ctx, method, rest) {
		const who = caller(ctx);
		if (!who.account) throw httpError(401, 'Authentication credentials were not provided.');
		const { account } = who;
		if (rest === 'account/' && method === 'GET') {
			await drain(ctx);
			return send(ctx, 200, { id: 1, email: 'user@example.com', plan: account.tier, credits: account.credits });
		}
		if (rest === 'usage/' && method === 'GET') {
			await drain(ctx);
			const day = 24 * 3600 * 1000;
			const days = Array.from({ length: 30 }, (_, i) => ({ date: new Date(Date.now() - (29 - i) * day).toISOString().slice(0, 10), minutes: 0, transcriptions: 0 }));
			return send(ctx, 200, { days });
		}
		if (rest === 'transcripts/' && method === 'GET') {
			await drain(ctx);
			return listTranscripts(ctx, account);
		}
		const match = /^transcripts\/([^/]+)\/(?:(export)\/([^/]+)\/|(chat)\/)?$/.exec(rest);
		if (!match) {
			await drain(ctx);
			throw httpError(404, 'Not found.');
		}
		const t = account.transcripts.get(decodeURIComponent(match[1]));
		if (match[4] && method === 'POST') {
			if (!t) {
				await drain(ctx);
				throw httpError(404, 'Not found.');
			}
			return await chatRoute(ctx, t);
		}
		await drain(ctx);
		if (!t) throw httpError(404, 'Not found.');
		if (match[2] && method === 'GET') {
			const format = match[3];
			if (!EXPORT_TYPES[format]) throw httpError(400, `Unsupported export format "${format}". Use txt, srt, vtt, json, csv, docx or pdf.`);
			return send(ctx, 200, exportFile(t, format), {
				'content-type': EXPORT_TYPES[format],
				'content-disposition': `attachment; filename="${t.title.replace(/\.[^.]+$/, '')}.${format}"`,
			});
		}
		if (!match[2] && method === 'GET') return send(ctx, 200, t);
		if (!match[2] && method === 'DELETE') {
			account.transcripts.delete(String(t.id));
			return send(ctx, 204, null);
		}
		throw httpError(405, `Method "${method}" not allowed.`);
	}

	// --- dispatch ---------------------------------------------------------------------------------

	const API_ROUTES = {
		'POST /v1/transcribe': transcribe,
		'POST /v1/summarize': summarizeRoute,
		'POST /v1/translate': translateRoute,
		'POST /v1/analyze': analyzeRoute,
		'POST /v1/generate': generateRoute,
		'POST /v1/embed': embedRoute,
		'POST /v1/enhance-audio': enhanceRoute,
		'POST /v1/tts': ttsRoute,
	};
	const OPEN_ROUTES = {
		'GET /v1/models': { models: MODELS },
		'GET /v1/languages': { languages: LANGUAGES },
		'GET /health': { status: 'ok', gpu_available: true, gpu_name: 'NVIDIA A100', gpu_memory_mb: 8188 },
	};

	async function handle(req, res) {
		const url = new URL(req.url, 'http://127.0.0.1');
		const entry = {
			method: req.method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: { ...req.headers },
			status: null,
			startedAt: Date.now(),
			endedAt: null,
			bytesReceived: 0,
			fault: null,
		};
		requests.push(entry);
		const ctx = { req, res, url, entry, origin: `http://${req.headers.host}`, account: url.pathname.startsWith('/api/'), dropResponse: false };
		res.on('close', () => {
			if (entry.status === null) {
				entry.status = 0;
				entry.endedAt = Date.now();
			}
		});
		try {
			const fault = takeFault(req.method, url.pathname);
			if (fault) {
				entry.fault = fault.name ?? fault.type;
				if (fault.type === 'slow') await sleep(fault.delayMs);
				else if (fault.type === 'drop-after-processing') ctx.dropResponse = true;
				else {
					await drain(ctx);
					if (fault.type === 'drop') {
						ctx.dropResponse = true;
						return send(ctx, 0);
					}
					const code = fault.type === '429' ? 429 : fault.status;
					const headers = code === 429 ? { 'retry-after': String(fault.retryAfter) } : {};
					const message = code === 429 ? 'Rate limit exceeded' : code === 503 ? 'GPU temporarily unavailable' : `Injected fault: HTTP ${code}`;
					return send(ctx, code, errorBody(ctx, message), headers);
				}
			}
			await sleep(opts.routeDelayMs);
			const key = `${req.method} ${url.pathname}`;
			if (OPEN_ROUTES[key]) {
				await drain(ctx);
				return send(ctx, 200, OPEN_ROUTES[key]);
			}
			if (ctx.account && url.pathname.startsWith('/api/v1/')) return await accountRoute(ctx, req.method, url.pathname.slice('/api/v1/'.length));
			const handler = API_ROUTES[key];
			if (!handler) {
				await drain(ctx);
				throw httpError(404, `Not found: ${req.method} ${url.pathname}`);
			}
			let who;
			try {
				who = caller(ctx);
			} catch (error) {
				await drain(ctx);
				throw error;
			}
			entry.tier = who.tier;
			await handler(ctx, who);
		} catch (err) {
			if (req.socket.destroyed) return;
			if (!req.complete) await drain(ctx).catch(() => {});
			const code = err.status || 500;
			send(ctx, code, errorBody(ctx, err.status ? err.message : `Internal error: ${err.message}`), err.headers ?? {});
		}
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch(() => req.socket.destroy());
	});
	server.requestTimeout = 0;
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = server.address().port;
	const url = `http://127.0.0.1:${port}`;

	return {
		url,
		accountUrl: `${url}/api/v1`,
		port,
		requests,
		accounts,
		injectFault,
		setFaultRate,
		/** Stores transcripts for an account, as if transcribed earlier: { title, language, status, createdAt, text }. */
		seedTranscripts(key, list) {
			const account = accounts.get(key);
			return list.map((spec, i) => {
				const id = nextTranscriptId++;
				const text = spec.text ?? `Stored transcript ${i + 1}. It was recorded earlier. Thanks for listening.`;
				const duration = spec.duration ?? 30;
				const transcript = {
					id,
					title: spec.title ?? `recording-${id}.mp3`,
					status: spec.status ?? 'completed',
					language: spec.language ?? 'en',
					duration,
					created_at: spec.createdAt ?? new Date(Date.now() - i * 60_000).toISOString(),
					text,
					segments: buildSegments(sentencesOf(text), duration, { diarize: true, speakers: 0 }),
					speakers: ['Speaker 1', 'Speaker 2'],
				};
				account.transcripts.set(String(id), transcript);
				return transcript;
			});
		},
		reset() {
			requests.length = 0;
			anonymousUse.clear();
			active.clear();
			resetAccounts();
			faults = [];
			faultRate = null;
		},
		close() {
			for (const t of timers) clearTimeout(t);
			timers.clear();
			return new Promise((resolve) => {
				server.close(() => resolve());
				for (const s of sockets) s.destroy();
			});
		},
	};
}

async function main() {
	const args = process.argv.slice(2);
	const options = {};
	for (let i = 0; i < args.length; i++) {
		const [flag, inline] = args[i].split(/=(.*)/s);
		const value = () => inline ?? args[++i];
		if (flag === '--port') options.port = Number(value());
		else if (flag === '--api-key') options.apiKey = value();
		else if (flag === '--delay-ms') options.processingDelayMs = Number(value());
		else throw new Error(`Unknown argument: ${args[i]}`);
	}
	const emu = await startSttAiEmulator(options);
	console.log(`stt.ai emulator: API ${emu.url}, account API ${emu.accountUrl}`);
	const shutdown = () => emu.close().then(() => process.exit(0));
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

if (require.main === module) {
	main().catch((err) => {
		console.error(err);
		process.exit(1);
	});
}

module.exports = { startSttAiEmulator, MODELS, LANGUAGES };
