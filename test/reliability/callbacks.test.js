// Callbacks: for each trigger, forged, tampered, stale, replayed, oversized and non-JSON calls are
// rejected and start no run; each authentic delivery starts exactly one run. The same static data
// object is kept across calls of one trigger, as n8n saves it after each production call.
const { callWebhook } = require('../harness/webhook');
const { cleanup } = require('../harness/engine');
const { startTranscribeApiEmulator } = require('../emulators/transcribeapi');
const { KEYS, watchSecrets, report } = require('./support');
const crypto = require('node:crypto');

const TOKEN = 'cb-token-Hq7Vx2Nd9Lk4Ws1R';
const OVERSIZED = 33 * 1024 * 1024;
const counts = { authenticDeliveries: 0, runsStarted: 0, forgedRejected: 0 };
let secrets;
let tapi;

beforeAll(async () => {
	secrets = watchSecrets([...Object.values(KEYS), TOKEN]);
	tapi = await startTranscribeApiEmulator({ apiKey: KEYS.transcribeapi });
});
afterAll(async () => {
	secrets.stop();
	report('callbacks', { ...counts, secretLinesScanned: secrets.count });
	await tapi.close();
	cleanup();
});

/** Calls a trigger and counts: every call either starts one run (authentic) or is rejected with no run. */
async function deliver(call, { authentic }) {
	const answer = await callWebhook(call);
	secrets.addWebhook(answer);
	if (answer.runStarted) counts.runsStarted++;
	if (authentic) {
		counts.authenticDeliveries++;
		expect(answer.runStarted).toBe(true);
		expect(answer.workflowData).toHaveLength(1);
	} else {
		expect(answer.runStarted).toBe(false);
		counts.forgedRejected++;
	}
	return answer;
}

describe('TranscribeAPI Trigger (Ed25519-signed)', () => {
	const staticData = {};
	const call = (request) => ({
		type: 'transcribeApiTrigger',
		parameters: { events: ['completed', 'failed'], downloadResult: false, output: 'simplified' },
		credentials: { transcribeApiApi: { apiKey: KEYS.transcribeapi, baseUrl: tapi.url } },
		staticData,
		request,
	});
	const event = (jobId, status = 'completed') => ({ type: `transcription.${status}`, job_id: jobId, status });
	const signed = (body, options) => {
		const s = tapi.signPayload(body, options);
		return { headers: s.headers, body: Buffer.from(s.body) };
	};
	const now = () => Math.floor(Date.now() / 1000);
	const attacker = crypto.generateKeyPairSync('ed25519').privateKey;
	const forge = (body, timestamp = String(now())) => {
		const raw = JSON.stringify(body);
		const signature = crypto.sign(null, Buffer.from(`${timestamp}.${raw}`), attacker).toString('base64');
		return {
			headers: { 'x-transcribeapi-timestamp': timestamp, 'x-transcribeapi-signature': signature, 'x-transcribeapi-key-id': 'v1' },
			body: Buffer.from(raw),
		};
	};

	test('authentic deliveries start exactly one run each', async () => {
		for (const jobId of ['job_a1', 'job_a2', 'job_a3']) {
			const answer = await deliver(call(signed(event(jobId))), { authentic: true });
			expect(answer.workflowData[0][0].json).toMatchObject({ event: 'completed', jobId });
		}
		const failed = await deliver(call(signed(event('job_a4', 'failed'))), { authentic: true });
		expect(failed.workflowData[0][0].json).toMatchObject({ event: 'failed', jobId: 'job_a4' });
	});

	test.each([
		['signed with another key', () => forge(event('job_f1')), 401, 'Invalid signature'],
		[
			'body changed after signing',
			() => {
				const s = signed(event('job_f2'));
				return { ...s, body: Buffer.from(s.body.toString().replace('job_f2', 'job_f3')) };
			},
			401,
			'Invalid signature',
		],
		['signature header missing', () => ({ ...signed(event('job_f4')), headers: { 'x-transcribeapi-timestamp': String(now()) } }), 401, 'Missing TranscribeAPI signature headers'],
		['garbage signature', () => {
			const s = signed(event('job_f5'));
			return { ...s, headers: { ...s.headers, 'x-transcribeapi-signature': 'not-a-signature' } };
		}, 401, 'Invalid signature'],
		['unknown key id', () => {
			const s = signed(event('job_f6'));
			return { ...s, headers: { ...s.headers, 'x-transcribeapi-key-id': 'v99' } };
		}, 403, 'Unknown signing key'],
		['stale timestamp (10 minutes old)', () => signed(event('job_f7'), { timestamp: now() - 600 }), 401, 'outside the allowed window'],
		['timestamp in the future (10 minutes)', () => signed(event('job_f8'), { timestamp: now() + 600 }), 401, 'outside the allowed window'],
		['timestamp header changed after signing', () => {
			const s = signed(event('job_f9'));
			return { ...s, headers: { ...s.headers, 'x-transcribeapi-timestamp': String(now() - 1) } };
		}, 401, 'Invalid signature'],
		['signed body that is not JSON', () => signed('this is not json'), 400, 'not a JSON object'],
		['oversized body', () => ({ ...signed(event('job_f10')), body: Buffer.alloc(2 * 1024 * 1024, 0x20) }), 413, 'too large'],
	])('%s: rejected, no run', async (_title, make, status, message) => {
		const answer = await deliver(call(make()), { authentic: false });
		expect(answer.status).toBe(status);
		expect(answer.body.error).toContain(message);
	});

	test('a replayed delivery is rejected, even within the time window', async () => {
		const original = signed(event('job_r1'));
		await deliver(call(original), { authentic: true });
		for (let i = 0; i < 3; i++) {
			const replay = await deliver(call(original), { authentic: false });
			expect(replay.status).toBe(403);
			expect(replay.body.error).toBe('This delivery was already received');
		}
		// Re-signed later (a provider retry), the same job and status is acknowledged but starts no run.
		// (Ed25519 is deterministic: a new timestamp makes it a new signature.)
		const resent = await deliver(call(signed(event('job_r1'), { timestamp: now() + 2 })), { authentic: false });
		expect(resent.status).toBe(200);
		expect(resent.body).toEqual({ received: true, ignored: 'duplicate delivery' });
	});
});

