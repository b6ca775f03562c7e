// Engine tests: the AudioToTextAI node in real workflows inside n8n's execution engine, against the
// AudioToTextAI emulator over HTTP on 127.0.0.1.
const { runWorkflow, readBinary, testCredential, setup, cleanup } = require('../harness/engine');
const { startAudioToTextAiEmulator, LANGUAGES } = require('../emulators/audiototextai');
const { startFileServer, sha256, until } = require('../support/servers');

let emu;
let files;
const credentials = () => ({ audioToTextAiApi: { apiKey: 'a2t_test', baseUrl: emu.url } });

const audioBytes = (seed, seconds) => Buffer.from(seed.repeat(Math.ceil((seconds * 1000) / seed.length)).slice(0, seconds * 1000));
const described = (name, content) => `${name} (${content.length} bytes, ${sha256(content).slice(0, 8)})`;

function binaryItem(name, content) {
	return { json: { name }, binary: { data: { content, fileName: name, mimeType: 'audio/mpeg' } } };
}

function a2t(parameters, extra = {}) {
	return { name: 'A2T', type: 'audioToTextAi', parameters: { resource: 'transcription', ...parameters }, ...extra };
}

const poll = { waitMode: 'poll', pollIntervalSeconds: 0.1 };

async function run(input, node, creds = credentials()) {
	const { result } = runWorkflow({ input, nodes: [node], credentials: creds });
	return await result;
}

const posts = () => emu.requests.filter((r) => r.method === 'POST');
const jobGets = () => emu.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/transcribe/'));

const PODCAST = audioBytes('podcast-', 25);

async function restart(options) {
	await emu.close();
	emu = await startAudioToTextAiEmulator(options);
}

beforeAll(async () => {
	emu = await startAudioToTextAiEmulator({ processingDelayMs: 200 });
	files = await startFileServer({ '/podcast.mp3': { content: PODCAST }, '/fail-noise.mp3': { content: audioBytes('x', 5) } });
});
beforeEach(() => emu.reset());
afterAll(async () => {
	await emu.close();
	await files.close();
	cleanup();
});

