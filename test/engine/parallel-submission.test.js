// Engine tests for issue #20, "Submit many items in parallel": the action nodes submit their items
// with bounded concurrency (Options → Parallel Submissions). For every node, inside n8n's real
// engine against the local emulators over HTTP on 127.0.0.1:
//   1. outputs keep the input order and pairing when later items finish first;
//   2. job-creating requests in flight never exceed Parallel Submissions, and do reach it;
//   3. every item creates exactly one job, also when the provider may have acted on a failed create;
//   4. a 429 with Retry-After holds every request of the node run, and every item still succeeds;
//   5. canceling while submissions are in flight ends the run at once and sends no further create;
//   6. Continue On Fail fails only the failing item; without it, no item after it is started.
//
// Requests go through a recording proxy in front of each emulator host. It logs each request with
// its own arrival and answer times, counts job-creating requests in flight, and hands each one to a
// "gate" that decides when (and how) it is answered. Holding creates until the node has sent as
// many as it may is what makes the in-flight counts deterministic: no test relies on a sleep to
// happen to overlap requests, and nothing asserts the test's own elapsed time.
const http = require('node:http');
const { runWorkflow, cleanup } = require('../harness/engine');
const { startWaitingServer } = require('../harness/waiting');
const { startHispeechEmulator } = require('../emulators/hispeech');
const { startTranscribeApiEmulator } = require('../emulators/transcribeapi');
const { startSpeechIsCheapEmulator } = require('../emulators/speechischeap');
const { startAudioToTextAiEmulator } = require('../emulators/audiototextai');
const { startSttAiEmulator } = require('../emulators/sttai');
const { until } = require('../support/servers');

const ITEMS = 8;
const KEY = 'parallel-test-key';

// --- inputs ----------------------------------------------------------------------------------

const fileName = (i) => `item-${i}.mp3`;
/** Bytes that differ per item (length and content), so every transcript names its own input. */
const content = (i, size) => `${fileName(i)}:`.padEnd(size + i * 3, String.fromCharCode(97 + i));
const bytesOf = (i, size) => Buffer.byteLength(content(i, size));
const audioItem = (i, size) => ({
	json: { i },
	binary: { data: { content: content(i, size), fileName: fileName(i), mimeType: 'audio/mpeg' } },
});
const inputs = (size, count = ITEMS) => Array.from({ length: count }, (_, i) => audioItem(i, size));
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ok = (status) => status >= 200 && status < 300;
const range = (n) => Array.from({ length: n }, (_, i) => i);
/** The item a request belongs to: the file name in its (multipart) body. */
const itemOfBody = (text) => {
	const match = /item-(\d+)\.mp3/.exec(text);
	return match ? Number(match[1]) : null;
};

// --- the five nodes --------------------------------------------------------------------------

/**
 * Each node: how to start its emulator, which emulator hosts the proxy stands in front of, the
 * credentials pointing at the proxy, the node (a mode that answers once the create is answered:
 * Don't Wait, or a synchronous transcription), which requests create a job, the file names of the
 * jobs the provider holds, and how an output item shows that it belongs to input `i`.
 */
