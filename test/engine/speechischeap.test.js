// Engine tests: the Speech is Cheap node in real workflows inside n8n's execution engine, against
// the Speech is Cheap emulator (API host and upload host) over HTTP on 127.0.0.1.
const { runWorkflow, readBinary, testCredential, cleanup } = require('../harness/engine');
const { startSpeechIsCheapEmulator } = require('../emulators/speechischeap');
const { startFileServer, sha256, until } = require('../support/servers');

let emu;
let files;
const credentials = () => ({ speechIsCheapApi: { apiKey: 'sk_test', baseUrl: emu.url, uploadBaseUrl: emu.uploadUrl } });

/** Audio of `seconds` seconds at the emulator's 1000 bytes per second. */
const audioBytes = (seed, seconds = 8) => Buffer.from(seed.repeat(Math.ceil((seconds * 1000) / seed.length)).slice(0, seconds * 1000));
const described = (name, content) => `${name} (${content.length} bytes, ${sha256(content).slice(0, 8)})`;

function binaryItem(name, content) {
	return { json: { name }, binary: { data: { content, fileName: name, mimeType: 'audio/mpeg' } } };
}

function sic(parameters, extra = {}) {
	return { name: 'SIC', type: 'speechIsCheap', parameters: { resource: 'job', ...parameters }, ...extra };
}

const poll = { waitMode: 'poll', pollIntervalSeconds: 0.1 };
const create = (parameters) => sic({ operation: 'create', inputType: 'url', ...poll, ...parameters });

async function run(input, node, creds = credentials()) {
	const { result } = runWorkflow({ input, nodes: [node], credentials: creds });
	return await result;
}

const creates = () => emu.requests.filter((r) => r.method === 'POST' && r.path === '/v2/jobs/');
const gets = () => emu.requests.filter((r) => r.method === 'GET' && /^\/v2\/jobs\/[^/]+-sic$/.test(r.path));

const AUDIO = {
	'/talk.mp3': audioBytes('talk-', 8),
	'/long.mp3': audioBytes('long-', 20),
	'/a.mp3': audioBytes('a', 7),
	'/b.mp3': audioBytes('bb', 9),
	'/c.mp3': audioBytes('ccc', 11),
	'/short.mp3': audioBytes('s', 3),
	'/fail-decode.mp3': audioBytes('f', 8),
};

beforeAll(async () => {
	emu = await startSpeechIsCheapEmulator({ processingDelayMs: 150 });
	files = await startFileServer(Object.fromEntries(Object.entries(AUDIO).map(([path, content]) => [path, { content }])));
});
beforeEach(() => emu.reset());
afterAll(async () => {
	await emu.close();
	await files.close();
	cleanup();
});

