'use strict';
/**
 * Local emulator of the TranscribeAPI speech-to-text API (https://api.transcribeapi.com) for tests.
 * Follows /work/shared/providers/transcribeapi.txt and the TranscribeAPI section of NOTES.md.
 * Plain CommonJS, Node 20 built-ins only, listens on 127.0.0.1.
 *
 *   const { startTranscribeApiEmulator } = require('./transcribeapi');
 *   const emu = await startTranscribeApiEmulator({ apiKey: 'test-key', processingDelayMs: 50 });
 *   // emu.url, emu.requests, emu.jobs, emu.uploads, emu.webhooks, emu.whenSettled(jobId), ...
 *
 * CLI: node test/emulators/transcribeapi.js --port 4102 --api-key test-key --delay-ms 2000
 *      (forked with IPC it sends {ready, url}; commands: {cmd: 'requests'|'uploads'|'jobs'|'webhooks'|
 *      'reset'|'rotateKey'|'keys', ...} → answer {cmd, [cmd]: result}; {cmd:'injectFault', fault},
 *      {cmd:'setFaultRate', options}, {cmd:'setBalance', balance}).
 *
 * ROUTES (API routes need `Authorization: Bearer <apiKey>`; errors are JSON `{ error, code, ...extra }`)
 *   GET  /health                                        {status:"ok"} (no auth)
 *   GET  /.well-known/transcribeapi-webhook-keys.json   webhook public keys (no auth), see keyFormat
 *   POST /v1/transcribe   multipart/form-data  → sync: file, model, language, task, vad_filter,
 *                         initial_prompt, vtt_granularity, exclude
 *                         application/json     → async job, SDK shape (NOTES): { files: [{ reference_id,
 *                         size_bytes?, language?, filename?, content_type? } | { reference_id?, url,
 *                         language? }], language?, webhook_url?, exclude?, model?, task?, ... } →
 *                         { job_id, job_status, total_files, uploads: [{ reference_id, file_id, key,
 *                         filename, upload }] }  (1 file → job type big_file, more → batch)
 *   POST /v1/jobs         { type: "big_file", size_bytes?, content_type?, filename?, source?: {type:"url",
 *                         url}, model?, language?, webhook_url?, ... } → { job_id, status, total_files,
 *                         uploads } ; { type: "batch", files: [{ reference_id?, url? | filename?,
 *                         size_bytes?, content_type? }], ... } → { job_id, status, total_files }
 *   POST /v1/jobs/{id}/upload-urls      body {} | { offset, limit } | { files|file_ids|reference_ids:
 *                         [...] } → { job_id, uploads: [{ file_id, reference_id, filename, key, upload }],
 *                         next_offset } (≤ uploadPageSize files per page, else invalid_upload_page)
 *   POST /v1/jobs/{id}/resume-upload    body {} | { reference_id | file_id | upload_id | key |
 *                         upload: { type, upload_id?, key? } } → { job_id, file_id, reference_id,
 *                         upload } where a multipart upload lists only the MISSING parts in `parts`
 *                         (fresh URLs) and the stored ones in `uploaded_parts: [{ part_number, etag,
 *                         size }]`
 *   GET  /v1/transcribe/{id}            status: { job_id, type, status, total_files, billed_seconds,
 *                         price_per_hour, cost, remaining_balance?, result_url?, expires_at?,
 *                         completed_files?, failed_files?, error?, code?, webhook_url? }
 *   POST /v1/transcribe/{id}/upload-completed → { job_id, job_status, billed_seconds, cost, total_files }
 *   Signed URLs (no Bearer: an Authorization header gets S3's 400 InvalidArgument, as presigned S3
 *   URLs do; errors are S3 XML <Error><Code/><Message/></Error>; expired → 403 AccessDenied):
 *   PUT  /uploads/{upload_id}           single PUT (Content-Length required → else 411; the signed
 *                                       Content-Type header, if any, must match → else 403)
 *   PUT  /uploads/{upload_id}/parts/{n} multipart part → ETag header "md5hex"
 *   POST /uploads/{upload_id}/complete  <CompleteMultipartUpload><Part><PartNumber>n</PartNumber>
 *                                       <ETag>…</ETag></Part>…</CompleteMultipartUpload>; checks order
 *                                       (InvalidPartOrder), ETags (InvalidPart), non-last parts
 *                                       < part_size (EntityTooSmall), XML (MalformedXML)
 *   DELETE|POST /uploads/{upload_id}/abort
 *   GET  /results/{job_id}              result JSON (big_file: transcript fields at top level and in
 *                                       files[0]; batch: { job_id, status, files: [ {file_id,
 *                                       reference_id, status:"completed", text, vtt, segments, ...} |
 *                                       {file_id, reference_id, status:"failed", error, code} ] })
 *
 * LIFECYCLE: uploading → (upload-completed) verifying → queued (option runningStatus) → completed |
 *   completed_with_errors | result_available | result_available_with_errors (webhook not 2xx) |
 *   failed (big_file transcription failure) | failed_upload_missing | failed_upload_size_mismatch |
 *   failed_missing_batch_file | failed_batch_size_mismatch | failed_batch_too_large |
 *   failed_source_missing | failed_insufficient_credits (option insufficientFundsStatus, e.g.
 *   "insufficient_funds"). Jobs without files to upload (URLs only) start verifying at once.
 *   URL files are fetched (HTTP GET, loopback hosts only) when the job starts.
 *
 * DETERMINISTIC RULES
 *   duration_seconds = bytes / bytesPerSecond (default 16000 → 10 min = 9,600,000 bytes), unless
 *   option audioDuration(file) is given; billed_seconds = ceil(duration) (≥ 1);
 *   cost = round6(billed_seconds / 3600 * pricePerHour).
 *   text = transcript(file), default "Transcript of <name>. It has <bytes> bytes. Its sha256 starts
 *   with <first 16 hex of sha256>." (name: filename, else reference_id, else "audio");
 *   task=translate prefixes "[English translation] ". One segment per sentence, spread evenly over the
 *   duration; vtt has one cue per segment (vtt_granularity=sentence) or per word (word).
 *   detected_language = the request's language, else option detectedLanguage ("en").
 *   A file FAILS when failWhen(file) returns a code string or { code, message, jobStatus? }. Default:
 *   the content starts with the bytes "FAIL", or the filename, reference_id or URL contains "FAIL".
 *   Sync → 502 transcription_failed; batch → per-file error, job completed_with_errors; big_file →
 *   job status "failed" (or jobStatus) with error/code.
 *   Sync limits: bytes > maxSyncBytes (30,000,000) → 400 file_too_large; duration > maxSyncSeconds
 *   (600) → 400 audio_too_long.
 *
 * OPTIONS (defaults in DEFAULTS below): apiKey (string or array), unverifiedApiKeys, port,
 *   bytesPerSecond, audioDuration(file), transcript(file), detectedLanguage, maxSyncBytes,
 *   maxSyncSeconds, maxBatchFiles, maxBatchBytes, uploadPageSize, multipartThreshold (size_bytes ≥ it →
 *   multipart), partSize, uploadBytesPerSecond (bandwidth of each signed-URL PUT connection; 0 = no
 *   limit), processingDelayMs (ms, or fn(file) → ms | Promise to await), verifyDelayMs
 *   (ms, or fn(job) → ms | Promise: tests can hold a job in a state deterministically), runningStatus,
 *   statusField ('status' | 'job_status' | 'both', for GET status), bareStringAs ('json' | 'text'),
 *   requestsPerMinute, rateWindowMs, rateLimitScope ('transcription': POST /v1/transcribe and
 *   POST /v1/jobs | 'all': every /v1 request), retryAfterHeader, balance, pricePerHour,
 *   insufficientFundsStatus, failWhen(file), forceStatus(job) → status, uploadUrlTtlMs,
 *   expireUploadUrlsAfterStored (n: every upload URL issued so far expires once n uploads are stored;
 *   also emu.expireUploadUrls()), refuseUpload(session) → true: that file's single PUT is refused (400
 *   InvalidRequest, a fault no retry or fresh URL fixes),
 *   resultUrlTtlMs, rejectAuthOnSignedUrls, requireContentLength, webhookTimeoutMs, webhookRetries,
 *   webhookRetryDelayMs, webhookTimestampOffsetMs, keyId, keyFormat ('jwk' | 'pem' | 'raw'),
 *   keyDocument(keys) → custom JSON, signatureEncoding ('base64' | 'base64url' | 'hex'),
 *   timestampUnit ('s' | 'ms'), allowedFetchHosts, tmpDir.
 *
 * WEBHOOKS: on every terminal state of a job with webhook_url: POST JSON { type:
 *   "transcription.completed" | "transcription.failed", job_id, status, result_url?, expires_at?,
 *   error?, code? } with headers X-TranscribeAPI-Timestamp (unix seconds), X-TranscribeAPI-Signature
 *   (base64 Ed25519 over `${timestamp}.${rawBody}`), X-TranscribeAPI-Key-Id (default "v1";
 *   rotateKey() adds "v2", "v3", … and signs with the newest). Key document (jwk): { keys: [{ kty:
 *   "OKP", crv: "Ed25519", x, kid, alg: "EdDSA", use: "sig" }] }; pem/raw: { keys: [{ kid, alg,
 *   public_key }] }. A non-2xx answer turns completed → result_available (…_with_errors).
 *
 * Decisions where the docs are silent (easy to change): processing is not a documented status, so a
 * running job stays "queued" (runningStatus); failed jobs also get a webhook; the result document
 * shape above; sync jobs are also listed by GET /v1/transcribe/{id}; the sync `exclude` quirk
 * (NOTES) answers a JSON string / JSON array (bareStringAs: 'text' answers text/plain or text/vtt);
 * unknown `exclude` names, unknown language codes and "auto" are 400 invalid_request_options.
 */
const http = require('node:http');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Transform, Writable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const { MultipartParser, getBoundary } = require('./hispeech');

const MiB = 1024 * 1024;
const MODEL = 'whisper-large-v3-turbo';
const LANGUAGES = new Set(
	(
		'af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha haw he ' +
		'hi hr ht hu hy id is it ja jw ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr ms mt my ne ' +
		'nl nn no oc pa pl ps pt ro ru sa sd si sk sl sn so sq sr su sv sw ta te tg th tk tl tr tt uk ' +
		'ur uz vi yi yo zh yue'
	).split(' '),
);
const AUDIO_EXTENSIONS = new Set(['mp3', 'mpeg', 'mpga', 'm4a', 'wav', 'webm']);
const EXT_BY_TYPE = {
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/wav': 'wav',
	'audio/x-wav': 'wav',
	'audio/wave': 'wav',
	'audio/mp4': 'm4a',
	'audio/x-m4a': 'm4a',
	'audio/webm': 'webm',
};
const TRANSCRIPT_FIELDS = ['text', 'vtt', 'segments'];
const SYNC_FIELDS = [
	'job_id',
	'billed_seconds',
	'price_per_hour',
	'cost',
	'remaining_balance',
	'text',
	'vtt',
	'segments',
	'detected_language',
];
const RESULT_STATUSES = new Set([
	'completed',
	'completed_with_errors',
	'result_available',
	'result_available_with_errors',
]);
const FAULT_TYPES = ['status', '429', 'drop', 'reset', 'slow', 'drop-after-processing'];
const HEAD_BYTES = 64;

