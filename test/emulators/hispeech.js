'use strict';
/**
 * Local emulator of the Hispeech speech-to-text API (https://api.hispeech.ai) for tests.
 * Follows /work/shared/providers/hispeech.txt and the Hispeech section of NOTES.md.
 * Plain CommonJS, Node 20 built-ins only, listens on 127.0.0.1.
 *
 *   const { startHispeechEmulator } = require('./hispeech');
 *   const emu = await startHispeechEmulator({ apiKey: 'test-key', processingDelayMs: 50 });
 *
 * CLI: node test/emulators/hispeech.js --port 4101 --api-key test-key --delay-ms 2000
 *
 * Decisions where the docs are silent:
 * - Every request body is read to the end before answering (even 401s and injected faults),
 *   so clients streaming a large upload never see a reset mid-body.
 * - Unsupported file extensions answer 400 (not 415), like the other validation errors.
 * - `ttl` is only validated when secure_mode is true (the docs say it is ignored otherwise).
 * - Boolean form fields accept "true"/"false" (any case, optionally wrapped in double quotes as in
 *   the docs' curl examples) and "1"/"0"; anything else is a 400 naming the field.
 * - Option `ttlUnitMs` (default 1000) is how long one ttl "second" lasts, so tests can expire
 *   secure results quickly.
 * - Dropped connections are logged with status 0.
 * - Option `failure(upload)` returns a reason (or null): such a job ends `status: "failed"` with the
 *   reason in `error` and `transcription: null` (the docs' answers carry an `error` field).
 */
const http = require('node:http');
const crypto = require('node:crypto');

const MODELS = ['model-01052025', 'model-23012026']; // Formal (default), Conversational
const DEFAULT_MODEL = MODELS[0];
const FORMATS = new Set(
	(
		'mp4 mov mkv webm 3gp hevc m4v mp3 aac m4a wav flac ogg opus aiff aif aifc alac wma asf ' +
		'adpcm snd gsm amr awb dss ds2'
	).split(' '),
);
const TTL_MIN = 1;
const TTL_MAX = 36000;
const TTL_DEFAULT = 900;
// 'truncate': the request is processed, then the answer is cut off halfway through its body.
const FAULT_TYPES = ['status', '429', 'drop', 'slow', 'drop-after-processing', 'truncate'];

function httpError(status, message, code) {
	return Object.assign(new Error(message), { status, code });
}

// ---------------------------------------------------------------------------------------------
// Streaming multipart/form-data parser
// ---------------------------------------------------------------------------------------------

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** Extracts the boundary from a Content-Type header, or returns null. */
function getBoundary(contentType) {
	if (!/^\s*multipart\/form-data\s*(;|$)/i.test(contentType || '')) return null;
	const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return m ? m[1] || m[2] : null;
}

function parseHeaderParams(value) {
	const params = {};
	const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
	for (const m of value.matchAll(re)) {
		params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3].trim();
	}
	return params;
}

/**
 * Push parser: write() chunks of any size, then end(). File parts (parts with a filename) are
 * never kept in memory: only their byte count and sha256 are computed as the data streams by.
 * Non-file parts are collected as UTF-8 strings (up to maxFieldBytes each).
 */
class MultipartParser {
	constructor(boundary, { maxFieldBytes = 1 << 20, maxHeaderBytes = 16 << 10 } = {}) {
		if (!boundary) throw httpError(400, 'Missing multipart boundary');
		// Parse as if the body were preceded by CRLF, so every delimiter (the first one included)
		// is CRLF--boundary and a single search pattern suffices.
		this.delimiter = Buffer.from(`\r\n--${boundary}`);
		this.buf = Buffer.from(CRLF);
		this.state = 'preamble';
		this.maxFieldBytes = maxFieldBytes;
		this.maxHeaderBytes = maxHeaderBytes;
		this.part = null;
		this.fields = {};
		this.files = [];
	}

	write(chunk) {
		if (this.state === 'done' || chunk.length === 0) return;
		this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
		this._run();
	}

	end() {
		this._run();
		if (this.state !== 'done') throw httpError(400, 'Malformed multipart body: unexpected end');
		return { fields: this.fields, files: this.files };
	}

