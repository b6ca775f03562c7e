// Engine tests: the TranscribeAPI node in real workflows inside n8n's execution engine, against the
// TranscribeAPI emulator over HTTP on 127.0.0.1.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runWorkflow, readBinary, testCredential, cleanup } = require('../harness/engine');
const { startTranscribeApiEmulator } = require('../emulators/transcribeapi');
const { startFileServer, sha256 } = require('../support/servers');

const MiB = 1024 * 1024;
let emu;
let tmp;
const credentials = () => ({ transcribeApiApi: { apiKey: 'test-key', baseUrl: emu.url } });

/** The emulator's deterministic transcript of a file. */
const transcriptOf = (name, bytes) =>
	`Transcript of ${name}. It has ${bytes.length} bytes. Its sha256 starts with ${sha256(bytes).slice(0, 16)}.`;

/** The part of the transcript that depends only on the bytes (async jobs may not know the file name). */
const contentSignature = (bytes) => `It has ${bytes.length} bytes. Its sha256 starts with ${sha256(bytes).slice(0, 16)}.`;

function audio(name, content = `audio bytes of ${name}`) {
	return { json: { name }, binary: { data: { content, fileName: name, mimeType: 'audio/mpeg' } } };
}

function node(parameters, extra = {}) {
	return {
		name: 'TranscribeAPI',
		type: 'transcribeApi',
		parameters: { resource: 'transcription', ...parameters },
		...extra,
	};
}

/** TranscribeAPI's SDK polls every 10 s at the fastest; the node enforces that floor. */
const poll = { waitMode: 'poll', pollIntervalSeconds: 10, maxWaitMinutes: 2 };

async function run(input, ...nodes) {
	const { result } = runWorkflow({ input, nodes, credentials: credentials() });
	return await result;
}

/** A file of `size` bytes whose content differs at every offset (so misplaced parts change the hash). */
function bigFile(name, size) {
	const file = path.join(tmp, name);
	const block = crypto.createHash('sha512');
	const fd = fs.openSync(file, 'w');
	const chunk = Buffer.alloc(MiB);
	for (let written = 0; written < size; written += chunk.length) {
		for (let i = 0; i < chunk.length; i += 64) block.update(String(written + i)).copy(chunk, i);
		fs.writeSync(fd, chunk, 0, Math.min(chunk.length, size - written));
	}
	fs.closeSync(fd);
	return file;
}

const sha256File = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const calls = (method, pattern) => emu.requests.filter((r) => r.method === method && pattern.test(r.path));

beforeAll(async () => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'transcribeapi-engine-'));
	emu = await startTranscribeApiEmulator({
		apiKey: 'test-key',
		processingDelayMs: 200,
		multipartThreshold: 8 * MiB,
		partSize: 5 * MiB,
	});
});
beforeEach(() => emu.reset());
afterAll(async () => {
	await emu.close();
	fs.rmSync(tmp, { recursive: true, force: true });
	cleanup();
});