function apiError(status, code, message, extra) {
	return Object.assign(new Error(message), { status, code, extra });
}
function s3Error(status, code, message) {
	return Object.assign(new Error(message), { status, code, xml: true });
}
const hex = (n) => crypto.randomBytes(n).toString('hex');
const round = (n, d) => Math.round(n * 10 ** d) / 10 ** d;
const xmlEscape = (s) => String(s).replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const isTerminal = (status) =>
	RESULT_STATUSES.has(status) || /^failed/.test(status) || status === 'insufficient_funds';

// ---------------------------------------------------------------------------------------------
// Body readers
// ---------------------------------------------------------------------------------------------

/** Hispeech's streaming multipart parser, also keeping the first HEAD_BYTES of each file part. */
class HeadParser extends MultipartParser {
	_beginPart(headerText) {
		super._beginPart(headerText);
		if (this.part.isFile) this.part.head = Buffer.alloc(0);
	}
	_data(chunk) {
		const part = this.part;
		if (part && part.isFile && part.head.length < HEAD_BYTES && chunk.length > 0) {
			part.head = Buffer.concat([part.head, chunk.subarray(0, HEAD_BYTES - part.head.length)]);
		}
		super._data(chunk);
	}
	_endPart() {
		const part = this.part;
		const count = this.files.length;
		super._endPart();
		if (this.files.length > count) this.files[count].head = part.head;
	}
}

function parseForm(stream, boundary, onChunk) {
	return new Promise((resolve, reject) => {
		let parser;
		let error = null;
		try {
			parser = new HeadParser(boundary);
		} catch (e) {
			error = e;
		}
		stream.on('data', (chunk) => {
			onChunk(chunk);
			if (error) return;
			try {
				parser.write(chunk);
			} catch (e) {
				error = e;
			}
		});
		stream.on('end', () => {
			if (error) return reject(error);
			try {
				resolve(parser.end());
			} catch (e) {
				reject(e);
			}
		});
		stream.on('error', reject);
		stream.on('close', () => reject(new Error('Request body aborted')));
	});
}

/** Reads a whole body keeping at most `limit` bytes. */
function readBody(stream, onChunk, limit) {
	return new Promise((resolve, reject) => {
		if (stream.readableEnded) return resolve({ body: Buffer.alloc(0), tooLarge: false });
		const chunks = [];
		let size = 0;
		stream.on('data', (chunk) => {
			onChunk(chunk);
			size += chunk.length;
			if (size <= limit) chunks.push(chunk);
		});
		stream.on('end', () => resolve({ body: Buffer.concat(chunks), tooLarge: size > limit }));
		stream.on('error', reject);
		stream.on('close', () => reject(new Error('Request body aborted')));
		stream.resume();
	});
}

/** A Transform that counts, sha256-hashes, md5-hashes and keeps the head of what passes through. */
function hasher() {
	const sha = crypto.createHash('sha256');
	const md5 = crypto.createHash('md5');
	const info = { size: 0, head: Buffer.alloc(0) };
	const stream = new Transform({
		transform(chunk, _enc, done) {
			info.size += chunk.length;
			sha.update(chunk);
			md5.update(chunk);
			if (info.head.length < HEAD_BYTES) {
				info.head = Buffer.concat([info.head, chunk.subarray(0, HEAD_BYTES - info.head.length)]);
			}
			done(null, chunk);
		},
	});
	const digest = () => ({ ...info, sha256: sha.digest('hex'), md5: md5.digest('hex') });
	return { stream, digest };
}
const sink = () => new Writable({ write: (_c, _e, done) => done() });

// ---------------------------------------------------------------------------------------------
// Transcripts
// ---------------------------------------------------------------------------------------------

function segmentsOf(text, duration) {
	const sentences = text.split(/(?<=[.!?])\s+/u).filter((s) => s.trim());
	const step = duration / Math.max(1, sentences.length);
	return sentences.map((sentence, id) => ({
		id,
		start_seconds: round(id * step, 3),
		end_seconds: id === sentences.length - 1 ? round(duration, 3) : round((id + 1) * step, 3),
		text: sentence.trim(),
	}));
}

function vttTime(seconds) {
	const ms = Math.round(seconds * 1000);
	const h = Math.floor(ms / 3600000);
	const m = Math.floor((ms % 3600000) / 60000);
	const s = Math.floor((ms % 60000) / 1000);
	const pad = (n, w = 2) => String(n).padStart(w, '0');
	return `${h > 0 ? `${pad(h)}:` : ''}${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

function vttOf(segments, granularity) {
	const cues = [];
	for (const seg of segments) {
		if (granularity !== 'word') {
			cues.push([seg.start_seconds, seg.end_seconds, seg.text]);
			continue;
		}
		const words = seg.text.split(/\s+/).filter(Boolean);
		const step = (seg.end_seconds - seg.start_seconds) / Math.max(1, words.length);
		words.forEach((word, i) =>
			cues.push([
				round(seg.start_seconds + i * step, 3),
				i === words.length - 1 ? seg.end_seconds : round(seg.start_seconds + (i + 1) * step, 3),
				word,
			]),
		);
	}
	return `WEBVTT\n\n${cues.map(([a, b, t]) => `${vttTime(a)} --> ${vttTime(b)}\n${t}\n`).join('\n')}`;
}

function defaultTranscript(file) {
	const name = file.filename || file.referenceId || 'audio';
	return `Transcript of ${name}. It has ${file.bytes} bytes. Its sha256 starts with ${file.sha256.slice(0, 16)}.`;
}

function defaultFailWhen(file) {
	const marker = (s) => typeof s === 'string' && s.includes('FAIL');
	const head = file.head && file.head.subarray(0, 4).toString('latin1') === 'FAIL';
	if (head || marker(file.filename) || marker(file.referenceId) || marker(file.url)) {
		return {
			code: 'transcription_failed',
			message: `Transcription failed for ${file.referenceId || file.filename || file.url || 'the file'}`,
		};
	}
	return null;
}

/** Small seeded PRNG (mulberry32) so random faults are reproducible. */
function mulberry32(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// ---------------------------------------------------------------------------------------------
// Request options (sync form fields and async JSON share the rules)
// ---------------------------------------------------------------------------------------------

function parseOptions(src, errorCode, base = {}) {
	const bad = (message) => apiError(400, errorCode, message);
	const present = (v) => v !== undefined && v !== null && v !== '';
	const str = (name) => {
		const v = src[name];
		if (!present(v)) return undefined;
		if (typeof v !== 'string') throw bad(`\`${name}\` must be a string.`);
		return v.trim();
	};
	const out = { ...base };
	const model = str('model');
	if (model !== undefined) {
		if (model !== MODEL) throw bad(`Unknown model "${model}". Use ${MODEL}.`);
		out.model = model;
	}
	const language = str('language');
	if (language !== undefined) {
		if (!LANGUAGES.has(language)) {
			throw bad(
				`Unsupported language "${language}". Use a language code such as en, or omit it to auto-detect.`,
			);
		}
		out.language = language;
	}
	const task = str('task');
	if (task !== undefined) {
		if (task !== 'transcribe' && task !== 'translate')
			throw bad('`task` must be transcribe or translate.');
		out.task = task;
	}
	if (present(src.vad_filter)) {
		const v = String(src.vad_filter).trim().toLowerCase();
		if (!['true', 'false', '1', '0'].includes(v)) throw bad('`vad_filter` must be true or false.');
		out.vad_filter = v === 'true' || v === '1';
	}
	const prompt = src.initial_prompt;
	if (present(prompt)) {
		if (typeof prompt !== 'string') throw bad('`initial_prompt` must be a string.');
		out.initial_prompt = prompt;
	}
	const granularity = str('vtt_granularity');
	if (granularity !== undefined) {
		if (granularity !== 'sentence' && granularity !== 'word') {
			throw bad('`vtt_granularity` must be sentence or word.');
		}
		out.vtt_granularity = granularity;
	}
	if (present(src.exclude)) {
		const list = Array.isArray(src.exclude) ? src.exclude : String(src.exclude).split(',');
		const names = list.map((s) => String(s).trim()).filter(Boolean);
		const unknown = names.filter((n) => !SYNC_FIELDS.includes(n));
		if (unknown.length) {
			throw bad(
				`Unknown field(s) in \`exclude\`: ${unknown.join(', ')}. Allowed: ${SYNC_FIELDS.join(', ')}.`,
			);
		}
		out.exclude = names;
	}
	return {
		model: MODEL,
		language: null,
		task: 'transcribe',
		vad_filter: false,
		initial_prompt: null,
		vtt_granularity: 'sentence',
		exclude: [],
		...out,
	};
}

function extensionOf(name) {
	const m = /\.([^./\\]+)$/.exec(name || '');
	return m ? m[1].toLowerCase() : null;
}

// ---------------------------------------------------------------------------------------------
// The emulator
// ---------------------------------------------------------------------------------------------

const DEFAULTS = {
	apiKey: 'test-key',
	unverifiedApiKeys: [],
	port: 0,
	bytesPerSecond: 16000,
	audioDuration: null,
	transcript: defaultTranscript,
	detectedLanguage: 'en',
	maxSyncBytes: 30_000_000,
	maxSyncSeconds: 600,
	maxBatchFiles: 10_000,
	maxBatchBytes: 10_000_000_000,
	uploadPageSize: 1000,
	multipartThreshold: 128 * MiB,
	partSize: 5 * MiB,
	uploadBytesPerSecond: 0,
	processingDelayMs: 0,
	verifyDelayMs: 0,
	runningStatus: 'queued',
	statusField: 'status',
	bareStringAs: 'json',
	requestsPerMinute: 300,
	rateWindowMs: 60_000,
	rateLimitScope: 'transcription',
	retryAfterHeader: true,
	balance: 100,
	pricePerHour: 0.15,
	insufficientFundsStatus: 'failed_insufficient_credits',
	failWhen: defaultFailWhen,
	forceStatus: null,
	uploadUrlTtlMs: 3600_000,
	expireUploadUrlsAfterStored: 0,
	refuseUpload: null,
	resultUrlTtlMs: 7 * 86400_000,
	rejectAuthOnSignedUrls: true,
	requireContentLength: true,
	webhookTimeoutMs: 5000,
	webhookRetries: 0,
	webhookRetryDelayMs: 0,
	webhookTimestampOffsetMs: 0,
	keyId: 'v1',
	keyFormat: 'jwk',
	keyDocument: null,
	signatureEncoding: 'base64',
	timestampUnit: 's',
	allowedFetchHosts: ['127.0.0.1', 'localhost', '[::1]', '::1'],
	tmpDir: os.tmpdir(),
};