	_run() {
		for (;;) {
			const { buf, delimiter } = this;
			if (this.state === 'preamble' || this.state === 'body') {
				const idx = buf.indexOf(delimiter);
				if (idx < 0) {
					// The last delimiter.length-1 bytes may be the start of a delimiter split across chunks.
					const safe = buf.length - (delimiter.length - 1);
					if (safe > 0) {
						if (this.state === 'body') this._data(buf.subarray(0, safe));
						this.buf = Buffer.from(buf.subarray(safe)); // copy, so a big chunk is not kept alive
					}
					return;
				}
				if (this.state === 'body') {
					this._data(buf.subarray(0, idx));
					this._endPart();
				}
				this.buf = buf.subarray(idx + delimiter.length);
				this.state = 'after-delimiter';
			} else if (this.state === 'after-delimiter') {
				if (buf.length > 0 && (buf[0] === 0x20 || buf[0] === 0x09)) {
					this.buf = buf.subarray(1); // RFC 2046 allows transport padding after a delimiter
					continue;
				}
				if (buf.length < 2) return;
				if (buf[0] === 0x2d && buf[1] === 0x2d) {
					this.state = 'done'; // close delimiter; the epilogue is ignored
					this.buf = Buffer.alloc(0);
					return;
				}
				if (buf[0] !== 0x0d || buf[1] !== 0x0a)
					throw httpError(400, 'Malformed multipart delimiter');
				this.buf = buf.subarray(2);
				this.state = 'headers';
			} else if (this.state === 'headers') {
				let headerText;
				if (buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a) {
					headerText = ''; // a part without headers
					this.buf = buf.subarray(2);
				} else {
					const idx = buf.indexOf(HEADER_END);
					if (idx < 0) {
						if (buf.length > this.maxHeaderBytes)
							throw httpError(400, 'Multipart part headers too large');
						return;
					}
					headerText = buf.subarray(0, idx).toString('utf8');
					this.buf = buf.subarray(idx + HEADER_END.length);
				}
				this._beginPart(headerText);
				this.state = 'body';
			} else {
				return; // done
			}
		}
	}

	_beginPart(headerText) {
		const headers = {};
		for (const line of headerText.split(/\r?\n/)) {
			const colon = line.indexOf(':');
			if (colon > 0)
				headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
		}
		const params = parseHeaderParams(headers['content-disposition'] || '');
		let filename = params.filename;
		const extended = /^([\w-]+)'[^']*'(.*)$/.exec(params['filename*'] || ''); // RFC 5987
		if (extended) {
			try {
				filename = decodeURIComponent(extended[2]);
			} catch {
				/* keep the plain filename */
			}
		}
		this.part = {
			name: params.name,
			filename,
			contentType: headers['content-type'] || null,
			isFile: filename !== undefined,
			bytes: 0,
			hash: filename !== undefined ? crypto.createHash('sha256') : null,
			chunks: [],
		};
	}

	_data(chunk) {
		const part = this.part;
		if (!part || chunk.length === 0) return;
		part.bytes += chunk.length;
		if (part.isFile) {
			part.hash.update(chunk);
		} else {
			if (part.bytes > this.maxFieldBytes)
				throw httpError(413, `Form field "${part.name}" is too large`);
			part.chunks.push(chunk);
		}
	}

	_endPart() {
		const part = this.part;
		this.part = null;
		if (!part || part.name === undefined) return; // parts without a name are ignored
		if (part.isFile) {
			const { name, filename, contentType, bytes } = part;
			this.files.push({ name, filename, contentType, bytes, sha256: part.hash.digest('hex') });
		} else {
			this.fields[part.name] = Buffer.concat(part.chunks).toString('utf8');
		}
	}
}

/**
 * Parses a multipart body from a Readable (e.g. an http.IncomingMessage) without buffering file
 * contents. Resolves { fields: {name: string}, files: [{ name, filename, contentType, bytes, sha256 }] }.
 * On a malformed body it still reads the stream to its end before rejecting (so an HTTP server
 * can answer cleanly). opts.onChunk(chunk) sees every raw chunk (e.g. for byte counting).
 */