describe('Transcribe', () => {
	test('a binary file with every option, polled through pending and processing to completed', async () => {
		const content = audioBytes('interview-', 25);
		const result = await run(
			[binaryItem('interview.mp3', content)],
			a2t({
				operation: 'transcribe',
				...poll,
				model: 'whisper-turbo',
				language: 'fr',
				options: {
					diarization: true,
					summary: true,
					timestamps: true,
					wordTimestamps: true,
					vocabulary: 'n8n, AudioToTextAI',
					webhookUrl: 'http://127.0.0.1:9/never',
				},
			}),
		);
		expect(result.status).toBe('success');
		const [item] = result.output('A2T');
		const job = emu.jobs.get(item.json.jobId);
		expect(job.source).toMatchObject({ type: 'file', filename: 'interview.mp3', bytes: content.length, sha256: sha256(content) });
		expect(job.options).toEqual({
			model: 'whisper-turbo',
			language: 'fr',
			diarization: true,
			timestamps: true,
			word_timestamps: true,
			summary: true,
			vocabulary: ['n8n', 'AudioToTextAI'],
			webhook_url: 'http://127.0.0.1:9/never',
		});
		const id = described('interview.mp3', content);
		expect(item.json).toMatchObject({
			provider: 'audiototextai',
			status: 'completed',
			text: `Part 1 of ${id}. Part 2 of ${id}. Part 3 of ${id}.`,
			language: 'fr',
			durationSeconds: 25,
			summary: 'Summary of interview.mp3: 3 part(s).',
		});
		expect(item.json.segments.map((s) => [s.start, s.end, s.speaker])).toEqual([
			[0, 8.333, 'Host'],
			[8.333, 16.667, 'Guest'],
			[16.667, 25, 'Host'],
		]);
		expect(item.json.segments[0].words[0]).toMatchObject({ text: 'Part', start: 0 });
		// Every status check asked for segments.
		expect(jobGets().every((r) => r.query.segments === 'true')).toBe(true);
	});

	test('a URL, fetched by AudioToTextAI itself, and a YouTube link', async () => {
		const result = await run(
			[{ json: { url: `${files.url}/podcast.mp3` } }, { json: { url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' } }],
			a2t({ operation: 'transcribe', inputType: 'url', audioUrl: '={{ $json.url }}', ...poll }),
		);
		const [podcast, video] = result.output('A2T');
		expect(podcast.json.text).toContain(`Part 1 of ${described('podcast.mp3', PODCAST)}.`);
		expect(video.json).toMatchObject({ status: 'completed', durationSeconds: 212 });
		expect(video.json.text).toMatch(/^Part 1 of youtube-dQw4w9WgXcQ /);
		expect(posts().map((r) => r.path)).toEqual(['/api/v1/transcribe/url/', '/api/v1/transcribe/url/']);
		expect(files.requests.filter((r) => r.url === '/podcast.mp3')).toHaveLength(1);
	});

	test('three items give three outputs, paired to their inputs', async () => {
		const contents = ['a', 'bb', 'ccc'].map((seed, i) => audioBytes(seed, 4 + i));
		const input = contents.map((content, i) => binaryItem(`clip${i}.wav`, content));
		const result = await run(input, a2t({ operation: 'transcribe', ...poll }));
		const output = result.output('A2T');
		expect(output.map((item) => [item.json.text, item.pairedItem.item])).toEqual(
			contents.map((content, i) => [`Part 1 of ${described(`clip${i}.wav`, content)}.`, i]),
		);
	});

	test("Don't Wait returns the job; Get finishes it with segments, as SRT, and raw", async () => {
		const submitted = await run([binaryItem('later.mp3', PODCAST)], a2t({ operation: 'transcribe', waitMode: 'none' }));
		const job = submitted.output('A2T')[0].json;
		expect(job).toMatchObject({ provider: 'audiototextai', status: 'processing', text: null });
		expect(jobGets()).toHaveLength(0);
		await until(() => emu.jobs.get(job.jobId).status === 'completed');

		const got = await run([{ json: job }], a2t({ operation: 'get', subtitleFormat: 'srt' }));
		const [item] = got.output('A2T');
		expect(item.json).toMatchObject({ jobId: job.jobId, status: 'completed', durationSeconds: 25 });
		expect(item.json.segments).toHaveLength(3);
		expect(jobGets().at(-1)).toMatchObject({ path: `/api/v1/transcribe/${job.jobId}/`, query: { segments: 'true' } });
		const srt = (await readBinary(item.binary.subtitles)).toString();
		expect(srt).toBe(
			[1, 2, 3]
				.map((n, i) => `${n}\n${['00:00:00,000', '00:00:08,333', '00:00:16,667'][i]} --> ${['00:00:08,333', '00:00:16,667', '00:00:25,000'][i]}\nPart ${n} of ${described('later.mp3', PODCAST)}.`)
				.join('\n\n') + '\n',
		);

		const raw = await run([{ json: job }], a2t({ operation: 'get', segments: false, output: 'raw' }));
		expect(raw.output('A2T')[0].json).toEqual({
			id: job.jobId,
			status: 'completed',
			transcript: item.json.text,
			duration_seconds: 25,
			language: 'en',
			credits_used: 1,
		});
	});

	test('a job read while processing shows its status; Get of an unknown ID is a 404 with the message', async () => {
		await restart({ processingDelayMs: 60_000 });
		const submitted = await run([binaryItem('slow.mp3', PODCAST)], a2t({ operation: 'transcribe', waitMode: 'none' }));
		const { jobId } = submitted.output('A2T')[0].json;
		const pending = await run([{ json: { jobId } }], a2t({ operation: 'get', output: 'raw' }));
		expect(pending.output('A2T')[0].json).toEqual({ id: jobId, status: 'pending' });
		const missing = await run([{ json: { jobId: 'nope' } }], a2t({ operation: 'get' }));
		expect(missing.error.message).toBe('AudioToTextAI: Transcription not found (not_found)');
		expect(missing.error.description).toContain('check the job ID');
		await restart({ processingDelayMs: 200 });
	});

	test('a failed job fails its item with error_message; the other items succeed', async () => {
		const input = [binaryItem('fail-corrupt.mp3', PODCAST), binaryItem('fine.mp3', PODCAST)];
		const result = await run(input, a2t({ operation: 'transcribe', ...poll }, { onError: 'continueRegularOutput' }));
		const [failed, fine] = result.output('A2T');
		expect(failed.json.error).toMatch(/^AudioToTextAI job [\w-]+ failed: Audio file could not be decoded$/);
		expect(failed.pairedItem).toEqual({ item: 0 });
		expect(fine.json.status).toBe('completed');

		const stopped = await run([input[0]], a2t({ operation: 'transcribe', ...poll }));
		expect(stopped.error.message).toMatch(/failed: Audio file could not be decoded$/);
	});

	test('402 insufficient_credits names the credits, with a top-up hint; nothing is resent', async () => {
		await restart({ processingDelayMs: 200, credits: 1 });
		const result = await run([binaryItem('huge.mp3', audioBytes('h', 130))], a2t({ operation: 'transcribe', ...poll }));
		expect(result.error.message).toBe(
			'AudioToTextAI: You have 1 credits remaining but this transcription requires 3 credits. (insufficient_credits)',
		);
		expect(result.error.description).toContain('buy credits');
		expect(posts()).toHaveLength(1);
		await restart({ processingDelayMs: 200 });
	});

	test('status answers with numbers as strings and the older field names are read the same', async () => {
		await restart({ processingDelayMs: 100, stringNumbers: true, legacyFields: true });
		const result = await run([binaryItem('legacy.mp3', PODCAST)], a2t({ operation: 'transcribe', ...poll }));
		const [item] = result.output('A2T');
		expect(item.json).toMatchObject({ status: 'completed', durationSeconds: 25, text: expect.stringContaining('legacy.mp3') });
		expect(item.json.jobId).toBe([...emu.jobs.keys()][0]);
		expect(item.json.segments[1]).toMatchObject({ start: 8.333, end: 16.667 });
		await restart({ processingDelayMs: 200 });
	});

	test('5xx and 429 on status checks are waited out', async () => {
		emu.injectFault({ method: 'GET', path: '/api/v1/transcribe/', type: '429', retryAfter: 1 });
		emu.injectFault({ method: 'GET', path: '/api/v1/transcribe/', type: 'status', status: 503 });
		const result = await run([binaryItem('bumpy.mp3', PODCAST)], a2t({ operation: 'transcribe', ...poll }));
		expect(result.output('A2T')[0].json.status).toBe('completed');
		expect(jobGets().slice(0, 2).map((r) => r.status)).toEqual([429, 503]);
	});
});

describe('Language', () => {
	test('Get Many lists the languages from the API', async () => {
		const result = await run([{ json: {} }, { json: {} }], a2t({ resource: 'language', operation: 'getMany' }));
		expect(result.output('A2T').map((item) => item.json)).toEqual(LANGUAGES);
		expect(emu.requests.filter((r) => r.path === '/api/v1/languages/')).toHaveLength(1);
	});

	test('the language dropdown loads from the API, with a static fallback', async () => {
		const { loader } = await setup();
		const { getLanguages } = loader.getNode('audioToTextAi').type.methods.loadOptions;
		// A load-options context as n8n gives one: credentials, and requests with the credential applied.
		const context = (apiKey) => ({
			getNode: () => ({ name: 'A2T', type: 'n8n-nodes-transcription.audioToTextAi' }),
			getCredentials: async () => ({ apiKey, baseUrl: emu.url }),
			helpers: {
				httpRequestWithAuthentication: async (_type, options) => {
					const response = await fetch(options.url, { headers: { ...options.headers, Authorization: `Bearer ${apiKey}` } });
					return { statusCode: response.status, headers: {}, body: await response.json() };
				},
			},
		});
		const loaded = await getLanguages.call(context('a2t_test'));
		expect(loaded).toEqual(LANGUAGES.map((l) => ({ name: l.name, value: l.code })));
		const fallback = await getLanguages.call(context('not-set-yet'));
		expect(fallback[0]).toEqual({ name: 'Auto-detect', value: '' });
		expect(fallback.map((o) => o.value)).toContain('es');
	});
});

describe('credential test', () => {
	test('a valid key passes and a wrong key fails', async () => {
		expect(await testCredential('audioToTextAiApi', { apiKey: 'a2t_test', baseUrl: emu.url })).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		const wrong = await testCredential('audioToTextAiApi', { apiKey: 'bad', baseUrl: emu.url });
		expect(wrong).toEqual({ status: 'Error', message: expect.stringContaining('rejected the API key') });
	});
});
