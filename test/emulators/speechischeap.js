'use strict';
/**
 * Local emulator of the Speech is Cheap API (https://api.speechischeap.com and the upload host
 * https://upload.speechischeap.com) for tests. Follows /work/shared/providers/speechischeap.txt and
 * the Speech is Cheap section of NOTES.md. Listens on 127.0.0.1 only, on two ports: `url` is the
 * API host (JSON create, get, cancel, auth, health) and `uploadUrl` the upload host (multipart
 * create with `input_file`); they share their jobs.
 *
 *   const emu = await startSpeechIsCheapEmulator({ apiKey: 'sk_test', processingDelayMs: 50 });
 *
 * Decisions where the docs are silent (inferred, easy to change):
 * - The audio of an `input_url` is fetched at once (127.0.0.1 only, with `user_agent` as the
 *   User-Agent); its length is bytes / `bytesPerSecond` seconds (default 1000 B/s). Shorter than
 *   6 s or longer than 24 h, an unreachable URL, or a file name starting with "fail" (option
 *   `failure(input)`) makes the job FAILED.
 * - Segments: one per `segment_duration` seconds, confidence 0.95/0.9/0.85 in turn, those below
 *   `minimum_confidence` dropped; speakers alternate "A"/"B"; labels are "speech"; words are the
 *   segment's words spread evenly over it.
 * - A FAILED job's GET has an empty output (NOTES); option `failedGetIncludesError` puts the error
 *   there too. The error text is always in the webhook body and the stream's final event.
 * - Stream events: `initial` {id, duration}, `progress` {progress: 0..1} every `progressIntervalMs`
 *   while the job runs, one `segment` per segment {segment}, then `final` {id, status, output}
 *   whose output has no segments (they were streamed). `streamChunkBytes` splits every write into
 *   pieces of that size, so clients must parse incrementally.
 * - Option `duplicateWebhooks` sends every webhook twice (the provider warns handlers to tolerate it).
 * - Option `holdWebhooks` keeps each webhook until the test calls `releaseWebhook(jobId)` (so tests
 *   choose the order in which callbacks arrive); `heldWebhooks()` lists the jobs waiting to call.
 * - `processingDelayMs` may be a function of the input; when it returns null the job stays PENDING
 *   until the test calls `finishJob(jobId)`.
 */
const crypto = require('node:crypto');
const {
	startServer,
	httpError,
	readJson,
	readForm,
	fetchInput,
	postJson,
	sentencesFor,
	wordsOf,
	round3,
} = require('./common');

const BOOLEAN_FIELDS = ['can_label_audio', 'can_parse_speakers', 'can_parse_words', 'is_private', 'can_stream_output'];
const STRING_FIELDS = ['input_url', 'hotwords', 'language', 'prompt', 'user_agent', 'webhook_url'];
const NUMBER_FIELDS = ['minimum_confidence', 'segment_duration'];

const DEFAULTS = {
	apiKey: 'sk_test',
	port: 0,
	/** Port of the upload host (0: any free port). */
	uploadPort: 0,
	processingDelayMs: 0,
	bytesPerSecond: 1000,
	progressIntervalMs: 50,
	streamChunkBytes: 0,
	failedGetIncludesError: false,
	duplicateWebhooks: false,
	holdWebhooks: false,
	/** The error of an input that fails; by default files whose name starts with "fail". */
	failure: (input) => (/^fail/i.test(input.name) ? 'Could not decode the audio file' : undefined),
};

function formatTime(seconds, separator) {
	const ms = Math.round(seconds * 1000);
	const pad = (n, w = 2) => String(n).padStart(w, '0');
	return `${pad(Math.floor(ms / 3600000))}:${pad(Math.floor((ms % 3600000) / 60000))}:${pad(Math.floor((ms % 60000) / 1000))}${separator}${pad(ms % 1000, 3)}`;
}