const NODES = [
	{
		provider: 'Hispeech',
		defaultParallel: 4,
		size: 40,
		start: () => startHispeechEmulator({ apiKey: KEY, statusCallsPerHour: 1e9 }),
		hosts: (emu) => ({ api: emu.url }),
		credentials: (p) => ({ hispeechApi: { apiKey: KEY, baseUrl: p.api } }),
		node: { type: 'hispeech', parameters: { resource: 'transcription', operation: 'transcribe', waitMode: 'sync' } },
		isCreate: (r) => r.method === 'POST' && r.path === '/api/v1/transcriptions/upload',
		created: (emu) => emu.uploads.map((u) => u.filename),
		matches: (item, i, _emu, size) => expect(item.json.text).toBe(`Transcript of ${fileName(i)} (${bytesOf(i, size)} bytes)`),
	},
	{
		provider: 'TranscribeAPI',
		defaultParallel: 4,
		size: 40,
		start: () => startTranscribeApiEmulator({ apiKey: KEY, requestsPerMinute: 1e6 }),
		hosts: (emu) => ({ api: emu.url }),
		credentials: (p) => ({ transcribeApiApi: { apiKey: KEY, baseUrl: p.api } }),
		// A small file goes to the synchronous POST /v1/transcribe, whatever the wait mode.
		node: { type: 'transcribeApi', parameters: { resource: 'transcription', operation: 'transcribe', waitMode: 'none' } },
		isCreate: (r) => r.method === 'POST' && r.path === '/v1/transcribe',
		created: null, // a synchronous transcription leaves no job behind to count
		matches: (item, i) => expect(item.json.text).toMatch(new RegExp(`^Transcript of ${escape(fileName(i))}\\. It has ${bytesOf(i, 40)} bytes\\.`)),
	},
	{
		provider: 'Speech is Cheap',
		defaultParallel: 4,
		size: 6000, // six seconds of "audio" at the emulator's 1000 bytes per second
		start: () => startSpeechIsCheapEmulator({ apiKey: KEY }),
		hosts: (emu) => ({ api: emu.url, upload: emu.uploadUrl }),
		createHost: 'upload', // a binary file is created as a job on the upload host
		credentials: (p) => ({ speechIsCheapApi: { apiKey: KEY, baseUrl: p.api, uploadBaseUrl: p.upload } }),
		node: { type: 'speechIsCheap', parameters: { resource: 'job', operation: 'create', inputType: 'binary', waitMode: 'none' } },
		isCreate: (r) => r.method === 'POST' && r.path === '/v2/jobs/',
		created: (emu) => [...emu.jobs.values()].map((job) => job.upload?.filename),
		matches: (item, i, emu) => expect(emu.jobs.get(item.json.jobId)?.upload?.filename).toBe(fileName(i)),
	},
	{
		provider: 'AudioToTextAI',
		defaultParallel: 4,
		size: 40,
		start: () => startAudioToTextAiEmulator({ apiKey: KEY }),
		hosts: (emu) => ({ api: emu.url }),
		credentials: (p) => ({ audioToTextAiApi: { apiKey: KEY, baseUrl: p.api } }),
		node: { type: 'audioToTextAi', parameters: { resource: 'transcription', operation: 'transcribe', inputType: 'binary', waitMode: 'none' } },
		isCreate: (r) => r.method === 'POST' && r.path === '/api/v1/transcribe/',
		created: (emu) => [...emu.jobs.values()].map((job) => job.source.filename),
		matches: (item, i, emu) => expect(emu.jobs.get(item.json.jobId)?.source?.filename).toBe(fileName(i)),
	},
	{
		provider: 'STT.ai',
		defaultParallel: 2,
		size: 40,
		start: (options = {}) => startSttAiEmulator({ apiKey: KEY, ...options }),
		hosts: (emu) => ({ api: emu.url }),
		credentials: (p) => ({ sttAiApi: { apiKey: KEY, baseUrl: p.api, accountBaseUrl: `${p.api}/api/v1` } }),
		node: { type: 'sttAi', parameters: { resource: 'transcription', operation: 'transcribe' } },
		isCreate: (r) => r.method === 'POST' && r.path === '/v1/transcribe',
		created: (emu) => [...[...emu.accounts.values()].flatMap((a) => [...a.transcripts.values()])].map((t) => t.title),
		matches: (item, i, _emu, size) =>
			expect(item.json.text).toMatch(new RegExp(`^Hello, this is ${escape(fileName(i))}\\. The recording has ${bytesOf(i, size)} bytes\\.`)),
	},
];

// --- the recording proxy ---------------------------------------------------------------------

/**
 * A proxy in front of an emulator's hosts ({ name: url }), one listener per host, one shared log.
 * Each request is logged as { host, method, path, item, create, arrivedAt, answeredAt, status,
 * closedAt, abandoned } with the proxy's own clock. A job-creating request is handed to
 * `proxy.gate(entry)`, which resolves to what to do with it:
 *   'forward'                 pass it to the emulator, answer with the emulator's answer
 *   { respond: { status, headers, body } }   answer it here; the emulator never sees it
 *   'reset-after'             pass it on (the provider acts), then reset the connection
 *   { statusAfter: 500 }      pass it on (the provider acts), then answer that status instead
 *   'abandon'                 never answer (the test closes the proxy)
 */