async function startTranscribeApiEmulator(options = {}) {
	const opts = { ...DEFAULTS };
	for (const [k, v] of Object.entries(options)) if (v !== undefined) opts[k] = v;
	const apiKeys = new Set([].concat(opts.apiKey, opts.unverifiedApiKeys));
	const unverified = new Set(opts.unverifiedApiKeys);

	const requests = [];
	const jobs = new Map();
	const sessions = new Map(); // upload_id -> upload session
	const uploads = [];
	const webhooks = [];
	const rateCalls = new Map(); // apiKey -> timestamps inside the window
	const timers = new Set();
	const sockets = new Set();
	const outgoing = new Set(); // client requests (URL imports, webhooks) to abort on close
	const urlSecret = crypto.randomBytes(32);
	const tmpRoot = fs.mkdtempSync(path.join(opts.tmpDir, 'transcribeapi-emu-'));
	let tmpCounter = 0;
	let balance = opts.balance;
	let faults = [];
	let faultRate = null;
	let baseUrl = '';
	let closed = false;

	// --- signing keys ---------------------------------------------------------------------------

	const keys = [];
	function addKey(kid) {
		const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
		const jwk = publicKey.export({ format: 'jwk' });
		keys.push({
			kid,
			privateKey,
			publicKey,
			jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: 'EdDSA', use: 'sig' },
			pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
			raw: Buffer.from(jwk.x, 'base64url').toString('base64'),
		});
		return kid;
	}
	addKey(opts.keyId);
	let currentKid = opts.keyId;

	function rotateKey(kid) {
		const numbered = /^(.*?)(\d+)$/.exec(currentKid);
		let next = kid || (numbered ? `${numbered[1]}${Number(numbered[2]) + 1}` : `${currentKid}-2`);
		while (!kid && keys.some((k) => k.kid === next)) next = `${next}x`;
		addKey(next);
		currentKid = next;
		return next;
	}
	function retireKey(kid) {
		const idx = keys.findIndex((k) => k.kid === kid);
		if (idx >= 0 && kid !== currentKid) keys.splice(idx, 1);
	}
	function publicKeys() {
		return keys.map(({ kid, publicKey, jwk, pem, raw }) => ({ kid, publicKey, jwk, pem, raw }));
	}
	function keyDocument() {
		const list = publicKeys();
		if (typeof opts.keyDocument === 'function') return opts.keyDocument(list);
		if (opts.keyFormat === 'pem' || opts.keyFormat === 'raw') {
			return {
				keys: list.map((k) => ({ kid: k.kid, alg: 'EdDSA', public_key: k[opts.keyFormat] })),
			};
		}
		return { keys: list.map((k) => k.jwk) };
	}
	function currentTimestamp() {
		const ms = Date.now() + opts.webhookTimestampOffsetMs;
		return opts.timestampUnit === 'ms' ? ms : Math.floor(ms / 1000);
	}
	/** Signs a webhook body the way deliveries are signed (for tests forging or replaying calls). */
	function signPayload(body, { timestamp, keyId } = {}) {
		const raw =
			typeof body === 'string'
				? body
				: Buffer.isBuffer(body)
					? body.toString('utf8')
					: JSON.stringify(body);
		const ts = String(timestamp ?? currentTimestamp());
		const kid = keyId ?? currentKid;
		const key = keys.find((k) => k.kid === kid);
		if (!key) throw new Error(`Unknown key id ${kid}`);
		const signature = crypto
			.sign(null, Buffer.from(`${ts}.${raw}`), key.privateKey)
			.toString(opts.signatureEncoding);
		return {
			body: raw,
			timestamp: ts,
			keyId: kid,
			signature,
			headers: {
				'content-type': 'application/json',
				'x-transcribeapi-timestamp': ts,
				'x-transcribeapi-signature': signature,
				'x-transcribeapi-key-id': kid,
			},
		};
	}

	// --- timers ---------------------------------------------------------------------------------

	function sleep(ms) {
		if (closed) return new Promise(() => {});
		return new Promise((resolve) => {
			const t = setTimeout(
				() => {
					timers.delete(t);
					resolve();
				},
				Math.max(0, Number(ms) || 0),
			);
			timers.add(t);
		});
	}

	/**
	 * Limits one upload connection to opts.uploadBytesPerSecond (0: no limit), the way a single
	 * connection to object storage is limited: TCP backpressure slows the sender down.
	 */
	function throttle() {
		const rate = Number(opts.uploadBytesPerSecond) || 0;
		let started = 0;
		let passed = 0;
		return new Transform({
			transform(chunk, _enc, done) {
				started ||= Date.now();
				passed += chunk.length;
				const waitMs = started + (passed / rate) * 1000 - Date.now();
				if (rate > 0 && waitMs > 0) sleep(waitMs).then(() => done(null, chunk));
				else done(null, chunk);
			},
		});
	}

	// --- faults ---------------------------------------------------------------------------------

	function injectFault({ method, path: p, type, times = 1, retryAfter, delayMs, status } = {}) {
		if (!FAULT_TYPES.includes(type)) throw new Error(`Unknown fault type: ${type}`);
		faults.push({ method, path: p, type, remaining: times, retryAfter, delayMs, status });
	}

	/** Makes the next `times` PUTs of a part (or of any upload, without partNumber) fail. */
	function failUploadPart({ partNumber, uploadId, times = 1, type = 'reset', status = 500 } = {}) {
		const id = uploadId ? uploadId.replace(/[^\w-]/g, '') : '[^/]+';
		const p =
			partNumber === undefined
				? new RegExp(`^/uploads/${id}(/parts/\\d+)?$`)
				: new RegExp(`^/uploads/${id}/parts/${Number(partNumber)}$`);
		injectFault({ method: 'PUT', path: p, type, times, status });
	}

	function setFaultRate({
		rate = 0,
		types = ['429', '500', '502', '503', 'drop', 'slow'],
		seed = 1,
		retryAfter = 1,
		delayMs = 200,
		path: p,
	} = {}) {
		faultRate =
			rate > 0 ? { rate, types, retryAfter, delayMs, path: p, random: mulberry32(seed) } : null;
	}
	// Option `faults` ({ rate, seed, types, retryAfter, delayMs }) turns seeded random faults on from the start.
	if (opts.faults) setFaultRate(opts.faults);

	const pathMatches = (pattern, p) => {
		if (pattern instanceof RegExp) {
			pattern.lastIndex = 0;
			return pattern.test(p);
		}
		return p.startsWith(pattern || '');
	};

	function takeFault(method, p) {
		const idx = faults.findIndex(
			(f) => (!f.method || f.method.toUpperCase() === method) && pathMatches(f.path, p),
		);
		if (idx >= 0) {
			const f = faults[idx];
			if (--f.remaining <= 0) faults.splice(idx, 1);
			return {
				name: f.type,
				kind: f.type,
				status: f.status || 500,
				retryAfter: f.retryAfter ?? 1,
				delayMs: f.delayMs ?? 200,
			};
		}
		if (faultRate && pathMatches(faultRate.path, p) && faultRate.random() < faultRate.rate) {
			const type = faultRate.types[Math.floor(faultRate.random() * faultRate.types.length)];
			const kind = /^\d+$/.test(type) && type !== '429' ? 'status' : type;
			return {
				name: type,
				kind,
				status: Number(type) || 500,
				retryAfter: faultRate.retryAfter,
				delayMs: faultRate.delayMs,
			};
		}
		return null;
	}

	// --- responses ------------------------------------------------------------------------------

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
		let payload = body ?? '';
		let type = headers['content-type'] || 'text/plain; charset=utf-8';
		if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) {
			payload = JSON.stringify(payload);
			type = 'application/json; charset=utf-8';
		}
		res.writeHead(status, {
			...headers,
			'content-type': type,
			'content-length': Buffer.byteLength(payload),
		});
		res.end(payload);
	}

	function sendJsonError(ctx, status, code, message, extra = {}, headers = {}) {
		send(ctx, status, { error: message, code, ...extra }, headers);
	}

	function sendXmlError(ctx, status, code, message, headers = {}) {
		const xml =
			'<?xml version="1.0" encoding="UTF-8"?>\n' +
			`<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
			`<RequestId>${hex(8).toUpperCase()}</RequestId></Error>`;
		send(ctx, status, xml, { ...headers, 'content-type': 'application/xml' });
	}

	const countChunk = (entry) => (chunk) => {
		entry.bytesReceived += chunk.length;
	};
	const drain = (ctx) => readBody(ctx.req, countChunk(ctx.entry), 0).catch(() => null);

	async function readJson(ctx, { optional = false } = {}) {
		const { body, tooLarge } = await readBody(ctx.req, countChunk(ctx.entry), 32 * MiB);
		if (tooLarge) throw apiError(400, 'invalid_json', 'Request body is too large.');
		const text = body.toString('utf8');
		if (optional && text.trim() === '') return {};
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			throw apiError(400, 'invalid_json', 'Request body was not valid JSON.');
		}
		if (!json || typeof json !== 'object' || Array.isArray(json)) {
			throw apiError(400, 'invalid_json', 'Request body must be a JSON object.');
		}
		return json;
	}

	// --- signed URLs ----------------------------------------------------------------------------

	const signature = (label, p, expires) =>
		crypto
			.createHmac('sha256', urlSecret)
			.update(`${label} ${p} ${expires}`)
			.digest('hex')
			.slice(0, 40);
	// Upload URLs expire after uploadUrlTtlMs (the docs: valid for 1 hour). expireUploadUrls() makes
	// every upload URL issued so far expire at once (as if the hour had passed), so tests can expire
	// URLs at an exact point instead of racing a clock; `serial` numbers the URLs for that.
	let urlSerial = 0;
	let expiredThrough = 0;
	const UPLOAD_LABELS = new Set(['put', 'part', 'complete', 'abort']);
	function signedUrl(label, p, ttlMs) {
		const expires = Date.now() + ttlMs;
		const serial = ++urlSerial;
		return `${baseUrl}${p}?expires=${expires}&serial=${serial}&signature=${signature(label, p, `${expires}.${serial}`)}`;
	}
	function expireUploadUrls() {
		expiredThrough = urlSerial;
	}
	/** Option expireUploadUrlsAfterStored: n → the upload URLs expire once n uploads (PUTs or parts) are stored. */
	let storedCount = 0;
	function countStored() {
		storedCount++;
		if (opts.expireUploadUrlsAfterStored > 0 && storedCount === opts.expireUploadUrlsAfterStored)
			expireUploadUrls();
	}
	function checkSigned(ctx, label) {
		if (opts.rejectAuthOnSignedUrls && ctx.req.headers.authorization) {
			throw s3Error(
				400,
				'InvalidArgument',
				'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
			);
		}
		const q = ctx.url.searchParams;
		const expires = Number(q.get('expires'));
		const given = Buffer.from(q.get('signature') || '');
		const serial = Number(q.get('serial'));
		const expected = Buffer.from(signature(label, ctx.url.pathname, `${expires}.${serial}`));
		if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
			throw s3Error(
				403,
				'SignatureDoesNotMatch',
				'The request signature we calculated does not match the signature you provided.',
			);
		}
		const revoked = UPLOAD_LABELS.has(label) && serial <= expiredThrough;
		if (Date.now() > expires || revoked) throw s3Error(403, 'AccessDenied', 'Request has expired');
	}

	// --- files, durations, billing --------------------------------------------------------------

	function durationOf(info) {
		if (typeof opts.audioDuration === 'function') return Number(opts.audioDuration(info));
		return round(info.bytes / opts.bytesPerSecond, 3);
	}
	const billedOf = (duration) => Math.max(1, Math.ceil(duration));
	const costOf = (billed) => round((billed / 3600) * opts.pricePerHour, 6);
	/** A delay option is a number of ms, or a function returning ms or a Promise to wait for. */
	function pause(option, arg) {
		const value = typeof option === 'function' ? option(arg) : option;
		if (value && typeof value.then === 'function') return value;
		return sleep(Math.max(0, Number(value) || 0));
	}
	function failureOf(info) {
		const f = opts.failWhen ? opts.failWhen(info) : null;
		if (!f) return null;
		if (typeof f === 'string') return { code: f, message: `Transcription failed (${f})` };
		return {
			code: f.code || 'transcription_failed',
			message: f.message || 'Transcription failed',
			jobStatus: f.jobStatus,
		};
	}
	/** What transcript(), failWhen(), audioDuration() and processingDelayMs() receive. */
	function fileInfo(file, job) {
		return {
			jobId: job ? job.id : null,
			fileId: file.fileId || null,
			referenceId: file.referenceId || null,
			filename: file.filename || null,
			url: file.url || null,
			contentType: file.contentType || null,
			bytes: file.bytes,
			sha256: file.sha256,
			head: file.head || Buffer.alloc(0),
			source: file.source,
		};
	}
	function transcriptOf(info, options) {
		const duration = durationOf(info);
		let text = String(opts.transcript(info));
		if (options.task === 'translate') text = `[English translation] ${text}`;
		const segments = segmentsOf(text, duration);
		return {
			duration,
			text,
			vtt: vttOf(segments, options.vtt_granularity),
			segments,
			detected_language: options.language || opts.detectedLanguage,
		};
	}

	// --- jobs -----------------------------------------------------------------------------------

	function newJob(type, via, options, webhookUrl) {
		let settle;
		const settled = new Promise((resolve) => (settle = resolve));
		const job = {
			id: `job_${hex(12)}`,
			type,
			via,
			status: null,
			history: [],
			createdAt: new Date().toISOString(),
			options,
			webhookUrl: webhookUrl || null,
			files: [],
			billedSeconds: 0,
			cost: 0,
			remainingBalance: null,
			resultUrl: null,
			expiresAt: null,
			result: null,
			error: null,
			code: null,
			settled,
			settle,
		};
		jobs.set(job.id, job);
		return job;
	}
	function setStatus(job, status) {
		job.status = status;
		job.history.push(status);
	}

	function validateWebhookUrl(value, code) {
		if (value === undefined || value === null || value === '') return null;
		let u;
		try {
			u = new URL(String(value));
		} catch {
			throw apiError(400, code, '`webhook_url` must be an absolute http(s) URL.');
		}
		if (u.protocol !== 'http:' && u.protocol !== 'https:') {
			throw apiError(400, code, '`webhook_url` must be an absolute http(s) URL.');
		}
		return u.toString();
	}

	/** Validates one file entry; `kind` is 'sdk' | 'batch' | 'big_file'. */
	function fileEntry(raw, index, kind) {
		const where = kind === 'big_file' ? 'The job' : `files[${index}]`;
		const bad = (message) => apiError(400, 'invalid_file_metadata', `${where}: ${message}`);
		if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('must be an object.');
		let url = raw.url;
		if (kind === 'big_file' && raw.source !== undefined) {
			if (!raw.source || raw.source.type !== 'url') {
				throw apiError(400, 'invalid_job_request', '`source.type` must be "url".');
			}
			url = raw.source.url;
		}
		const file = {
			fileId: `file_${String(index + 1).padStart(6, '0')}`,
			referenceId: undefined,
			filename: null,
			contentType: null,
			declaredSize: null,
			url: null,
			language: null,
			source: 'upload',
			session: null,
			bytes: null,
			sha256: null,
			head: null,
			status: 'pending',
			error: null,
			code: null,
			result: null,
		};
		if (raw.reference_id !== undefined) {
			if (typeof raw.reference_id !== 'string' || raw.reference_id.trim() === '') {
				throw bad('`reference_id` must be a non-empty string.');
			}
			file.referenceId = raw.reference_id;
		}
		if (url !== undefined && url !== null) {
			let u;
			try {
				u = new URL(String(url));
			} catch {
				throw bad('`url` must be an absolute http(s) URL.');
			}
			if (u.protocol !== 'http:' && u.protocol !== 'https:')
				throw bad('`url` must be an absolute http(s) URL.');
			file.url = u.toString();
			file.source = 'url';
			file.filename = decodeURIComponent(u.pathname.split('/').pop() || '') || null;
		}
		if (raw.filename !== undefined && raw.filename !== null) {
			if (typeof raw.filename !== 'string') throw bad('`filename` must be a string.');
			file.filename = raw.filename;
		}
		if (raw.size_bytes !== undefined && raw.size_bytes !== null) {
			const n = Number(raw.size_bytes);
			if (
				!Number.isSafeInteger(n) ||
				n <= 0 ||
				(typeof raw.size_bytes !== 'number' && !/^\d+$/.test(String(raw.size_bytes)))
			) {
				throw bad('`size_bytes` must be a positive integer.');
			}
			file.declaredSize = n;
		}
		if (raw.content_type !== undefined && raw.content_type !== null) {
			if (typeof raw.content_type !== 'string') throw bad('`content_type` must be a string.');
			file.contentType = raw.content_type;
		}
		if (/^video\//i.test(file.contentType || ''))
			throw bad('MP4 video uploads are not supported; send audio.');
		const ext = extensionOf(file.source === 'upload' ? file.filename : null);
		if (ext && !AUDIO_EXTENSIONS.has(ext)) {
			throw bad(`unsupported file format ".${ext}"; use mp3, mpeg, mpga, m4a, wav or webm.`);
		}
		if (raw.language !== undefined && raw.language !== null && raw.language !== '') {
			if (!LANGUAGES.has(raw.language)) throw bad(`unsupported language "${raw.language}".`);
			file.language = raw.language;
		}
		if (file.referenceId === undefined) file.referenceId = file.fileId;
		return file;
	}

	function checkBatchFiles(list, kind) {
		if (!Array.isArray(list) || list.length === 0) {
			throw apiError(400, 'invalid_job_request', '`files` must be a non-empty array.');
		}
		if (list.length > opts.maxBatchFiles) {
			throw apiError(
				400,
				'too_many_files',
				`A batch can hold at most ${opts.maxBatchFiles} files (got ${list.length}).`,
				{
					max_files: opts.maxBatchFiles,
				},
			);
		}
		const files = list.map((raw, i) => fileEntry(raw, i, kind));
		const seen = new Set();
		for (const f of files) {
			if (seen.has(f.referenceId)) {
				throw apiError(400, 'invalid_job_request', `Duplicate reference_id "${f.referenceId}".`);
			}
			seen.add(f.referenceId);
		}
		const total = files.reduce((sum, f) => sum + (f.declaredSize || 0), 0);
		if (total > opts.maxBatchBytes) {
			throw apiError(
				400,
				'batch_too_large',
				`Batch total size exceeds ${opts.maxBatchBytes} bytes.`,
				{
					max_bytes: opts.maxBatchBytes,
				},
			);
		}
		return files;
	}

	function newSession(job, file) {
		const id = `up_${hex(10)}`;
		const multipart = file.declaredSize !== null && file.declaredSize >= opts.multipartThreshold;
		const ext =
			extensionOf(file.filename) || EXT_BY_TYPE[(file.contentType || '').toLowerCase()] || null;
		const base = job.type === 'big_file' ? 'audio' : file.fileId;
		const session = {
			id,
			jobId: job.id,
			fileId: file.fileId,
			referenceId: file.referenceId,
			type: multipart ? 'multipart' : 'put',
			key: `usr_emulator/${job.id}/${base}${ext ? `.${ext}` : ''}`,
			declaredSize: file.declaredSize,
			contentType: file.contentType,
			partSize: 0,
			partCount: 1,
			parts: new Map(), // part_number -> { size, md5, etag, path, head }
			state: 'open', // open | complete | aborted
			result: null, // { size, sha256, head }
			completeBody: null,
		};
		if (multipart) {
			session.partSize = Math.max(opts.partSize, Math.ceil(file.declaredSize / 10000));
			session.partCount = Math.max(1, Math.ceil(file.declaredSize / session.partSize));
			fs.mkdirSync(path.join(tmpRoot, id));
		}
		sessions.set(id, session);
		file.session = session;
		return session;
	}

	function instruction(session, { resume = false } = {}) {
		const ttl = opts.uploadUrlTtlMs;
		if (session.type === 'put') {
			return {
				type: 'put',
				key: session.key,
				url: signedUrl('put', `/uploads/${session.id}`, ttl),
				headers: session.contentType ? { 'Content-Type': session.contentType } : {},
			};
		}
		const numbers = [];
		for (let n = 1; n <= session.partCount; n++) {
			if (!resume || !session.parts.has(n)) numbers.push(n);
		}
		const out = {
			type: 'multipart',
			key: session.key,
			upload_id: session.id,
			part_size: session.partSize,
			parts: numbers.map((n) => ({
				part_number: n,
				url: signedUrl('part', `/uploads/${session.id}/parts/${n}`, ttl),
			})),
			complete_url: signedUrl('complete', `/uploads/${session.id}/complete`, ttl),
			abort_url: signedUrl('abort', `/uploads/${session.id}/abort`, ttl),
		};
		if (resume) {
			out.uploaded_parts = [...session.parts.entries()]
				.sort((a, b) => a[0] - b[0])
				.map(([n, p]) => ({ part_number: n, etag: p.etag, size: p.size }));
		}
		return out;
	}

	function uploadEntry(job, file) {
		if (!file.session || file.session.state === 'aborted') newSession(job, file);
		return {
			reference_id: file.referenceId,
			file_id: file.fileId,
			filename: file.filename,
			key: file.session ? file.session.key : undefined,
			upload: instruction(file.session),
		};
	}

	function createAsyncJob({ type, via, files, options, webhookUrl, sessionsNow }) {
		if (balance <= 0) {
			throw apiError(
				402,
				'insufficient_credit',
				'Account does not have enough credit for async transcription.',
				{
					balance,
				},
			);
		}
		const job = newJob(type, via, options, webhookUrl);
		job.files = files;
		const toUpload = files.filter((f) => f.source === 'upload');
		if (sessionsNow) for (const f of toUpload) newSession(job, f);
		if (toUpload.length === 0) {
			startJob(job); // URL-only jobs start at once
		} else {
			setStatus(job, 'uploading');
		}
		return job;
	}

	// --- job execution --------------------------------------------------------------------------

	function finishFailed(job, status, code, message) {
		job.error = message;
		job.code = code;
		return finalize(job, status);
	}

	async function importUrl(job, file) {
		try {
			const got = await fetchSource(file.url);
			Object.assign(file, { bytes: got.size, sha256: got.sha256, head: got.head, status: 'ready' });
			uploads.push({
				type: 'url',
				jobId: job.id,
				fileId: file.fileId,
				referenceId: file.referenceId,
				url: file.url,
				size: got.size,
				sha256: got.sha256,
			});
		} catch (err) {
			Object.assign(file, {
				status: 'failed',
				code: 'source_missing',
				error: `Could not fetch ${file.url}: ${err.message}`,
			});
		}
	}

	async function startJob(job) {
		try {
			setStatus(job, 'verifying');
			await pause(opts.verifyDelayMs, job);
			const batch = job.type === 'batch';
			for (const file of job.files.filter((f) => f.source === 'upload')) {
				const s = file.session;
				if (!s || s.state !== 'complete') {
					return finishFailed(
						job,
						batch ? 'failed_missing_batch_file' : 'failed_upload_missing',
						batch ? 'missing_batch_file' : 'upload_missing',
						`No completed upload for ${file.referenceId}.`,
					);
				}
				if (file.declaredSize !== null && s.result.size !== file.declaredSize) {
					return finishFailed(
						job,
						batch ? 'failed_batch_size_mismatch' : 'failed_upload_size_mismatch',
						'upload_size_mismatch',
						`${file.referenceId}: uploaded ${s.result.size} bytes, declared size_bytes ${file.declaredSize}.`,
					);
				}
				Object.assign(file, {
					bytes: s.result.size,
					sha256: s.result.sha256,
					head: s.result.head,
					status: 'ready',
				});
			}
			const urlFiles = job.files.filter((f) => f.source === 'url');
			for (let i = 0; i < urlFiles.length; i += 8) {
				await Promise.all(urlFiles.slice(i, i + 8).map((f) => importUrl(job, f)));
			}
			if (closed) return;
			if (!batch && urlFiles.some((f) => f.status === 'failed')) {
				return finishFailed(job, 'failed_source_missing', 'source_missing', urlFiles[0].error);
			}
			const ready = job.files.filter((f) => f.status === 'ready');
			const total = ready.reduce((sum, f) => sum + f.bytes, 0);
			if (batch && total > opts.maxBatchBytes) {
				return finishFailed(
					job,
					'failed_batch_too_large',
					'batch_too_large',
					`Batch total size exceeds ${opts.maxBatchBytes} bytes.`,
				);
			}
			// Reserve credit for the whole job.
			const estimate = ready.reduce(
				(sum, f) => sum + costOf(billedOf(durationOf(fileInfo(f, job)))),
				0,
			);
			if (estimate > balance) {
				return finishFailed(
					job,
					opts.insufficientFundsStatus,
					'insufficient_credit',
					`Account balance ${balance} is lower than the required credit ${round(estimate, 6)}.`,
				);
			}
			setStatus(job, 'queued');
			if (opts.runningStatus !== 'queued') setStatus(job, opts.runningStatus);
			await Promise.all(ready.map((f) => pause(opts.processingDelayMs, fileInfo(f, job))));
			if (closed) return;

			let billed = 0;
			for (const file of ready) {
				const info = fileInfo(file, job);
				const failure = failureOf(info);
				if (failure) {
					Object.assign(file, { status: 'failed', code: failure.code, error: failure.message });
					if (!batch) {
						return finishFailed(job, failure.jobStatus || 'failed', failure.code, failure.message);
					}
					continue;
				}
				const options = { ...job.options, language: file.language || job.options.language };
				const t = transcriptOf(info, options);
				const fileBilled = billedOf(t.duration);
				billed += fileBilled;
				file.status = 'completed';
				file.result = {
					billed_seconds: fileBilled,
					cost: costOf(fileBilled),
					duration_seconds: t.duration,
					detected_language: t.detected_language,
					text: t.text,
					vtt: t.vtt,
					segments: t.segments,
				};
				for (const name of job.options.exclude) delete file.result[name];
			}
			job.billedSeconds = billed;
			job.cost = costOf(billed);
			balance = round(balance - job.cost, 6);
			job.remainingBalance = balance;
			const withErrors = job.files.some((f) => f.status === 'failed');
			await finalize(job, withErrors ? 'completed_with_errors' : 'completed');
		} catch (err) {
			if (!closed) await finishFailed(job, 'failed_result_missing', 'internal_error', err.message);
		}
	}

	function resultDocument(job) {
		const perFile = job.files.map((f) =>
			f.status === 'completed'
				? {
						file_id: f.fileId,
						reference_id: f.referenceId,
						filename: f.filename,
						...(f.url ? { url: f.url } : {}),
						status: 'completed',
						...f.result,
					}
				: {
						file_id: f.fileId,
						reference_id: f.referenceId,
						filename: f.filename,
						...(f.url ? { url: f.url } : {}),
						status: 'failed',
						error: f.error || 'File was not processed.',
						code: f.code || 'not_processed',
					},
		);
		const doc = {
			job_id: job.id,
			type: job.type,
			status: job.status,
			total_files: job.files.length,
			completed_files: job.files.filter((f) => f.status === 'completed').length,
			failed_files: job.files.filter((f) => f.status !== 'completed').length,
			billed_seconds: job.billedSeconds,
			price_per_hour: opts.pricePerHour,
			cost: job.cost,
		};
		if (job.type === 'big_file') Object.assign(doc, perFile[0], { status: job.status });
		doc.files = perFile;
		return doc;
	}

	async function finalize(job, status) {
		let final = status;
		if (typeof opts.forceStatus === 'function') final = opts.forceStatus(job, status) || status;
		setStatus(job, final);
		if (RESULT_STATUSES.has(final)) {
			job.resultUrl = signedUrl('result', `/results/${job.id}`, opts.resultUrlTtlMs);
			job.expiresAt = new Date(Date.now() + opts.resultUrlTtlMs).toISOString();
			job.result = resultDocument(job);
		}
		if (job.webhookUrl) {
			const body = {
				type: /^failed|insufficient/.test(final)
					? 'transcription.failed'
					: 'transcription.completed',
				job_id: job.id,
				status: final,
			};
			if (job.resultUrl)
				Object.assign(body, { result_url: job.resultUrl, expires_at: job.expiresAt });
			if (job.error) Object.assign(body, { error: job.error, code: job.code });
			const ok = await deliverWebhook(job, body);
			if (!ok && (final === 'completed' || final === 'completed_with_errors')) {
				setStatus(job, final === 'completed' ? 'result_available' : 'result_available_with_errors');
				job.result.status = job.status;
			}
		}
		job.settle(job.status);
	}

	async function deliverWebhook(job, body) {
		const raw = JSON.stringify(body);
		for (let attempt = 1; attempt <= 1 + opts.webhookRetries && !closed; attempt++) {
			if (attempt > 1) await sleep(opts.webhookRetryDelayMs);
			const signed = signPayload(raw);
			const record = {
				jobId: job.id,
				url: job.webhookUrl,
				attempt,
				body: raw,
				json: body,
				headers: signed.headers,
				timestamp: signed.timestamp,
				keyId: signed.keyId,
				signature: signed.signature,
				status: null,
				error: null,
				at: Date.now(),
			};
			webhooks.push(record);
			try {
				record.status = await postWebhook(job.webhookUrl, raw, signed.headers);
				if (record.status >= 200 && record.status < 300) return true;
			} catch (err) {
				record.error = err.message;
			}
		}
		return false;
	}

	function loopbackUrl(value) {
		const u = new URL(value);
		if (u.protocol !== 'http:')
			throw new Error(`only http:// URLs are reachable from the emulator (${u.protocol})`);
		if (!opts.allowedFetchHosts.includes(u.hostname)) {
			throw new Error(`host ${u.hostname} is not reachable from the emulator (loopback only)`);
		}
		return u;
	}

	function clientRequest(u, reqOptions, onResponse) {
		return new Promise((resolve, reject) => {
			const req = http.request(u, { ...reqOptions, timeout: opts.webhookTimeoutMs }, (res) => {
				onResponse(res).then(resolve, reject);
			});
			outgoing.add(req);
			req.on('close', () => outgoing.delete(req));
			req.on('timeout', () => req.destroy(new Error('timed out')));
			req.on('error', reject);
			req.end(reqOptions.body);
		});
	}

	function postWebhook(url, raw, headers) {
		return clientRequest(
			loopbackUrl(url),
			{
				method: 'POST',
				headers: {
					...headers,
					'content-length': Buffer.byteLength(raw),
					'user-agent': 'TranscribeAPI-Webhooks/1.0',
				},
				body: raw,
			},
			async (res) => {
				res.resume();
				await new Promise((r) => res.on('end', r).on('close', r));
				return res.statusCode;
			},
		);
	}

	function fetchSource(url, redirects = 0) {
		let u;
		try {
			u = loopbackUrl(url);
		} catch (err) {
			return Promise.reject(err);
		}
		return clientRequest(u, { method: 'GET' }, async (res) => {
			if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects < 5) {
				res.resume();
				return fetchSource(new URL(res.headers.location, u).toString(), redirects + 1);
			}
			if (res.statusCode !== 200) {
				res.resume();
				throw new Error(`HTTP ${res.statusCode}`);
			}
			const h = hasher();
			await pipeline(res, h.stream, sink());
			return h.digest();
		});
	}

	// --- routes: sync ---------------------------------------------------------------------------

	async function syncTranscribe(ctx) {
		const boundary = getBoundary(ctx.req.headers['content-type']);
		let form;
		try {
			form = await parseForm(ctx.req, boundary, countChunk(ctx.entry));
		} catch (err) {
			throw apiError(
				400,
				'invalid_form_data',
				`Request was not valid multipart/form-data: ${err.message}`,
			);
		}
		const file = form.files.find((f) => f.name === 'file');
		if (!file) throw apiError(400, 'missing_file', 'Attach an audio file in the `file` field.');
		if (file.bytes === 0)
			throw apiError(400, 'missing_file', 'The file in the `file` field is empty.');
		const ext = extensionOf(file.filename);
		if ((ext && !AUDIO_EXTENSIONS.has(ext)) || /^video\//i.test(file.contentType || '')) {
			throw apiError(
				400,
				'invalid_request_options',
				`Unsupported file format${ext ? ` ".${ext}"` : ''}: use mp3, mpeg, mpga, m4a, wav or webm.`,
			);
		}
		const options = parseOptions(form.fields, 'invalid_request_options');
		if (file.bytes > opts.maxSyncBytes) {
			throw apiError(
				400,
				'file_too_large',
				`Sync uploads are limited to 30 MB (${opts.maxSyncBytes} bytes); use an async job.`,
				{
					max_bytes: opts.maxSyncBytes,
					size_bytes: file.bytes,
				},
			);
		}
		const record = {
			source: 'sync',
			filename: file.filename || null,
			contentType: file.contentType,
			bytes: file.bytes,
			sha256: file.sha256,
			head: file.head,
		};
		const info = fileInfo(record, null);
		const duration = durationOf(info);
		if (duration > opts.maxSyncSeconds) {
			throw apiError(
				400,
				'audio_too_long',
				`Sync transcription is limited to 10 minutes (${opts.maxSyncSeconds} s); use an async job.`,
				{
					max_seconds: opts.maxSyncSeconds,
					duration_seconds: duration,
				},
			);
		}
		const billed = billedOf(duration);
		const cost = costOf(billed);
		if (cost > balance) {
			throw apiError(
				402,
				'insufficient_credit',
				'Account does not have enough credit for this transcription.',
				{
					required_credit: cost,
					balance,
				},
			);
		}
		const job = newJob('sync', 'transcribe', options, null);
		ctx.entry.jobId = job.id;
		uploads.push({
			type: 'sync',
			jobId: job.id,
			filename: record.filename,
			contentType: record.contentType,
			size: file.bytes,
			sha256: file.sha256,
			fields: { ...form.fields },
			options,
		});
		const failure = failureOf(info);
		await pause(opts.processingDelayMs, info);
		if (failure) {
			job.files = [{ ...record, status: 'failed', error: failure.message, code: failure.code }];
			job.error = failure.message;
			job.code = failure.code;
			setStatus(job, 'failed');
			job.settle(job.status);
			throw apiError(502, 'transcription_failed', failure.message);
		}
		const t = transcriptOf(info, options);
		balance = round(balance - cost, 6);
		Object.assign(job, { billedSeconds: billed, cost, remainingBalance: balance });
		job.files = [
			{ ...record, fileId: 'file_000001', referenceId: 'file_000001', status: 'completed' },
		];
		const full = {
			job_id: job.id,
			billed_seconds: billed,
			price_per_hour: opts.pricePerHour,
			cost,
			remaining_balance: balance,
			text: t.text,
			vtt: t.vtt,
			segments: t.segments,
			detected_language: t.detected_language,
		};
		job.files[0].result = { billed_seconds: billed, cost, duration_seconds: t.duration, ...full };
		await finalize(job, 'completed');
		const body = { ...full };
		for (const name of options.exclude) delete body[name];
		const left = TRANSCRIPT_FIELDS.filter((k) => k in body);
		if (options.exclude.length > 0 && left.length === 1) {
			const bare = body[left[0]];
			if (typeof bare === 'string' && opts.bareStringAs === 'text') {
				return send(ctx, 200, bare, {
					'content-type':
						left[0] === 'vtt' ? 'text/vtt; charset=utf-8' : 'text/plain; charset=utf-8',
				});
			}
			return send(ctx, 200, JSON.stringify(bare), {
				'content-type': 'application/json; charset=utf-8',
			});
		}
		send(ctx, 200, body);
	}

	// --- routes: async --------------------------------------------------------------------------

	function asyncOptions(json) {
		return parseOptions(json, 'invalid_job_request');
	}

	/** JSON POST /v1/transcribe: the official SDK's async/batch shape (NOTES). */
	async function sdkCreate(ctx) {
		const json = await readJson(ctx);
		const options = asyncOptions(json);
		const webhookUrl = validateWebhookUrl(json.webhook_url, 'invalid_job_request');
		const files = checkBatchFiles(json.files, 'sdk');
		const job = createAsyncJob({
			type: files.length === 1 ? 'big_file' : 'batch',
			via: 'transcribe',
			files,
			options,
			webhookUrl,
			sessionsNow: true,
		});
		ctx.entry.jobId = job.id;
		send(ctx, 200, {
			job_id: job.id,
			job_status: job.status,
			total_files: files.length,
			uploads: files.filter((f) => f.source === 'upload').map((f) => uploadEntry(job, f)),
		});
	}

	async function jobsCreate(ctx) {
		const json = await readJson(ctx);
		const options = asyncOptions(json);
		const webhookUrl = validateWebhookUrl(json.webhook_url, 'invalid_job_request');
		if (json.type === 'big_file') {
			const file = fileEntry(json, 0, 'big_file');
			file.referenceId = json.reference_id || 'file_000001';
			const job = createAsyncJob({
				type: 'big_file',
				via: 'jobs',
				files: [file],
				options,
				webhookUrl,
				sessionsNow: true,
			});
			ctx.entry.jobId = job.id;
			return send(ctx, 200, {
				job_id: job.id,
				status: job.status,
				total_files: 1,
				uploads: file.source === 'upload' ? [uploadEntry(job, file)] : [],
			});
		}
		if (json.type === 'batch') {
			const files = checkBatchFiles(json.files, 'batch');
			const job = createAsyncJob({
				type: 'batch',
				via: 'jobs',
				files,
				options,
				webhookUrl,
				sessionsNow: false,
			});
			ctx.entry.jobId = job.id;
			return send(ctx, 200, { job_id: job.id, status: job.status, total_files: files.length });
		}
		throw apiError(400, 'invalid_job_request', '`type` must be "big_file" or "batch".');
	}

	function jobOf(ctx, id) {
		ctx.entry.jobId = id;
		const job = jobs.get(id);
		if (!job) throw apiError(404, 'job_not_found', `Job ${id} was not found.`);
		return job;
	}
	function requireUploading(job, action) {
		if (job.status !== 'uploading') {
			throw apiError(
				409,
				'invalid_job_status',
				`Cannot ${action} while the job is ${job.status}.`,
				{
					status: job.status,
				},
			);
		}
	}

	async function uploadUrls(ctx, id) {
		const json = await readJson(ctx, { optional: true });
		const job = jobOf(ctx, id);
		requireUploading(job, 'request upload URLs');
		const candidates = job.files.filter((f) => f.source === 'upload');
		let selected;
		let nextOffset = null;
		const ids = json.files ?? json.file_ids ?? json.reference_ids;
		if (ids !== undefined) {
			if (!Array.isArray(ids))
				throw apiError(400, 'invalid_upload_page', '`files` must be an array.');
			selected = ids.map((x) => {
				const key = x && typeof x === 'object' ? (x.file_id ?? x.reference_id) : x;
				const f = candidates.find((c) => c.fileId === key || c.referenceId === key);
				if (!f)
					throw apiError(
						400,
						'invalid_upload_page',
						`No file to upload with id ${JSON.stringify(key)}.`,
					);
				return f;
			});
		} else {
			const offset = json.offset === undefined ? 0 : Number(json.offset);
			const limit = json.limit === undefined ? opts.uploadPageSize : Number(json.limit);
			if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit)) {
				throw apiError(
					400,
					'invalid_upload_page',
					'`offset` and `limit` must be non-negative integers.',
				);
			}
			if (limit > opts.uploadPageSize) {
				throw apiError(
					400,
					'invalid_upload_page',
					`At most ${opts.uploadPageSize} files per upload page.`,
				);
			}
			selected = candidates.slice(offset, offset + limit);
			if (offset + limit < candidates.length) nextOffset = offset + limit;
		}
		if (selected.length === 0)
			throw apiError(400, 'invalid_upload_page', 'The upload page has no files.');
		if (selected.length > opts.uploadPageSize) {
			throw apiError(
				400,
				'invalid_upload_page',
				`At most ${opts.uploadPageSize} files per upload page.`,
			);
		}
		send(ctx, 200, {
			job_id: job.id,
			uploads: selected.map((f) => uploadEntry(job, f)),
			next_offset: nextOffset,
		});
	}

	async function resumeUpload(ctx, id) {
		const json = await readJson(ctx, { optional: true });
		const job = jobOf(ctx, id);
		requireUploading(job, 'resume an upload');
		const up = json.upload;
		if (up !== undefined && (up === null || typeof up !== 'object')) {
			throw apiError(400, 'invalid_upload', '`upload` must be an object.');
		}
		if (up && up.type !== undefined && up.type !== 'multipart' && up.type !== 'put') {
			throw apiError(400, 'invalid_upload_type', 'upload.type must be multipart or put.');
		}
		const candidates = job.files.filter((f) => f.source === 'upload');
		const fileKey = json.reference_id ?? json.file_id;
		const uploadId = (up && up.upload_id) ?? json.upload_id;
		const key = (up && up.key) ?? json.key;
		let file;
		if (fileKey !== undefined)
			file = candidates.find((f) => f.referenceId === fileKey || f.fileId === fileKey);
		else if (uploadId !== undefined)
			file = candidates.find((f) => f.session && f.session.id === uploadId);
		else if (key !== undefined) file = candidates.find((f) => f.session && f.session.key === key);
		else
			file = candidates.find((f) => !f.session || f.session.state !== 'complete') || candidates[0];
		if (!file)
			throw apiError(
				400,
				'invalid_upload',
				'No active upload matches the given reference_id/upload_id/key.',
			);
		if (up && up.type && file.session && up.type !== file.session.type) {
			throw apiError(
				400,
				'invalid_upload',
				`This upload is of type ${file.session.type}, not ${up.type}.`,
			);
		}
		if (!file.session || file.session.state === 'aborted') newSession(job, file);
		send(ctx, 200, {
			job_id: job.id,
			file_id: file.fileId,
			reference_id: file.referenceId,
			upload: instruction(file.session, { resume: true }),
		});
	}

	async function uploadCompleted(ctx, id) {
		await drain(ctx);
		const job = jobOf(ctx, id);
		requireUploading(job, 'mark uploads completed');
		startJob(job); // sets "verifying" synchronously
		send(ctx, 200, {
			job_id: job.id,
			job_status: job.status,
			billed_seconds: 0,
			cost: 0,
			total_files: job.files.length,
		});
	}

	function statusBody(job) {
		const body = { job_id: job.id, type: job.type };
		if (opts.statusField === 'status' || opts.statusField === 'both') body.status = job.status;
		if (opts.statusField === 'job_status' || opts.statusField === 'both')
			body.job_status = job.status;
		Object.assign(body, {
			total_files: job.files.length,
			billed_seconds: job.billedSeconds,
			price_per_hour: opts.pricePerHour,
			cost: job.cost,
			created_at: job.createdAt,
		});
		if (job.remainingBalance !== null) body.remaining_balance = job.remainingBalance;
		if (job.type === 'batch' && isTerminal(job.status)) {
			body.completed_files = job.files.filter((f) => f.status === 'completed').length;
			body.failed_files = job.files.length - body.completed_files;
		}
		if (job.resultUrl)
			Object.assign(body, { result_url: job.resultUrl, expires_at: job.expiresAt });
		if (job.error) Object.assign(body, { error: job.error, code: job.code });
		if (job.webhookUrl) body.webhook_url = job.webhookUrl;
		return body;
	}

	async function jobStatus(ctx, id) {
		await drain(ctx);
		send(ctx, 200, statusBody(jobOf(ctx, id)));
	}

	// --- routes: signed storage URLs ------------------------------------------------------------

	function sessionOf(ctx, id) {
		const s = sessions.get(id);
		if (!s) throw s3Error(404, 'NoSuchUpload', 'The specified upload does not exist.');
		ctx.entry.jobId = s.jobId;
		return s;
	}

	function requireLength(ctx) {
		if (opts.requireContentLength && ctx.req.headers['content-length'] === undefined) {
			throw s3Error(
				411,
				'MissingContentLength',
				'You must provide the Content-Length HTTP header.',
			);
		}
	}

	async function putObject(ctx, id) {
		checkSigned(ctx, 'put');
		const s = sessionOf(ctx, id);
		if (s.type !== 'put')
			throw s3Error(400, 'InvalidRequest', 'This upload is a multipart upload.');
		if (opts.refuseUpload && opts.refuseUpload(s))
			throw s3Error(400, 'InvalidRequest', 'The upload was refused.');
		requireLength(ctx);
		if (s.contentType && ctx.req.headers['content-type'] !== s.contentType) {
			throw s3Error(403, 'SignatureDoesNotMatch', `The signed Content-Type is ${s.contentType}.`);
		}
		const h = hasher();
		ctx.req.on('data', countChunk(ctx.entry));
		await pipeline(ctx.req, throttle(), h.stream, sink());
		const d = h.digest();
		s.result = { size: d.size, sha256: d.sha256, head: d.head };
		s.state = 'complete';
		uploads.push({
			type: 'put',
			jobId: s.jobId,
			fileId: s.fileId,
			referenceId: s.referenceId,
			uploadId: s.id,
			key: s.key,
			contentType: ctx.req.headers['content-type'] || null,
			size: d.size,
			sha256: d.sha256,
		});
		countStored();
		send(ctx, 200, '', { etag: `"${d.md5}"` });
	}

	async function putPart(ctx, id, n) {
		checkSigned(ctx, 'part');
		const s = sessionOf(ctx, id);
		if (s.type !== 'multipart' || s.state !== 'open') {
			throw s3Error(
				404,
				'NoSuchUpload',
				'The specified multipart upload does not exist or was completed or aborted.',
			);
		}
		if (!(n >= 1 && n <= s.partCount))
			throw s3Error(400, 'InvalidArgument', `Part number must be between 1 and ${s.partCount}.`);
		requireLength(ctx);
		const final = path.join(tmpRoot, s.id, `part-${n}`);
		const temp = `${final}.${++tmpCounter}.tmp`;
		const h = hasher();
		ctx.req.on('data', countChunk(ctx.entry));
		try {
			await pipeline(ctx.req, throttle(), h.stream, fs.createWriteStream(temp));
		} catch (err) {
			fs.rmSync(temp, { force: true });
			throw err;
		}
		if (s.state !== 'open') {
			fs.rmSync(temp, { force: true });
			throw s3Error(
				404,
				'NoSuchUpload',
				'The multipart upload was completed or aborted meanwhile.',
			);
		}
		fs.renameSync(temp, final);
		const d = h.digest();
		s.parts.set(n, { size: d.size, md5: d.md5, etag: `"${d.md5}"`, path: final, head: d.head });
		countStored();
		send(ctx, 200, '', { etag: `"${d.md5}"` });
	}

	function completeXml(s) {
		return (
			'<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUploadResult>' +
			`<Location>${xmlEscape(`${baseUrl}/objects/${s.key}`)}</Location><Bucket>transcribeapi-uploads</Bucket>` +
			`<Key>${xmlEscape(s.key)}</Key><ETag>${xmlEscape(s.multipartEtag)}</ETag></CompleteMultipartUploadResult>`
		);
	}

	async function completeMultipart(ctx, id) {
		checkSigned(ctx, 'complete');
		const { body } = await readBody(ctx.req, countChunk(ctx.entry), 8 * MiB);
		const s = sessionOf(ctx, id);
		if (s.type !== 'multipart' || s.state === 'aborted') {
			throw s3Error(
				404,
				'NoSuchUpload',
				'The specified multipart upload does not exist or was aborted.',
			);
		}
		const text = body.toString('utf8');
		if (s.state === 'complete') {
			if (text === s.completeBody)
				return send(ctx, 200, completeXml(s), { 'content-type': 'application/xml' });
			throw s3Error(404, 'NoSuchUpload', 'The multipart upload was already completed.');
		}
		if (!/<CompleteMultipartUpload[\s>]/.test(text) || !/<\/CompleteMultipartUpload>/.test(text)) {
			throw s3Error(
				400,
				'MalformedXML',
				'The XML you provided was not well-formed or did not validate against our published schema.',
			);
		}
		const listed = [];
		for (const m of text.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
			const num = /<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(m[1]);
			const etag = /<ETag>([\s\S]*?)<\/ETag>/.exec(m[1]);
			if (!num || !etag)
				throw s3Error(400, 'MalformedXML', 'Each Part needs a PartNumber and an ETag.');
			const value = etag[1]
				.trim()
				.replace(/&quot;|&#34;/g, '"')
				.replace(/^"|"$/g, '');
			listed.push({ n: Number(num[1]), etag: value });
		}
		if (listed.length === 0)
			throw s3Error(400, 'MalformedXML', 'The XML you provided lists no parts.');
		for (let i = 1; i < listed.length; i++) {
			if (listed[i].n <= listed[i - 1].n) {
				throw s3Error(
					400,
					'InvalidPartOrder',
					'The list of parts was not in ascending order. Parts must be ordered by part number.',
				);
			}
		}
		listed.forEach(({ n, etag }, i) => {
			const part = s.parts.get(n);
			if (!part || part.md5 !== etag) {
				throw s3Error(
					400,
					'InvalidPart',
					`One or more of the specified parts could not be found or the ETag did not match (part ${n}).`,
				);
			}
			if (i < listed.length - 1 && part.size < s.partSize) {
				throw s3Error(
					400,
					'EntityTooSmall',
					`Part ${n} (${part.size} bytes) is smaller than the part size ${s.partSize}.`,
				);
			}
		});
		// Reassemble in part order: hash the parts' files one after the other.
		const sha = crypto.createHash('sha256');
		let size = 0;
		for (const { n } of listed) {
			for await (const chunk of fs.createReadStream(s.parts.get(n).path)) {
				sha.update(chunk);
				size += chunk.length;
			}
		}
		const md5s = Buffer.concat(listed.map(({ n }) => Buffer.from(s.parts.get(n).md5, 'hex')));
		s.multipartEtag = `"${crypto.createHash('md5').update(md5s).digest('hex')}-${listed.length}"`;
		s.result = { size, sha256: sha.digest('hex'), head: (s.parts.get(listed[0].n) || {}).head };
		if (listed[0].n !== 1) s.result.head = Buffer.alloc(0);
		s.state = 'complete';
		s.completeBody = text;
		s.completedParts = listed.map(({ n }) => ({ part_number: n, size: s.parts.get(n).size }));
		fs.rmSync(path.join(tmpRoot, s.id), { recursive: true, force: true });
		uploads.push({
			type: 'multipart',
			jobId: s.jobId,
			fileId: s.fileId,
			referenceId: s.referenceId,
			uploadId: s.id,
			key: s.key,
			partSize: s.partSize,
			partCount: listed.length,
			contentType: ctx.req.headers['content-type'] || null,
			size,
			sha256: s.result.sha256,
		});
		send(ctx, 200, completeXml(s), { 'content-type': 'application/xml' });
	}

	async function abortMultipart(ctx, id) {
		checkSigned(ctx, 'abort');
		await drain(ctx);
		const s = sessionOf(ctx, id);
		if (s.type !== 'multipart' || s.state !== 'open') {
			throw s3Error(404, 'NoSuchUpload', 'The specified multipart upload does not exist.');
		}
		s.state = 'aborted';
		s.parts.clear();
		fs.rmSync(path.join(tmpRoot, s.id), { recursive: true, force: true });
		send(ctx, 204, '');
	}

	async function getResult(ctx, id) {
		checkSigned(ctx, 'result');
		await drain(ctx);
		const job = jobs.get(id);
		if (!job || !job.result) throw s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
		ctx.entry.jobId = id;
		send(ctx, 200, job.result);
	}

	// --- routing --------------------------------------------------------------------------------

	function route(method, p) {
		let m;
		const seg = '([^/]+)';
		const dec = (s) => {
			try {
				return decodeURIComponent(s);
			} catch {
				return s;
			}
		};
		if (method === 'GET' && p === '/health')
			return { handler: (ctx) => drain(ctx).then(() => send(ctx, 200, { status: 'ok' })) };
		if (method === 'GET' && p === '/.well-known/transcribeapi-webhook-keys.json') {
			return {
				handler: (ctx) =>
					drain(ctx).then(() =>
						send(ctx, 200, keyDocument(), { 'cache-control': 'public, max-age=300' }),
					),
			};
		}
		if (method === 'POST' && p === '/v1/transcribe') {
			return {
				auth: true,
				limited: true,
				handler: (ctx) => {
					const type = ctx.req.headers['content-type'] || '';
					if (/^\s*application\/json/i.test(type)) return sdkCreate(ctx);
					if (/^\s*multipart\/form-data/i.test(type)) return syncTranscribe(ctx);
					return drain(ctx).then(() => {
						throw apiError(
							400,
							'invalid_form_data',
							'Request was not valid multipart/form-data (or JSON for an async job).',
						);
					});
				},
			};
		}
		if (method === 'POST' && p === '/v1/jobs')
			return { auth: true, limited: true, handler: jobsCreate };
		if (method === 'POST' && (m = new RegExp(`^/v1/jobs/${seg}/upload-urls$`).exec(p))) {
			return { auth: true, handler: (ctx) => uploadUrls(ctx, dec(m[1])) };
		}
		if (method === 'POST' && (m = new RegExp(`^/v1/jobs/${seg}/resume-upload$`).exec(p))) {
			return { auth: true, handler: (ctx) => resumeUpload(ctx, dec(m[1])) };
		}
		if (method === 'GET' && (m = new RegExp(`^/v1/transcribe/${seg}$`).exec(p))) {
			return { auth: true, handler: (ctx) => jobStatus(ctx, dec(m[1])) };
		}
		if (method === 'POST' && (m = new RegExp(`^/v1/transcribe/${seg}/upload-completed$`).exec(p))) {
			return { auth: true, handler: (ctx) => uploadCompleted(ctx, dec(m[1])) };
		}
		if (method === 'PUT' && (m = new RegExp(`^/uploads/${seg}$`).exec(p))) {
			return { storage: true, handler: (ctx) => putObject(ctx, m[1]) };
		}
		if (method === 'PUT' && (m = new RegExp(`^/uploads/${seg}/parts/(\\d+)$`).exec(p))) {
			return { storage: true, handler: (ctx) => putPart(ctx, m[1], Number(m[2])) };
		}
		if (method === 'POST' && (m = new RegExp(`^/uploads/${seg}/complete$`).exec(p))) {
			return { storage: true, handler: (ctx) => completeMultipart(ctx, m[1]) };
		}
		if (
			(method === 'DELETE' || method === 'POST') &&
			(m = new RegExp(`^/uploads/${seg}/abort$`).exec(p))
		) {
			return { storage: true, handler: (ctx) => abortMultipart(ctx, m[1]) };
		}
		if (method === 'GET' && (m = new RegExp(`^/results/${seg}$`).exec(p))) {
			return { storage: true, handler: (ctx) => getResult(ctx, m[1]) };
		}
		return null;
	}

	function authError(ctx) {
		const header = ctx.req.headers.authorization || '';
		const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
		if (!m)
			return [401, 'missing_api_key', 'Authorization: Bearer YOUR_API_KEY header was missing.'];
		if (!apiKeys.has(m[1])) return [401, 'invalid_api_key', 'API key is invalid.'];
		if (unverified.has(m[1]))
			return [
				403,
				'email_not_verified',
				'The API key owner must verify their email before using the API.',
			];
		ctx.apiKey = m[1];
		return null;
	}

	function rateLimited(ctx, r) {
		const scoped = opts.rateLimitScope === 'all' ? ctx.url.pathname.startsWith('/v1/') : r.limited;
		if (!scoped) return null;
		const now = Date.now();
		const calls = (rateCalls.get(ctx.apiKey) || []).filter((t) => t > now - opts.rateWindowMs);
		rateCalls.set(ctx.apiKey, calls);
		if (calls.length >= opts.requestsPerMinute) {
			return Math.max(1, Math.ceil((calls[0] + opts.rateWindowMs - now) / 1000));
		}
		calls.push(now);
		return null;
	}

	function sendFault(ctx, fault, storage) {
		const code = fault.kind === '429' ? 429 : fault.status;
		const headers = code === 429 || code === 503 ? { 'retry-after': String(fault.retryAfter) } : {};
		if (storage) {
			const s3 =
				{ 429: 'SlowDown', 503: 'SlowDown', 500: 'InternalError' }[code] || 'InternalError';
			return sendXmlError(ctx, code, s3, `Injected fault: HTTP ${code}`, headers);
		}
		const api =
			{ 429: 'rate_limit_exceeded', 502: 'transcription_failed', 503: 'service_unavailable' }[
				code
			] || 'internal_error';
		const message =
			code === 429
				? `Rate limit exceeded: ${opts.requestsPerMinute} requests/min.`
				: `Injected fault: HTTP ${code}`;
		sendJsonError(
			ctx,
			code,
			api,
			message,
			code === 429 ? { limit: opts.requestsPerMinute } : {},
			headers,
		);
	}

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
			jobId: null,
			fault: null,
		};
		requests.push(entry);
		const ctx = { req, res, url, entry, dropResponse: false, apiKey: null };
		res.on('close', () => {
			if (entry.status === null) {
				entry.status = 0; // the client went away (or we dropped it) before an answer
				entry.endedAt = Date.now();
			}
		});
		const r = route(req.method, url.pathname);
		const storage = Boolean(r && r.storage);
		try {
			const fault = takeFault(req.method, url.pathname);
			if (fault) {
				entry.fault = fault.name;
				if (fault.kind === 'slow') {
					await sleep(fault.delayMs);
				} else if (fault.kind === 'drop-after-processing') {
					ctx.dropResponse = true; // side effects happen, then send() destroys the socket
				} else if (fault.kind === 'reset') {
					entry.status = 0;
					entry.endedAt = Date.now();
					req.socket.destroy(); // mid-body: the client's upload breaks
					return;
				} else if (fault.kind === 'drop') {
					await drain(ctx);
					ctx.dropResponse = true;
					return send(ctx, 0);
				} else {
					await drain(ctx);
					return sendFault(ctx, fault, storage);
				}
			}
			if (!r) {
				await drain(ctx);
				return sendJsonError(
					ctx,
					404,
					'not_found',
					`Route ${req.method} ${url.pathname} does not exist.`,
				);
			}
			if (r.auth) {
				const denied = authError(ctx);
				if (denied) {
					await drain(ctx);
					return sendJsonError(ctx, ...denied);
				}
				const retryAfter = rateLimited(ctx, r);
				if (retryAfter !== null) {
					await drain(ctx);
					return sendJsonError(
						ctx,
						429,
						'rate_limit_exceeded',
						`Rate limit exceeded: ${opts.requestsPerMinute} transcription requests per minute.`,
						{ limit: opts.requestsPerMinute, window_seconds: Math.round(opts.rateWindowMs / 1000) },
						opts.retryAfterHeader ? { 'retry-after': String(retryAfter) } : {},
					);
				}
			}
			await r.handler(ctx);
		} catch (err) {
			if (req.socket.destroyed || closed) return;
			if (!req.readableEnded) await drain(ctx);
			if (err.xml) return sendXmlError(ctx, err.status, err.code, err.message);
			if (storage && !err.status) return sendXmlError(ctx, 500, 'InternalError', err.message);
			if (err.status) return sendJsonError(ctx, err.status, err.code, err.message, err.extra);
			sendJsonError(
				ctx,
				500,
				'internal_error',
				`The API hit an unexpected server error: ${err.message}`,
			);
		}
	}

	// --- server ---------------------------------------------------------------------------------

	const server = http.createServer((req, res) => {
		handle(req, res).catch(() => req.socket.destroy());
	});
	server.keepAliveTimeout = 5000;
	server.requestTimeout = 0; // large uploads may legitimately take minutes
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
	baseUrl = `http://127.0.0.1:${port}`;

	function clearState() {
		for (const t of timers) clearTimeout(t);
		timers.clear();
		for (const s of sessions.values())
			fs.rmSync(path.join(tmpRoot, s.id), { recursive: true, force: true });
	}

	return {
		url: baseUrl,
		port,
		tmpDir: tmpRoot,
		requests,
		jobs,
		sessions,
		uploads,
		webhooks,
		injectFault,
		failUploadPart,
		expireUploadUrls,
		setFaultRate,
		rotateKey,
		retireKey,
		publicKeys,
		keyDocument,
		signPayload,
		get currentKeyId() {
			return currentKid;
		},
		get balance() {
			return balance;
		},
		setBalance(value) {
			balance = value;
		},
		/** Resolves with the final status once the job is terminal and its webhook (if any) was tried. */
		whenSettled(jobId) {
			const job = jobs.get(jobId);
			if (!job) return Promise.reject(new Error(`Unknown job ${jobId}`));
			return job.settled;
		},
		reset() {
			// Mutate in place so references held by tests stay valid. Signing keys are kept.
			clearState();
			requests.length = 0;
			uploads.length = 0;
			webhooks.length = 0;
			jobs.clear();
			sessions.clear();
			rateCalls.clear();
			faults = [];
			faultRate = null;
			balance = opts.balance;
			storedCount = 0;
		},
		close() {
			closed = true;
			clearState();
			for (const r of outgoing) r.destroy();
			return new Promise((resolve) => {
				server.close(() => {
					fs.rmSync(tmpRoot, { recursive: true, force: true });
					resolve();
				});
				for (const s of sockets) s.destroy();
			});
		},
	};
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
	const names = {
		'--port': ['port', Number],
		'--api-key': ['apiKey', String],
		'--delay-ms': ['processingDelayMs', Number],
		'--verify-delay-ms': ['verifyDelayMs', Number],
		'--requests-per-minute': ['requestsPerMinute', Number],
		'--rate-window-ms': ['rateWindowMs', Number],
		'--bytes-per-second': ['bytesPerSecond', Number],
		'--multipart-threshold': ['multipartThreshold', Number],
		'--part-size': ['partSize', Number],
		'--upload-bytes-per-second': ['uploadBytesPerSecond', Number],
		'--max-sync-bytes': ['maxSyncBytes', Number],
		'--balance': ['balance', Number],
		'--key-format': ['keyFormat', String],
		'--status-field': ['statusField', String],
		'--running-status': ['runningStatus', String],
	};
	const out = {};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		if (!names[flag]) throw new Error(`Unknown argument: ${argv[i]}`);
		out[names[flag][0]] = names[flag][1](inline ?? argv[++i]);
	}
	return out;
}