function subtitles(segments, format) {
	const cues = segments.map((s, i) => {
		const timing = `${formatTime(s.start, format === 'srt' ? ',' : '.')} --> ${formatTime(s.end, format === 'srt' ? ',' : '.')}`;
		return format === 'srt' ? `${i + 1}\n${timing}\n${s.text}` : `${timing}\n${s.text}`;
	});
	return format === 'srt' ? `${cues.join('\n\n')}\n` : `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/** Validates create parameters (JSON values, or strings from a multipart form) into typed options. */
function readParams(raw, fromForm) {
	const params = {};
	for (const name of BOOLEAN_FIELDS) {
		const value = raw[name];
		if (value === undefined || value === '') continue;
		if (typeof value === 'boolean') params[name] = value;
		else if (fromForm && /^(true|false)$/i.test(value)) params[name] = value.toLowerCase() === 'true';
		else throw httpError(400, `Invalid "${name}" parameter: expected a boolean`);
	}
	for (const name of STRING_FIELDS) {
		const value = raw[name];
		if (value === undefined) continue;
		if (typeof value !== 'string') throw httpError(400, `Invalid "${name}" parameter: expected a string`);
		params[name] = value;
	}
	for (const name of NUMBER_FIELDS) {
		const value = raw[name];
		if (value === undefined || value === '') continue;
		const number = typeof value === 'number' ? value : fromForm ? Number(value) : NaN;
		if (!Number.isFinite(number)) throw httpError(400, `Invalid "${name}" parameter: expected a number`);
		params[name] = number;
	}
	if (params.language && !/^[a-z]{2}$/.test(params.language)) {
		throw httpError(400, 'Invalid "language" parameter: use a two-letter ISO 639-1 code');
	}
	const segmentDuration = params.segment_duration ?? 30;
	if (segmentDuration < 6 || segmentDuration > 30) {
		throw httpError(400, 'Invalid "segment_duration" parameter: must be between 6 and 30 seconds');
	}
	const confidence = params.minimum_confidence ?? 0.5;
	if (confidence < 0 || confidence > 1) throw httpError(400, 'Invalid "minimum_confidence" parameter: must be between 0 and 1');
	if (params.webhook_url && !/^https?:\/\//.test(params.webhook_url)) throw httpError(400, 'Invalid "webhook_url" parameter');
	return params;
}

async function startSpeechIsCheapEmulator(options = {}) {
	const opts = { ...DEFAULTS };
	for (const [k, v] of Object.entries(options)) if (v !== undefined) opts[k] = v;
	const jobs = new Map();
	const webhooks = [];
	const held = new Map();

	const server = await startServer({
		port: opts.port,
		faultRate: opts.faults,
		ports: { upload: opts.uploadPort },
		hosts: ['api', 'upload'],
		route,
		errorResponse: (status, message) => ['text/plain; charset=utf-8', message],
	});

	const authorized = (ctx) => ctx.req.headers.authorization === `Bearer ${opts.apiKey}`;

	function jobJson(job, { withSegments = true } = {}) {
		if (job.status === 'PENDING' || job.status === 'CANCELED') return { id: job.id, output: {}, status: job.status };
		if (job.status === 'FAILED') {
			const output = opts.failedGetIncludesError ? { error: job.error } : {};
			return { id: job.id, output, status: job.status };
		}
		const output = { duration: job.duration, request: job.request };
		if (withSegments) output.segments = job.segments;
		return { id: job.id, output, status: job.status };
	}

	function webhookBody(job) {
		if (job.status === 'FAILED') return { id: job.id, output: { error: job.error }, status: 'FAILED' };
		return jobJson(job);
	}

	async function sendWebhook(job) {
		if (!job.params.webhook_url) return;
		if (opts.holdWebhooks) {
			held.set(job.id, job);
			return;
		}
		await deliverWebhook(job);
	}

	async function deliverWebhook(job) {
		const times = opts.duplicateWebhooks ? 2 : 1;
		for (let i = 0; i < times; i++) {
			const body = webhookBody(job);
			const status = await postJson(job.params.webhook_url, body);
			webhooks.push({ jobId: job.id, url: job.params.webhook_url, body, status });
		}
	}

	function buildSegments(job) {
		const { params, duration } = job;
		const size = params.segment_duration ?? 30;
		const count = Math.max(1, Math.ceil(duration / size));
		const sentences = sentencesFor(job.input, count);
		const minimum = params.minimum_confidence ?? 0.5;
		const language = params.language || 'en';
		return sentences
			.map((text, i) => {
				const start = round3(i * size);
				const end = round3(Math.min(duration, (i + 1) * size));
				const segment = {
					confidence: [0.95, 0.9, 0.85][i % 3],
					end,
					id: i + 1,
					language: `${language} (99.95%)`,
					processing_duration_in_s: 0.321,
					seek: round3(start * 100),
					start,
					text,
					words: params.can_parse_words ? wordsOf(text, start, end) : null,
				};
				if (params.can_parse_speakers) segment.speaker_id = i % 2 === 0 ? 'A' : 'B';
				if (params.can_label_audio) segment.label = 'speech';
				return segment;
			})
			.filter((segment) => segment.confidence >= minimum);
	}

	function finish(job) {
		if (job.status !== 'PENDING') return;
		if (job.failure) {
			job.status = 'FAILED';
			job.error = job.failure;
		} else {
			job.status = 'COMPLETED';
			job.segments = buildSegments(job);
		}
		for (const listener of job.listeners.splice(0)) listener();
		void sendWebhook(job);
	}

	/** Creates a job; the input is known (upload) or fetched from input_url. */
	function createJob(params, upload) {
		const id = `${crypto.randomUUID()}-sic`;
		const request = { ...params };
		if (params.is_private && request.input_url) request.input_url = '[redacted]';
		delete request.can_stream_output;
		const job = { id, params, request, status: 'PENDING', createdAt: Date.now(), listeners: [], input: null, fetchedWith: null };
		jobs.set(id, job);
		const settle = (input, failure) => {
			job.input = input;
			if (input) job.duration = round3(input.bytes / opts.bytesPerSecond);
			const tooShortOrLong = input && (job.duration < 6 || job.duration > 86400);
			job.failure =
				failure ??
				opts.failure(input) ??
				(tooShortOrLong ? `Audio must be between six seconds and 24 hours long (got ${job.duration} s)` : undefined);
			const delay = typeof opts.processingDelayMs === 'function' ? opts.processingDelayMs(input ?? {}) : opts.processingDelayMs;
			// A delay of null keeps the job PENDING until the test calls finishJob(id).
			if (delay === null) job.finishNow = () => finish(job);
			else server.later(job.createdAt + delay - Date.now(), () => finish(job));
		};
		if (upload) settle(upload);
		else {
			const headers = params.user_agent ? { 'user-agent': params.user_agent } : {};
			job.fetchedWith = headers['user-agent'] ?? null;
			fetchInput(params.input_url, headers).then(
				(input) => settle(input),
				(error) => settle(null, error.message),
			);
		}
		return job;
	}

	function respondCreated(ctx, job) {
		ctx.entry.jobId = job.id;
		if (!job.params.can_stream_output) return server.send(ctx, 202, { id: job.id, output: {}, status: 'PENDING' });
		return stream(ctx, job);
	}

	async function stream(ctx, job) {
		const { res, entry } = ctx;
		entry.status = 200;
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
		const write = (event) => {
			const text = `data: ${JSON.stringify(event)}\n\n`;
			const size = opts.streamChunkBytes || text.length;
			for (let i = 0; i < text.length; i += size) res.write(text.slice(i, i + size));
		};
		const done = new Promise((resolve) => job.listeners.push(resolve));
		while (job.input === null && job.status === 'PENDING' && !res.destroyed) await server.sleep(5);
		write({ type: 'initial', id: job.id, duration: job.duration ?? null });
		let finished = false;
		void done.then(() => (finished = true));
		const started = Date.now();
		while (!finished && !res.destroyed) {
			const total = Math.max(1, job.createdAt + (Number(opts.processingDelayMs) || 0) - started);
			write({ type: 'progress', progress: round3(Math.min(0.99, (Date.now() - started) / total)) });
			await Promise.race([done, server.sleep(opts.progressIntervalMs)]);
		}
		if (res.destroyed) return;
		for (const segment of job.segments ?? []) write({ type: 'segment', segment });
		const final = webhookBody(job);
		if (final.output) delete final.output.segments;
		write({ type: 'final', ...final });
		entry.endedAt = Date.now();
		res.end();
	}

	async function createFromJson(ctx) {
		if (ctx.host !== 'api') throw httpError(400, 'Send the file as multipart/form-data with an "input_file" field');
		const body = await readJson(ctx);
		if (!authorized(ctx)) return unauthorized(ctx);
		if (!body) throw httpError(400, 'Invalid JSON body');
		if (body.input_url === undefined || body.input_url === '') throw httpError(400, 'Missing required "input_url" parameter');
		respondCreated(ctx, createJob(readParams(body, false)));
	}

	async function createFromUpload(ctx) {
		if (ctx.host !== 'upload') throw httpError(400, 'File uploads go to https://upload.speechischeap.com');
		const form = await readForm(ctx);
		if (!authorized(ctx)) return unauthorized(ctx);
		const file = form.files.find((f) => f.name === 'input_file');
		if (!file) throw httpError(400, 'Missing required "input_file" parameter');
		if (file.bytes === 0) throw httpError(400, 'The "input_file" is empty');
		const params = readParams(form.fields, true);
		const job = createJob(params, { name: file.filename || 'audio', bytes: file.bytes, sha256: file.sha256 });
		job.upload = { filename: file.filename, bytes: file.bytes, sha256: file.sha256, contentType: file.contentType };
		respondCreated(ctx, job);
	}

	function unauthorized(ctx) {
		return server.sendError(ctx, 401, 'Speech is Cheap: Unauthorized API Key');
	}

	function getJob(ctx, id) {
		ctx.entry.jobId = id;
		const job = jobs.get(id);
		if (!job) return server.sendError(ctx, 404, 'Job not found');
		const format = ctx.url.searchParams.get('output_format');
		if (format && !['srt', 'vtt', 'webvtt', 'json'].includes(format)) throw httpError(400, `Invalid "output_format": ${format}`);
		if (format && format !== 'json' && job.status === 'COMPLETED') {
			const kind = format === 'srt' ? 'srt' : 'vtt';
			return server.send(ctx, 200, subtitles(job.segments, kind), {
				'content-type': kind === 'srt' ? 'application/x-subrip' : 'text/vtt',
			});
		}
		server.send(ctx, 200, jobJson(job));
	}

	function cancelJob(ctx, id) {
		ctx.entry.jobId = id;
		if (!authorized(ctx)) return unauthorized(ctx);
		const job = jobs.get(id);
		if (!job || job.status !== 'PENDING') return server.sendError(ctx, 404, 'Job not found');
		job.status = 'CANCELED';
		for (const listener of job.listeners.splice(0)) listener();
		void sendWebhook(job);
		server.send(ctx, 200, 'OK');
	}

	function route(method, path, ctx) {
		if (method === 'POST' && path === '/v2/jobs/') {
			return /^multipart\/form-data/i.test(ctx.req.headers['content-type'] || '') ? createFromUpload : createFromJson;
		}
		if (ctx.host !== 'api') return null;
		if (method === 'GET' && path === '/v2/jobs/auth') {
			return (c) => (authorized(c) ? server.send(c, 200, 'Authenticated') : unauthorized(c));
		}
		if (method === 'GET' && path === '/v2/jobs/health') return (c) => server.send(c, 200, 'OK');
		const match = /^\/v2\/jobs\/([^/]+)$/.exec(path); // no trailing slash: with one, 404
		if (!match) return null;
		const id = decodeURIComponent(match[1]);
		if (method === 'GET') return (c) => getJob(c, id);
		if (method === 'DELETE') return (c) => cancelJob(c, id);
		return null;
	}

	return {
		url: server.urls.api,
		uploadUrl: server.urls.upload,
		requests: server.requests,
		jobs,
		webhooks,
		injectFault: server.injectFault,
		heldWebhooks: () => [...held.keys()],
		/** Turns holding of webhooks on or off (see the holdWebhooks option). */
		setHoldWebhooks(hold) {
			opts.holdWebhooks = hold;
		},
		finishJob(jobId) {
			const job = jobs.get(jobId);
			if (!job?.finishNow) throw new Error(`Job ${jobId} is not waiting to be finished`);
			delete job.finishNow;
			return finish(job);
		},
		/** Sends a held webhook now; resolves with the delivery (its HTTP status) once answered. */
		async releaseWebhook(jobId) {
			const job = held.get(jobId);
			if (!job) throw new Error(`No webhook held for job ${jobId}`);
			held.delete(jobId);
			await deliverWebhook(job);
			return webhooks[webhooks.length - 1];
		},
		setFaultRate: server.setFaultRate,
		reset() {
			server.requests.length = 0;
			webhooks.length = 0;
			held.clear();
			jobs.clear();
			server.clearFaults();
		},
		close: server.close,
	};
}

module.exports = { startSpeechIsCheapEmulator };
