'use strict';
const crypto = require('node:crypto');
const path = require('node:path');
const { Readable } = require('node:stream');
const { fork } = require('node:child_process');
const { startHispeechEmulator, parseMultipartStream, getBoundary } = require('./hispeech');

const KEY = 'test-key';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const AUDIO = Buffer.alloc(32000, 7); // default audio_duration: 32000 / 16000 = 2

let emu;
async function start(options) {
	emu = await startHispeechEmulator(options);
	return emu;
}
afterEach(async () => {
	if (emu) await emu.close();
	emu = null;
});

function makeForm(fields = {}, file = { name: 'audio.mp3', data: AUDIO }) {
	const fd = new FormData();
	if (file) fd.append('file', new Blob([file.data]), file.name);
	for (const [k, v] of Object.entries(fields)) fd.append(k, v);
	return fd;
}

async function upload({ fields, file, query = '', key = KEY } = {}) {
	const res = await fetch(`${emu.url}/api/v1/transcriptions/upload${query}`, {
		method: 'POST',
		headers: key ? { 'x-auth-token': key } : {},
		body: makeForm(fields, file),
	});
	return { res, body: await res.json() };
}

async function getStatus(jobId, key = KEY) {
	const res = await fetch(`${emu.url}/api/v1/transcriptions/transcription-status/${jobId}`, {
		headers: { 'x-auth-token': key },
	});
	return { res, body: await res.json() };
}

