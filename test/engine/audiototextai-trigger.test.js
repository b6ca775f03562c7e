// The AudioToTextAI Trigger's webhook() inside n8n-core's WebhookContext: callbacks the emulator
// really sent (captured on 127.0.0.1) and hand-made ones, with and without the secret token.
const { callWebhook } = require('../harness/webhook');
const { runWorkflow, cleanup } = require('../harness/engine');
const { startAudioToTextAiEmulator } = require('../emulators/audiototextai');
const { startCaptureServer, until } = require('../support/servers');

const SECRET = 'another-secret-7d1e0b';
let emu;
let receiver;
const credentials = () => ({ audioToTextAiApi: { apiKey: 'a2t_test', baseUrl: emu.url } });

const trigger = (parameters = {}) => ({ secretToken: SECRET, statuses: ['completed', 'failed'], output: 'simplified', ...parameters });

/** Submits a file through the node with the receiver as its webhook; resolves with the job ID and callback. */
async function jobCallback(fileName, seconds = 15) {
	receiver.calls.length = 0;
	const { result } = runWorkflow({
		input: [{ json: {}, binary: { data: { content: 'z'.repeat(seconds * 1000), fileName, mimeType: 'audio/mpeg' } } }],
		nodes: [
			{
				name: 'A2T',
				type: 'audioToTextAi',
				parameters: {
					resource: 'transcription',
					operation: 'transcribe',
					waitMode: 'none',
					options: { summary: true, webhookUrl: `${receiver.url}/webhook/callback?token=${SECRET}` },
				},
			},
		],
		credentials: credentials(),
	});
	const { jobId } = (await result).output('A2T')[0].json;
	await until(() => receiver.calls.length >= 1);
	return { jobId, call: receiver.calls[0] };
}

const deliver = (call, parameters = trigger(), extra = {}) =>
	callWebhook({ type: 'audioToTextAiTrigger', parameters, request: { query: call.query, body: call.body }, ...extra });

beforeAll(async () => {
	emu = await startAudioToTextAiEmulator({ processingDelayMs: 20 });
	receiver = await startCaptureServer();
});
afterAll(async () => {
	await emu.close();
	await receiver.close();
	cleanup();
});

describe('AudioToTextAI Trigger', () => {
	test('the right token starts exactly one run with the summary; a duplicate delivery starts none', async () => {
		const { jobId, call } = await jobCallback('episode.mp3');
		expect(call.query).toEqual({ token: SECRET });
		const first = await deliver(call);
		expect(first.runStarted).toBe(true);
		expect(first.workflowData).toHaveLength(1);
		expect(first.workflowData[0]).toHaveLength(1);
		expect(first.workflowData[0][0].json).toMatchObject({
			provider: 'audiototextai',
			jobId,
			status: 'completed',
			text: expect.stringMatching(/^Part 1 of episode\.mp3 \(15000 bytes, [0-9a-f]{8}\)\. Part 2 of episode\.mp3/),
			durationSeconds: 15,
			summary: 'Summary of episode.mp3: 2 part(s).',
			segments: [], // the callback carries no segments
		});
		const again = await deliver(call, trigger(), { staticData: first.staticData });
		expect([again.status, again.runStarted, again.body]).toEqual([200, false, { received: true, ignored: 'duplicate delivery' }]);
	});

	test('missing and wrong tokens get 401 and 403 and start no run', async () => {
		const body = JSON.stringify({ id: 'j1', status: 'completed', transcript: 'hi' });
		const missing = await deliver({ query: {}, body });
		expect([missing.status, missing.runStarted]).toEqual([401, false]);
		const empty = await deliver({ query: { token: '' }, body });
		expect([empty.status, empty.runStarted]).toEqual([401, false]);
		const wrong = await deliver({ query: { token: 'guess' }, body });
		expect([wrong.status, wrong.runStarted]).toEqual([403, false]);
	});

	test('a failed callback is delivered with its error text', async () => {
		const { jobId, call } = await jobCallback('fail-static.mp3');
		const result = await deliver(call);
		expect(result.workflowData[0][0].json).toMatchObject({ jobId, status: 'failed', error: 'Audio file could not be decoded', text: null });
		const onlyCompleted = await deliver(call, trigger({ statuses: ['completed'] }));
		expect([onlyCompleted.status, onlyCompleted.runStarted]).toEqual([200, false]);
	});

	test('non-JSON bodies are rejected with 400', async () => {
		for (const body of ['<xml/>', '"text"', 'null']) {
			const result = await deliver({ query: { token: SECRET }, body });
			expect([result.status, result.runStarted]).toEqual([400, false]);
		}
	});

	test('Fetch Full Result gets the job with segments using the credential; Raw gives it unchanged', async () => {
		const { jobId, call } = await jobCallback('full.mp3');
		const result = await deliver(call, trigger({ fetchFullResult: true }), { credentials: credentials() });
		const { json } = result.workflowData[0][0];
		expect(json).toMatchObject({ jobId, status: 'completed', summary: 'Summary of full.mp3: 2 part(s).' });
		expect(json.segments.map((s) => [s.start, s.end])).toEqual([
			[0, 7.5],
			[7.5, 15],
		]);
		const fetched = emu.requests.filter((r) => r.path === `/api/v1/transcribe/${jobId}/`);
		expect(fetched.map((r) => [r.query.segments, r.headers.authorization])).toEqual([['true', 'Bearer a2t_test']]);

		const raw = await deliver(call, trigger({ output: 'raw' }));
		expect(raw.workflowData[0][0].json).toEqual(JSON.parse(call.body.toString()));
	});

	test('the older field names (uuid, transcript_text) are understood', async () => {
		const body = JSON.stringify({ uuid: 'legacy-1', status: 'completed', transcript_text: 'Old words.', duration_seconds: '12.5' });
		const result = await deliver({ query: { token: SECRET }, body });
		expect(result.workflowData[0][0].json).toMatchObject({ jobId: 'legacy-1', text: 'Old words.', durationSeconds: 12.5 });
	});
});
