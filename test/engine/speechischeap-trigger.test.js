// The Speech is Cheap Trigger's webhook() inside n8n-core's WebhookContext: callbacks the emulator
// really sent (captured on 127.0.0.1) and hand-made ones, with and without the secret token.
const { callWebhook } = require('../harness/webhook');
const { runWorkflow, cleanup } = require('../harness/engine');
const { startSpeechIsCheapEmulator } = require('../emulators/speechischeap');
const { startFileServer, startCaptureServer, until } = require('../support/servers');

const SECRET = 'a-long-random-secret-9f2c';
let emu;
let files;
let receiver;

const trigger = (parameters = {}) => ({ secretToken: SECRET, statuses: ['completed', 'failed'], output: 'simplified', ...parameters });

/** Runs a Speech is Cheap job through the node with the receiver as its webhook; resolves with the callbacks. */
async function jobCallbacks(audioPath, count = 1) {
	receiver.calls.length = 0;
	const { result } = runWorkflow({
		input: [{ json: {} }],
		nodes: [
			{
				name: 'SIC',
				type: 'speechIsCheap',
				parameters: {
					resource: 'job',
					operation: 'create',
					inputType: 'url',
					audioUrl: `${files.url}${audioPath}`,
					waitMode: 'none',
					options: { webhookUrl: `${receiver.url}/webhook/callback?token=${SECRET}` },
				},
			},
		],
		credentials: { speechIsCheapApi: { apiKey: 'sk_test', baseUrl: emu.url, uploadBaseUrl: emu.uploadUrl } },
	});
	const { jobId } = (await result).output('SIC')[0].json;
	await until(() => receiver.calls.length >= count);
	return { jobId, calls: receiver.calls.slice() };
}

beforeAll(async () => {
	emu = await startSpeechIsCheapEmulator({ processingDelayMs: 20, duplicateWebhooks: true });
	files = await startFileServer({ '/talk.mp3': { content: 'w'.repeat(8000) }, '/fail-me.mp3': { content: 'f'.repeat(8000) } });
	receiver = await startCaptureServer();
});
afterAll(async () => {
	await emu.close();
	await files.close();
	await receiver.close();
	cleanup();
});

