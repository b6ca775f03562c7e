// Engine tests of the "Wait for Callback" wait mode: the run ends waiting (nothing polls), the
// emulator's callback to the resume URL resumes it through n8n-core's WebhookContext and
// WorkflowExecute, with the waiting execution kept only as JSON between the two (as n8n's database
// keeps it), and the output is what polling produces.
const { runWorkflow, cleanup } = require('../harness/engine');
const { startWaitingServer } = require('../harness/waiting');
const { startSpeechIsCheapEmulator } = require('../emulators/speechischeap');
const { startAudioToTextAiEmulator } = require('../emulators/audiototextai');
const { startTranscribeApiEmulator } = require('../emulators/transcribeapi');
const { startFileServer, until } = require('../support/servers');

let waiting;
let files;

const audioBytes = (seed, seconds = 8) =>
	Buffer.from(seed.repeat(Math.ceil((seconds * 1000) / seed.length)).slice(0, seconds * 1000));
const AUDIO = {
	'/a.mp3': audioBytes('a', 7),
	'/b.mp3': audioBytes('bb', 9),
	'/c.mp3': audioBytes('ccc', 11),
	'/fail-decode.mp3': audioBytes('f', 8),
};

beforeAll(async () => {
	waiting = await startWaitingServer();
	files = await startFileServer(
		Object.fromEntries(Object.entries(AUDIO).map(([path, content]) => [path, { content }])),
	);
});
afterAll(async () => {
	await waiting.close();
	await files.close();
	cleanup();
});

/** Runs one node over `input`; resolves once the run has ended (waiting or not). */
async function start(input, node, credentials) {
	const run = runWorkflow({
		input,
		nodes: [node],
		credentials,
		webhookWaitingBaseUrl: waiting.baseUrl,
	});
	const result = await waiting.track(run);
	return { run, result };
}

/** The outputs without what differs between two runs of the same audio (job IDs). */
const comparable = (items) =>
	items.map(({ json, pairedItem }) => ({
		json: { ...json, jobId: typeof json.jobId },
		pairedItem,
	}));