function parseMultipartStream(stream, boundary, opts = {}) {
	return new Promise((resolve, reject) => {
		let parser;
		let error = null;
		try {
			parser = new MultipartParser(boundary, opts);
		} catch (e) {
			error = e;
		}
		stream.on('data', (chunk) => {
			if (!Buffer.isBuffer(chunk)) chunk = Buffer.from(chunk);
			if (opts.onChunk) opts.onChunk(chunk);
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
		stream.on('close', () => reject(httpError(400, 'Request body aborted'))); // no-op once settled
	});
}

/** Reads (and counts) a whole body, keeping at most `limit` bytes. */
function readBody(stream, onChunk, limit = 0) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		stream.on('data', (chunk) => {
			onChunk(chunk);
			size += chunk.length;
			if (size <= limit) chunks.push(chunk);
		});
		stream.on('end', () => resolve({ body: Buffer.concat(chunks), tooLarge: size > limit }));
		stream.on('error', reject);
		stream.on('close', () => reject(httpError(400, 'Request body aborted')));
	});
}

// ---------------------------------------------------------------------------------------------
// Helpers for results
// ---------------------------------------------------------------------------------------------

const SENTENCE_END = /(?<=[.!?։:])\s+/u; // "։" is the Armenian full stop

function titleOf(text) {
	const first = text
		.split(SENTENCE_END)[0]
		.trim()
		.replace(/[.!?։:]$/u, '');
	const chars = Array.from(first);
	return chars.length > 60 ? chars.slice(0, 60).join('').trimEnd() : first;
}

/** OpenAI-style segments: sentences split into chunks of ≤ 8 words, spread evenly over the duration. */
function segmentsOf(text, duration) {
	const chunks = [];
	for (const sentence of text.split(SENTENCE_END)) {
		const words = sentence.split(/\s+/).filter(Boolean);
		for (let i = 0; i < words.length; i += 8) chunks.push(words.slice(i, i + 8).join(' '));
	}
	const step = duration / Math.max(1, chunks.length);
	const round2 = (n) => Math.round(n * 100) / 100;
	return chunks.map((chunk, id) => ({
		id,
		start: round2(id * step),
		end: id === chunks.length - 1 ? duration : round2((id + 1) * step),
		text: chunk,
	}));
}

/** The docs' second set of examples has every scalar as a string ("true", "900", "null"). */
function stringifyScalars(value) {
	if (value === null) return 'null';
	if (typeof value === 'boolean' || typeof value === 'number') return String(value);
	if (Array.isArray(value)) return value.map(stringifyScalars);
	if (typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyScalars(v)]));
	}
	return value;
}