describe('Speech is Cheap Trigger', () => {
	test('the right token starts exactly one run; the duplicate the provider sends starts none', async () => {
		const { jobId, calls } = await jobCallbacks('/talk.mp3', 2);
		expect(calls).toHaveLength(2); // the emulator sends every webhook twice, unsigned
		expect(calls[0].query).toEqual({ token: SECRET });
		expect(calls[0].headers['x-signature']).toBeUndefined();

		const first = await callWebhook({ type: 'speechIsCheapTrigger', parameters: trigger(), request: { query: calls[0].query, body: calls[0].body } });
		expect(first.runStarted).toBe(true);
		expect(first.result.webhookResponse).toEqual({ received: true });
		const [[item]] = first.workflowData;
		expect(item.json).toMatchObject({
			provider: 'speechischeap',
			jobId,
			status: 'completed',
			durationSeconds: 8,
			text: expect.stringMatching(/^Part 1 of talk\.mp3 \(8000 bytes, [0-9a-f]{8}\)\.$/),
		});

		// n8n saved the static data after the production call; the second delivery sees it.
		const second = await callWebhook({
			type: 'speechIsCheapTrigger',
			parameters: trigger(),
			staticData: first.staticData,
			request: { query: calls[1].query, body: calls[1].body },
		});
		expect(second.runStarted).toBe(false);
		expect(second.status).toBe(200);
		expect(second.body).toEqual({ received: true, ignored: 'duplicate delivery' });
	});

	test('a missing token gets 401 and a wrong one 403, starting no run', async () => {
		const body = { id: 'job-1-sic', output: {}, status: 'CANCELED' };
		const missing = await callWebhook({ type: 'speechIsCheapTrigger', parameters: trigger(), request: { body } });
		expect([missing.status, missing.runStarted]).toEqual([401, false]);
		const wrong = await callWebhook({ type: 'speechIsCheapTrigger', parameters: trigger(), request: { query: { token: `${SECRET}x` }, body } });
		expect([wrong.status, wrong.runStarted]).toEqual([403, false]);
		expect(wrong.body).toEqual({ error: 'Wrong token' });
	});

	test('a FAILED callback is delivered with its error text', async () => {
		const { jobId, calls } = await jobCallbacks('/fail-me.mp3', 2);
		const result = await callWebhook({ type: 'speechIsCheapTrigger', parameters: trigger(), request: { query: calls[0].query, body: calls[0].body } });
		expect(result.runStarted).toBe(true);
		expect(result.workflowData[0][0].json).toMatchObject({ jobId, status: 'failed', text: null, error: 'Could not decode the audio file' });
		const raw = await callWebhook({ type: 'speechIsCheapTrigger', parameters: trigger({ output: 'raw' }), request: { query: calls[0].query, body: calls[0].body } });
		expect(raw.workflowData[0][0].json).toEqual({ id: jobId, output: { error: 'Could not decode the audio file' }, status: 'FAILED' });
	});

	test('statuses not selected get 200 and start no run', async () => {
		const body = { id: 'job-2-sic', output: {}, status: 'CANCELED' };
		const ignored = await callWebhook({ type: 'speechIsCheapTrigger', parameters: trigger(), request: { query: { token: SECRET }, body } });
		expect([ignored.status, ignored.runStarted]).toEqual([200, false]);
		expect(ignored.body).toEqual({ received: true, ignored: 'status canceled is not selected' });
		const wanted = await callWebhook({
			type: 'speechIsCheapTrigger',
			parameters: trigger({ statuses: ['canceled'] }),
			request: { query: { token: SECRET }, body },
		});
		expect(wanted.workflowData[0][0].json).toMatchObject({ jobId: 'job-2-sic', status: 'canceled' });
	});

	test('a body that is not a JSON object is rejected with 400', async () => {
		for (const body of ['not json', '[1,2]', '{"output": {}}']) {
			const result = await callWebhook({ type: 'speechIsCheapTrigger', parameters: trigger(), request: { query: { token: SECRET }, body } });
			expect([result.status, result.runStarted]).toEqual([400, false]);
		}
	});

	test('Fetch Full Result gets the completed job without an API key', async () => {
		const { jobId, calls } = await jobCallbacks('/talk.mp3', 2);
		// A callback trimmed to its id and status: the fetched job fills in the transcript.
		const body = JSON.stringify({ id: jobId, status: 'COMPLETED' });
		const result = await callWebhook({
			type: 'speechIsCheapTrigger',
			parameters: trigger({ fetchFullResult: true, baseUrl: emu.url }),
			request: { query: calls[0].query, body },
		});
		expect(result.workflowData[0][0].json).toMatchObject({ jobId, status: 'completed', text: expect.stringContaining('talk.mp3') });
		const fetched = emu.requests.filter((r) => r.path === `/v2/jobs/${jobId}`);
		expect(fetched).toHaveLength(1);
		expect(fetched[0].headers.authorization).toBeUndefined();
	});

	test('a fetch that fails starts no run and is not remembered, so the callback can come again', async () => {
		const body = { id: 'unknown-sic', output: {}, status: 'COMPLETED' };
		const parameters = trigger({ fetchFullResult: true, baseUrl: emu.url });
		const staticData = {};
		await expect(
			callWebhook({ type: 'speechIsCheapTrigger', parameters, staticData, request: { query: { token: SECRET }, body } }),
		).rejects.toThrow('Could not fetch Speech is Cheap job unknown-sic: Speech is Cheap: Job not found');
		expect(JSON.stringify(staticData)).not.toContain('unknown-sic');
		const again = await callWebhook({ type: 'speechIsCheapTrigger', parameters: trigger(), staticData, request: { query: { token: SECRET }, body } });
		expect(again.runStarted).toBe(true);
		expect(JSON.stringify(staticData)).toContain('unknown-sic:completed'); // the same store does record runs
	});
});