async function del(body, key = KEY) {
	const res = await fetch(`${emu.url}/api/v1/transcriptions`, {
		method: 'DELETE',
		headers: { 'x-auth-token': key, 'content-type': 'application/json' },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	return { res, body: await res.json() };
}

async function openai({ fields = {}, file, auth = `Bearer ${KEY}` } = {}) {
	return fetch(`${emu.url}/api/v1/audio/transcriptions`, {
		method: 'POST',
		headers: auth ? { authorization: auth } : {},
		body: makeForm({ model: 'whisper-1', ...fields }, file),
	});
}

// ---------------------------------------------------------------------------------------------

describe('parseMultipartStream', () => {
	const boundary = '----hispeechBoundary7MA4YWxkTrZu0gW';
	// File content full of near-misses for the delimiter.
	const fileData = Buffer.concat([
		Buffer.from(`\r\n--${boundary.slice(0, -1)}X\r\n-\r\n--\r\n\r\n`),
		crypto.randomBytes(300),
		Buffer.from(`\r\n--${boundary.slice(0, 10)}`),
	]);
	const body = Buffer.concat([
		Buffer.from('this preamble is ignored\r\n'),
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="wait_for_result"\r\n\r\ntrue\r\n`,
		),
		Buffer.from(
			`--${boundary}\r\ncontent-disposition: form-data; name="title"\r\n\r\nՈղջույն, line1\r\nline2\r\n`,
		),
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="my \\"clip\\".MP3"\r\n` +
				'Content-Type: audio/mpeg\r\n\r\n',
		),
		fileData,
		Buffer.from(
			`\r\n--${boundary}\r\nContent-Disposition: form-data; name="empty"; filename="e.wav"\r\n\r\n`,
		),
		Buffer.from(`\r\n--${boundary}--\r\nepilogue ignored`),
	]);
	const expected = {
		fields: { wait_for_result: 'true', title: 'Ողջույն, line1\r\nline2' },
		files: [
			{
				name: 'file',
				filename: 'my "clip".MP3',
				contentType: 'audio/mpeg',
				bytes: fileData.length,
				sha256: sha256(fileData),
			},
			{
				name: 'empty',
				filename: 'e.wav',
				contentType: null,
				bytes: 0,
				sha256: sha256(Buffer.alloc(0)),
			},
		],
	};
	const chunked = (buf, size) => {
		const chunks = [];
		for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
		return chunks;
	};

	test('parses a whole body', async () => {
		await expect(parseMultipartStream(Readable.from([body]), boundary)).resolves.toEqual(expected);
	});

	test('handles a split at every possible position', async () => {
		for (let i = 1; i < body.length; i++) {
			const result = await parseMultipartStream(
				Readable.from([body.subarray(0, i), body.subarray(i)]),
				boundary,
			);
			expect(result).toEqual(expected);
		}
	});

	test.each([1, 2, 3, 7, 13, 37, 61])('handles %i-byte chunks', async (size) => {
		await expect(
			parseMultipartStream(Readable.from(chunked(body, size)), boundary),
		).resolves.toEqual(expected);
	});

	test('supports filename* (RFC 5987) and parts without headers are ignored', async () => {
		const b = 'xyz';
		const raw = Buffer.from(
			`--${b}\r\n\r\nno headers\r\n--${b}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''%D5%A1%20b.ogg\r\n\r\nabc\r\n--${b}--`,
		);
		const result = await parseMultipartStream(Readable.from(chunked(raw, 1)), b);
		expect(result.fields).toEqual({});
		expect(result.files).toEqual([
			{
				name: 'file',
				filename: 'ա b.ogg',
				contentType: null,
				bytes: 3,
				sha256: sha256(Buffer.from('abc')),
			},
		]);
	});

	test('rejects a truncated body, after reading all of it', async () => {
		let seen = 0;
		const truncated = body.subarray(0, body.length - 30);
		const promise = parseMultipartStream(Readable.from(chunked(truncated, 5)), boundary, {
			onChunk: (c) => (seen += c.length),
		});
		await expect(promise).rejects.toMatchObject({ status: 400 });
		expect(seen).toBe(truncated.length);
	});

	test('rejects a malformed delimiter line', async () => {
		const raw = Buffer.from(
			'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--bXX\r\n',
		);
		await expect(parseMultipartStream(Readable.from([raw]), 'b')).rejects.toMatchObject({
			status: 400,
		});
	});

	test('getBoundary', () => {
		expect(getBoundary('multipart/form-data; boundary=abc')).toBe('abc');
		expect(getBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b;c"')).toBe('a b;c');
		expect(getBoundary('application/json')).toBeNull();
		expect(getBoundary(undefined)).toBeNull();
	});
});

// ---------------------------------------------------------------------------------------------

describe('auth', () => {
	test('missing or wrong x-auth-token → 401, logged', async () => {
		await start();
		for (const key of [null, 'wrong-key']) {
			const { res, body } = await upload({ key });
			expect(res.status).toBe(401);
			expect(body).toEqual({ success: false, error: expect.stringMatching(/unauthorized/i) });
		}
		const { res } = await getStatus('abc', 'nope');
		expect(res.status).toBe(401);
		expect(emu.requests.map((r) => r.status)).toEqual([401, 401, 401]);
		expect(emu.uploads).toHaveLength(0);
	});

	test('custom apiKey', async () => {
		await start({ apiKey: 'other' });
		expect((await upload()).res.status).toBe(401);
		expect((await upload({ key: 'other' })).res.status).toBe(200);
	});
});

describe('upload (synchronous)', () => {
	test('wait_for_result=true waits for processing and returns the documented shape', async () => {
		await start({ processingDelayMs: 50 });
		const { res, body } = await upload({ fields: { wait_for_result: 'true' } });
		expect(res.status).toBe(200);
		expect(body).toEqual({
			job_id: expect.stringMatching(
				/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
			),
			error: null,
			success: true,
			secure_mode: false,
			return_word_timestamps: false,
			status: 200,
			transcription: 'Transcript of audio.mp3 (32000 bytes)',
			audio_duration: 2,
		});
		const job = emu.jobs.get(body.job_id);
		// The answer was held until the job was ready (order of events; the delay is the emulator's own).
		expect(job.readyAt - job.createdAt).toBe(50);
		expect(emu.requests[0].endedAt).toBeGreaterThanOrEqual(job.readyAt);
		expect(emu.requests[0].jobId).toBe(body.job_id);
		expect(emu.uploads).toEqual([
			{
				jobId: body.job_id,
				filename: 'audio.mp3',
				bytes: 32000,
				sha256: sha256(AUDIO),
				model: 'model-01052025',
				secureMode: false,
				ttl: null,
				waitForResult: true,
			},
		]);
		// Standard mode keeps the result.
		expect((await getStatus(body.job_id)).body.status).toBe('completed');
	});

	test('secure sync response includes ttl and is the only read', async () => {
		await start();
		const { body } = await upload({
			fields: {
				wait_for_result: 'true',
				secure_mode: 'true',
				ttl: '120',
				return_word_timestamps: 'true',
			},
		});
		expect(body).toMatchObject({
			success: true,
			secure_mode: true,
			ttl: 120,
			return_word_timestamps: true,
		});
		expect(emu.jobs.get(body.job_id).resultRead).toBe(true);
		const again = await getStatus(body.job_id);
		expect(again.res.status).toBe(404);
		expect(again.body).toEqual({ success: false, error: 'Transcription not found' });
	});

	test('processingDelayMs may be a function of the upload; options shape results', async () => {
		const seen = [];
		await start({
			processingDelayMs: (u) => (seen.push(u), 0),
			transcript: (u) => `custom ${u.model}`,
			audioDuration: () => 42,
		});
		const { body } = await upload({
			query: '?stt_model=model-23012026',
			fields: { wait_for_result: 'true', secure_mode: 'true' },
		});
		expect(seen).toEqual([
			{
				filename: 'audio.mp3',
				bytes: 32000,
				sha256: sha256(AUDIO),
				model: 'model-23012026',
				secureMode: true,
			},
		]);
		expect(body).toMatchObject({
			transcription: 'custom model-23012026',
			audio_duration: 42,
			ttl: 900,
		});
	});

	test('stringBooleans answers every scalar as a string', async () => {
		await start({ stringBooleans: true });
		const { body } = await upload({ fields: { wait_for_result: 'true', secure_mode: 'true' } });
		expect(body).toMatchObject({
			error: 'null',
			success: 'true',
			secure_mode: 'true',
			ttl: '900',
			status: '200',
			audio_duration: '2',
		});
		const async = await upload();
		expect(async.body).toMatchObject({ error: 'null', success: 'true', secure_mode: 'false' });
		expect((await getStatus(async.body.job_id)).body).toMatchObject({
			status: 'completed',
			audio_duration: '2',
			secure_mode: 'false',
		});
		expect((await del({ transcription_id: async.body.job_id })).body.success).toBe('true');
	});
});

describe('upload validation', () => {
	beforeEach(() => start());

	test.each([
		['unknown model', { query: '?stt_model=model-0000' }, /stt_model/],
		['missing file', { file: null }, /file/],
		['empty file', { file: { name: 'a.mp3', data: Buffer.alloc(0) } }, /^File is empty$/],
		['unsupported extension', { file: { name: 'notes.txt', data: AUDIO } }, /format/],
		['no extension', { file: { name: 'audio', data: AUDIO } }, /format/],
		['ttl 0', { fields: { secure_mode: 'true', ttl: '0' } }, /ttl/],
		['ttl 36001', { fields: { secure_mode: 'true', ttl: '36001' } }, /ttl/],
		['ttl not an integer', { fields: { secure_mode: 'true', ttl: '1.5' } }, /ttl/],
		['bad boolean', { fields: { wait_for_result: 'yes' } }, /wait_for_result/],
	])('%s → 400', async (_name, args, message) => {
		const { res, body } = await upload(args);
		expect(res.status).toBe(400);
		expect(body).toEqual({ success: false, error: expect.stringMatching(message) });
		expect(emu.uploads).toHaveLength(0);
	});

	test('accepted variants: uppercase extension, ttl ignored without secure mode, params in query or form, curl-quoted values', async () => {
		const a = await upload({ file: { name: 'CLIP.WAV', data: AUDIO }, fields: { ttl: 'abc' } });
		expect(a.res.status).toBe(200);
		const b = await upload({
			query: '?wait_for_result=true',
			fields: { stt_model: 'model-23012026' },
		});
		expect(b.body.transcription).toBeDefined();
		const c = await upload({
			fields: { wait_for_result: '"true"', secure_mode: '"true"', ttl: '"60"' },
		});
		expect(c.body).toMatchObject({ secure_mode: true, ttl: 60, transcription: expect.any(String) });
		expect(emu.uploads.map((u) => [u.model, u.waitForResult, u.ttl])).toEqual([
			['model-01052025', false, null],
			['model-23012026', true, null],
			['model-01052025', true, 60],
		]);
	});

	test('non-multipart body → 400', async () => {
		const res = await fetch(`${emu.url}/api/v1/transcriptions/upload`, {
			method: 'POST',
			headers: { 'x-auth-token': KEY, 'content-type': 'application/json' },
			body: '{}',
		});
		expect(res.status).toBe(400);
	});
});

describe('asynchronous jobs', () => {
	test('processing, then completed with a title', async () => {
		const transcript =
			'Ողջույն, ես սղագրվել եմ հայսփիչի միջոցով։ Հայսփիչը ընդունակ է շատ արագ սղագրել հայերեն բանավոր խոսքը:';
		await start({ processingDelayMs: 300, transcript: () => transcript });
		const { res, body } = await upload({ fields: { wait_for_result: 'false' } });
		expect(res.status).toBe(200);
		expect(body).toEqual({
			job_id: expect.any(String),
			error: null,
			success: true,
			secure_mode: false,
		});
		const job = emu.jobs.get(body.job_id);
		expect(job.readyAt - job.createdAt).toBe(300);

		expect((await getStatus(body.job_id)).body).toEqual({
			job_id: body.job_id,
			status: 'processing',
			secure_mode: false,
		});
		await sleep(job.readyAt - Date.now() + 5);
		const done = await getStatus(body.job_id);
		expect(done.body).toEqual({
			job_id: body.job_id,
			status: 'completed',
			audio_duration: 2,
			title: 'Ողջույն, ես սղագրվել եմ հայսփիչի միջոցով',
			transcription: transcript,
			secure_mode: false,
		});
		// Standard mode: readable again.
		expect((await getStatus(body.job_id)).body.status).toBe('completed');
	});

	test('title is cut at 60 characters', async () => {
		await start({ transcript: () => 'word '.repeat(30) });
		const { body } = await upload();
		expect((await getStatus(body.job_id)).body.title).toHaveLength(59); // 60 chars, trailing space trimmed
	});

	test('secure mode: async answer has ttl; the first completed read is the only one', async () => {
		await start({ processingDelayMs: 300 });
		const { body } = await upload({ fields: { secure_mode: 'true' } });
		expect(body).toEqual({
			job_id: expect.any(String),
			error: null,
			success: true,
			secure_mode: true,
			ttl: 900,
		});
		expect((await getStatus(body.job_id)).body.status).toBe('processing'); // not a read
		await sleep(emu.jobs.get(body.job_id).readyAt - Date.now() + 5);
		expect((await getStatus(body.job_id)).body).toMatchObject({
			status: 'completed',
			secure_mode: true,
		});
		expect((await getStatus(body.job_id)).res.status).toBe(404);
	});

	test('secure mode: an unread result expires ttl after completion', async () => {
		await start({ ttlUnitMs: 20 });
		const expiring = (await upload({ fields: { secure_mode: 'true', ttl: '1' } })).body.job_id;
		const kept = (await upload({ fields: { secure_mode: 'true', ttl: '100' } })).body.job_id; // 2 s
		await sleep(emu.jobs.get(expiring).readyAt + 20 - Date.now() + 10);
		expect((await getStatus(expiring)).res.status).toBe(404);
		expect((await getStatus(kept)).body.status).toBe('completed');
	});

	test('unknown job → 404', async () => {
		await start();
		const { res, body } = await getStatus(crypto.randomUUID());
		expect(res.status).toBe(404);
		expect(body).toEqual({ success: false, error: 'Transcription not found' });
	});
});

describe('delete', () => {
	test('deletes a job; then status and delete answer 404', async () => {
		await start();
		const id = (await upload()).body.job_id;
		const first = await del({ transcription_id: id });
		expect(first.res.status).toBe(200);
		expect(first.body).toEqual({ success: true, message: 'transcription deleted successfully' });
		expect(emu.jobs.get(id).deleted).toBe(true);
		expect(emu.requests.at(-1).jobId).toBe(id);
		expect((await getStatus(id)).res.status).toBe(404);
		expect((await del({ transcription_id: id })).res.status).toBe(404);
	});

	test('missing id, bad JSON and bad key', async () => {
		await start();
		expect((await del({})).res.status).toBe(400);
		expect((await del('not json')).res.status).toBe(400);
		expect((await del({ transcription_id: 'x' }, 'bad')).res.status).toBe(401);
	});
});

describe('status rate limit', () => {
	test('sliding window per key with Retry-After', async () => {
		await start({ statusCallsPerHour: 3, rateWindowMs: 300 });
		const id = (await upload()).body.job_id;
		await getStatus(id, 'bad-key'); // 401s do not count
		for (let i = 0; i < 3; i++) expect((await getStatus(id)).res.status).toBe(200);
		const firstCallEnded = emu.requests[2].endedAt;
		const limited = await getStatus(id);
		expect(limited.res.status).toBe(429);
		expect(limited.res.headers.get('retry-after')).toBe('1');
		expect(limited.body).toEqual({
			success: false,
			error: 'Rate limit exceeded: 3 status calls per hour',
		});
		// Once the oldest call has left the window, one more call is allowed.
		await sleep(firstCallEnded + 300 - Date.now() + 5);
		expect((await getStatus(id)).res.status).toBe(200);
	});

	test('Retry-After counts the seconds until the oldest call leaves the window', async () => {
		await start({ statusCallsPerHour: 1 });
		await getStatus('x');
		const limited = await getStatus('x');
		expect(limited.res.status).toBe(429);
		const retryAfter = Number(limited.res.headers.get('retry-after'));
		expect(retryAfter).toBeGreaterThan(3590);
		expect(retryAfter).toBeLessThanOrEqual(3600);
	});
});

describe('OpenAI-compatible route', () => {
	test('bearer auth with OpenAI-style errors', async () => {
		await start();
		for (const auth of [null, 'Bearer wrong']) {
			const res = await openai({ auth });
			expect(res.status).toBe(401);
			expect(await res.json()).toEqual({
				error: {
					message: expect.any(String),
					type: 'invalid_request_error',
					param: null,
					code: 'invalid_api_key',
				},
			});
		}
	});

	test('json response with segments spread over the duration', async () => {
		await start({
			processingDelayMs: 50,
			transcript: () => 'One two three four five. ' + 'w '.repeat(15).trim() + '.',
			audioDuration: () => 10,
		});
		const res = await openai({ fields: { response_format: 'verbose_json', language: 'hy' } });
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body).toEqual({
			duration: 10,
			language: 'auto',
			segments: [
				{ id: 0, start: 0, end: 3.33, text: 'One two three four five.' },
				{ id: 1, start: 3.33, end: 6.67, text: 'w w w w w w w w' },
				{ id: 2, start: 6.67, end: 10, text: 'w w w w w w w.' },
			],
			task: 'transcribe',
			text: 'One two three four five. ' + 'w '.repeat(15).trim() + '.',
		});
		expect(emu.uploads).toEqual([
			expect.objectContaining({
				filename: 'audio.mp3',
				bytes: 32000,
				model: 'model-01052025',
				secureMode: false,
				waitForResult: true,
			}),
		]);
		// The answer was held until the job was ready (order of events; the delay is the emulator's own).
		const [job] = [...emu.jobs.values()];
		expect(job.readyAt - job.createdAt).toBe(50);
		expect(emu.requests[0].endedAt).toBeGreaterThanOrEqual(job.readyAt);
	});

	test('text format, subtitles not supported', async () => {
		await start();
		const text = await openai({ fields: { response_format: 'text' } });
		expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
		expect(await text.text()).toBe('Transcript of audio.mp3 (32000 bytes)');
		const srt = await openai({ fields: { response_format: 'srt' } });
		expect(srt.status).toBe(400);
		expect((await srt.json()).error.message).toMatch(/not supported/);
		const noFile = await openai({ file: null });
		expect(noFile.status).toBe(400);
	});
});

describe('faults', () => {
	test('status fault fires `times` times on matching requests only', async () => {
		await start();
		emu.injectFault({
			method: 'GET',
			path: /transcription-status/,
			type: 'status',
			status: 502,
			times: 2,
		});
		const id = (await upload()).body.job_id;
		const a = await getStatus(id);
		expect(a.res.status).toBe(502);
		expect(a.body.success).toBe(false);
		expect((await getStatus(id)).res.status).toBe(502);
		expect((await getStatus(id)).res.status).toBe(200);
		expect(emu.requests.map((r) => [r.status, r.fault])).toEqual([
			[200, null],
			[502, 'status'],
			[502, 'status'],
			[200, null],
		]);
	});

	test('429 fault with Retry-After', async () => {
		await start();
		emu.injectFault({ path: '/api/v1/transcriptions/upload', type: '429', retryAfter: 7 });
		const { res } = await upload();
		expect(res.status).toBe(429);
		expect(res.headers.get('retry-after')).toBe('7');
		expect((await upload()).res.status).toBe(200);
	});

	test('drop destroys the socket after reading the whole body', async () => {
		await start();
		emu.injectFault({ path: '/api/v1/transcriptions/upload', type: 'drop' });
		await expect(upload()).rejects.toThrow();
		const [entry] = emu.requests;
		expect(entry).toMatchObject({ status: 0, fault: 'drop' });
		expect(entry.bytesReceived).toBe(Number(entry.headers['content-length']));
		expect(emu.uploads).toHaveLength(0);
		expect((await upload()).res.status).toBe(200);
	});

	test('slow delays handling', async () => {
		await start();
		emu.injectFault({ path: '/api/v1/transcriptions/upload', type: 'slow', delayMs: 50 });
		expect((await upload()).res.status).toBe(200);
		expect(emu.requests[0].delayedMs).toBe(50); // the delay the emulator applied
		expect(emu.requests[0].fault).toBe('slow');
	});

	test('drop-after-processing keeps side effects (job created, secure result consumed)', async () => {
		await start();
		emu.injectFault({ path: '/api/v1/transcriptions/upload', type: 'drop-after-processing' });
		await expect(upload({ fields: { secure_mode: 'true' } })).rejects.toThrow();
		expect(emu.uploads).toHaveLength(1);
		const id = emu.uploads[0].jobId;

		emu.injectFault({
			method: 'GET',
			path: '/api/v1/transcriptions/transcription-status/',
			type: 'drop-after-processing',
		});
		await expect(getStatus(id)).rejects.toThrow();
		expect(emu.jobs.get(id).resultRead).toBe(true);
		expect((await getStatus(id)).res.status).toBe(404);
		expect(emu.requests.map((r) => [r.status, r.fault])).toEqual([
			[0, 'drop-after-processing'],
			[0, 'drop-after-processing'],
			[404, null],
		]);
	});

	test('setFaultRate is deterministic for a seed and can be turned off', async () => {
		const run = async (seed) => {
			await start();
			emu.setFaultRate({ rate: 0.5, types: ['429', '500', 'drop', 'slow'], seed, delayMs: 5 });
			for (let i = 0; i < 30; i++) await getStatus('job').catch(() => null);
			const faults = emu.requests.map((r) => r.fault);
			const statuses = emu.requests.map((r) => r.status);
			await emu.close();
			return { faults, statuses };
		};
		const a = await run(42);
		const b = await run(42);
		const c = await run(7);
		expect(a).toEqual(b);
		expect(a.faults).not.toEqual(c.faults);
		expect(a.faults.filter(Boolean).length).toBeGreaterThan(5);
		expect(a.faults.filter(Boolean).length).toBeLessThan(25);
		for (let i = 0; i < a.faults.length; i++) {
			const expected = { 429: 429, 500: 500, drop: 0, slow: 404 }[a.faults[i]] ?? 404;
			expect(a.statuses[i]).toBe(expected);
		}

		await start();
		emu.setFaultRate({ rate: 0.5, seed: 1 });
		emu.setFaultRate({ rate: 0 });
		for (let i = 0; i < 10; i++) await getStatus('job');
		expect(emu.requests.every((r) => r.fault === null && r.status === 404)).toBe(true);
	});
});

describe('misc', () => {
	test('unknown route → 404 JSON; request log fields', async () => {
		await start();
		const res = await fetch(`${emu.url}/api/v2/nothing?x=1&y=two`, {
			headers: { 'X-Custom': 'Yes' },
		});
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ success: false });
		expect(emu.requests).toEqual([
			{
				method: 'GET',
				path: '/api/v2/nothing',
				query: { x: '1', y: 'two' },
				headers: expect.objectContaining({ 'x-custom': 'Yes' }),
				status: 404,
				startedAt: expect.any(Number),
				endedAt: expect.any(Number),
				bytesReceived: 0,
				jobId: null,
				fault: null,
			},
		]);
		expect(emu.requests[0].endedAt).toBeGreaterThanOrEqual(emu.requests[0].startedAt);
	});

	test('reset clears state in place', async () => {
		await start({ statusCallsPerHour: 1 });
		const { requests, uploads, jobs } = emu;
		await upload();
		await getStatus('x');
		emu.injectFault({ path: '/', type: 'status' });
		emu.reset();
		expect([requests.length, uploads.length, jobs.size]).toEqual([0, 0, 0]);
		expect((await getStatus('x')).res.status).toBe(404); // neither the fault nor the rate limit is left
		expect(emu.requests).toBe(requests);
	});

	test('streams a large chunked upload without buffering it', async () => {
		await start();
		const boundary = 'bigBoundary';
		const block = crypto.randomBytes(1 << 20);
		const blocks = 64;
		const hash = crypto.createHash('sha256');
		for (let i = 0; i < blocks; i++) hash.update(block);
		const head = Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="wait_for_result"\r\n\r\ntrue\r\n` +
				`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.flac"\r\nContent-Type: audio/flac\r\n\r\n`,
		);
		const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
		let i = -1;
		const stream = new ReadableStream({
			pull(controller) {
				if (i === -1) controller.enqueue(head);
				else if (i < blocks) controller.enqueue(block);
				else if (i === blocks) controller.enqueue(tail);
				else controller.close();
				i++;
			},
		});
		const res = await fetch(`${emu.url}/api/v1/transcriptions/upload`, {
			method: 'POST',
			headers: { 'x-auth-token': KEY, 'content-type': `multipart/form-data; boundary=${boundary}` },
			body: stream,
			duplex: 'half',
		});
		const body = await res.json();
		expect(res.status).toBe(200);
		expect(body.audio_duration).toBe(Math.round((blocks << 20) / 16000));
		expect(emu.uploads[0]).toMatchObject({
			filename: 'big.flac',
			bytes: blocks << 20,
			sha256: hash.digest('hex'),
		});
		expect(emu.requests[0].headers['transfer-encoding']).toBe('chunked');
		expect(emu.requests[0].bytesReceived).toBe(head.length + (blocks << 20) + tail.length);
	}, 30000);

	test('close() ends promptly even with keep-alive sockets and pending sync jobs', async () => {
		await start({ processingDelayMs: 60000 });
		await getStatus('x'); // leaves an idle keep-alive connection
		const pending = upload({ fields: { wait_for_result: 'true' } }).catch((e) => e);
		while (emu.uploads.length === 0) await sleep(5);
		const [job] = [...emu.jobs.values()];
		await emu.close();
		emu = null;
		// close() did not wait for the job (it would be ready a minute from its creation).
		expect(Date.now()).toBeLessThan(job.readyAt);
		expect(String(await pending)).toMatch(/fetch failed/); // (fetch's TypeError is from another realm)
	});
});