function unquote(value) {
	if (typeof value !== 'string') return value;
	const v = value.trim();
	return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function parseBool(raw, name, fallback) {
	if (raw === undefined || raw === '') return fallback;
	const v = raw.toLowerCase();
	if (v === 'true' || v === '1') return true;
	if (v === 'false' || v === '0') return false;
	throw httpError(400, `Invalid ${name}: expected "true" or "false"`);
}

function parseTtl(raw) {
	if (raw === undefined || raw === '') return TTL_DEFAULT;
	const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
	if (!(n >= TTL_MIN && n <= TTL_MAX)) {
		throw httpError(
			400,
			`Invalid ttl: must be an integer between ${TTL_MIN} and ${TTL_MAX} seconds`,
		);
	}
	return n;
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
// The emulator
// ---------------------------------------------------------------------------------------------

const DEFAULTS = {
	apiKey: 'test-key',
	port: 0,
	processingDelayMs: 0,
	statusCallsPerHour: 60,
	rateWindowMs: 3600000,
	stringBooleans: false,
	ttlUnitMs: 1000,
	transcript: (u) => `Transcript of ${u.filename} (${u.bytes} bytes)`,
	audioDuration: (u) => Math.max(1, Math.round(u.bytes / 16000)),
	failure: () => null,
};

async function startHispeechEmulator(options = {}) {
	const opts = { ...DEFAULTS };
	for (const [k, v] of Object.entries(options)) if (v !== undefined) opts[k] = v;

	const requests = [];
	const jobs = new Map();
	const uploads = [];
	const statusCalls = new Map(); // apiKey -> timestamps of status calls inside the window
	const timers = new Set();
	const sockets = new Set();
	let faults = [];
	let faultRate = null;

	const sleep = sleeperFor(timers);

	// --- faults ---------------------------------------------------------------------------------

	function injectFault({ method, path, type, times = 1, retryAfter, delayMs, status } = {}) {
		if (!FAULT_TYPES.includes(type)) throw new Error(`Unknown fault type: ${type}`);
		faults.push({ method, path, type, remaining: times, retryAfter, delayMs, status });
	}

	function setFaultRate({
		rate = 0,
		types = ['429', '500', '502', '503', 'drop', 'slow'],
		seed = 1,
		retryAfter = 1,
		delayMs = 200,
		path, // optional: only requests whose path starts with this are faulted
	} = {}) {
		faultRate =
			rate > 0 ? { rate, types, retryAfter, delayMs, path, random: mulberry32(seed) } : null;
	}
	// Option `faults` ({ rate, seed, types, retryAfter, delayMs }) turns seeded random faults on from the start.
	if (opts.faults) setFaultRate(opts.faults);

	/** Returns { name, kind, status, retryAfter, delayMs } for the fault hitting this request, or null. */
	function takeFault(method, path) {
		const idx = faults.findIndex((f) => {
			if (f.method && f.method.toUpperCase() !== method) return false;
			if (f.path instanceof RegExp) {
				f.path.lastIndex = 0;
				return f.path.test(path);
			}
			return path.startsWith(f.path || '');
		});
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
		if (faultRate && path.startsWith(faultRate.path || '') && faultRate.random() < faultRate.rate) {
			const type = faultRate.types[Math.floor(faultRate.random() * faultRate.types.length)];
			// Numeric types other than 429 ('500', '502', '503') answer that status.
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

	function errorBody(ctx, status, message, code) {
		if (ctx.openai) {
			const type =
				status === 429
					? 'rate_limit_error'
					: status >= 500
						? 'server_error'
						: 'invalid_request_error';
			return { error: { message, type, param: null, code: code || null } };
		}
		return { success: false, error: message };
	}

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
		let type = 'text/plain; charset=utf-8';
		if (typeof body !== 'string') {
			if (ctx.hispeech && opts.stringBooleans) payload = stringifyScalars(body);
			payload = JSON.stringify(payload);
			type = 'application/json; charset=utf-8';
		}
		res.writeHead(status, {
			'content-type': type,
			'content-length': Buffer.byteLength(payload),
			...headers,
		});
		if (ctx.truncateResponse) {
			entry.status = 0;
			const bytes = Buffer.from(payload);
			res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => req.socket.destroy());
			return;
		}
		res.end(payload);
	}

	const countChunk = (entry) => (chunk) => {
		entry.bytesReceived += chunk.length;
	};
	const drain = (ctx) => readBody(ctx.req, countChunk(ctx.entry), 0);

	async function readForm(ctx) {
		const boundary = getBoundary(ctx.req.headers['content-type']);
		if (!boundary) {
			await drain(ctx);
			throw httpError(400, 'Content-Type must be multipart/form-data with a boundary');
		}
		return parseMultipartStream(ctx.req, boundary, { onChunk: countChunk(ctx.entry) });
	}

	function checkFile(form) {
		const file = form.files.find((f) => f.name === 'file');
		if (!file) throw httpError(400, 'No file uploaded: the "file" field is required');
		if (file.bytes === 0) throw httpError(400, 'File is empty');
		const ext = /\.([^./\\]+)$/.exec(file.filename || '');
		if (!ext || !FORMATS.has(ext[1].toLowerCase())) {
			throw httpError(
				400,
				`Unsupported file format${ext ? ` ".${ext[1]}"` : ''}; supported: .${[...FORMATS].join(' .')}`,
			);
		}
		return file;
	}

	function createJob(file, { model, secureMode, ttl, waitForResult }) {
		const upload = {
			filename: file.filename,
			bytes: file.bytes,
			sha256: file.sha256,
			model,
			secureMode,
		};
		const delayOpt = opts.processingDelayMs;
		const delay = Math.max(
			0,
			Number(typeof delayOpt === 'function' ? delayOpt(upload) : delayOpt) || 0,
		);
		const createdAt = Date.now();
		const job = {
			id: crypto.randomUUID(),
			...upload,
			ttl,
			createdAt,
			readyAt: createdAt + delay,
			deleted: false,
			resultRead: false,
			transcript: String(opts.transcript(upload)),
			audioDuration: opts.audioDuration(upload),
			failure: opts.failure(upload) ?? null,
		};
		jobs.set(job.id, job);
		uploads.push({ jobId: job.id, ...upload, ttl, waitForResult });
		return job;
	}

	/** Deleted, already-read secure results and expired secure results are gone for good. */
	function isGone(job, now) {
		if (job.deleted) return true;
		if (!job.secureMode) return false;
		return job.resultRead || now > job.readyAt + job.ttl * opts.ttlUnitMs;
	}

	// --- routes ---------------------------------------------------------------------------------

	async function upload(ctx) {
		const form = await readForm(ctx);
		const query = ctx.url.searchParams;
		// The docs put stt_model in the query and the rest in form fields; clients vary (NOTES), so
		// accept both places, preferring the documented one.
		const param = (name, queryFirst = false) => {
			const fromForm = form.fields[name];
			const fromQuery = query.has(name) ? query.get(name) : undefined;
			return unquote(queryFirst ? (fromQuery ?? fromForm) : (fromForm ?? fromQuery));
		};
		const file = checkFile(form);
		const model = param('stt_model', true) || DEFAULT_MODEL;
		if (!MODELS.includes(model)) {
			throw httpError(400, `Unknown stt_model "${model}"; supported: ${MODELS.join(', ')}`);
		}
		const waitForResult = parseBool(param('wait_for_result'), 'wait_for_result', false);
		const secureMode = parseBool(param('secure_mode'), 'secure_mode', false);
		const wordTimestamps = parseBool(
			param('return_word_timestamps'),
			'return_word_timestamps',
			false,
		);
		const ttl = secureMode ? parseTtl(param('ttl')) : null;

		const job = createJob(file, { model, secureMode, ttl, waitForResult });
		ctx.entry.jobId = job.id;
		const secureExtra = secureMode ? { ttl } : {};
		if (!waitForResult) {
			return send(ctx, 200, {
				job_id: job.id,
				error: null,
				success: true,
				secure_mode: secureMode,
				...secureExtra,
			});
		}
		await sleep(job.readyAt - Date.now());
		if (secureMode) job.resultRead = true; // the synchronous answer is the one and only read
		send(ctx, 200, {
			job_id: job.id,
			error: null,
			success: true,
			secure_mode: secureMode,
			return_word_timestamps: wordTimestamps,
			status: 200,
			transcription: job.transcript,
			audio_duration: job.audioDuration,
			...secureExtra,
		});
	}

	async function status(ctx, jobId) {
		await drain(ctx);
		ctx.entry.jobId = jobId;
		const now = Date.now();
		const key = ctx.req.headers['x-auth-token'];
		const calls = (statusCalls.get(key) || []).filter((t) => t > now - opts.rateWindowMs);
		statusCalls.set(key, calls);
		if (calls.length >= opts.statusCallsPerHour) {
			const retryAfter = Math.max(1, Math.ceil((calls[0] + opts.rateWindowMs - now) / 1000));
			const body = errorBody(
				ctx,
				429,
				`Rate limit exceeded: ${opts.statusCallsPerHour} status calls per hour`,
			);
			return send(ctx, 429, body, { 'retry-after': String(retryAfter) });
		}
		calls.push(now);

		const job = jobs.get(jobId);
		if (!job || isGone(job, now))
			return send(ctx, 404, errorBody(ctx, 404, 'Transcription not found'));
		if (now < job.readyAt) {
			ctx.entry.jobStatus = 'processing';
			return send(ctx, 200, { job_id: job.id, status: 'processing', secure_mode: job.secureMode });
		}
		ctx.entry.jobStatus = 'completed';
		if (job.secureMode) job.resultRead = true; // held in memory until read once
		if (job.failure) {
			return send(ctx, 200, {
				job_id: job.id,
				status: 'failed',
				error: job.failure,
				transcription: null,
				secure_mode: job.secureMode,
			});
		}
		send(ctx, 200, {
			job_id: job.id,
			status: 'completed',
			audio_duration: job.audioDuration,
			title: titleOf(job.transcript),
			transcription: job.transcript,
			secure_mode: job.secureMode,
		});
	}

	async function remove(ctx) {
		const { body, tooLarge } = await readBody(ctx.req, countChunk(ctx.entry), 64 << 10);
		if (tooLarge) throw httpError(413, 'Request body too large');
		let json;
		try {
			json = JSON.parse(body.toString('utf8'));
		} catch {
			throw httpError(400, 'Invalid JSON body');
		}
		const id = json && typeof json === 'object' ? json.transcription_id : undefined;
		if (typeof id !== 'string' || id === '') throw httpError(400, 'transcription_id is required');
		ctx.entry.jobId = id;
		const job = jobs.get(id);
		if (!job || isGone(job, Date.now()))
			return send(ctx, 404, errorBody(ctx, 404, 'Transcription not found'));
		job.deleted = true;
		send(ctx, 200, { success: true, message: 'transcription deleted successfully' });
	}

	async function openaiTranscription(ctx) {
		const form = await readForm(ctx);
		const file = checkFile(form);
		const format = (form.fields.response_format || 'json').trim();
		if (format === 'srt' || format === 'vtt') {
			throw httpError(
				400,
				`response_format "${format}" is not supported: subtitle generation is not available`,
			);
		}
		if (!['json', 'verbose_json', 'text'].includes(format))
			throw httpError(400, `Invalid response_format "${format}"`);
		// This endpoint always uses the default model (docs: stt_model is not available here).
		const job = createJob(file, {
			model: DEFAULT_MODEL,
			secureMode: false,
			ttl: null,
			waitForResult: true,
		});
		ctx.entry.jobId = job.id;
		await sleep(job.readyAt - Date.now());
		if (format === 'text') return send(ctx, 200, job.transcript);
		const duration = job.audioDuration;
		send(ctx, 200, {
			duration,
			language: 'auto',
			segments: segmentsOf(job.transcript, duration),
			task: 'transcribe',
			text: job.transcript,
		});
	}

	const STATUS_PREFIX = '/api/v1/transcriptions/transcription-status/';

	function route(method, path) {
		if (method === 'POST' && path === '/api/v1/transcriptions/upload') return (ctx) => upload(ctx);
		if (method === 'DELETE' && path === '/api/v1/transcriptions') return (ctx) => remove(ctx);
		if (method === 'GET' && path.startsWith(STATUS_PREFIX) && path.length > STATUS_PREFIX.length) {
			const raw = path.slice(STATUS_PREFIX.length);
			if (!raw.includes('/')) {
				let id = raw;
				try {
					id = decodeURIComponent(raw);
				} catch {
					/* use the raw id */
				}
				return (ctx) => status(ctx, id);
			}
		}
		if (method === 'POST' && path === '/api/v1/audio/transcriptions')
			return (ctx) => openaiTranscription(ctx);
		return null;
	}

	function authorized(ctx) {
		if (ctx.openai) return ctx.req.headers.authorization === `Bearer ${opts.apiKey}`;
		return ctx.req.headers['x-auth-token'] === opts.apiKey;
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
		const ctx = {
			req,
			res,
			url,
			entry,
			dropResponse: false,
			openai: url.pathname.startsWith('/api/v1/audio/'),
			hispeech: url.pathname.startsWith('/api/v1/transcriptions'),
		};
		res.on('close', () => {
			if (entry.status === null) {
				entry.status = 0; // the client went away (or we dropped it) before an answer
				entry.endedAt = Date.now();
			}
		});

		try {
			const fault = takeFault(req.method, url.pathname);
			if (fault) {
				entry.fault = fault.name;
				if (fault.kind === 'slow') {
					entry.delayedMs = fault.delayMs; // the delay applied, for tests (not the wall time taken)
					await sleep(fault.delayMs);
				} else if (fault.kind === 'drop-after-processing') {
					ctx.dropResponse = true; // side effects happen, then send() destroys the socket
				} else if (fault.kind === 'truncate') {
					ctx.truncateResponse = true; // side effects happen, then half the answer is sent
				} else if (fault.kind === 'drop') {
					await drain(ctx);
					ctx.dropResponse = true;
					return send(ctx, 0);
				} else {
					await drain(ctx);
					const code = fault.kind === '429' ? 429 : fault.status;
					const headers = code === 429 ? { 'retry-after': String(fault.retryAfter) } : {};
					const message = code === 429 ? 'Too many requests' : `Injected fault: HTTP ${code}`;
					return send(ctx, code, errorBody(ctx, code, message), headers);
				}
			}

			const handler = route(req.method, url.pathname);
			if (!handler) {
				ctx.hispeech = false;
				await drain(ctx);
				return send(ctx, 404, errorBody(ctx, 404, `Not found: ${req.method} ${url.pathname}`));
			}
			if (!authorized(ctx)) {
				await drain(ctx);
				const message = ctx.openai
					? 'Incorrect API key provided.'
					: 'Unauthorized: invalid API key';
				return send(ctx, 401, errorBody(ctx, 401, message, 'invalid_api_key'));
			}
			await handler(ctx);
		} catch (err) {
			if (req.socket.destroyed) return;
			const code = err.status || 500;
			send(
				ctx,
				code,
				errorBody(ctx, code, err.status ? err.message : `Internal error: ${err.message}`, err.code),
			);
		}
	}

	// --- server ---------------------------------------------------------------------------------

	const server = http.createServer((req, res) => {
		handle(req, res).catch(() => req.socket.destroy());
	});
	server.keepAliveTimeout = 5000; // like Node's default; close() destroys idle keep-alive sockets anyway
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

	return {
		url: `http://127.0.0.1:${port}`,
		port,
		requests,
		jobs,
		uploads,
		injectFault,
		setFaultRate,
		reset() {
			// Mutate in place so references held by tests stay valid.
			requests.length = 0;
			uploads.length = 0;
			jobs.clear();
			statusCalls.clear();
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

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
	const names = {
		'--port': ['port', Number],
		'--api-key': ['apiKey', String],
		'--delay-ms': ['processingDelayMs', Number],
		'--status-calls-per-hour': ['statusCallsPerHour', Number],
		'--rate-window-ms': ['rateWindowMs', Number],
		'--ttl-unit-ms': ['ttlUnitMs', Number],
	};
	const out = {};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		if (flag === '--string-booleans') out.stringBooleans = true;
		else if (names[flag]) out[names[flag][0]] = names[flag][1](inline ?? argv[++i]);
		else throw new Error(`Unknown argument: ${argv[i]}`);
	}
	return out;
}

async function main() {
	const emu = await startHispeechEmulator(parseArgs(process.argv.slice(2)));
	console.log(`hispeech emulator listening on ${emu.url}`);
	const shutdown = () => emu.close().then(() => process.exit(0));
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
	if (process.send) {
		process.on('message', (msg) => {
			if (msg && msg.cmd === 'uploads') process.send({ uploads: emu.uploads });
			else if (msg && msg.cmd === 'requests') process.send({ requests: emu.requests });
			else if (msg && msg.cmd === 'reset') {
				emu.reset();
				process.send({ reset: true });
			}
		});
		process.on('disconnect', shutdown); // the parent went away
		process.send({ ready: true, url: emu.url });
	}
}

if (require.main === module) {
	main().catch((err) => {
		console.error(err);
		process.exit(1);
	});
}

/**
 * A sleep whose timers are kept in `timers` (so close() can clear them) and which waits the full
 * time by Date.now(): a timer can fire a millisecond early, and a held request must never end before
 * the recorded time it waits for.
 */
function sleeperFor(timers) {
	return function sleep(ms) {
		if (!(ms > 0)) return Promise.resolve();
		const until = Date.now() + ms;
		return new Promise((resolve) => {
			const wait = (left) => {
				const timer = setTimeout(() => {
					timers.delete(timer);
					const rest = until - Date.now();
					if (rest > 0) wait(rest);
					else resolve();
				}, left);
				timers.add(timer);
			};
			wait(ms);
		});
	};
}

module.exports = {
	startHispeechEmulator,
	parseMultipartStream,
	MultipartParser,
	getBoundary,
	readBody,
	mulberry32,
	sleeperFor,
};