describe('Speech is Cheap: Create with Wait for Callback', () => {
	let emu;
	/** When set, jobs stay PENDING until the test finishes them (emu.finishJob). */
	let finishByHand = false;
	const credentials = () => ({
		speechIsCheapApi: { apiKey: 'sk_test', baseUrl: emu.url, uploadBaseUrl: emu.uploadUrl },
	});
	const create = (parameters) => ({
		name: 'SIC',
		type: 'speechIsCheap',
		parameters: {
			resource: 'job',
			operation: 'create',
			inputType: 'url',
			maxWaitMinutes: 30,
			...parameters,
		},
	});
	const urls = (...names) => names.map((name) => ({ json: { url: `${files.url}/${name}` } }));
	const statusCalls = () =>
		emu.requests.filter((r) => r.method === 'GET' && /^\/v2\/jobs\/[^/]+-sic$/.test(r.path));
	/** The job IDs made from these file names, in this order (items are submitted in parallel). */
	const jobIdsOf = (...names) =>
		names.map((name) => [...emu.jobs.values()].find((job) => job.params.input_url === `${files.url}/${name}`).id);

	beforeAll(async () => {
		emu = await startSpeechIsCheapEmulator({
			processingDelayMs: () => (finishByHand ? null : 20),
			holdWebhooks: true,
		});
	});
	beforeEach(() => {
		emu.reset();
		finishByHand = false;
	});
	afterAll(async () => await emu.close());

	test('waits without polling, resumes on the callback, and outputs what polling outputs', async () => {
		const node = create({
			audioUrl: '={{ $json.url }}',
			waitMode: 'callback',
			subtitleFormat: 'srt',
		});
		const { run, result } = await start(urls('a.mp3'), node, credentials());
		expect(result.status).toBe('waiting');
		const limit = waiting.waitTill(run).getTime() - Date.now();
		expect(limit).toBeGreaterThan(29 * 60_000);
		expect(limit).toBeLessThanOrEqual(30 * 60_000);
		const [job] = [...emu.jobs.values()];
		expect(job.params.webhook_url).toMatch(
			new RegExp(`^${waiting.baseUrl}/${run.spec.executionId}\\?token=[0-9a-f]{48}$`),
		);

		await until(() => emu.heldWebhooks().length === 1);
		expect(statusCalls()).toHaveLength(0); // nothing polled while the run waited
		const delivery = await emu.releaseWebhook(job.id);
		expect(delivery.status).toBe(200);
		const resumed = await waiting.resumed(run);
		expect(resumed.status).toBe('success');
		expect(statusCalls()).toHaveLength(0); // the callback carried the finished job
		const output = resumed.output('SIC');
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({
			provider: 'speechischeap',
			jobId: job.id,
			status: 'completed',
		});
		expect(output[0].binary.subtitles.fileName).toBe(`transcript-${job.id}.srt`);

		const polled = await runWorkflow({
			input: urls('a.mp3'),
			nodes: [
				create({
					audioUrl: '={{ $json.url }}',
					waitMode: 'poll',
					pollIntervalSeconds: 0.05,
					subtitleFormat: 'srt',
				}),
			],
			credentials: credentials(),
		}).result;
		expect(comparable(output)).toEqual(comparable(polled.output('SIC')));
	});

	test('three items, callbacks in another order: one resume, three paired outputs', async () => {
		finishByHand = true;
		const node = create({ audioUrl: '={{ $json.url }}', waitMode: 'callback' });
		const { run, result } = await start(urls('a.mp3', 'b.mp3', 'c.mp3'), node, credentials());
		expect(result.status).toBe('waiting');
		await until(() => emu.jobs.size === 3 && [...emu.jobs.values()].every((job) => job.finishNow));
		const ids = jobIdsOf('a.mp3', 'b.mp3', 'c.mp3');
		const callsBefore = waiting.calls.length;
		const finishAndCall = async (index) => {
			emu.finishJob(ids[index]);
			return await emu.releaseWebhook(ids[index]);
		};
		for (const index of [2, 0]) expect((await finishAndCall(index)).status).toBe(200);
		expect(waiting.calls.slice(callsBefore).map((call) => call.resumed)).toEqual([false, false]);
		// Each early callback is answered 200, naming a job that is still running (the first call may
		// name either of the two; the checks start at a random job).
		const answers = waiting.calls.slice(callsBefore).map((call) => call.result.body.ignored);
		expect([
			`the run still waits for job ${ids[0]}`,
			`the run still waits for job ${ids[1]}`,
		]).toContain(answers[0]);
		expect(answers[1]).toBe(`the run still waits for job ${ids[1]}`);
		await finishAndCall(1);
		const resumed = await waiting.resumed(run);
		expect(waiting.calls.slice(callsBefore).map((call) => call.resumed)).toEqual([
			false,
			false,
			true,
		]);
		const output = resumed.output('SIC');
		expect(output.map((item) => item.json.jobId)).toEqual(ids);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output.map((item) => item.json.durationSeconds)).toEqual([7, 9, 11]);
	});

	test("a failed job becomes its item's error (on the error output), the others their transcripts", async () => {
		const node = {
			...create({ audioUrl: '={{ $json.url }}', waitMode: 'callback' }),
			onError: 'continueErrorOutput',
		};
		const { run } = await start(urls('a.mp3', 'fail-decode.mp3'), node, credentials());
		await until(() => emu.heldWebhooks().length === 2);
		const ids = jobIdsOf('a.mp3', 'fail-decode.mp3');
		await emu.releaseWebhook(ids[1]);
		const resumed = await waiting.resumed(run);
		expect(resumed.output('SIC', 0).map((item) => [item.json.jobId, item.pairedItem])).toEqual([
			[ids[0], { item: 0 }],
		]);
		const errors = resumed.output('SIC', 1);
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 1 });
		// The reason comes from the callback itself (Speech is Cheap's GET of a failed job has none).
		expect(errors[0].json.error).toBe(
			`Speech is Cheap job ${ids[1]} failed: Could not decode the audio file`,
		);
	});

	test('a callback without the job token, or with another one, neither resumes nor changes the wait', async () => {
		const node = create({ audioUrl: '={{ $json.url }}', waitMode: 'callback' });
		const { run } = await start(urls('a.mp3'), node, credentials());
		await until(() => emu.heldWebhooks().length === 1);
		const [job] = [...emu.jobs.values()];
		const genuine = new URL(job.params.webhook_url);
		const post = async (url) =>
			await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ id: job.id, status: 'COMPLETED' }),
			});

		const noToken = new URL(genuine);
		noToken.searchParams.delete('token');
		expect((await post(noToken)).status).toBe(401);
		const forged = new URL(genuine);
		forged.searchParams.set('token', 'f'.repeat(48));
		expect((await post(forged)).status).toBe(403);
		const otherRun = new URL(genuine);
		otherRun.pathname = otherRun.pathname.replace(/\/\d+$/, '/999');
		expect((await post(otherRun)).status).toBe(404);
		expect(waiting.calls.slice(-3).every((call) => !call.resumed)).toBe(true);

		await emu.releaseWebhook(job.id);
		const resumed = await waiting.resumed(run);
		expect(resumed.output('SIC')[0].json.status).toBe('completed');
	});

	test('when the limit passes, each item is exactly { provider, jobId, status, error }, with a message true for each job', async () => {
		finishByHand = true;
		const node = create({ audioUrl: '={{ $json.url }}', waitMode: 'callback', maxWaitMinutes: 5 });
		const { run } = await start(urls('a.mp3', 'b.mp3'), node, credentials());
		await until(() => emu.jobs.size === 2 && [...emu.jobs.values()].every((job) => job.finishNow));
		const ids = jobIdsOf('a.mp3', 'b.mp3');
		// Job a finishes and calls back before Max Wait; job b is still running then.
		emu.finishJob(ids[0]);
		expect((await emu.releaseWebhook(ids[0])).status).toBe(200);
		expect((await waiting.track(run)).status).toBe('waiting');
		const timedOut = await waiting.timeout(run);
		expect(timedOut.status).toBe('success');
		const output = timedOut.output('SIC');
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		output.forEach((item, index) => {
			// The provider ID as in transcripts, no token or other waiting state, and no claim that a
			// job "did not call back": whether it did is not known when Max Wait passes.
			expect(item.json).toEqual({
				provider: 'speechischeap',
				jobId: ids[index],
				status: 'waiting',
				error: `The run stopped waiting for Speech is Cheap after 5 minutes, before all of its jobs had finished, so the result of job ${ids[index]} was not collected. The job may have finished since or may still finish: use Get with this job ID.`,
			});
			expect(JSON.stringify(item)).not.toContain(
				new URL(emu.jobs.get(ids[index]).params.webhook_url).searchParams.get('token'),
			);
		});
		// The run is over: a late callback finds nothing waiting.
		emu.finishJob(ids[1]);
		const late = await emu.releaseWebhook(ids[1]);
		expect(late.status).toBe(409);
	});

	test('mixing Wait for Callback with another wait mode is refused before anything is submitted', async () => {
		const node = create({
			audioUrl: '={{ $json.url }}',
			waitMode: "={{ $json.url.endsWith('b.mp3') ? 'poll' : 'callback' }}",
		});
		const { result } = await start(urls('a.mp3', 'b.mp3'), node, credentials());
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(
			'Wait for Callback must be chosen for every item of the run, or for none',
		);
		expect(emu.jobs.size).toBe(0);
	});
});