describe('Transcribe', () => {
	test('a small file goes sync with every documented option, and VTT comes back as a binary file', async () => {
		const content = 'z'.repeat(64_000);
		const result = await run(
			[audio('meeting.mp3', content)],
			node({
				operation: 'transcribe',
				language: 'de',
				subtitleFormat: 'vtt',
				options: { initialPrompt: 'n8n, TranscribeAPI', vadFilter: true, vttGranularity: 'sentence' },
			}),
		);
		expect(result.status).toBe('success');
		const [item] = result.output('TranscribeAPI');
		expect(item.json).toMatchObject({
			provider: 'transcribeapi',
			status: 'completed',
			text: transcriptOf('meeting.mp3', Buffer.from(content)),
			language: 'de',
		});
		expect(item.json.segments.length).toBeGreaterThan(0);
		expect(item.json.segments[0]).toEqual(expect.objectContaining({ start: 0, text: expect.any(String) }));
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary.subtitles).toMatchObject({ mimeType: 'text/vtt', fileName: expect.stringMatching(/\.vtt$/) });
		expect((await readBinary(item.binary.subtitles)).toString()).toMatch(/^WEBVTT\n\n00:00:00\.000 --> /);

		const [sync] = calls('POST', /^\/v1\/transcribe$/);
		expect(sync.headers['content-type']).toMatch(/^multipart\/form-data/);
		expect(emu.jobs.size).toBe(1);
		const job = [...emu.jobs.values()][0];
		expect(job.options ?? job.request ?? job).toMatchObject({ language: 'de' });
		expect(calls('POST', /^\/v1\/jobs/)).toHaveLength(0);
	});

	test('translate task, and "exclude" leaving only segments still yields the text', async () => {
		const content = 'q'.repeat(20_000);
		const result = await run(
			[audio('interview.mp3', content)],
			node({ operation: 'transcribe', options: { task: 'translate', exclude: ['text', 'vtt'] } }),
		);
		const [item] = result.output('TranscribeAPI');
		expect(item.json.text).toBe(`[English translation] ${transcriptOf('interview.mp3', Buffer.from(content))}`);
		expect(item.json.segments.length).toBeGreaterThan(0);
	});

	test('a file that sync answers with audio_too_long goes through an async PUT job instead', async () => {
		emu.reset();
		const content = 'l'.repeat(700_000);
		const slow = await startTranscribeApiEmulator({ apiKey: 'test-key', processingDelayMs: 100, bytesPerSecond: 1000 });
		try {
			const { result } = runWorkflow({
				input: [audio('lecture.mp3', content)],
				nodes: [node({ operation: 'transcribe', ...poll })],
				credentials: { transcribeApiApi: { apiKey: 'test-key', baseUrl: slow.url } },
			});
			const run = await result;
			expect(run.status).toBe('success');
			expect(run.output('TranscribeAPI')[0].json).toMatchObject({
				status: 'completed',
				text: expect.stringContaining(contentSignature(Buffer.from(content))),
			});
			const answered = slow.requests.filter((r) => r.method === 'POST' && r.path === '/v1/transcribe');
			expect(answered.map((r) => r.status)).toEqual([400]);
			expect(slow.requests.filter((r) => r.method === 'POST' && r.path === '/v1/jobs')).toHaveLength(1);
			expect(slow.uploads).toEqual([expect.objectContaining({ type: 'put', size: 700_000, sha256: sha256(Buffer.from(content)) })]);
		} finally {
			await slow.close();
		}
	}, 30_000);

	test('a file above 30 MiB goes through a parallel multipart upload and completes', async () => {
		const file = bigFile('long-podcast.mp3', 31 * MiB + 12_345);
		const result = await run(
			[{ json: {}, binary: { data: { path: file, fileName: 'long-podcast.mp3', mimeType: 'audio/mpeg' } } }],
			node({ operation: 'transcribe', waitMode: 'none' }),
		);
		expect(result.status).toBe('success');
		const [item] = result.output('TranscribeAPI');
		expect(item.json).toMatchObject({ provider: 'transcribeapi', status: 'queued', text: null });
		expect(calls('POST', /^\/v1\/transcribe$/)).toHaveLength(0);
		expect(emu.uploads).toEqual([
			expect.objectContaining({ type: 'multipart', partCount: 7, size: 31 * MiB + 12_345, sha256: sha256File(file) }),
		]);
		expect(calls('PUT', /\/parts\/\d+$/)).toHaveLength(7);
		expect(calls('POST', /\/upload-completed$/)).toHaveLength(1);

		// The job finishes at the provider; Get Job sees it and Get Result downloads the transcript.
		await emu.whenSettled(item.json.jobId);
		const later = await run(
			[{ json: { jobId: item.json.jobId } }],
			node({ operation: 'getJob' }, { name: 'Get Job' }),
			node({ operation: 'getResult', jobId: '={{ $json.job_id }}' }, { name: 'Get Result' }),
		);
		expect(later.output('Get Job')[0].json).toMatchObject({ job_id: item.json.jobId, status: 'completed', state: 'completed' });
		const [transcript] = later.output('Get Result');
		expect(transcript.json.text).toContain(contentSignature(fs.readFileSync(file)));
		fs.rmSync(file);
	}, 60_000);

	test('an interrupted multipart upload resumes: only the failed part is sent again', async () => {
		const file = bigFile('resume.mp3', 12 * MiB);
		emu.failUploadPart({ partNumber: 2, times: 4, type: 'status', status: 503 });
		const result = await run(
			[{ json: {}, binary: { data: { path: file, fileName: 'resume.mp3', mimeType: 'audio/mpeg' } } }],
			node({ operation: 'transcribe', waitMode: 'none', options: { forceAsync: true } }),
		);
		expect(result.status).toBe('success');
		expect(calls('POST', /\/resume-upload$/)).toHaveLength(1);
		const partPuts = (n) => calls('PUT', new RegExp(`/parts/${n}$`));
		expect(partPuts(1).filter((r) => r.status === 200)).toHaveLength(1);
		expect(partPuts(3).filter((r) => r.status === 200)).toHaveLength(1);
		expect(partPuts(2).map((r) => r.status)).toEqual([503, 503, 503, 503, 200]);
		expect(emu.uploads).toEqual([expect.objectContaining({ type: 'multipart', partCount: 3, sha256: sha256File(file) })]);
		fs.rmSync(file);
	}, 60_000);

	test('a URL job: TranscribeAPI imports the file itself, and the node polls until done', async () => {
		const content = 'u'.repeat(30_000);
		const files = await startFileServer({ '/rec/call.mp3': { content } });
		try {
			const result = await run(
				[{ json: {} }],
				node({ operation: 'transcribe', inputType: 'url', audioUrl: `${files.url}/rec/call.mp3`, ...poll }),
			);
			expect(result.status).toBe('success');
			expect(result.output('TranscribeAPI')[0].json).toMatchObject({ status: 'completed', text: expect.stringContaining('It has 30000 bytes') });
			const [create] = calls('POST', /^\/v1\/jobs$/);
			expect(create.status).toBeLessThan(300);
			expect(emu.uploads).toEqual([expect.objectContaining({ type: 'url', size: 30_000 })]);
			expect(calls('GET', /^\/v1\/transcribe\/[^/]+$/).length).toBeGreaterThanOrEqual(1);
		} finally {
			await files.close();
		}
	}, 30_000);
});