async function startProxy(targets, isCreate) {
	const log = [];
	let answers = 0;
	const sockets = new Set();
	const servers = [];
	const proxy = {
		log,
		urls: {},
		inFlight: 0,
		maxInFlight: 0,
		gate: async () => 'forward',
		creates: () => log.filter((entry) => entry.create),
		/** Creating requests per item (every attempt counts). */
		createsPerItem: () => range(ITEMS).map((i) => log.filter((e) => e.create && e.item === i).length),
		close: () =>
			Promise.all(
				servers.map(
					(server) =>
						new Promise((resolve) => {
							server.close(() => resolve());
							for (const socket of sockets) socket.destroy();
						}),
				),
			),
	};

	const forward = (target, req, body) =>
		new Promise((resolve) => {
			const url = new URL(target);
			const upstream = http.request(
				{
					host: url.hostname,
					port: url.port,
					method: req.method,
					path: url.pathname.replace(/\/$/, '') + req.url,
					headers: { ...req.headers, host: url.host },
				},
				(answer) => {
					const chunks = [];
					answer.on('data', (chunk) => chunks.push(chunk));
					answer.on('end', () => resolve({ status: answer.statusCode, headers: answer.headers, body: Buffer.concat(chunks) }));
					answer.on('error', () => resolve(null));
				},
			);
			upstream.on('error', () => resolve(null)); // the emulator dropped the connection
			upstream.end(body);
		});

	const answer = (entry, res, { status, headers = {}, body = '' }) => {
		if (res.destroyed) return;
		entry.status = status;
		entry.answeredAt = Date.now();
		entry.answerOrder = ++answers; // ties in milliseconds do not hide the order
		const payload = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
		const { 'transfer-encoding': _chunked, 'content-length': _length, ...rest } = headers;
		res.writeHead(status, { ...rest, 'content-length': payload.length });
		res.end(payload);
	};

	async function handle(host, target, req, res) {
		const entry = {
			host,
			method: req.method,
			path: new URL(req.url, 'http://127.0.0.1').pathname,
			item: null,
			create: false,
			arrivedAt: Date.now(),
			answeredAt: null,
			status: null,
			closedAt: null,
		};
		log.push(entry);
		res.on('close', () => {
			entry.closedAt = Date.now();
			if (entry.status === null) entry.status = 0; // the client went away (or was reset) first
			if (entry.create) proxy.inFlight--;
		});
		entry.create = isCreate(entry);
		if (entry.create) {
			proxy.inFlight++;
			proxy.maxInFlight = Math.max(proxy.maxInFlight, proxy.inFlight);
		}
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const body = Buffer.concat(chunks);
		entry.item = itemOfBody(body.toString('latin1'));

		const action = entry.create ? await proxy.gate(entry) : 'forward';
		if (action === 'abandon' || res.destroyed) return;
		if (action.respond) return answer(entry, res, action.respond);
		const upstream = await forward(target, req, body);
		entry.upstreamStatus = upstream ? upstream.status : 0;
		if (!upstream || action === 'reset-after') {
			entry.answeredAt = Date.now();
			return req.socket.destroy();
		}
		if (action.statusAfter) {
			return answer(entry, res, { status: action.statusAfter, headers: { 'content-type': 'application/json' }, body: { error: 'server_error', message: 'Injected: internal error after the job was created' } });
		}
		answer(entry, res, upstream);
	}

	for (const [host, target] of Object.entries(targets)) {
		const server = http.createServer((req, res) => {
			handle(host, target, req, res).catch(() => res.destroy());
		});
		server.on('connection', (socket) => {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
		servers.push(server);
		proxy.urls[host] = `http://127.0.0.1:${server.address().port}`;
	}
	return proxy;
}

/**
 * A gate that holds job-creating requests until the node has as many in flight as it may
 * (`limit`, or fewer when fewer items are left), then answers the whole batch, the latest item first
 * and one after another, so later items always finish before earlier ones. `actions` maps an item to what
 * its create gets instead of 'forward'. Should the node never send that many (a bug), the batch is
 * let go after `stallMs` and `stalled` is set, so the test fails on that instead of timing out.
 */
function batchGate(proxy, { limit, total = ITEMS, actions = {}, stallMs = 5000 }) {
	const gate = { held: [], released: 0, batches: [], stalled: false };
	let releasing = false;
	let stallTimer = null;
	const target = () => Math.min(limit, total - gate.released);
	const releaseBatch = async () => {
		if (releasing || gate.held.length === 0 || (gate.held.length < target() && !gate.stalled)) return;
		releasing = true;
		clearTimeout(stallTimer);
		const batch = gate.held.splice(0).sort((a, b) => b.entry.item - a.entry.item); // later items first
		gate.batches.push(batch.map(({ entry }) => entry.item));
		for (const { entry, resolve } of batch) {
			gate.released++;
			resolve(actions[entry.item] ?? 'forward');
			await until(() => entry.closedAt !== null || entry.answeredAt !== null);
		}
		releasing = false;
		releaseBatch();
	};
	proxy.gate = (entry) =>
		new Promise((resolve) => {
			gate.held.push({ entry, resolve });
			clearTimeout(stallTimer);
			stallTimer = setTimeout(() => {
				gate.stalled = true;
				releaseBatch();
			}, stallMs);
			releaseBatch();
		});
	gate.stop = () => clearTimeout(stallTimer);
	return gate;
}

/** Starts a node's emulator and the proxy in front of it; `use` gets both; everything is closed after. */
async function withServers(spec, use, emulatorOptions) {
	const emu = await spec.start(emulatorOptions);
	let proxy;
	try {
		proxy = await startProxy(spec.hosts(emu), spec.isCreate);
		return await use({ emu, proxy });
	} finally {
		await proxy?.close();
		await emu.close();
	}
}

/** Starts one run of the node over `input` (the proxy in front of the emulator). */
function startRun(spec, proxy, input, { parallel, continueOnFail = false } = {}) {
	const parameters = { ...spec.node.parameters };
	if (parallel !== undefined) parameters.options = { parallelSubmissions: parallel };
	return runWorkflow({
		input,
		nodes: [{ name: 'Node', type: spec.node.type, parameters, onError: continueOnFail ? 'continueRegularOutput' : undefined }],
		credentials: spec.credentials(proxy.urls),
	});
}

/** Every output item succeeded, is paired to its input and belongs to it. */
function expectAllInOrder(spec, output, emu, except = []) {
	expect(output).toHaveLength(ITEMS);
	expect(output.map((item) => item.pairedItem)).toEqual(range(ITEMS).map((item) => ({ item })));
	for (const [i, item] of output.entries()) {
		if (except.includes(i)) continue;
		expect({ i, error: item.json.error }).toEqual({ i, error: undefined });
		spec.matches(item, i, emu, spec.size);
	}
}

afterAll(() => cleanup());

// --- 1. order and pairing ---------------------------------------------------------------------

describe('order and pairing: later items finish first, the output keeps the input order', () => {
	test.each(NODES)('$provider', async (spec) => {
		await withServers(spec, async ({ emu, proxy }) => {
			const gate = batchGate(proxy, { limit: 3 });
			const run = await startRun(spec, proxy, inputs(spec.size), { parallel: 3 }).result;
			gate.stop();
			expect(gate.stalled).toBe(false);
			expect(run.status).toBe('success');
			// The provider answered later items first: each batch went out latest item first.
			expect(gate.batches).toEqual([[2, 1, 0], [5, 4, 3], [7, 6]]);
			const answered = proxy.creates().sort((a, b) => a.answerOrder - b.answerOrder).map((e) => e.item);
			expect(answered).toEqual([2, 1, 0, 5, 4, 3, 7, 6]);
			expectAllInOrder(spec, run.output('Node'), emu);
		});
	});
});

// --- 2. the concurrency limit -------------------------------------------------------------------

describe('concurrency limit: creates in flight never exceed Parallel Submissions, and reach it', () => {
	const cases = NODES.flatMap((spec) => [
		{ ...spec, parallel: undefined, expected: spec.defaultParallel, label: `default (${spec.defaultParallel})` },
		{ ...spec, parallel: 3, expected: 3, label: 'set to 3' },
		{ ...spec, parallel: 1, expected: 1, label: 'set to 1' },
	]);
	test.each(cases)('$provider: $label', async (spec) => {
		await withServers(spec, async ({ emu, proxy }) => {
			const gate = batchGate(proxy, { limit: spec.expected });
			const run = await startRun(spec, proxy, inputs(spec.size), { parallel: spec.parallel }).result;
			gate.stop();
			expect(run.status).toBe('success');
			expect(gate.stalled).toBe(false); // the node did put `expected` creates in flight at once
			expect(proxy.maxInFlight).toBe(spec.expected);
			if (spec.parallel !== 1) expect(proxy.maxInFlight).toBeGreaterThan(1);
			expect(proxy.createsPerItem()).toEqual(range(ITEMS).map(() => 1));
			expectAllInOrder(spec, run.output('Node'), emu);
		});
	});

	test("STT.ai's free tier (2 concurrent) with the default: the provider never answers 429", async () => {
		const spec = NODES.find((n) => n.provider === 'STT.ai');
		await withServers(
			spec,
			async ({ emu, proxy }) => {
				const gate = batchGate(proxy, { limit: 2 });
				const run = await startRun(spec, proxy, inputs(spec.size)).result;
				gate.stop();
				expect(run.status).toBe('success');
				expect(proxy.maxInFlight).toBe(2);
				expect(emu.requests.filter(spec.isCreate).map((r) => r.status)).toEqual(range(ITEMS).map(() => 200)); // STT.ai answers 200
				expectAllInOrder(spec, run.output('Node'), emu);
			},
			{ apiKey: undefined, apiKeys: { [KEY]: { tier: 'free', credits: 10_000 } } },
		);
	});
});

// --- 3. no duplicate creates --------------------------------------------------------------------

describe('no duplicate creates: one create per item, also when the provider may have acted', () => {
	// Item 2's connection is reset after the provider created its job; item 5 gets a 500 after it.
	const FAULTED = { 2: 'reset-after', 5: { statusAfter: 500 } };
	test.each(NODES)('$provider', async (spec) => {
		await withServers(spec, async ({ emu, proxy }) => {
			const gate = batchGate(proxy, { limit: 4, actions: FAULTED });
			const run = await startRun(spec, proxy, inputs(spec.size), { parallel: 4, continueOnFail: true }).result;
			gate.stop();
			expect(run.status).toBe('success');
			expect(proxy.maxInFlight).toBe(4);
			// Exactly one create per item reached the proxy, and each reached the provider.
			expect(proxy.createsPerItem()).toEqual(range(ITEMS).map(() => 1));
			expect(proxy.creates().every((e) => ok(e.upstreamStatus))).toBe(true);
			expect(emu.requests.filter(spec.isCreate)).toHaveLength(ITEMS);
			// The provider holds one job per input file, the faulted ones included.
			if (spec.created) expect([...spec.created(emu)].sort()).toEqual(range(ITEMS).map(fileName).sort());

			const output = run.output('Node');
			expectAllInOrder(spec, output, emu, [2, 5]);
			expect(output[2].json.error).toBe(`Could not reach ${spec.provider} at ${proxy.urls[spec.createHost ?? 'api']} (connection reset)`);
			expect(output[5].json.error).toMatch(new RegExp(`^${escape(spec.provider)}: `));
			for (const i of [2, 5]) {
				expect(output[i].json.details).toContain('It was not resent, to avoid a duplicate job');
				expect(output[i].json.details).toContain(`check your ${spec.provider} account`);
			}
		});
	});
});

// --- 4. Retry-After is shared ---------------------------------------------------------------------

describe('Retry-After shared: a 429 on one create holds every request of the node run', () => {
	test.each(NODES)('$provider', async (spec) => {
		await withServers(spec, async ({ emu, proxy }) => {
			// The first three creates are held; the oldest gets 429 Retry-After: 1, the other two are
			// then answered normally, which frees their workers at once. Afterwards everything passes.
			const held = [];
			let limited = null;
			proxy.gate = (entry) =>
				new Promise((resolve) => {
					if (limited) return resolve('forward');
					held.push({ entry, resolve });
					if (held.length < 3) return;
					limited = held[0].entry;
					held[0].resolve({ respond: { status: 429, headers: { 'retry-after': '1', 'content-type': 'application/json' }, body: { error: 'rate_limited', message: 'Too many requests' } } });
					for (const { resolve: release } of held.slice(1)) release('forward');
				});
			const run = await startRun(spec, proxy, inputs(spec.size), { parallel: 3 }).result;
			expect(run.status).toBe('success');
			expect(limited).not.toBeNull();

			// Server-side times: after the 429 was answered, no request arrived for one second.
			const t429 = limited.answeredAt;
			const after = proxy.log.filter((e) => e.arrivedAt > t429);
			expect(after.length).toBeGreaterThanOrEqual(ITEMS - 3 + 1); // the retried create and the items not yet sent
			const early = after.filter((e) => e.arrivedAt < t429 + 1000).map((e) => ({ item: e.item, gapMs: e.arrivedAt - t429 }));
			expect(early).toEqual([]);

			// Every item succeeded with one accepted create; the limited item tried twice.
			const accepted = range(ITEMS).map((i) => proxy.creates().filter((e) => e.item === i && ok(e.status)).length);
			expect(accepted).toEqual(range(ITEMS).map(() => 1));
			const limitedTries = proxy.creates().filter((e) => e.item === limited.item);
			expect(limitedTries.map((e) => e.status)).toEqual([429, limitedTries[1]?.status]);
			expect(ok(limitedTries[1].status)).toBe(true);
			expect(emu.requests.filter(spec.isCreate)).toHaveLength(ITEMS);
			expectAllInOrder(spec, run.output('Node'), emu);
		});
	});
});

// --- 5. cancel during parallel submission -----------------------------------------------------

describe('cancel while submissions are in flight: the run ends canceled, nothing more is sent', () => {
	// After the run has ended and the node's connections closed, a quiet window in which a create
	// sent too late would show up (the check in test/reliability/cancel.test.js; it never has to
	// "get lucky" to pass).
	const QUIET_MS = 400;
	const cases = NODES.flatMap((spec) => [
		{ ...spec, continueOnFail: false, label: 'stops on failure' },
		{ ...spec, continueOnFail: true, label: 'Continue On Fail' },
	]);
	test.each(cases)('$provider ($label)', async (spec) => {
		await withServers(spec, async ({ proxy }) => {
			let held = 0;
			proxy.gate = async () => {
				held++; // the whole request (its file) has arrived
				return 'abandon'; // no create is ever answered
			};
			const run = startRun(spec, proxy, inputs(spec.size), { parallel: 3, continueOnFail: spec.continueOnFail });
			await until(() => held === 3);
			const sentBeforeCancel = proxy.log.length;
			await run.cancel();
			// The run ends although no create was ever answered: it did not wait for them.
			const result = await run.result;
			expect(result.status).toBe('canceled');
			// The node closed its three connections, and sent nothing after the cancel.
			await until(() => proxy.creates().every((e) => e.closedAt !== null), 5000);
			await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
			expect(proxy.creates().map((e) => e.item).sort()).toEqual([0, 1, 2]);
			expect(proxy.log.slice(sentBeforeCancel)).toEqual([]);
			expect(proxy.inFlight).toBe(0);
		});
	});
});

// --- 6. a failing item in the middle -------------------------------------------------------------

describe('a failing item in the middle', () => {
	const FAILING = 3;
	const rejection = { status: 422, headers: { 'content-type': 'application/json' }, body: { error: 'invalid_audio', message: 'Injected: item-3.mp3 is not audio', detail: 'Injected: item-3.mp3 is not audio' } };

	test.each(NODES)('$provider with Continue On Fail: only that item fails, the others succeed in order', async (spec) => {
		await withServers(spec, async ({ emu, proxy }) => {
			const gate = batchGate(proxy, { limit: 3, actions: { [FAILING]: { respond: rejection } } });
			const run = await startRun(spec, proxy, inputs(spec.size), { parallel: 3, continueOnFail: true }).result;
			gate.stop();
			expect(run.status).toBe('success');
			const output = run.output('Node');
			expectAllInOrder(spec, output, emu, [FAILING]);
			expect(output[FAILING].json.error).toMatch(new RegExp(`^${escape(spec.provider)}: .*invalid_audio`));
			expect(output[FAILING].json.details).toContain('rejected the request');
			expect(proxy.createsPerItem()).toEqual(range(ITEMS).map(() => 1)); // a 422 is not resent
		});
	});

	test.each(NODES)('$provider without Continue On Fail: stops with that item\'s error, starts no item after it', async (spec) => {
		await withServers(spec, async ({ emu, proxy }) => {
			// Items 0, 1, 2 are held. Item 0 is answered: its worker takes item 3, which is rejected.
			// Only once that answer is out are items 1 and 2 answered (the steps already running finish).
			const held = new Map();
			let rejected = null;
			proxy.gate = (entry) =>
				new Promise((resolve) => {
					if (entry.item === FAILING) {
						rejected = entry;
						return resolve({ respond: rejection });
					}
					if (rejected || entry.item > FAILING) return resolve('forward'); // a bug: recorded below
					held.set(entry.item, resolve);
					if (held.size === 3) held.get(0)('forward');
				});
			const run = startRun(spec, proxy, inputs(spec.size), { parallel: 3 });
			await until(() => rejected?.answeredAt);
			// A margin for the node to read the rejection (the next answers take a round trip through
			// the emulator first). Should it be too short, the test fails; it can never pass wrongly.
			await new Promise((resolve) => setTimeout(resolve, 200));
			held.get(1)('forward');
			held.get(2)('forward');
			const result = await run.result;

			expect(result.status).toBe('error');
			expect(result.error.message).toMatch(new RegExp(`^${escape(spec.provider)}: .*invalid_audio`));
			expect(result.error.context.itemIndex).toBe(FAILING);
			// Hispeech names the jobs already submitted, those that finished after the failure included.
			if (spec.provider === 'Hispeech') {
				for (const [i, upload] of range(3).map((i) => [i, emu.uploads.find((u) => u.filename === fileName(i))]))
					expect(result.error.description).toContain(`item ${i}: ${upload.jobId}`);
			}
			// The other nodes that create jobs name them too (by default, from each item's job ID).
			if (['Speech is Cheap', 'AudioToTextAI'].includes(spec.provider)) {
				expect(result.error.description).toMatch(/Jobs other items created \(item 0: \S+, item 1: \S+, item 2: \S+\)/);
			}
			// The steps already running finished: items 1 and 2 were answered by the provider.
			expect(proxy.creates().filter((e) => [1, 2].includes(e.item)).every((e) => ok(e.status))).toBe(true);
			expect(proxy.creates().map((e) => e.item).sort()).toEqual([0, 1, 2, FAILING]);
		});
	});
});

// --- Wait for Callback submissions ----------------------------------------------------------------

describe('Wait for Callback: the submissions are bounded the same way, and the run resumes in order', () => {
	const CALLBACK_NODES = [
		{ ...NODES.find((n) => n.provider === 'Speech is Cheap') },
		{ ...NODES.find((n) => n.provider === 'AudioToTextAI') },
		{
			...NODES.find((n) => n.provider === 'TranscribeAPI'),
			// A callback always goes through an async job: POST /v1/jobs creates it.
			isCreate: (r) => r.method === 'POST' && r.path === '/v1/jobs',
			jobBodyNamesFile: false, // the create carries no file name: creates are counted in all
			matches: (item, i) => expect(item.json.text).toContain(`It has ${bytesOf(i, 40)} bytes.`),
		},
	];
	let waiting;
	beforeAll(async () => {
		waiting = await startWaitingServer();
	});
	afterAll(async () => await waiting.close());

	test.each(CALLBACK_NODES)('$provider', async (spec) => {
		// The provider's callbacks go through a proxy that holds them until the run has paused, so
		// none can arrive before the execution is saved as waiting.
		const callbacks = await startProxy({ waiting: new URL(waiting.baseUrl).origin }, () => true);
		let paused = false;
		callbacks.gate = async () => {
			await until(() => paused, 20_000);
			return 'forward';
		};
		try {
			await withServers(spec, async ({ emu, proxy }) => {
				const gate = batchGate(proxy, { limit: 3 });
				const parameters = { ...spec.node.parameters, waitMode: 'callback', maxWaitMinutes: 5, options: { parallelSubmissions: 3 } };
				const run = runWorkflow({
					input: inputs(spec.size),
					nodes: [{ name: 'Node', type: spec.node.type, parameters }],
					credentials: spec.credentials(proxy.urls),
					webhookWaitingBaseUrl: `${callbacks.urls.waiting}/webhook-waiting`,
				});
				const result = await waiting.track(run);
				gate.stop();
				expect(result.status).toBe('waiting');
				expect(gate.stalled).toBe(false);
				expect(proxy.maxInFlight).toBe(3);
				if (spec.jobBodyNamesFile === false) expect(proxy.creates()).toHaveLength(ITEMS);
				else expect(proxy.createsPerItem()).toEqual(range(ITEMS).map(() => 1));

				paused = true;
				const resumed = await waiting.resumed(run);
				expect(resumed.status).toBe('success');
				expect(proxy.creates()).toHaveLength(ITEMS); // nothing was submitted again on resuming
				expectAllInOrder(spec, resumed.output('Node'), emu);
			});
		} finally {
			paused = true;
			await callbacks.close();
		}
	}, 30_000);
});
