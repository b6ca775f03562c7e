// Trigger tests: TranscribeAPI's signed webhook calls, produced by the emulator for real jobs, fed
// to the TranscribeAPI Trigger's webhook() inside n8n-core's WebhookContext with the exact raw body.
const { runWorkflow, cleanup } = require('../harness/engine');
const { callWebhook } = require('../harness/webhook');
const { startTranscribeApiEmulator } = require('../emulators/transcribeapi');
const path = require('node:path');
const { startCaptureServer, startFileServer } = require('../support/servers');

const EXAMPLES = path.join(__dirname, '../../examples');

let emu;
let receiver;
const credentials = () => ({ transcribeApiApi: { apiKey: 'test-key', baseUrl: emu.url } });
const keyFetches = () => emu.requests.filter((r) => r.path === '/.well-known/transcribeapi-webhook-keys.json');

function audio(name, content) {
	return { json: { name }, binary: { data: { content, fileName: name, mimeType: 'audio/mpeg' } } };
}

/** Runs real jobs with the receiver as webhook URL and returns the signed deliveries. */
async function deliveriesFor(operation, input) {
	const before = receiver.calls.length;
	const { result } = runWorkflow({
		input,
		nodes: [
			{
				name: 'TranscribeAPI',
				type: 'transcribeApi',
				parameters: { resource: 'transcription', operation, waitMode: 'none', options: { webhookUrl: `${receiver.url}/hook` } },
			},
		],
		credentials: credentials(),
	});
	expect((await result).status).toBe('success');
	return (await receiver.received(before + 1)).slice(before);
}

function trigger(request, { staticData = {}, parameters = {} } = {}) {
	return callWebhook({
		type: 'transcribeApiTrigger',
		parameters: { events: ['completed', 'completed_with_errors', 'failed'], downloadResult: true, output: 'simplified', ...parameters },
		credentials: credentials(),
		staticData,
		request,
	});
}

const asRequest = (call) => ({ headers: call.headers, body: call.body });

beforeAll(async () => {
	emu = await startTranscribeApiEmulator({ apiKey: 'test-key', processingDelayMs: 50 });
	receiver = await startCaptureServer();
});
afterAll(async () => {
	await emu.close();
	await receiver.close();
	cleanup();
});

test('an authentic call starts exactly one run with the downloaded transcript; its replay starts none', async () => {
	const [call] = await deliveriesFor('transcribe', [audio('call.mp3', 'c'.repeat(4000))]);
	const first = await trigger(asRequest(call));
	expect(first.status).toBe(200);
	expect(first.runStarted).toBe(true);
	expect(first.workflowData[0]).toHaveLength(1);
	expect(first.workflowData[0][0].json).toMatchObject({
		provider: 'transcribeapi',
		status: 'completed',
		event: 'completed',
		text: expect.stringContaining('It has 4000 bytes'),
	});
	const replay = await trigger(asRequest(call), { staticData: first.staticData });
	expect(replay.runStarted).toBe(false);
	expect(replay.status).toBe(403);
});

test('a tampered body, a wrong key id, a stale timestamp and missing headers start nothing', async () => {
	const [call] = await deliveriesFor('transcribe', [audio('t.mp3', 't'.repeat(3000))]);
	const tampered = Buffer.from(call.body.toString().replace('"completed"', '"completed" '));
	const results = {
		tampered: await trigger({ headers: call.headers, body: tampered }),
		wrongKey: await trigger({ headers: { ...call.headers, 'x-transcribeapi-key-id': 'v9' }, body: call.body }),
		stale: await trigger(asRequest(emu.signPayload(call.body, { timestamp: Math.floor(Date.now() / 1000) - 301 }))),
		unsigned: await trigger({ headers: { 'content-type': 'application/json' }, body: call.body }),
	};
	expect(results.tampered.status).toBe(401);
	expect(results.wrongKey.status).toBe(403);
	expect(results.stale.status).toBe(401);
	expect(results.unsigned.status).toBe(401);
	for (const result of Object.values(results)) expect(result.runStarted).toBe(false);
});

