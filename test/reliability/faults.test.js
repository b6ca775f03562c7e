// Faults: for each provider, 100 jobs in one run inside n8n's engine while the emulator injects
// seeded faults into 20% of its requests (429 with Retry-After, 500/502/503, dropped connections
// before and after processing, slow answers). Every job whose creation went through completes with
// its own transcript; the log shows no job created twice; idempotent calls were retried with
// backoff; a job-creating request that failed once it may have reached the provider is reported
// on its item (Continue On Fail), never resent.
const { runWorkflow, cleanup } = require('../harness/engine');
const { startHispeechEmulator } = require('../emulators/hispeech');
const { startTranscribeApiEmulator } = require('../emulators/transcribeapi');
const { startSpeechIsCheapEmulator } = require('../emulators/speechischeap');
const { startAudioToTextAiEmulator } = require('../emulators/audiototextai');
const { startSttAiEmulator } = require('../emulators/sttai');
const { sha256 } = require('../support/servers');
const { KEYS, watchSecrets, report } = require('./support');

const JOBS = 100;
const FAULTS = {
	rate: 0.2,
	types: ['429', '500', '502', '503', 'drop', 'drop-after-processing', 'slow'],
	// Retry-After in (fractional) seconds keeps 100 jobs fast; the transport reads it as a number.
	retryAfter: 0.1,
	delayMs: 20,
};
/** Faults after which a job-creating request may have reached the provider: not resent. */
const MAY_HAVE_ARRIVED = new Set(['500', '502', '503', 'drop', 'drop-after-processing']);

const name = (i) => `job-${String(i).padStart(3, '0')}.mp3`;
/** Tiny files that differ per job (bytes and name), so each transcript names its own input. */
const content = (i, size) => `${name(i)}:`.padEnd(size + (i % 7), String.fromCharCode(97 + (i % 26)));
const input = (size) =>
	Array.from({ length: JOBS }, (_, i) => ({
		json: { i },
		binary: { data: { content: content(i, size), fileName: name(i), mimeType: 'audio/mpeg' } },
	}));
const bytesOf = (i, size) => Buffer.byteLength(content(i, size));
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const PROVIDERS = [
	{
		provider: 'Hispeech',
		seed: 11,
		size: 40,
		start: (faults) => startHispeechEmulator({ apiKey: KEYS.hispeech, faults, statusCallsPerHour: 1e9 }),
		credentials: (emu) => ({ hispeechApi: { apiKey: KEYS.hispeech, baseUrl: emu.url } }),
		node: {
			type: 'hispeech',
			parameters: {
				resource: 'transcription',
				operation: 'transcribe',
				waitMode: 'poll',
				pollIntervalSeconds: 0.1,
				options: { statusCallsPerHour: 36_000_000 },
			},
		},
		isCreate: (r) => r.method === 'POST' && r.path === '/api/v1/transcriptions/upload',
		created: (emu) => emu.uploads.map((u) => u.filename),
		expected: (i, size) => new RegExp(`^Transcript of ${escape(name(i))} \\(${bytesOf(i, size)} bytes\\)$`),
	},
	{
		provider: 'TranscribeAPI',
		seed: 12,
		size: 40,
		start: (faults) => startTranscribeApiEmulator({ apiKey: KEYS.transcribeapi, faults, requestsPerMinute: 1e6 }),
		credentials: (emu) => ({ transcribeApiApi: { apiKey: KEYS.transcribeapi, baseUrl: emu.url } }),
		// The async path: create (not idempotent), upload PUT, upload-completed, status polls, result.
		node: {
			type: 'transcribeApi',
			parameters: { resource: 'transcription', operation: 'transcribe', waitMode: 'poll', options: { forceAsync: true } },
		},
		isCreate: (r) => r.method === 'POST' && r.path === '/v1/jobs',
		// Big-file jobs carry no file name: the transcript names the bytes and their hash.
		created: (emu) => [...emu.jobs.values()].map((job) => job.files[0]?.sha256 ?? job.id),
		expected: (i, size) =>
			new RegExp(`^Transcript of \\S+\\. It has ${bytesOf(i, size)} bytes\\. Its sha256 starts with ${sha256(Buffer.from(content(i, size))).slice(0, 16)}\\.$`),
	},
	{
		provider: 'Speech is Cheap',
		seed: 13,
		size: 6000, // at least six seconds of "audio" at the emulator's 1000 bytes per second
		start: (faults) => startSpeechIsCheapEmulator({ apiKey: KEYS.speechischeap, faults }),
		credentials: (emu) => ({ speechIsCheapApi: { apiKey: KEYS.speechischeap, baseUrl: emu.url, uploadBaseUrl: emu.uploadUrl } }),
		node: {
			type: 'speechIsCheap',
			parameters: { resource: 'job', operation: 'create', inputType: 'binary', waitMode: 'poll', pollIntervalSeconds: 0.1 },
		},
		isCreate: (r) => r.method === 'POST' && r.path === '/v2/jobs/',
		created: (emu) => [...emu.jobs.values()].map((job) => job.upload?.filename),
		expected: (i, size) => new RegExp(`^Part 1 of ${escape(name(i))} \\(${bytesOf(i, size)} bytes, [0-9a-f]{8}\\)\\.$`),
	},
	{
		provider: 'AudioToTextAI',
		seed: 14,
		size: 40,
		start: (faults) => startAudioToTextAiEmulator({ apiKey: KEYS.audiototextai, faults }),
		credentials: (emu) => ({ audioToTextAiApi: { apiKey: KEYS.audiototextai, baseUrl: emu.url } }),
		node: {
			type: 'audioToTextAi',
			parameters: { resource: 'transcription', operation: 'transcribe', inputType: 'binary', waitMode: 'poll', pollIntervalSeconds: 0.1 },
		},
		isCreate: (r) => r.method === 'POST' && r.path === '/api/v1/transcribe/',
		created: (emu) => [...emu.jobs.values()].map((job) => job.source.filename),
		expected: (i, size) => new RegExp(`^Part 1 of ${escape(name(i))} \\(${bytesOf(i, size)} bytes, [0-9a-f]{8}\\)\\.$`),
	},
	{
		provider: 'STT.ai',
		seed: 15,
		size: 40,
		start: (faults) => startSttAiEmulator({ apiKey: KEYS.sttai, faults }),
		credentials: (emu) => ({ sttAiApi: { apiKey: KEYS.sttai, baseUrl: emu.url, accountBaseUrl: emu.accountUrl } }),
		node: { type: 'sttAi', parameters: { resource: 'transcription', operation: 'transcribe' } },
		isCreate: (r) => r.method === 'POST' && r.path === '/v1/transcribe',
		created: (emu) => [...emu.accounts.get(KEYS.sttai).transcripts.values()].map((t) => t.title),
		expected: (i, size) => new RegExp(`^Hello, this is ${escape(name(i))}\\. The recording has ${bytesOf(i, size)} bytes\\.`),
	},
];