describe('CLI', () => {
	test('prints the URL, reports readiness over IPC and answers uploads/requests', async () => {
		const child = fork(
			path.join(__dirname, 'hispeech.js'),
			['--port', '0', '--api-key', 'cli-key', '--delay-ms', '10'],
			{
				stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
			},
		);
		try {
			const ask = (msg) =>
				new Promise((resolve) => {
					child.once('message', resolve);
					if (msg) child.send(msg);
				});
			let stdout = '';
			const firstLine = new Promise((resolve) => {
				child.stdout.on('data', (d) => {
					stdout += d;
					if (stdout.includes('\n')) resolve(stdout);
				});
			});
			const ready = await ask();
			expect(ready).toEqual({
				ready: true,
				url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
			});
			expect(await firstLine).toBe(`hispeech emulator listening on ${ready.url}\n`);

			const res = await fetch(`${ready.url}/api/v1/transcriptions/upload`, {
				method: 'POST',
				headers: { 'x-auth-token': 'cli-key' },
				body: makeForm({ wait_for_result: 'true' }),
			});
			expect(res.status).toBe(200);
			const { uploads } = await ask({ cmd: 'uploads' });
			expect(uploads).toEqual([
				expect.objectContaining({ filename: 'audio.mp3', bytes: 32000, waitForResult: true }),
			]);
			const { requests } = await ask({ cmd: 'requests' });
			expect(requests).toEqual([expect.objectContaining({ method: 'POST', status: 200 })]);
		} finally {
			const exited = new Promise((resolve) =>
				child.once('exit', (code, signal) => resolve({ code, signal })),
			);
			child.kill('SIGTERM');
			expect(await exited).toEqual({ code: 0, signal: null });
		}
	});
});
