'use strict';
/**
 * What the Speech is Cheap and AudioToTextAI emulators share: an HTTP server on 127.0.0.1 with a
 * request log, fault injection (429 with Retry-After, 5xx, dropped connections, slow answers),
 * tracked timers, loopback-only fetching of input URLs and webhook posting, and deterministic
 * "transcripts" derived from the bytes of the input (so a test can tell which input produced which
 * output). Plain CommonJS, Node built-ins only.
 */
const http = require('node:http');
const crypto = require('node:crypto');
const { parseMultipartStream, getBoundary, mulberry32, sleeperFor } = require('./hispeech');

const FAULT_TYPES = ['status', '429', 'drop', 'slow', 'drop-after-processing'];

function httpError(status, message, code) {
	return Object.assign(new Error(message), { status, code });
}

/** Reads a whole body up to `limit` bytes (the rest is counted and dropped). */
function readBody(req, entry, limit = 1 << 20) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			entry.bytesReceived += chunk.length;
			size += chunk.length;
			if (size <= limit) chunks.push(chunk);
		});
		req.on('end', () => resolve({ body: Buffer.concat(chunks), tooLarge: size > limit }));
		req.on('error', reject);
	});
}

/** Parses a JSON object body; `null` when the body is not one. */
async function readJson(ctx) {
	const { body, tooLarge } = await readBody(ctx.req, ctx.entry);
	if (tooLarge) throw httpError(413, 'Request body too large');
	try {
		const value = JSON.parse(body.toString('utf8'));
		return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
	} catch {
		return null;
	}
}

/** Streams a multipart body: file parts are only hashed and counted, never kept. */
async function readForm(ctx) {
	const boundary = getBoundary(ctx.req.headers['content-type']);
	if (!boundary) {
		await readBody(ctx.req, ctx.entry, 0);
		throw httpError(400, 'Content-Type must be multipart/form-data with a boundary');
	}
	return parseMultipartStream(ctx.req, boundary, {
		onChunk: (chunk) => {
			ctx.entry.bytesReceived += chunk.length;
		},
	});
}

function isLoopback(url) {
	try {
		const { hostname, protocol } = new URL(url);
		return (
			['http:', 'https:'].includes(protocol) &&
			['127.0.0.1', 'localhost', '[::1]'].includes(hostname)
		);
	} catch {
		return false;
	}
}

/**
 * Downloads an input URL (loopback only: the emulators never leave this machine) and describes it
 * as { name, bytes, sha256 }.
 */
function fetchInput(url, headers = {}) {
	return new Promise((resolve, reject) => {
		if (!isLoopback(url))
			return reject(new Error(`Could not fetch ${url}: the emulator only fetches 127.0.0.1`));
		const request = http.get(url, { headers }, (res) => {
			if (res.statusCode >= 300) {
				res.resume();
				return reject(new Error(`Could not fetch ${url}: HTTP ${res.statusCode}`));
			}
			const hash = crypto.createHash('sha256');
			let bytes = 0;
			res.on('data', (chunk) => {
				hash.update(chunk);
				bytes += chunk.length;
			});
			res.on('end', () => {
				const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'audio');
				resolve({ name, bytes, sha256: hash.digest('hex') });
			});
			res.on('error', reject);
		});
		request.on('error', (error) => reject(new Error(`Could not fetch ${url}: ${error.message}`)));
	});
}

/** Posts a JSON body to a webhook URL (loopback only); resolves with the status code or 0. */
function postJson(url, body, headers = {}) {
	return new Promise((resolve) => {
		if (!isLoopback(url)) return resolve(0);
		const payload = Buffer.from(JSON.stringify(body));
		const request = http.request(
			url,
			{
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'content-length': payload.length,
					...headers,
				},
			},
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode));
			},
		);
		request.on('error', () => resolve(0));
		request.end(payload);
	});
}

/**
 * Deterministic transcript pieces for an input: one sentence per segment, naming the input, its
 * size and the start of its hash. `count` segments spread evenly over `duration` seconds.
 */
function sentencesFor(input, count) {
	const id = `${input.name} (${input.bytes} bytes, ${input.sha256.slice(0, 8)})`;
	return Array.from({ length: count }, (_, i) => `Part ${i + 1} of ${id}.`);
}

/** Word timings: the words of a text spread evenly over [start, end]. */
function wordsOf(text, start, end) {
	const words = text.split(/\s+/).filter(Boolean);
	const step = (end - start) / Math.max(1, words.length);
	const round3 = (n) => Math.round(n * 1000) / 1000;
	return words.map((word, i) => ({
		start: round3(start + i * step),
		end: round3(start + (i + 1) * step),
		text: word,
	}));
}

const round3 = (n) => Math.round(n * 1000) / 1000;

/**
 * Starts an emulator server. `route(method, path, ctx)` returns a handler or null;
 * `errorResponse(status, message, code)` gives [contentType, payload] in the provider's error shape.
 * Extra listeners (e.g. a second host) share the same state: `hosts` names them.
 */