const totals = { faultsInjected: 0, requests: 0, jobsCompleted: 0, createFaultsReported: 0, duplicates: 0, retriesChecked: 0 };
let secrets;

beforeAll(() => {
	secrets = watchSecrets();
});
afterAll(() => {
	secrets.stop();
	report('faults', { ...totals, secretLinesScanned: secrets.count });
	cleanup();
});

describe.each(PROVIDERS)('$provider: 100 jobs with 20% of requests faulted', (spec) => {
	let emu;
	beforeAll(async () => {
		emu = await spec.start({ ...FAULTS, seed: spec.seed });
	});
	afterAll(async () => await emu.close());

	test('every job completes or is reported; nothing is submitted twice; retries back off', async () => {
		const { result } = runWorkflow({
			input: input(spec.size),
			nodes: [{ name: 'Node', ...spec.node, onError: 'continueRegularOutput' }],
			credentials: spec.credentials(emu),
		});
		const run = await result;
		secrets.addRun(run);
		expect(run.status).toBe('success');
		const output = run.output('Node');
		expect(output).toHaveLength(JOBS);
		expect(output.map((item) => item.pairedItem)).toEqual(Array.from({ length: JOBS }, (_, item) => ({ item })));

		// A job-creating request is resent only after a 429, so every create not answered 429 is one
		// item's. Items are submitted in parallel (Parallel Submissions), so the creates do not arrive
		// in item order: each create whose fault means it may have reached the provider is one item
		// reporting it, and every other item completes with its own transcript.
		const creates = emu.requests.filter(spec.isCreate);
		const finalCreates = creates.filter((r) => r.status !== 429);
		expect(finalCreates).toHaveLength(JOBS);
		const reported = finalCreates.filter((r) => MAY_HAVE_ARRIVED.has(r.fault)).length;
		const expectError = output.map((item) => item.json.error !== undefined);
		expect(expectError.filter(Boolean)).toHaveLength(reported);
		for (const [i, item] of output.entries()) {
			if (expectError[i]) {
				expect(item.json.error).toMatch(new RegExp(`^(${escape(spec.provider)}: .+|Could not reach ${escape(spec.provider)} at .* \\(connection (reset|closed)\\))$`));
				expect(item.json.details).toMatch(/not resent|not sent again/i);
				expect(item.json.details).toContain(`check your ${spec.provider} account`);
			} else {
				expect(item.json.error).toBeUndefined();
				expect(item.json.status).toBe('completed');
				expect(item.json.text).toMatch(spec.expected(i, spec.size));
			}
		}

		// No job was created twice: every input name appears at most once among the provider's jobs,
		// and a create whose answer was dropped after processing left exactly its one job behind.
		const created = spec.created(emu);
		const duplicates = created.filter((n, index) => created.indexOf(n) !== index);
		expect(duplicates).toEqual([]);
		const afterProcessing = finalCreates.filter((r) => r.fault === 'drop-after-processing').length;
		expect(created).toHaveLength(JOBS - expectError.filter(Boolean).length + afterProcessing);

		// Idempotent calls hit by a fault were tried again (the pause before each retry, backoff or
		// Retry-After, is checked on a fake clock in test/unit/shared.test.js, not by the wall clock).
		const retried = emu.requests.filter((r) => !spec.isCreate(r) && r.fault && r.fault !== 'slow');
		for (const failed of retried) {
			const next = emu.requests.find((r) => r !== failed && r.method === failed.method && r.path === failed.path && r.startedAt >= failed.startedAt && emu.requests.indexOf(r) > emu.requests.indexOf(failed));
			if (!next) continue; // the job was settled by another call (e.g. its result came with a later status)
			totals.retriesChecked++;
		}
		// 429s on a create were followed by a create again (the same item's: every item has one final create).
		for (const [index, r] of creates.entries()) {
			if (r.status === 429) expect(creates[index + 1]).toBeDefined();
		}

		const faulted = emu.requests.filter((r) => r.fault);
		expect(faulted.length).toBeGreaterThan(emu.requests.length * 0.1);
		totals.faultsInjected += faulted.length;
		totals.requests += emu.requests.length;
		totals.jobsCompleted += output.filter((item) => item.json.status === 'completed').length;
		totals.createFaultsReported += expectError.filter(Boolean).length;
		totals.duplicates += duplicates.length;
	});
});

test('no API key appears in any output, error or log line of the fault runs', () => {
	expect(secrets.count).toBeGreaterThan(500);
	expect(secrets.leaks()).toEqual([]);
});