describe('AudioToTextAI: Transcribe with Wait for Callback', () => {
	let emu;
	const credentials = () => ({ audioToTextAiApi: { apiKey: 'a2t_test', baseUrl: emu.url } });
	const binaryItem = (name, content) => ({
		json: { name },
		binary: { data: { content, fileName: name, mimeType: 'audio/mpeg' } },
	});
	const transcribe = (parameters) => ({
		name: 'A2T',
		type: 'audioToTextAi',
		parameters: {
			resource: 'transcription',
			operation: 'transcribe',
			inputType: 'binary',
			maxWaitMinutes: 30,
			...parameters,
		},
	});
	const statusCalls = () =>
		emu.requests.filter(
			(r) => r.method === 'GET' && /^\/api\/v1\/transcribe\/[^/]+\/?$/.test(r.path),
		);

	beforeAll(async () => {
		// The second file takes 2 s longer, so its job is still running when the first one calls back.
		emu = await startAudioToTextAiEmulator({
			processingDelayMs: (input) => (/second/.test(input.name ?? '') ? 2500 : 100),
		});
	});
	afterAll(async () => await emu.close());

	test('uploads two files, waits without polling, resumes once both called back: output as polling', async () => {
		const input = [
			binaryItem('first.mp3', AUDIO['/b.mp3']),
			binaryItem('second.mp3', AUDIO['/c.mp3']),
		];
		const node = transcribe({ waitMode: 'callback', options: { diarization: true } });
		const { run, result } = await start(input, node, credentials());
		expect(result.status).toBe('waiting');
		expect(statusCalls()).toHaveLength(0);
		const callsBefore = waiting.calls.length;
		const resumed = await waiting.resumed(run);
		const calls = waiting.calls.slice(callsBefore);
		expect(calls.map((call) => [call.result.status, call.resumed])).toEqual([
			[200, false],
			[200, true],
		]);
		// Checks were made only when callbacks came: the first checked the caller's job and found the
		// other still running; the last checked both.
		await until(() => emu.webhooks.length === 2);
		expect(statusCalls()).toHaveLength(2 + 2);
		// The files are submitted in parallel: each item's job is the one made from its own file.
		const idOf = (file) => [...emu.jobs.values()].find((job) => job.source.filename === file).id;
		const ids = [idOf('first.mp3'), idOf('second.mp3')];
		const output = resumed.output('A2T');
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output.map((item) => item.json.jobId)).toEqual([...ids]);

		const polled = await runWorkflow({
			input,
			nodes: [
				transcribe({ waitMode: 'poll', pollIntervalSeconds: 0.1, options: { diarization: true } }),
			],
			credentials: credentials(),
		}).result;
		expect(comparable(output)).toEqual(comparable(polled.output('A2T')));
	});
});