async function startServer({
	port = 0,
	ports = {},
	hosts = ['api'],
	route,
	errorResponse,
	faultRate: initialRate,
}) {
	const requests = [];
	const timers = new Set();
	const sockets = new Set();
	let faults = [];
	let faultRate = null;

	// A timer can fire a millisecond early by Date.now(): a delay is applied in full, so a request
	// held for a job or a 'slow' fault never ends before the recorded time it waits for.
	const sleep = sleeperFor(timers);

	function later(ms, fn) {
		const timer = setTimeout(
			() => {
				timers.delete(timer);
				fn();
			},
			Math.max(0, ms),
		);
		timers.add(timer);
	}

	/** Faults hit matching requests (method, path prefix or RegExp, host) `times` times. */
	function injectFault({
		method,
		path,
		host,
		type,
		times = 1,
		retryAfter = 1,
		delayMs = 200,
		status = 500,
	} = {}) {
		if (!FAULT_TYPES.includes(type)) throw new Error(`Unknown fault type: ${type}`);
		faults.push({ method, path, host, type, remaining: times, retryAfter, delayMs, status });
	}

	/**
	 * Seeded random faults: each request is hit with probability `rate`, the fault drawn from `types`
	 * ('429', '500', '502', '503', 'drop', 'slow', 'drop-after-processing'); the same seed gives the
	 * same sequence of decisions. `path` (prefix or RegExp) limits them to some routes.
	 */
	function setFaultRate({
		rate = 0,
		types = ['429', '500', '502', '503', 'drop', 'slow'],
		seed = 1,
		retryAfter = 1,
		delayMs = 200,
		path,
	} = {}) {
		faultRate =
			rate > 0 ? { rate, types, retryAfter, delayMs, path, random: mulberry32(seed) } : null;
	}
	if (initialRate) setFaultRate(initialRate);

	function randomFault(path) {
		if (!faultRate) return null;
		const { path: pattern } = faultRate;
		if (pattern && !(pattern instanceof RegExp ? pattern.test(path) : path.startsWith(pattern)))
			return null;
		if (faultRate.random() >= faultRate.rate) return null;
		const name = faultRate.types[Math.floor(faultRate.random() * faultRate.types.length)];
		const numeric = /^\d+$/.test(name) && name !== '429';
		return {
			type: numeric ? 'status' : name,
			name,
			status: Number(name) || 500,
			retryAfter: faultRate.retryAfter,
			delayMs: faultRate.delayMs,
		};
	}

	function takeFault(method, path, host) {
		const index = faults.findIndex(
			(f) =>
				(!f.method || f.method.toUpperCase() === method) &&
				(!f.host || f.host === host) &&
				(f.path instanceof RegExp ? f.path.test(path) : path.startsWith(f.path || '')),
		);
		if (index < 0) return randomFault(path);
		const fault = faults[index];
		if (--fault.remaining <= 0) faults.splice(index, 1);
		return fault;
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
		const isText = typeof body === 'string';
		const payload = isText ? body : JSON.stringify(body);
		res.writeHead(status, {
			'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
			'content-length': Buffer.byteLength(payload),
			...headers,
		});
		res.end(payload);
	}

	function sendError(ctx, status, message, code, headers = {}) {
		const [type, payload] = errorResponse(status, message, code);
		send(ctx, status, payload, { 'content-type': type, ...headers });
	}

	async function handle(req, res, host) {
		const url = new URL(req.url, 'http://127.0.0.1');
		const entry = {
			host,
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
		const ctx = { req, res, url, entry, host, dropResponse: false };
		res.on('close', () => {
			entry.closedAt = Date.now(); // when the connection of this request closed (for cancel tests)
			if (entry.status === null) {
				entry.status = 0;
				entry.endedAt = Date.now();
			}
		});
		try {
			const fault = takeFault(req.method, url.pathname, host);
			if (fault) {
				entry.fault = fault.name ?? fault.type;
				if (fault.type === 'slow') {
					entry.delayedMs = fault.delayMs; // the delay applied, for tests (not the wall time taken)
					await sleep(fault.delayMs);
				} else if (fault.type === 'drop-after-processing') ctx.dropResponse = true;
				else {
					await readBody(req, entry, 0);
					if (fault.type === 'drop') {
						ctx.dropResponse = true;
						return send(ctx, 0, '');
					}
					const code = fault.type === '429' ? 429 : fault.status;
					const headers = code === 429 ? { 'retry-after': String(fault.retryAfter) } : {};
					return sendError(
						ctx,
						code,
						code === 429 ? 'Too many requests' : `Injected fault: HTTP ${code}`,
						undefined,
						headers,
					);
				}
			}
			const handler = route(req.method, url.pathname, ctx);
			if (!handler) {
				await readBody(req, entry, 0);
				return sendError(ctx, 404, `Not found: ${req.method} ${url.pathname}`, 'not_found');
			}
			await handler(ctx);
		} catch (error) {
			if (req.socket.destroyed) return;
			const code = error.status || 500;
			sendError(
				ctx,
				code,
				error.status ? error.message : `Internal error: ${error.message}`,
				error.code,
			);
		}
	}

	const servers = {};
	for (const host of hosts) {
		const server = http.createServer((req, res) => {
			handle(req, res, host).catch(() => req.socket.destroy());
		});
		server.requestTimeout = 0;
		server.on('connection', (socket) => {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
		});
		await new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(host === hosts[0] ? port : (ports[host] ?? 0), '127.0.0.1', resolve);
		});
		servers[host] = server;
	}
	const urls = Object.fromEntries(
		hosts.map((host) => [host, `http://127.0.0.1:${servers[host].address().port}`]),
	);

	return {
		urls,
		requests,
		sleep,
		later,
		send,
		sendError,
		injectFault,
		setFaultRate,
		clearFaults() {
			faults = [];
			faultRate = null;
		},
		close() {
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			return Promise.all(
				Object.values(servers).map(
					(server) =>
						new Promise((resolve) => {
							server.close(() => resolve());
							for (const socket of sockets) socket.destroy();
						}),
				),
			);
		},
	};
}

module.exports = {
	startServer,
	httpError,
	readBody,
	readJson,
	readForm,
	fetchInput,
	postJson,
	isLoopback,
	sentencesFor,
	wordsOf,
	round3,
};