function jobSummary(job) {
	return {
		id: job.id,
		type: job.type,
		via: job.via,
		status: job.status,
		history: job.history,
		webhookUrl: job.webhookUrl,
		error: job.error,
		code: job.code,
		files: job.files.map((f) => ({
			fileId: f.fileId,
			referenceId: f.referenceId,
			status: f.status,
			bytes: f.bytes,
			sha256: f.sha256,
			error: f.error,
			code: f.code,
		})),
	};
}

async function main() {
	const emu = await startTranscribeApiEmulator(parseArgs(process.argv.slice(2)));
	console.log(`transcribeapi emulator listening on ${emu.url}`);
	const shutdown = () => emu.close().then(() => process.exit(0));
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
	if (process.send) {
		const commands = {
			requests: () => emu.requests,
			uploads: () => emu.uploads,
			webhooks: () => emu.webhooks,
			jobs: () => [...emu.jobs.values()].map(jobSummary),
			keys: () => emu.keyDocument(),
			rotateKey: (msg) => emu.rotateKey(msg.keyId),
			reset: () => (emu.reset(), true),
			injectFault: (msg) => (emu.injectFault(msg.fault), true),
			setFaultRate: (msg) => (emu.setFaultRate(msg.options), true),
			setBalance: (msg) => (emu.setBalance(msg.balance), true),
		};
		process.on('message', (msg) => {
			const fn = msg && commands[msg.cmd];
			if (!fn) return process.send({ cmd: msg && msg.cmd, error: 'unknown command' });
			try {
				process.send({ cmd: msg.cmd, [msg.cmd]: fn(msg) });
			} catch (err) {
				process.send({ cmd: msg.cmd, error: err.message });
			}
		});
		process.on('disconnect', shutdown);
		process.send({ ready: true, url: emu.url });
	}
}

if (require.main === module) {
	main().catch((err) => {
		console.error(err);
		process.exit(1);
	});
}

module.exports = { startTranscribeApiEmulator };