describe('TranscribeAPI: Transcribe and Transcribe Batch with Wait for Callback', () => {
	let emu;
	const credentials = () => ({ transcribeApiApi: { apiKey: 'test-key', baseUrl: emu.url } });
	const audio = (name, content) => ({
		json: { name },
		binary: { data: { content, fileName: name, mimeType: 'audio/mpeg' } },
	});
	const node = (operation, parameters = {}) => ({
		name: 'TranscribeAPI',
		type: 'transcribeApi',
		parameters: {
			resource: 'transcription',
			operation,
			waitMode: 'callback',
			maxWaitMinutes: 60,
			...parameters,
		},
	});
	const statusCalls = () =>
		emu.requests.filter((r) => r.method === 'GET' && /^\/v1\/transcribe\/[^/]+$/.test(r.path));

	beforeAll(async () => {
		emu = await startTranscribeApiEmulator({ apiKey: 'test-key', processingDelayMs: 50 });
	});
	afterAll(async () => await emu.close());

	test('Transcribe: a short file still goes through a job; the signed callback resumes the run', async () => {
		const { run, result } = await start(
			[audio('talk.mp3', AUDIO['/a.mp3'])],
			node('transcribe', { subtitleFormat: 'vtt' }),
			credentials(),
		);
		expect(result.status).toBe('waiting');
		const [hook] = await until(() => emu.webhooks.length === 1).then(() => emu.webhooks);
		const resumed = await waiting.resumed(run);
		expect(statusCalls()).toHaveLength(0); // the signed callback alone says the job is done
		expect(emu.requests.some((r) => r.method === 'POST' && r.path === '/v1/transcribe')).toBe(
			false,
		);
		const [item] = resumed.output('TranscribeAPI');
		expect(item.json).toMatchObject({
			provider: 'transcribeapi',
			jobId: hook.jobId,
			status: 'completed',
		});
		expect(item.json.text).toMatch(/^Transcript of .+ It has 7000 bytes\./);
		expect(item.binary.subtitles.fileName).toBe(`transcript-${hook.jobId}.vtt`);

		// The same job read later with Get Result gives the same output.
		const later = await runWorkflow({
			input: [{ json: {} }],
			nodes: [
				{
					name: 'TranscribeAPI',
					type: 'transcribeApi',
					parameters: { resource: 'transcription', operation: 'getResult', jobId: hook.jobId },
				},
			],
			credentials: credentials(),
		}).result;
		const { referenceId, ...fromGetResult } = later.output('TranscribeAPI')[0].json;
		expect(referenceId).toBe('file_000001');
		expect(fromGetResult).toEqual(item.json);
	});

	test("Transcribe Batch: three items share one job and one callback; a failed file is its item's error", async () => {
		const input = [
			audio('one.mp3', AUDIO['/a.mp3']),
			audio('two.mp3', Buffer.concat([Buffer.from('FAIL'), AUDIO['/b.mp3']])),
			audio('three.mp3', AUDIO['/c.mp3']),
		];
		const hooksBefore = emu.webhooks.length;
		const { run, result } = await start(
			input,
			{ ...node('transcribeBatch'), onError: 'continueRegularOutput' },
			credentials(),
		);
		expect(result.status).toBe('waiting');
		const resumed = await waiting.resumed(run);
		expect(emu.webhooks.length - hooksBefore).toBe(1);
		const output = resumed.output('TranscribeAPI');
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json).toMatchObject({ referenceId: 'item_0', status: 'completed' });
		expect(output[0].json.text).toMatch(/^Transcript of item_0\./);
		expect(output[1].json.error).toMatch(/^File item_1 of TranscribeAPI job .+ failed: /);
		expect(output[2].json).toMatchObject({ referenceId: 'item_2', status: 'completed' });
	});

	test('the webhook key document is read once per run, not once per callback', async () => {
		const keyFetches = () =>
			emu.requests.filter(
				(r) => r.method === 'GET' && r.path === '/.well-known/transcribeapi-webhook-keys.json',
			).length;
		const before = keyFetches();
		const hooksBefore = emu.webhooks.length;
		const input = [
			audio('k1.mp3', AUDIO['/a.mp3']),
			audio('k2.mp3', AUDIO['/b.mp3']),
			audio('k3.mp3', AUDIO['/c.mp3']),
		];
		const { run, result } = await start(input, node('transcribe'), credentials());
		expect(result.status).toBe('waiting');
		const resumed = await waiting.resumed(run);
		expect(emu.webhooks.length - hooksBefore).toBe(3);
		expect(resumed.output('TranscribeAPI').map((item) => item.json.status)).toEqual([
			'completed',
			'completed',
			'completed',
		]);
		// Three signed callbacks, each checked against the key kept in the execution.
		expect(keyFetches() - before).toBe(1);
	});

	test('a call with the token but without a valid TranscribeAPI signature does not resume the run', async () => {
		const slow = await startTranscribeApiEmulator({
			apiKey: 'test-key',
			processingDelayMs: 60_000,
		});
		try {
			const creds = { transcribeApiApi: { apiKey: 'test-key', baseUrl: slow.url } };
			const { run } = await start([audio('talk.mp3', AUDIO['/a.mp3'])], node('transcribe'), creds);
			const job = [...slow.jobs.values()][0];
			const body = JSON.stringify({
				type: 'transcription.completed',
				job_id: job.id,
				status: 'completed',
				result_url: `${slow.url}/results/${job.id}`,
			});
			const genuine = slow.signPayload(body);
			const post = async (headers, payload = body) =>
				(
					await fetch(job.webhookUrl, {
						method: 'POST',
						headers: { 'content-type': 'application/json', ...headers },
						body: payload,
					})
				).status;
			expect(await post({})).toBe(401); // unsigned
			expect(await post(genuine.headers, body.replace('completed', 'completed '))).toBe(401); // tampered
			const stale = slow.signPayload(body, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
			expect(await post(stale.headers)).toBe(401);
			expect(waiting.calls.slice(-3).every((call) => !call.resumed)).toBe(true);
			expect((await waiting.track(run)).status).toBe('waiting');
		} finally {
			await slow.close();
		}
	});
});