describe('Transcribe Batch', () => {
	test('five items, one failing file: four transcripts and one item error, all paired', async () => {
		const input = ['one', 'two', 'three', 'four', 'five'].map((name) =>
			audio(`${name}.mp3`, name === 'two' ? 'FAIL this file' : name.repeat(3000)),
		);
		const result = await run(input, node({ operation: 'transcribeBatch', ...poll }, { onError: 'continueRegularOutput' }));
		expect(result.status).toBe('success');
		const output = result.output('TranscribeAPI');
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(output[1].json.error).toMatch(/File item_1 of TranscribeAPI job \S+ failed/);
		for (const index of [0, 2, 3, 4]) {
			expect(output[index].json.text).toContain(contentSignature(Buffer.from(input[index].binary.data.content)));
			expect(output[index].json.referenceId).toBe(`item_${index}`);
		}
		expect(calls('POST', /^\/v1\/transcribe$/)).toHaveLength(1);
		expect(emu.jobs.get(output[0].json.jobId).status).toBe('completed_with_errors');
		expect(emu.uploads).toHaveLength(5);
	}, 30_000);

	test('files kept inline as base64 (n8n 1.x default binary mode) are sent whole by the signed PUTs', async () => {
		const contents = ['first inline file '.repeat(500), 'second inline file '.repeat(700)];
		const input = contents.map((content, index) => {
			const item = audio(`inline-${index}.mp3`, content);
			item.binary.data.inline = true;
			return item;
		});
		const result = await run(input, node({ operation: 'transcribeBatch', ...poll }));
		expect(result.status).toBe('success');
		const output = result.output('TranscribeAPI');
		expect(output.map((item) => item.json.text)).toEqual(contents.map((content) => expect.stringContaining(contentSignature(Buffer.from(content)))));
		expect(emu.uploads.map(({ type, size, sha256: hash }) => ({ type, size, hash })).sort((a, b) => a.size - b.size)).toEqual(
			contents.map((content) => ({ type: 'put', size: Buffer.byteLength(content), hash: sha256(Buffer.from(content)) })),
		);
	}, 30_000);

	test("URL files in a batch with Don't Wait, then Get Result gives one item per file", async () => {
		const files = await startFileServer({ '/b/a.mp3': { content: 'a'.repeat(1000) }, '/b/b.mp3': { content: 'b'.repeat(2000) } });
		try {
			const result = await run(
				[{ json: { url: `${files.url}/b/a.mp3` } }, { json: { url: `${files.url}/b/b.mp3` } }],
				node({ operation: 'transcribeBatch', inputType: 'url', audioUrl: '={{ $json.url }}', waitMode: 'none' }),
			);
			const output = result.output('TranscribeAPI');
			expect(output.map((item) => item.json.status)).toEqual(['queued', 'queued']);
			const { jobId } = output[0].json;
			expect(output[1].json.jobId).toBe(jobId);
			await emu.whenSettled(jobId);
			const later = await run([{ json: { jobId } }], node({ operation: 'getResult' }));
			const transcripts = later.output('TranscribeAPI');
			expect(transcripts.map((item) => item.json.referenceId)).toEqual(['item_0', 'item_1']);
			expect(transcripts[0].json.text).toContain('It has 1000 bytes');
			expect(transcripts[1].json.text).toContain('It has 2000 bytes');
		} finally {
			await files.close();
		}
	});
});