test('a rotated key is fetched once when its id first appears', async () => {
	const staticData = {};
	const [call] = await deliveriesFor('transcribe', [audio('k.mp3', 'k'.repeat(3000))]);
	const first = await trigger(asRequest(call), { staticData });
	expect(first.runStarted).toBe(true);
	const fetchesBefore = keyFetches().length;
	emu.rotateKey();
	const [rotated] = await deliveriesFor('transcribe', [audio('r.mp3', 'r'.repeat(3000))]);
	expect(rotated.headers['x-transcribeapi-key-id']).toBe('v2');
	const second = await trigger(asRequest(rotated), { staticData: first.staticData });
	expect(second.runStarted).toBe(true);
	expect(keyFetches().length).toBe(fetchesBefore + 1);
});

test('a batch with a failed file gives one item per file; unselected events are acknowledged only', async () => {
	const [call] = await deliveriesFor('transcribeBatch', [audio('a.mp3', 'a'.repeat(2000)), audio('b.mp3', 'FAIL here')]);
	expect(JSON.parse(call.body).status).toBe('completed_with_errors');
	const ignored = await trigger(asRequest(call), { parameters: { events: ['completed'] } });
	expect(ignored.status).toBe(200);
	expect(ignored.runStarted).toBe(false);

	const result = await trigger(asRequest(call));
	expect(result.runStarted).toBe(true);
	const items = result.workflowData[0].map((item) => item.json);
	expect(items).toEqual([
		expect.objectContaining({ referenceId: 'item_0', status: 'completed', text: expect.stringContaining('It has 2000 bytes') }),
		expect.objectContaining({ referenceId: 'item_1', status: 'failed', error: expect.any(String) }),
	]);
});

test('a second signed delivery of the same outcome starts no second run; a signed non-JSON body is refused', async () => {
	const [call] = await deliveriesFor('transcribe', [audio('d.mp3', 'd'.repeat(3000))]);
	const first = await trigger(asRequest(call));
	expect(first.runStarted).toBe(true);
	// Ed25519 is deterministic: a new delivery differs by its timestamp.
	const resent = emu.signPayload(call.body, { timestamp: Math.floor(Date.now() / 1000) + 1 });
	const again = await trigger(asRequest(resent), { staticData: first.staticData });
	expect(again.status).toBe(200);
	expect(again.runStarted).toBe(false);

	const notJson = await trigger(asRequest(emu.signPayload('not json at all')));
	expect(notJson.status).toBe(400);
	expect(notJson.runStarted).toBe(false);
});

test('a failed job is delivered with its error, without downloading anything', async () => {
	const [call] = await deliveriesFor('transcribe', [audio('FAIL.mp3', 'FAIL audio')]);
	const result = await trigger(asRequest(call));
	expect(result.runStarted).toBe(true);
	expect(result.workflowData[0][0].json).toMatchObject({ event: 'failed', error: expect.stringMatching(/ended with status "failed/) });
});

test('the example pair: the transcribe example submits a webhook job, the trigger example accepts its call', async () => {
	const sender = require(`${EXAMPLES}/transcribeapi-transcribe-with-webhook.json`).nodes.find((n) => n.name === 'TranscribeAPI');
	const receiverNode = require(`${EXAMPLES}/transcribeapi-trigger-message.json`).nodes.find((n) => n.type.endsWith('.transcribeApiTrigger'));
	const files = await startFileServer({ '/weekly.mp3': { content: 'w'.repeat(5000) } });
	try {
		const before = receiver.calls.length;
		const parameters = {
			...sender.parameters,
			audioUrl: `${files.url}/weekly.mp3`,
			options: { ...sender.parameters.options, webhookUrl: `${receiver.url}/webhook/${receiverNode.webhookId}/webhook` },
		};
		const { result } = runWorkflow({ input: [{ json: {} }], nodes: [{ name: 'TranscribeAPI', type: sender.type, parameters }], credentials: credentials() });
		expect((await result).output('TranscribeAPI')[0].json.status).toBe('queued');
		const [call] = (await receiver.received(before + 1)).slice(before);
		expect(call.url).toBe(`/webhook/${receiverNode.webhookId}/webhook`);
		const delivered = await trigger(asRequest(call), { parameters: receiverNode.parameters });
		expect(delivered.runStarted).toBe(true);
		expect(delivered.workflowData[0][0].json).toMatchObject({ event: 'completed', language: 'en', text: expect.stringContaining('It has 5000 bytes') });
	} finally {
		await files.close();
	}
});