describe.each([
	{ name: 'Speech is Cheap Trigger', type: 'speechIsCheapTrigger', body: (id, status = 'COMPLETED') => ({ id, status, output: { duration: 8, segments: [{ start: 0, end: 8, text: `Words of ${id}.` }] } }) },
	{ name: 'AudioToTextAI Trigger', type: 'audioToTextAiTrigger', body: (id, status = 'completed') => ({ id, status, transcript: `Words of ${id}.`, duration_seconds: 8 }) },
])('$name (secret token)', ({ type, body }) => {
	const staticData = {};
	const call = (request) => ({
		type,
		parameters: { secretToken: TOKEN, statuses: ['completed', 'failed'], output: 'simplified' },
		staticData,
		request: { query: { token: TOKEN }, ...request },
	});
	const json = (value) => Buffer.from(JSON.stringify(value));

	test('authentic deliveries start exactly one run each', async () => {
		for (const id of ['job-1', 'job-2', 'job-3']) {
			const answer = await deliver(call({ body: json(body(id)) }), { authentic: true });
			expect(answer.workflowData[0][0].json).toMatchObject({ jobId: id, status: 'completed' });
		}
	});

	test.each([
		['no token', { query: {} }, 401, 'Missing token'],
		['empty token', { query: { token: '' } }, 401, 'Missing token'],
		['wrong token', { query: { token: 'guess' } }, 403, 'Wrong token'],
		['token with one character changed', { query: { token: `${TOKEN.slice(0, -1)}x` } }, 403, 'Wrong token'],
		['token in another case', { query: { token: TOKEN.toUpperCase() } }, 403, 'Wrong token'],
		['token padded with a space', { query: { token: `${TOKEN} ` } }, 403, 'Wrong token'],
		['wrong token on an oversized body', { query: { token: 'guess' }, body: Buffer.alloc(OVERSIZED, 0x20) }, 403, 'Wrong token'],
		['oversized body', { body: Buffer.alloc(OVERSIZED, 0x20) }, 413, 'too large'],
		['non-JSON body', { body: Buffer.from('status=completed&id=job-9') }, 400, 'JSON object'],
		['JSON array body', { body: Buffer.from('[{"id":"job-9"}]') }, 400, 'JSON object'],
		['empty body', { body: Buffer.alloc(0) }, 400, 'JSON object'],
		['JSON naming no job', { body: Buffer.from('{"status":"completed"}') }, 400, 'names no job'],
	])('%s: rejected, no run', async (_title, request, status, message) => {
		const answer = await deliver(call({ body: json(body('job-9')), ...request }), { authentic: false });
		expect(answer.status).toBe(status);
		expect(answer.body.error).toContain(message);
	});

	test('a replayed delivery starts no run', async () => {
		await deliver(call({ body: json(body('job-r')) }), { authentic: true });
		for (let i = 0; i < 3; i++) {
			const replay = await deliver(call({ body: json(body('job-r')) }), { authentic: false });
			expect(replay.status).toBe(200);
			expect(replay.body).toEqual({ received: true, ignored: 'duplicate delivery' });
		}
	});
});

test('runs started = authentic deliveries; no secret in any answer, output or log line', () => {
	expect(counts.runsStarted).toBe(counts.authenticDeliveries);
	expect(counts.forgedRejected).toBeGreaterThanOrEqual(40);
	expect(secrets.leaks()).toEqual([]);
});