describe('Errors and credentials', () => {
	test('a missing binary and an unknown job fail alone with Continue On Fail', async () => {
		const result = await run(
			[{ json: { jobId: 'job_missing' } }, audio('fine.mp3')],
			node({ operation: 'transcribe' }, { onError: 'continueRegularOutput' }),
		);
		const output = result.output('TranscribeAPI');
		expect(output[0].json.error).toMatch(/binary/i);
		expect(output[1].json.text).toContain('Transcript of fine.mp3');

		const lookup = await run([{ json: { jobId: 'job_missing' } }], node({ operation: 'getResult' }, { onError: 'continueRegularOutput' }));
		expect(lookup.output('TranscribeAPI')[0].json).toMatchObject({
			error: expect.stringContaining('job_not_found'),
			details: expect.stringContaining('no such job'),
		});
	});

	test('a wrong key is reported with what to do', async () => {
		const { result } = runWorkflow({
			input: [audio('a.mp3')],
			nodes: [node({ operation: 'transcribe' })],
			credentials: { transcribeApiApi: { apiKey: 'wrong', baseUrl: emu.url } },
		});
		const run = await result;
		expect(run.status).toBe('error');
		expect(run.error.message).toMatch(/invalid_api_key/);
		expect(run.error.description).toMatch(/API key/);
	});

	test('credential test: a valid key passes, a wrong one is rejected', async () => {
		expect(await testCredential('transcribeApiApi', { apiKey: 'test-key', baseUrl: emu.url })).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		const bad = await testCredential('transcribeApiApi', { apiKey: 'nope', baseUrl: emu.url });
		expect(bad.status).toBe('Error');
		expect(bad.message).toMatch(/rejected the API key/);
	});
});