describe('Create', () => {
	test('from a URL with every documented option, polled until done', async () => {
		const result = await run(
			[{ json: {} }],
			create({
				audioUrl: `${files.url}/long.mp3`,
				options: {
					labelAudio: true,
					parseSpeakers: true,
					parseWords: true,
					hotwords: 'n8n, Speech is Cheap',
					isPrivate: true,
					language: 'de',
					minimumConfidence: 0.88,
					prompt: 'Ein technisches Gespräch',
					segmentDuration: 6,
					userAgent: 'n8n-test-agent/1.0',
					webhookUrl: 'http://127.0.0.1:9/never-called',
				},
			}),
		);
		expect(result.status).toBe('success');
		const [item] = result.output('SIC');
		const job = emu.jobs.get(item.json.jobId);
		expect(creates()[0].host).toBe('api');
		expect(job.params).toEqual({
			input_url: `${files.url}/long.mp3`,
			can_label_audio: true,
			can_parse_speakers: true,
			can_parse_words: true,
			hotwords: 'n8n, Speech is Cheap',
			is_private: true,
			language: 'de',
			minimum_confidence: 0.88,
			prompt: 'Ein technisches Gespräch',
			segment_duration: 6,
			user_agent: 'n8n-test-agent/1.0',
			webhook_url: 'http://127.0.0.1:9/never-called',
		});
		expect(job.fetchedWith).toBe('n8n-test-agent/1.0');
		expect(job.request.input_url).toBe('[redacted]');
		// 20 s in 6 s segments: four, confidence 0.95/0.9/0.85/0.95; the 0.85 one is below 0.88.
		const id = described('long.mp3', AUDIO['/long.mp3']);
		expect(item.json).toMatchObject({
			provider: 'speechischeap',
			status: 'completed',
			language: 'de',
			durationSeconds: 20,
			text: `Part 1 of ${id}. Part 2 of ${id}. Part 4 of ${id}.`,
		});
		expect(item.json.segments.map((s) => [s.start, s.end, s.speaker])).toEqual([
			[0, 6, 'A'],
			[6, 12, 'B'],
			[18, 20, 'B'],
		]);
		expect(item.json.segments[0].words[0]).toEqual({ start: 0, end: expect.any(Number), text: 'Part' });
		// The URL went to Speech is Cheap as is: n8n downloaded nothing.
		expect(files.requests.filter((r) => r.url === '/long.mp3')).toHaveLength(1);
	});

	test('from a binary file, streamed to the upload host as input_file', async () => {
		const content = audioBytes('upload-', 10);
		const result = await run([binaryItem('meeting.mp3', content)], sic({ operation: 'create', inputType: 'binary', ...poll }));
		const [item] = result.output('SIC');
		expect(item.json.text).toBe(`Part 1 of ${described('meeting.mp3', content)}.`);
		expect(creates().map((r) => r.host)).toEqual(['upload']);
		const job = emu.jobs.get(item.json.jobId);
		expect(job.upload).toMatchObject({ filename: 'meeting.mp3', bytes: content.length, sha256: sha256(content) });
	});

	test('three items give three outputs, paired to their inputs', async () => {
		const input = ['a', 'b', 'c'].map((name) => ({ json: { url: `${files.url}/${name}.mp3` } }));
		const result = await run(input, create({ audioUrl: '={{ $json.url }}' }));
		const output = result.output('SIC');
		expect(output.map((item) => item.json.text)).toEqual([
			`Part 1 of ${described('a.mp3', AUDIO['/a.mp3'])}.`,
			`Part 1 of ${described('b.mp3', AUDIO['/b.mp3'])}.`,
			`Part 1 of ${described('c.mp3', AUDIO['/c.mp3'])}.`,
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	test("Don't Wait returns the pending job; Get finishes it as JSON, raw JSON, SRT and VTT", async () => {
		const submitted = await run([{ json: {} }], create({ audioUrl: `${files.url}/talk.mp3`, waitMode: 'none' }));
		const job = submitted.output('SIC')[0].json;
		expect(job).toMatchObject({ provider: 'speechischeap', status: 'queued', text: null, segments: [] });
		expect(gets()).toHaveLength(0);
		await until(() => emu.jobs.get(job.jobId).status === 'COMPLETED');

		const got = await run([{ json: job }], sic({ operation: 'get' }));
		expect(got.output('SIC')[0].json).toMatchObject({ jobId: job.jobId, status: 'completed', durationSeconds: 8 });
		const raw = await run([{ json: job }], sic({ operation: 'get', output: 'raw' }));
		expect(raw.output('SIC')[0].json).toMatchObject({ id: job.jobId, status: 'COMPLETED', output: { segments: expect.any(Array) } });
		// GET /v2/jobs/:id has no trailing slash.
		expect(gets().map((r) => r.path)).toEqual([`/v2/jobs/${job.jobId}`, `/v2/jobs/${job.jobId}`]);

		const srt = await run([{ json: job }], sic({ operation: 'get', format: 'srt' }));
		const [srtItem] = srt.output('SIC');
		expect(srtItem.json).toEqual({ jobId: job.jobId, format: 'srt' });
		expect(srtItem.binary.subtitles).toMatchObject({ mimeType: 'application/x-subrip', fileName: `transcript-${job.jobId}.srt` });
		expect((await readBinary(srtItem.binary.subtitles)).toString()).toBe(
			`1\n00:00:00,000 --> 00:00:08,000\nPart 1 of ${described('talk.mp3', AUDIO['/talk.mp3'])}.\n`,
		);
		expect(emu.requests.at(-1).query).toEqual({ output_format: 'srt' });

		const vtt = await run([{ json: job }], sic({ operation: 'get', format: 'vtt', binaryPropertyName: 'captions' }));
		const text = (await readBinary(vtt.output('SIC')[0].binary.captions)).toString();
		expect(text.startsWith('WEBVTT\n\n00:00:00.000 --> 00:00:08.000\nPart 1 of talk.mp3')).toBe(true);
	});

	test('Get as SRT of an unfinished job says there are no subtitles yet', async () => {
		await emu.close();
		emu = await startSpeechIsCheapEmulator({ processingDelayMs: 60_000 });
		const submitted = await run([{ json: {} }], create({ audioUrl: `${files.url}/talk.mp3`, waitMode: 'none' }));
		const srt = await run([{ json: submitted.output('SIC')[0].json }], sic({ operation: 'get', format: 'srt' }));
		expect(srt.error.message).toMatch(/^Speech is Cheap job .+-sic has no subtitles yet$/);
		expect(srt.error.description).toContain('The job is queued');
		await emu.close();
		emu = await startSpeechIsCheapEmulator({ processingDelayMs: 150 });
	});

	test('Stream reads the event stream to the end and gives the same transcript as polling', async () => {
		await emu.close();
		// Every write is split into 7-byte pieces: events arrive cut anywhere.
		emu = await startSpeechIsCheapEmulator({ processingDelayMs: 200, streamChunkBytes: 7, progressIntervalMs: 20 });
		const parameters = { audioUrl: `${files.url}/long.mp3`, options: { segmentDuration: 6, parseSpeakers: true }, subtitleFormat: 'vtt' };
		const streamed = await run([{ json: {} }], create({ ...parameters, waitMode: 'stream' }));
		const polled = await run([{ json: {} }], create(parameters));
		const [fromStream] = streamed.output('SIC');
		const [fromPoll] = polled.output('SIC');
		expect(fromStream.json.status).toBe('completed');
		expect(fromStream.json.segments).toHaveLength(4);
		const { jobId: _a, ...streamRest } = fromStream.json;
		const { jobId: _b, ...pollRest } = fromPoll.json;
		expect(streamRest).toEqual(pollRest);
		expect(fromStream.json.jobId).toMatch(/-sic$/);
		expect((await readBinary(fromStream.binary.subtitles)).toString()).toBe((await readBinary(fromPoll.binary.subtitles)).toString());
		// The streamed job was never polled; the create call asked for the stream.
		const streamedCreate = creates()[0];
		expect(gets().filter((r) => r.jobId === fromStream.json.jobId)).toHaveLength(0);
		expect(emu.jobs.get(fromStream.json.jobId).params.can_stream_output).toBe(true);
		expect(streamedCreate.status).toBe(200);
		await emu.close();
		emu = await startSpeechIsCheapEmulator({ processingDelayMs: 150 });
	});

	test('Stream with three binary files: each stream read to its end, outputs paired', async () => {
		const contents = ['one', 'two', 'three'].map((seed, i) => audioBytes(seed, 7 + i));
		const input = contents.map((content, i) => binaryItem(`part${i}.mp3`, content));
		const result = await run(input, sic({ operation: 'create', inputType: 'binary', waitMode: 'stream' }));
		expect(result.output('SIC').map((item) => [item.json.text, item.pairedItem.item])).toEqual(
			contents.map((content, i) => [`Part 1 of ${described(`part${i}.mp3`, content)}.`, i]),
		);
		expect(creates().map((r) => [r.host, r.status])).toEqual(Array(3).fill(['upload', 200]));
	});

	test('a failed job fails its item with the provider message; the other items succeed', async () => {
		const input = [{ json: { url: `${files.url}/fail-decode.mp3` } }, { json: { url: `${files.url}/short.mp3` } }, { json: { url: `${files.url}/a.mp3` } }];
		const streamed = await run(input, create({ audioUrl: '={{ $json.url }}', waitMode: 'stream' }));
		expect(streamed.error.message).toMatch(/^Speech is Cheap job .+-sic failed: Could not decode the audio file$/);

		const result = await run(input, { ...create({ audioUrl: '={{ $json.url }}', waitMode: 'stream' }), onError: 'continueRegularOutput' });
		const output = result.output('SIC');
		expect(output[0].json.error).toMatch(/failed: Could not decode the audio file$/);
		expect(output[1].json.error).toMatch(/failed: Audio must be between six seconds and 24 hours long \(got 3 s\)$/);
		expect(output[2].json.status).toBe('completed');
		expect(output.map((item) => item.pairedItem.item)).toEqual([0, 1, 2]);

		// Polling: the GET of a FAILED job carries no reason (only the webhook does); the item says where to find it.
		const polled = await run([input[0]], { ...create({ audioUrl: '={{ $json.url }}' }), onError: 'continueRegularOutput' });
		expect(polled.output('SIC')[0].json.error).toMatch(/^Speech is Cheap job .+-sic failed$/);
		expect(polled.output('SIC')[0].json.details).toContain('only in its webhook');
	});

	test('a GET that does carry the error text surfaces it while polling', async () => {
		await emu.close();
		emu = await startSpeechIsCheapEmulator({ processingDelayMs: 50, failedGetIncludesError: true });
		const result = await run([{ json: {} }], create({ audioUrl: `${files.url}/fail-decode.mp3` }));
		expect(result.error.message).toMatch(/failed: Could not decode the audio file$/);
		await emu.close();
		emu = await startSpeechIsCheapEmulator({ processingDelayMs: 150 });
	});

	test('plain-text 400s reach the user; a 429 on create is retried, a dropped create is not resent', async () => {
		// The node checks the language itself now (issue 17, item 11), so a 400 is injected.
		const german = await run([{ json: {} }], create({ audioUrl: `${files.url}/a.mp3`, options: { language: 'german' } }));
		expect(german.error.message).toBe('"Language" is invalid: must be a two-letter ISO 639-1 code such as "en", or empty to detect the language');
		expect(creates()).toHaveLength(0);
		emu.injectFault({ method: 'POST', path: '/v2/jobs/', type: 'status', status: 400 });
		const bad = await run([{ json: {} }], create({ audioUrl: `${files.url}/a.mp3` }));
		expect(bad.error.message).toBe('Speech is Cheap: Injected fault: HTTP 400');

		emu.reset();
		emu.injectFault({ method: 'POST', path: '/v2/jobs/', type: '429', retryAfter: 1 });
		const limited = await run([{ json: {} }], create({ audioUrl: `${files.url}/a.mp3` }));
		expect(limited.output('SIC')[0].json.status).toBe('completed');
		expect(creates().map((r) => r.status)).toEqual([429, 202]);

		emu.reset();
		emu.injectFault({ method: 'POST', path: '/v2/jobs/', type: 'drop' });
		const dropped = await run([{ json: {} }], create({ audioUrl: `${files.url}/a.mp3` }));
		expect(dropped.error.message).toBe(`Could not reach Speech is Cheap at ${emu.url} (connection reset)`);
		expect(creates()).toHaveLength(1);
	});

	test('a wrong key gets the provider text and a hint', async () => {
		const result = await run([{ json: {} }], create({ audioUrl: `${files.url}/a.mp3` }), {
			speechIsCheapApi: { apiKey: 'sk_wrong', baseUrl: emu.url, uploadBaseUrl: emu.uploadUrl },
		});
		expect(result.error.message).toBe('Speech is Cheap: Unauthorized API Key');
		expect(result.error.description).toContain('keys start with "sk_"');
	});
});

describe('Cancel', () => {
	test('cancels a pending job; canceling it again is a 404 with a hint', async () => {
		await emu.close();
		emu = await startSpeechIsCheapEmulator({ processingDelayMs: 60_000 });
		const submitted = await run([{ json: {} }], create({ audioUrl: `${files.url}/talk.mp3`, waitMode: 'none' }));
		const { jobId } = submitted.output('SIC')[0].json;
		const canceled = await run([{ json: { jobId } }], sic({ operation: 'cancel' }));
		expect(canceled.output('SIC')[0].json).toEqual({ jobId, canceled: true, message: 'OK' });
		expect(emu.requests.find((r) => r.method === 'DELETE')).toMatchObject({ path: `/v2/jobs/${jobId}`, status: 200 });
		expect(emu.jobs.get(jobId).status).toBe('CANCELED');

		const got = await run([{ json: { jobId } }], sic({ operation: 'get' }));
		expect(got.output('SIC')[0].json).toMatchObject({ jobId, status: 'canceled', text: null });

		const again = await run([{ json: { jobId } }], sic({ operation: 'cancel' }));
		expect(again.error.message).toBe('Speech is Cheap: Job not found');
		expect(again.error.description).toContain('only PENDING jobs can be canceled');

		// Get says only what a 404 means there: no word of canceling.
		const unknown = await run([{ json: { jobId: 'no-such-job' } }], sic({ operation: 'get' }));
		expect(unknown.error.description).toBe('Speech is Cheap has no such job: check the job ID.');
		await emu.close();
		emu = await startSpeechIsCheapEmulator({ processingDelayMs: 150 });
	});
});

describe('credential test', () => {
	test('GET /v2/jobs/auth: a valid key passes, a wrong key fails', async () => {
		expect(await testCredential('speechIsCheapApi', { apiKey: 'sk_test', baseUrl: emu.url })).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		const wrong = await testCredential('speechIsCheapApi', { apiKey: 'sk_nope', baseUrl: emu.url });
		expect(wrong).toEqual({ status: 'Error', message: expect.stringContaining('rejected the API key') });
		expect(emu.requests.length).toBeGreaterThanOrEqual(2);
		expect(emu.requests.every((r) => r.path === '/v2/jobs/auth')).toBe(true);
	});
});
