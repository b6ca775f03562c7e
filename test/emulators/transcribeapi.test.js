'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { fork } = require('node:child_process');
const { startTranscribeApiEmulator } = require('./transcribeapi');
const { startFileServer, until } = require('../support/servers');

const KEY = 'test-key';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const md5 = (buf) => crypto.createHash('md5').update(buf).digest('hex');
/** Distinct, non-repeating bytes (so a misplaced part changes the hash). */
const bytes = (n, seed = 1) => {
	const out = Buffer.alloc(n);
	let x = seed;
	for (let i = 0; i < n; i++) {
		x = (x * 1103515245 + 12345) >>> 0;
		out[i] = x >>> 24;
	}
	return out;
};
const AUDIO = bytes(32000); // 2 s at the default 16000 bytes per second

/** A promise the test resolves: holds a job in a state without relying on timing. */
function gate() {
	let open;
	const promise = new Promise((resolve) => (open = resolve));
	return { promise, open };
}

let emu;
const servers = [];
async function start(options) {
	emu = await startTranscribeApiEmulator(options);
	return emu;
}
afterEach(async () => {
	if (emu) await emu.close();
	emu = null;
	while (servers.length) await servers.pop().close();
});

async function call(method, p, { json, body, headers = {}, key = KEY } = {}) {
	const h = { ...headers };
	if (key) h.authorization = `Bearer ${key}`;
	if (json !== undefined) {
		h['content-type'] = 'application/json';
		body = JSON.stringify(json);
	}
	const res = await fetch(p.startsWith('http') ? p : `${emu.url}${p}`, {
		method,
		headers: h,
		body,
	});
	const text = await res.text();
	let parsed = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		/* not JSON */
	}
	return { res, status: res.status, body: parsed, text };
}

function form(fields = {}, file = { name: 'audio.mp3', data: AUDIO }) {
	const fd = new FormData();
	if (file)
		fd.append('file', new Blob([file.data], { type: file.type || 'audio/mpeg' }), file.name);
	for (const [k, v] of Object.entries(fields)) fd.append(k, v);
	return fd;
}
const sync = (fields, file, opts = {}) =>
	call('POST', '/v1/transcribe', { body: form(fields, file), ...opts });

/** PUT to a signed storage URL (no Bearer, as for S3). */
function put(url, data, headers = {}) {
	return call('PUT', url, { body: data, headers, key: null });
}

async function completeMultipart(upload, etags, { order } = {}) {
	const numbers = order || Object.keys(etags).map(Number);
	const xml =
		'<CompleteMultipartUpload>' +
		numbers
			.map((n) => `<Part><PartNumber>${n}</PartNumber><ETag>${etags[n]}</ETag></Part>`)
			.join('') +
		'</CompleteMultipartUpload>';
	return call('POST', upload.complete_url, {
		body: xml,
		headers: { 'content-type': 'application/xml' },
		key: null,
	});
}

async function uploadParts(upload, data, only) {
	const etags = {};
	for (const part of upload.parts) {
		if (only && !only.includes(part.part_number)) continue;
		const start = (part.part_number - 1) * upload.part_size;
		const slice = data.subarray(start, Math.min(data.length, start + upload.part_size));
		const r = await put(part.url, slice);
		expect(r.status).toBe(200);
		etags[part.part_number] = r.res.headers.get('etag');
	}
	return etags;
}

/** A loopback webhook receiver answering `status`. */
async function startReceiver(status = 200) {
	const calls = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			calls.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
			res.statusCode = typeof status === 'function' ? status() : status;
			res.end('ok');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const receiver = {
		url: `http://127.0.0.1:${server.address().port}/hook`,
		calls,
		close: () => new Promise((resolve) => server.close(resolve)),
	};
	servers.push(receiver);
	return receiver;
}

/** Verifies a delivery the way a receiver would: key by id from the published document. */
function verify(doc, headers, raw) {
	const entry = doc.keys.find((k) => k.kid === headers['x-transcribeapi-key-id']);
	if (!entry) return false;
	const key = crypto.createPublicKey({ key: entry, format: 'jwk' });
	const message = Buffer.from(`${headers['x-transcribeapi-timestamp']}.${raw}`);
	return crypto.verify(
		null,
		message,
		key,
		Buffer.from(headers['x-transcribeapi-signature'], 'base64'),
	);
}

// ---------------------------------------------------------------------------------------------

describe('auth and basic routes', () => {
	test('health and key document need no key; API routes need a valid Bearer key', async () => {
		await start({ unverifiedApiKeys: ['unverified-key'] });
		expect(await call('GET', '/health', { key: null })).toMatchObject({
			status: 200,
			body: { status: 'ok' },
		});
		const keys = await call('GET', '/.well-known/transcribeapi-webhook-keys.json', { key: null });
		expect(keys.status).toBe(200);
		expect(keys.body.keys).toEqual([
			expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', kid: 'v1', x: expect.any(String) }),
		]);

		const missing = await call('GET', '/v1/transcribe/job_x', { key: null });
		expect(missing).toMatchObject({
			status: 401,
			body: { code: 'missing_api_key', error: expect.any(String) },
		});
		const wrong = await call('GET', '/v1/transcribe/job_x', { key: 'nope' });
		expect(wrong).toMatchObject({ status: 401, body: { code: 'invalid_api_key' } });
		const unverified = await call('GET', '/v1/transcribe/job_x', { key: 'unverified-key' });
		expect(unverified).toMatchObject({ status: 403, body: { code: 'email_not_verified' } });
		expect(await call('GET', '/v1/transcribe/job_x')).toMatchObject({
			status: 404,
			body: { code: 'job_not_found' },
		});
		expect(await call('GET', '/v1/nothing')).toMatchObject({
			status: 404,
			body: { code: 'not_found' },
		});
		expect(emu.requests.map((r) => r.status)).toEqual([200, 200, 401, 401, 403, 404, 404]);
		expect(emu.requests[2]).toMatchObject({
			method: 'GET',
			path: '/v1/transcribe/job_x',
			bytesReceived: 0,
		});
	});
});

describe('sync transcription', () => {
	test('returns the documented fields with a transcript derived from the bytes', async () => {
		await start({ balance: 10 });
		const r = await sync({
			language: 'de',
			model: 'whisper-large-v3-turbo',
			vad_filter: 'true',
			initial_prompt: 'Acme',
		});
		expect(r.status).toBe(200);
		const hash = sha256(AUDIO);
		expect(r.body).toEqual({
			job_id: expect.stringMatching(/^job_/),
			billed_seconds: 2,
			price_per_hour: 0.15,
			cost: round6((2 / 3600) * 0.15),
			remaining_balance: round6(10 - (2 / 3600) * 0.15),
			text: `Transcript of audio.mp3. It has 32000 bytes. Its sha256 starts with ${hash.slice(0, 16)}.`,
			vtt: expect.stringMatching(/^WEBVTT\n\n00:00\.000 --> /),
			segments: [
				{ id: 0, start_seconds: 0, end_seconds: 0.667, text: 'Transcript of audio.mp3.' },
				{ id: 1, start_seconds: 0.667, end_seconds: 1.333, text: 'It has 32000 bytes.' },
				{
					id: 2,
					start_seconds: 1.333,
					end_seconds: 2,
					text: `Its sha256 starts with ${hash.slice(0, 16)}.`,
				},
			],
			detected_language: 'de',
		});
		expect(r.body.vtt).toBe(
			'WEBVTT\n\n00:00.000 --> 00:00.667\nTranscript of audio.mp3.\n\n' +
				'00:00.667 --> 00:01.333\nIt has 32000 bytes.\n\n' +
				`00:01.333 --> 00:02.000\nIts sha256 starts with ${hash.slice(0, 16)}.\n`,
		);
		expect(emu.balance).toBe(r.body.remaining_balance);
		expect(emu.uploads[0]).toMatchObject({
			type: 'sync',
			filename: 'audio.mp3',
			size: 32000,
			sha256: hash,
			options: { language: 'de', vad_filter: true, initial_prompt: 'Acme', task: 'transcribe' },
		});
		// The sync job is also visible through the status route.
		const st = await call('GET', `/v1/transcribe/${r.body.job_id}`);
		expect(st.body).toMatchObject({
			status: 'completed',
			billed_seconds: 2,
			result_url: expect.any(String),
		});
	});

	test('translate, word-level VTT and detected language default', async () => {
		await start();
		const r = await sync({ task: 'translate', vtt_granularity: 'word' });
		expect(r.body.text.startsWith('[English translation] Transcript of audio.mp3.')).toBe(true);
		expect(r.body.detected_language).toBe('en');
		const cues = r.body.vtt.split('\n\n').slice(1);
		expect(cues.length).toBe(r.body.text.split(/\s+/).length);
		expect(cues[0]).toMatch(/^00:00\.000 --> 00:00\.\d{3}\n\[English$/);
	});

	test('exclude: several fields left → object; one transcript field left → bare value', async () => {
		await start();
		const a = await sync({ exclude: 'vtt,cost' });
		expect(Object.keys(a.body).sort()).toEqual([
			'billed_seconds',
			'detected_language',
			'job_id',
			'price_per_hour',
			'remaining_balance',
			'segments',
			'text',
		]);
		const text = await sync({ exclude: 'vtt, segments' });
		expect(text.res.headers.get('content-type')).toMatch(/application\/json/);
		expect(typeof text.body).toBe('string');
		expect(text.body).toMatch(/^Transcript of audio\.mp3\./);
		const vtt = await sync({ exclude: 'text,segments' });
		expect(vtt.body).toMatch(/^WEBVTT\n/);
		const segs = await sync({ exclude: 'text,vtt' });
		expect(Array.isArray(segs.body)).toBe(true);
		expect(segs.body[0]).toMatchObject({ id: 0, start_seconds: 0 });
		const none = await sync({ exclude: 'text,vtt,segments' });
		expect(none.body).toMatchObject({ job_id: expect.any(String), detected_language: 'en' });
		const bad = await sync({ exclude: 'text,words' });
		expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_request_options' } });
	});

	test('bareStringAs: "text" answers the bare VTT as text/vtt', async () => {
		await start({ bareStringAs: 'text' });
		const r = await sync({ exclude: 'text,segments' });
		expect(r.res.headers.get('content-type')).toMatch(/^text\/vtt/);
		expect(r.text).toMatch(/^WEBVTT\n/);
	});

	test('validation: missing file, bad fields, non-multipart, unsupported format', async () => {
		await start();
		expect(await sync({}, null)).toMatchObject({
			status: 400,
			body: { error: 'Attach an audio file in the `file` field.', code: 'missing_file' },
		});
		for (const fields of [
			{ language: 'auto' },
			{ language: 'xx' },
			{ task: 'summarize' },
			{ vad_filter: 'maybe' },
			{ vtt_granularity: 'paragraph' },
			{ model: 'whisper-1' },
		]) {
			expect(await sync(fields)).toMatchObject({
				status: 400,
				body: { code: 'invalid_request_options' },
			});
		}
		expect(await sync({}, { name: 'clip.mp4', data: AUDIO, type: 'video/mp4' })).toMatchObject({
			status: 400,
			body: { code: 'invalid_request_options' },
		});
		const notForm = await call('POST', '/v1/transcribe', {
			body: 'x',
			headers: { 'content-type': 'text/plain' },
		});
		expect(notForm).toMatchObject({ status: 400, body: { code: 'invalid_form_data' } });
		const broken = await call('POST', '/v1/transcribe', {
			body: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\n\r\nabc',
			headers: { 'content-type': 'multipart/form-data; boundary=b' },
		});
		expect(broken).toMatchObject({ status: 400, body: { code: 'invalid_form_data' } });
		expect(emu.uploads).toHaveLength(0);
	});

	test('limits: file_too_large, audio_too_long, insufficient_credit, failing file', async () => {
		await start({ maxSyncBytes: 40000, bytesPerSecond: 50 }); // 32000 bytes = 640 s > 600 s
		const tooLong = await sync({});
		expect(tooLong).toMatchObject({
			status: 400,
			body: { code: 'audio_too_long', max_seconds: 600, duration_seconds: 640 },
		});
		const tooLarge = await sync({}, { name: 'a.wav', data: bytes(40001) });
		expect(tooLarge).toMatchObject({
			status: 400,
			body: { code: 'file_too_large', max_bytes: 40000 },
		});
		await emu.close();

		await start({ balance: 0.00001 });
		expect(await sync({})).toMatchObject({ status: 402, body: { code: 'insufficient_credit' } });
		emu.setBalance(1);
		const failed = await sync(
			{},
			{ name: 'a.mp3', data: Buffer.concat([Buffer.from('FAIL'), AUDIO]) },
		);
		expect(failed).toMatchObject({ status: 502, body: { code: 'transcription_failed' } });
		expect(emu.balance).toBe(1); // nothing charged
	});

	test('default limits: 30,000,000 bytes and 10 minutes at 16000 bytes/s', async () => {
		await start();
		const tenMinutes = await sync({}, { name: 'a.wav', data: Buffer.alloc(600 * 16000, 1) });
		expect(tenMinutes).toMatchObject({ status: 200, body: { billed_seconds: 600, cost: 0.025 } });
		const over = await sync({}, { name: 'a.wav', data: Buffer.alloc(600 * 16000 + 16, 1) });
		expect(over.body.code).toBe('audio_too_long');
	});
});

function round6(n) {
	return Math.round(n * 1e6) / 1e6;
}

describe('big_file job with a single PUT (POST /v1/jobs)', () => {
	test('create → PUT → upload-completed → completed, result_url serves the transcript', async () => {
		const verifyGate = gate();
		const processGate = gate();
		await start({
			verifyDelayMs: () => verifyGate.promise,
			processingDelayMs: () => processGate.promise,
		});
		const data = bytes(48000, 7);
		const created = await call('POST', '/v1/jobs', {
			json: {
				type: 'big_file',
				size_bytes: data.length,
				content_type: 'audio/mpeg',
				model: 'whisper-large-v3-turbo',
			},
		});
		expect(created.status).toBe(200);
		expect(created.body).toMatchObject({
			job_id: expect.stringMatching(/^job_/),
			status: 'uploading',
			total_files: 1,
			uploads: [
				{
					reference_id: 'file_000001',
					upload: {
						type: 'put',
						url: expect.any(String),
						headers: { 'Content-Type': 'audio/mpeg' },
					},
				},
			],
		});
		const jobId = created.body.job_id;
		const { upload } = created.body.uploads[0];

		// Presigned URL rules: no Bearer, the signed Content-Type, a Content-Length, a valid signature.
		const withAuth = await call('PUT', upload.url, { body: data, headers: upload.headers });
		expect(withAuth.status).toBe(400);
		expect(withAuth.text).toMatch(/<Code>InvalidArgument<\/Code>/);
		expect((await put(upload.url, data, { 'content-type': 'audio/wav' })).text).toMatch(
			/SignatureDoesNotMatch/,
		);
		expect(
			(await put(upload.url.replace(/signature=../, 'signature=00'), data, upload.headers)).status,
		).toBe(403);
		const chunked = await new Promise((resolve, reject) => {
			const req = http.request(upload.url, { method: 'PUT', headers: upload.headers }, (res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode));
			});
			req.on('error', reject);
			req.write(data.subarray(0, 100));
			req.end(data.subarray(100));
		});
		expect(chunked).toBe(411);

		const early = await call('POST', `/v1/jobs/${jobId}/upload-urls`, { json: {} });
		expect(early.body.uploads[0].upload.type).toBe('put');
		const ok = await put(upload.url, data, upload.headers);
		expect(ok.status).toBe(200);
		expect(ok.res.headers.get('etag')).toBe(`"${md5(data)}"`);

		const done = await call('POST', `/v1/transcribe/${jobId}/upload-completed`);
		expect(done.body).toEqual({
			job_id: jobId,
			job_status: 'verifying',
			billed_seconds: 0,
			cost: 0,
			total_files: 1,
		});
		const again = await call('POST', `/v1/transcribe/${jobId}/upload-completed`);
		expect(again).toMatchObject({
			status: 409,
			body: { code: 'invalid_job_status', status: 'verifying' },
		});
		expect((await call('GET', `/v1/transcribe/${jobId}`)).body.status).toBe('verifying');
		verifyGate.open();
		await until(() => emu.jobs.get(jobId).status === 'queued');
		expect((await call('GET', `/v1/transcribe/${jobId}`)).body).toMatchObject({ status: 'queued' });
		expect((await call('GET', `/v1/transcribe/${jobId}`)).body.result_url).toBeUndefined();
		processGate.open();

		expect(await emu.whenSettled(jobId)).toBe('completed');
		expect(emu.jobs.get(jobId).history).toEqual(['uploading', 'verifying', 'queued', 'completed']);
		const st = await call('GET', `/v1/transcribe/${jobId}`);
		expect(st.body).toMatchObject({
			job_id: jobId,
			status: 'completed',
			billed_seconds: 3,
			price_per_hour: 0.15,
			cost: 0.000125,
			remaining_balance: 100 - 0.000125,
			result_url: expect.stringContaining('/results/'),
			expires_at: expect.any(String),
		});
		expect(await call('GET', st.body.result_url)).toMatchObject({ status: 400 }); // Bearer on a signed URL
		const result = await call('GET', st.body.result_url, { key: null });
		expect(result.body).toMatchObject({
			job_id: jobId,
			type: 'big_file',
			status: 'completed',
			reference_id: 'file_000001',
			text: `Transcript of file_000001. It has 48000 bytes. Its sha256 starts with ${sha256(data).slice(0, 16)}.`,
			segments: expect.any(Array),
			vtt: expect.stringMatching(/^WEBVTT/),
			files: [expect.objectContaining({ status: 'completed', billed_seconds: 3 })],
		});
		expect(emu.uploads).toEqual([
			expect.objectContaining({
				type: 'put',
				jobId,
				size: 48000,
				sha256: sha256(data),
				contentType: 'audio/mpeg',
			}),
		]);
	});

	test('size mismatch and missing upload end in failed_* statuses; statusField variants', async () => {
		await start({ statusField: 'both' });
		const a = await call('POST', '/v1/jobs', { json: { type: 'big_file', size_bytes: 1000 } });
		await put(a.body.uploads[0].upload.url, bytes(999));
		await call('POST', `/v1/transcribe/${a.body.job_id}/upload-completed`);
		expect(await emu.whenSettled(a.body.job_id)).toBe('failed_upload_size_mismatch');
		const st = await call('GET', `/v1/transcribe/${a.body.job_id}`);
		expect(st.body).toMatchObject({
			status: 'failed_upload_size_mismatch',
			job_status: 'failed_upload_size_mismatch',
			code: 'upload_size_mismatch',
			error: expect.stringContaining('999'),
		});
		expect(st.body.result_url).toBeUndefined();

		const b = await call('POST', '/v1/jobs', { json: { type: 'big_file' } });
		await call('POST', `/v1/transcribe/${b.body.job_id}/upload-completed`);
		expect(await emu.whenSettled(b.body.job_id)).toBe('failed_upload_missing');
	});

	test('job request validation', async () => {
		await start();
		const cases = [
			[{ type: 'small_file' }, 'invalid_job_request'],
			[{ type: 'big_file', language: 'xx' }, 'invalid_job_request'],
			[{ type: 'big_file', webhook_url: 'ftp://x' }, 'invalid_job_request'],
			[{ type: 'big_file', size_bytes: -5 }, 'invalid_file_metadata'],
			[{ type: 'big_file', content_type: 'video/mp4' }, 'invalid_file_metadata'],
			[
				{ type: 'big_file', source: { type: 's3', url: 'http://127.0.0.1/a' } },
				'invalid_job_request',
			],
			[{ type: 'batch', files: [] }, 'invalid_job_request'],
			[
				{ type: 'batch', files: [{ reference_id: 'a' }, { reference_id: 'a' }] },
				'invalid_job_request',
			],
			[{ type: 'batch', files: [{ size_bytes: 6e9 }, { size_bytes: 6e9 }] }, 'batch_too_large'],
		];
		for (const [json, code] of cases) {
			const r = await call('POST', '/v1/jobs', { json });
			expect([JSON.stringify(json), r.status, r.body.code]).toEqual([
				JSON.stringify(json),
				400,
				code,
			]);
		}
		const notJson = await call('POST', '/v1/jobs', {
			body: '{nope',
			headers: { 'content-type': 'application/json' },
		});
		expect(notJson).toMatchObject({ status: 400, body: { code: 'invalid_json' } });
		const tooMany = await call('POST', '/v1/transcribe', {
			json: {
				files: Array.from({ length: 10001 }, (_, i) => ({ url: `http://127.0.0.1:1/${i}.mp3` })),
			},
		});
		expect(tooMany).toMatchObject({
			status: 400,
			body: { code: 'too_many_files', max_files: 10000 },
		});
		expect(emu.jobs.size).toBe(0);
	});
});

describe('multipart upload (SDK shape: JSON POST /v1/transcribe)', () => {
	test('parts, ETags, complete XML validation, upload-completed, reassembled hash', async () => {
		await start({ multipartThreshold: 1000, partSize: 400 });
		const data = bytes(1000, 3);
		const created = await call('POST', '/v1/transcribe', {
			json: { files: [{ reference_id: 'ep1', size_bytes: data.length }], language: 'fr' },
		});
		expect(created.status).toBe(200);
		expect(created.body).toMatchObject({
			job_status: 'uploading',
			uploads: [{ reference_id: 'ep1' }],
		});
		const { upload } = created.body.uploads[0];
		expect(upload).toMatchObject({
			type: 'multipart',
			part_size: 400,
			upload_id: expect.any(String),
			key: expect.any(String),
			complete_url: expect.any(String),
			abort_url: expect.any(String),
		});
		expect(upload.parts.map((p) => p.part_number)).toEqual([1, 2, 3]);

		// Parts out of order are fine; the ETag is the quoted MD5 of the part.
		const etags = {};
		for (const n of [3, 1, 2]) {
			const slice = data.subarray((n - 1) * 400, Math.min(1000, n * 400));
			const r = await put(upload.parts[n - 1].url, slice);
			expect(r.res.headers.get('etag')).toBe(`"${md5(slice)}"`);
			etags[n] = r.res.headers.get('etag');
		}

		const malformed = await call('POST', upload.complete_url, { body: '<Foo/>', key: null });
		expect(malformed.text).toMatch(/<Code>MalformedXML<\/Code>/);
		const order = await completeMultipart(upload, etags, { order: [1, 3, 2] });
		expect(order).toMatchObject({ status: 400 });
		expect(order.text).toMatch(/InvalidPartOrder/);
		const wrong = await completeMultipart(upload, { ...etags, 2: '"0123"' });
		expect(wrong.text).toMatch(/InvalidPart</);
		// A non-last part shorter than part_size is refused; uploading it again replaces it.
		const short = await put(upload.parts[0].url, data.subarray(0, 399));
		const tooSmall = await completeMultipart(upload, {
			...etags,
			1: short.res.headers.get('etag'),
		});
		expect(tooSmall.text).toMatch(/<Code>EntityTooSmall<\/Code>/);
		expect((await put(upload.parts[0].url, data.subarray(0, 400))).res.headers.get('etag')).toBe(
			etags[1],
		);

		const completed = await completeMultipart(upload, etags);
		expect(completed.status).toBe(200);
		expect(completed.text).toMatch(
			/<CompleteMultipartUploadResult>.*<ETag>&#34;[0-9a-f]{32}-3&#34;<\/ETag>/,
		);
		expect((await completeMultipart(upload, etags)).status).toBe(200); // a retried complete is harmless
		expect((await put(upload.parts[0].url, data.subarray(0, 400))).text).toMatch(/NoSuchUpload/);

		await call('POST', `/v1/transcribe/${created.body.job_id}/upload-completed`);
		expect(await emu.whenSettled(created.body.job_id)).toBe('completed');
		expect(emu.uploads).toEqual([
			expect.objectContaining({
				type: 'multipart',
				referenceId: 'ep1',
				size: 1000,
				partCount: 3,
				sha256: sha256(data),
			}),
		]);
		const st = await call('GET', `/v1/transcribe/${created.body.job_id}`);
		const result = await call('GET', st.body.result_url, { key: null });
		expect(result.body).toMatchObject({ reference_id: 'ep1', detected_language: 'fr' });
		expect(result.body.text).toContain(sha256(data).slice(0, 16));
	});

	test('a part PUT that breaks, resume-upload with the stored parts, then completion', async () => {
		await start({ multipartThreshold: 1000, partSize: 300 });
		const data = bytes(1100, 5);
		const created = await call('POST', '/v1/transcribe', {
			json: { files: [{ reference_id: 'big', size_bytes: 1100 }] },
		});
		const jobId = created.body.job_id;
		const { upload } = created.body.uploads[0];
		expect(upload.parts).toHaveLength(4);
		emu.failUploadPart({ partNumber: 2, times: 2 }); // connection reset twice
		emu.failUploadPart({ partNumber: 3, type: 'status', status: 503 });
		const first = await uploadParts(upload, data, [1, 4]);
		await expect(put(upload.parts[1].url, data.subarray(300, 600))).rejects.toThrow();
		await expect(put(upload.parts[1].url, data.subarray(300, 600))).rejects.toThrow();
		const slow = await put(upload.parts[2].url, data.subarray(600, 900));
		expect(slow.status).toBe(503);
		expect(slow.text).toMatch(/<Code>SlowDown<\/Code>/);

		const bad = await call('POST', `/v1/jobs/${jobId}/resume-upload`, {
			json: { upload: { type: 'stream' } },
		});
		expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_upload_type' } });
		const unknown = await call('POST', `/v1/jobs/${jobId}/resume-upload`, {
			json: { upload: { type: 'multipart', upload_id: 'zzz' } },
		});
		expect(unknown).toMatchObject({ status: 400, body: { code: 'invalid_upload' } });
		const resumed = await call('POST', `/v1/jobs/${jobId}/resume-upload`, {
			json: { upload: { type: 'multipart', upload_id: upload.upload_id, key: upload.key } },
		});
		expect(resumed.status).toBe(200);
		expect(resumed.body).toMatchObject({
			job_id: jobId,
			reference_id: 'big',
			upload: { type: 'multipart', upload_id: upload.upload_id },
		});
		expect(resumed.body.upload.parts.map((p) => p.part_number)).toEqual([2, 3]);
		expect(resumed.body.upload.uploaded_parts).toEqual([
			{ part_number: 1, etag: first[1], size: 300 },
			{ part_number: 4, etag: first[4], size: 200 },
		]);
		const rest = await uploadParts(resumed.body.upload, data);
		expect((await completeMultipart(resumed.body.upload, { ...first, ...rest })).status).toBe(200);

		// upload-urls also refreshes the part URLs (all parts).
		const urls = await call('POST', `/v1/jobs/${jobId}/upload-urls`, { json: {} });
		expect(urls.body.uploads[0].upload.parts).toHaveLength(4);

		await call('POST', `/v1/transcribe/${jobId}/upload-completed`);
		expect(await emu.whenSettled(jobId)).toBe('completed');
		expect(emu.uploads[0]).toMatchObject({ size: 1100, sha256: sha256(data) });
		expect(emu.requests.filter((r) => r.fault).map((r) => [r.fault, r.status])).toEqual([
			['reset', 0],
			['reset', 0],
			['status', 503],
		]);
		const resumeAfter = await call('POST', `/v1/jobs/${jobId}/resume-upload`);
		expect(resumeAfter).toMatchObject({ status: 409, body: { code: 'invalid_job_status' } });
	});

	test('abort, then resume starts a new multipart upload; expired URLs are refused', async () => {
		await start({ multipartThreshold: 100, partSize: 100 });
		const created = await call('POST', '/v1/transcribe', {
			json: { files: [{ reference_id: 'a', size_bytes: 150 }] },
		});
		const jobId = created.body.job_id;
		const { upload } = created.body.uploads[0];
		await put(upload.parts[0].url, bytes(100));
		expect((await call('DELETE', upload.abort_url, { key: null })).status).toBe(204);
		expect((await put(upload.parts[1].url, bytes(50))).text).toMatch(/NoSuchUpload/);
		const resumed = await call('POST', `/v1/jobs/${jobId}/resume-upload`, {
			json: { reference_id: 'a' },
		});
		expect(resumed.body.upload.upload_id).not.toBe(upload.upload_id); // a new multipart upload
		expect(resumed.body.upload.uploaded_parts).toEqual([]);
		const etags = await uploadParts(resumed.body.upload, bytes(150, 9));
		expect((await completeMultipart(resumed.body.upload, etags)).status).toBe(200);
		expect(emu.uploads[0]).toMatchObject({ size: 150, sha256: sha256(bytes(150, 9)) });
		await emu.close();

		await start({ uploadUrlTtlMs: 1 });
		const job = await call('POST', '/v1/jobs', { json: { type: 'big_file' } });
		await sleep(20); // well past the URL's 1 ms lifetime
		const expired = await put(job.body.uploads[0].upload.url, bytes(100));
		expect(expired.status).toBe(403);
		expect(expired.text).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired/);
	});
});

describe('batch jobs', () => {
	test('SDK shape: uploads + URL + failing file → completed_with_errors, per-file results, signed webhook', async () => {
		await start({ processingDelayMs: (f) => (f.referenceId === 'slow' ? 40 : 0) });
		const receiver = await startReceiver(200);
		const urlAudio = bytes(16000, 11);
		const files = await startFileServer({ '/remote.mp3': { content: urlAudio } });
		servers.push(files);
		const good = bytes(8000, 12);
		const bad = Buffer.concat([Buffer.from('FAIL'), bytes(4000, 13)]);
		const created = await call('POST', '/v1/transcribe', {
			json: {
				files: [
					{ reference_id: 'slow' },
					{ reference_id: 'broken' },
					{ reference_id: 'remote', url: `${files.url}/remote.mp3`, language: 'es' },
					{ reference_id: 'gone', url: `${files.url}/missing.mp3` },
				],
				webhook_url: receiver.url,
				exclude: ['vtt'],
			},
		});
		expect(created.status).toBe(200);
		const jobId = created.body.job_id;
		expect(created.body).toMatchObject({ job_status: 'uploading', total_files: 4 });
		expect(created.body.uploads.map((u) => [u.reference_id, u.upload.type])).toEqual([
			['slow', 'put'],
			['broken', 'put'],
		]);
		expect(files.requests).toHaveLength(0); // URLs are fetched when the job starts
		await put(created.body.uploads[0].upload.url, good);
		await put(created.body.uploads[1].upload.url, bad);
		await call('POST', `/v1/transcribe/${jobId}/upload-completed`);
		expect(await emu.whenSettled(jobId)).toBe('completed_with_errors');
		expect(files.requests.map((r) => r.url).sort()).toEqual(['/missing.mp3', '/remote.mp3']);

		const st = await call('GET', `/v1/transcribe/${jobId}`);
		expect(st.body).toMatchObject({
			status: 'completed_with_errors',
			type: 'batch',
			total_files: 4,
			completed_files: 2,
			failed_files: 2,
			billed_seconds: 1 + 1,
			webhook_url: receiver.url,
		});
		const result = (await call('GET', st.body.result_url, { key: null })).body;
		expect(result.files.map((f) => [f.reference_id, f.status, f.code])).toEqual([
			['slow', 'completed', undefined],
			['broken', 'failed', 'transcription_failed'],
			['remote', 'completed', undefined],
			['gone', 'failed', 'source_missing'],
		]);
		expect(result.files[0].text).toContain(sha256(good).slice(0, 16));
		expect(result.files[0].vtt).toBeUndefined(); // exclude applies to results
		expect(result.files[2]).toMatchObject({
			detected_language: 'es',
			url: `${files.url}/remote.mp3`,
		});
		expect(result.files[2].text).toBe(
			`Transcript of remote.mp3. It has 16000 bytes. Its sha256 starts with ${sha256(urlAudio).slice(0, 16)}.`,
		);
		expect(emu.uploads.map((u) => [u.type, u.referenceId, u.sha256])).toEqual(
			expect.arrayContaining([
				['put', 'slow', sha256(good)],
				['put', 'broken', sha256(bad)],
				['url', 'remote', sha256(urlAudio)],
			]),
		);

		// Webhook: documented body, Ed25519 over `${timestamp}.${rawBody}`, key from the key document.
		expect(receiver.calls).toHaveLength(1);
		const { headers, raw } = receiver.calls[0];
		expect(JSON.parse(raw)).toEqual({
			type: 'transcription.completed',
			job_id: jobId,
			status: 'completed_with_errors',
			result_url: st.body.result_url,
			expires_at: st.body.expires_at,
		});
		expect(headers['x-transcribeapi-key-id']).toBe('v1');
		expect(Math.abs(Number(headers['x-transcribeapi-timestamp']) - Date.now() / 1000)).toBeLessThan(
			60,
		);
		const doc = (await call('GET', '/.well-known/transcribeapi-webhook-keys.json', { key: null }))
			.body;
		expect(verify(doc, headers, raw)).toBe(true);
		expect(verify(doc, headers, raw.replace('completed_with_errors', 'completed'))).toBe(false);
		expect(emu.webhooks[0]).toMatchObject({ jobId, status: 200, keyId: 'v1', body: raw });
	});

	test('POST /v1/jobs batch: upload-urls pages, missing file → failed_missing_batch_file', async () => {
		await start({ uploadPageSize: 2 });
		const created = await call('POST', '/v1/jobs', {
			json: {
				type: 'batch',
				files: [
					{ reference_id: 'a', filename: 'a.mp3', content_type: 'audio/mpeg' },
					{ reference_id: 'b', filename: 'b.wav' },
					{ reference_id: 'c' },
					{ reference_id: 'u', url: 'http://127.0.0.1:9/u.mp3' },
				],
			},
		});
		expect(created.body).toEqual({
			job_id: expect.any(String),
			status: 'uploading',
			total_files: 4,
		});
		const jobId = created.body.job_id;
		const page1 = await call('POST', `/v1/jobs/${jobId}/upload-urls`, { json: {} });
		expect(page1.body.uploads.map((u) => [u.file_id, u.reference_id, u.filename])).toEqual([
			['file_000001', 'a', 'a.mp3'],
			['file_000002', 'b', 'b.wav'],
		]);
		expect(page1.body.uploads[0]).toMatchObject({
			key: expect.stringMatching(/file_000001\.mp3$/),
			upload: { type: 'put', headers: { 'Content-Type': 'audio/mpeg' } },
		});
		expect(page1.body.next_offset).toBe(2);
		const page2 = await call('POST', `/v1/jobs/${jobId}/upload-urls`, { json: { offset: 2 } });
		expect(page2.body).toMatchObject({ next_offset: null, uploads: [{ reference_id: 'c' }] });
		const byId = await call('POST', `/v1/jobs/${jobId}/upload-urls`, {
			json: { reference_ids: ['c'] },
		});
		expect(byId.body.uploads.map((u) => u.reference_id)).toEqual(['c']);
		expect(
			(await call('POST', `/v1/jobs/${jobId}/upload-urls`, { json: { limit: 3 } })).body.code,
		).toBe('invalid_upload_page');
		expect(
			(await call('POST', `/v1/jobs/${jobId}/upload-urls`, { json: { offset: 9 } })).body.code,
		).toBe('invalid_upload_page');

		await put(page1.body.uploads[0].upload.url, bytes(100), { 'content-type': 'audio/mpeg' });
		await put(page1.body.uploads[1].upload.url, bytes(100));
		await call('POST', `/v1/transcribe/${jobId}/upload-completed`);
		expect(await emu.whenSettled(jobId)).toBe('failed_missing_batch_file');
		expect((await call('POST', `/v1/jobs/${jobId}/upload-urls`, { json: {} })).status).toBe(409);
	});

	test('URL-only jobs start at once; a big_file URL that cannot be fetched → failed_source_missing', async () => {
		await start();
		const files = await startFileServer({ '/one.wav': { content: AUDIO } });
		servers.push(files);
		const ok = await call('POST', '/v1/jobs', {
			json: { type: 'big_file', source: { type: 'url', url: `${files.url}/one.wav` } },
		});
		expect(ok.body).toMatchObject({ status: 'verifying', uploads: [] });
		expect(await emu.whenSettled(ok.body.job_id)).toBe('completed');
		const bad = await call('POST', '/v1/jobs', {
			json: { type: 'big_file', source: { type: 'url', url: `${files.url}/nope.wav` } },
		});
		expect(await emu.whenSettled(bad.body.job_id)).toBe('failed_source_missing');
		const remote = await call('POST', '/v1/jobs', {
			json: { type: 'big_file', source: { type: 'url', url: 'https://example.com/a.mp3' } },
		});
		expect(await emu.whenSettled(remote.body.job_id)).toBe('failed_source_missing');
		expect(emu.jobs.get(remote.body.job_id).error).toMatch(/not reachable|only http/);
	});

	test('10,000 files are accepted in one request', async () => {
		await start();
		const created = await call('POST', '/v1/transcribe', {
			json: { files: Array.from({ length: 10000 }, (_, i) => ({ reference_id: `r${i}` })) },
		});
		expect(created.status).toBe(200);
		expect(created.body.uploads).toHaveLength(10000);
	});

	test('failing big_file, insufficient funds, forced statuses', async () => {
		await start({
			failWhen: (f) =>
				f.referenceId === 'x' ? { code: 'bad_audio', message: 'Cannot decode' } : null,
		});
		const files = await startFileServer({ '/a.mp3': { content: AUDIO } });
		servers.push(files);
		const a = await call('POST', '/v1/transcribe', {
			json: { files: [{ reference_id: 'x', url: `${files.url}/a.mp3` }] },
		});
		expect(await emu.whenSettled(a.body.job_id)).toBe('failed');
		expect((await call('GET', `/v1/transcribe/${a.body.job_id}`)).body).toMatchObject({
			status: 'failed',
			code: 'bad_audio',
			error: 'Cannot decode',
		});
		emu.setBalance(0.00001);
		const b = await call('POST', '/v1/transcribe', {
			json: { files: [{ url: `${files.url}/a.mp3` }] },
		});
		expect(await emu.whenSettled(b.body.job_id)).toBe('failed_insufficient_credits');
		emu.setBalance(0);
		const c = await call('POST', '/v1/jobs', { json: { type: 'big_file' } });
		expect(c).toMatchObject({ status: 402, body: { code: 'insufficient_credit' } });
		await emu.close();

		await start({
			insufficientFundsStatus: 'insufficient_funds',
			balance: 0.00001,
			runningStatus: 'processing',
		});
		const d = await call('POST', '/v1/transcribe', {
			json: { files: [{ url: `${files.url}/a.mp3` }] },
		});
		expect(await emu.whenSettled(d.body.job_id)).toBe('insufficient_funds');
		emu.setBalance(5);
		const e = await call('POST', '/v1/transcribe', {
			json: { files: [{ url: `${files.url}/a.mp3` }] },
		});
		await emu.whenSettled(e.body.job_id);
		expect(emu.jobs.get(e.body.job_id).history).toEqual([
			'verifying',
			'queued',
			'processing',
			'completed',
		]);
		await emu.close();

		await start({ forceStatus: () => 'failed_result_missing' });
		const f = await call('POST', '/v1/transcribe', {
			json: { files: [{ url: `${files.url}/a.mp3` }] },
		});
		expect(await emu.whenSettled(f.body.job_id)).toBe('failed_result_missing');
	});
});

describe('webhooks', () => {
	test('a receiver that fails → result_available; retries; failed jobs get transcription.failed', async () => {
		await start({ webhookRetries: 1 });
		const receiver = await startReceiver(500);
		const files = await startFileServer({ '/a.mp3': { content: AUDIO } });
		servers.push(files);
		const a = await call('POST', '/v1/jobs', {
			json: {
				type: 'big_file',
				source: { type: 'url', url: `${files.url}/a.mp3` },
				webhook_url: receiver.url,
			},
		});
		expect(await emu.whenSettled(a.body.job_id)).toBe('result_available');
		expect(receiver.calls).toHaveLength(2);
		const st = await call('GET', `/v1/transcribe/${a.body.job_id}`);
		expect(st.body).toMatchObject({ status: 'result_available', result_url: expect.any(String) });
		expect((await call('GET', st.body.result_url, { key: null })).body.status).toBe(
			'result_available',
		);

		const ok = await startReceiver(204);
		const b = await call('POST', '/v1/jobs', {
			json: {
				type: 'batch',
				files: [{ url: `${files.url}/FAIL.mp3` }, { url: `${files.url}/a.mp3` }],
				webhook_url: ok.url,
			},
		});
		expect(await emu.whenSettled(b.body.job_id)).toBe('completed_with_errors');
		const c = await call('POST', '/v1/jobs', { json: { type: 'big_file', webhook_url: ok.url } });
		await call('POST', `/v1/transcribe/${c.body.job_id}/upload-completed`);
		expect(await emu.whenSettled(c.body.job_id)).toBe('failed_upload_missing');
		expect(JSON.parse(ok.calls[1].raw)).toEqual({
			type: 'transcription.failed',
			job_id: c.body.job_id,
			status: 'failed_upload_missing',
			error: expect.any(String),
			code: 'upload_missing',
		});
		const unreachable = await call('POST', '/v1/jobs', {
			json: {
				type: 'big_file',
				source: { type: 'url', url: `${files.url}/a.mp3` },
				webhook_url: 'https://example.com/hook',
			},
		});
		expect(await emu.whenSettled(unreachable.body.job_id)).toBe('result_available');
		expect(emu.webhooks.at(-1).error).toMatch(/not reachable|only http/);
	});

	test('key rotation, signPayload, PEM and raw key documents', async () => {
		await start();
		const receiver = await startReceiver(200);
		const files = await startFileServer({ '/a.mp3': { content: AUDIO } });
		servers.push(files);
		expect(emu.rotateKey()).toBe('v2');
		const a = await call('POST', '/v1/jobs', {
			json: {
				type: 'big_file',
				source: { type: 'url', url: `${files.url}/a.mp3` },
				webhook_url: receiver.url,
			},
		});
		await emu.whenSettled(a.body.job_id);
		const doc = (await call('GET', '/.well-known/transcribeapi-webhook-keys.json', { key: null }))
			.body;
		expect(doc.keys.map((k) => k.kid)).toEqual(['v1', 'v2']);
		expect(receiver.calls[0].headers['x-transcribeapi-key-id']).toBe('v2');
		expect(verify(doc, receiver.calls[0].headers, receiver.calls[0].raw)).toBe(true);

		const forged = emu.signPayload(
			{ type: 'transcription.completed', job_id: 'job_x' },
			{ timestamp: 1000, keyId: 'v1' },
		);
		expect(forged.headers).toMatchObject({
			'x-transcribeapi-timestamp': '1000',
			'x-transcribeapi-key-id': 'v1',
		});
		expect(verify(doc, forged.headers, forged.body)).toBe(true);
		emu.retireKey('v1');
		expect(emu.keyDocument().keys.map((k) => k.kid)).toEqual(['v2']);
		await emu.close();

		for (const keyFormat of ['pem', 'raw']) {
			await start({ keyFormat });
			const body = '{"job_id":"job_1"}';
			const signed = emu.signPayload(body);
			const entry = (
				await call('GET', '/.well-known/transcribeapi-webhook-keys.json', { key: null })
			).body.keys[0];
			expect(entry.kid).toBe('v1');
			const key =
				keyFormat === 'pem'
					? crypto.createPublicKey(entry.public_key)
					: crypto.createPublicKey({
							key: {
								kty: 'OKP',
								crv: 'Ed25519',
								x: Buffer.from(entry.public_key, 'base64').toString('base64url'),
							},
							format: 'jwk',
						});
			const ok = crypto.verify(
				null,
				Buffer.from(`${signed.timestamp}.${body}`),
				key,
				Buffer.from(signed.signature, 'base64'),
			);
			expect([keyFormat, ok]).toEqual([keyFormat, true]);
			await emu.close();
		}
		emu = null;
	});
});

describe('rate limit and faults', () => {
	test('per-minute transcription limit answers 429 with Retry-After; status polls are not counted', async () => {
		await start({ requestsPerMinute: 2 });
		expect((await sync({})).status).toBe(200);
		const job = await call('POST', '/v1/jobs', { json: { type: 'big_file' } });
		expect(job.status).toBe(200);
		const limited = await sync({});
		expect(limited.status).toBe(429);
		expect(limited.body).toMatchObject({
			code: 'rate_limit_exceeded',
			limit: 2,
			window_seconds: 60,
			error: expect.any(String),
		});
		const retryAfter = Number(limited.res.headers.get('retry-after'));
		expect(retryAfter).toBeGreaterThanOrEqual(1);
		expect(retryAfter).toBeLessThanOrEqual(60);
		expect((await call('GET', `/v1/transcribe/${job.body.job_id}`)).status).toBe(200);
		expect(emu.uploads).toHaveLength(1); // the limited request did nothing
		await emu.close();

		await start({ requestsPerMinute: 1, rateWindowMs: 100 });
		expect((await sync({})).status).toBe(200);
		await sleep(150); // the window has passed
		expect((await sync({})).status).toBe(200);
		await emu.close();

		await start({ requestsPerMinute: 1, rateLimitScope: 'all' });
		expect((await call('GET', '/v1/transcribe/job_x')).status).toBe(404);
		expect((await call('GET', '/v1/transcribe/job_x')).status).toBe(429);
	});

	test('injected 429 / 5xx / drop / slow / drop-after-processing, and a seeded fault rate', async () => {
		await start();
		emu.injectFault({ path: '/v1/transcribe/', method: 'GET', type: '429', retryAfter: 7 });
		const r429 = await call('GET', '/v1/transcribe/job_x');
		expect(r429).toMatchObject({ status: 429, body: { code: 'rate_limit_exceeded' } });
		expect(r429.res.headers.get('retry-after')).toBe('7');
		emu.injectFault({ path: '/v1/transcribe/', type: 'status', status: 502 });
		expect(await call('GET', '/v1/transcribe/job_x')).toMatchObject({
			status: 502,
			body: { code: 'transcription_failed' },
		});
		emu.injectFault({ path: '/v1/transcribe', type: 'status', status: 500, times: 2 });
		expect((await sync({})).body.code).toBe('internal_error');
		expect((await sync({})).status).toBe(500);
		emu.injectFault({ path: '/v1/transcribe', type: 'drop' });
		await expect(sync({})).rejects.toThrow();
		emu.injectFault({ path: '/health', type: 'slow', delayMs: 30 });
		expect((await call('GET', '/health')).status).toBe(200);
		expect(emu.requests.at(-1).fault).toBe('slow');
		emu.injectFault({ path: /^\/v1\/jobs$/, type: 'drop-after-processing' });
		await expect(call('POST', '/v1/jobs', { json: { type: 'big_file' } })).rejects.toThrow();
		expect(emu.jobs.size).toBe(1); // the job was created although the answer was lost
		expect(emu.uploads).toHaveLength(0);

		const run = async (seed) => {
			emu.reset();
			emu.setFaultRate({ rate: 0.5, types: ['429', '500', 'slow'], seed, delayMs: 1 });
			const out = [];
			for (let i = 0; i < 8; i++) out.push((await call('GET', '/health')).status);
			return out;
		};
		const a = await run(3);
		expect(await run(3)).toEqual(a);
		expect(a.some((s) => s !== 200)).toBe(true);
		emu.setFaultRate({ rate: 0 });
		expect((await call('GET', '/health')).status).toBe(200);
	});

	test('reset clears state but keeps the keys; close removes temporary part files', async () => {
		await start({ multipartThreshold: 10, partSize: 10 });
		const created = await call('POST', '/v1/transcribe', {
			json: { files: [{ reference_id: 'a', size_bytes: 25 }] },
		});
		const { upload } = created.body.uploads[0];
		await put(upload.parts[0].url, bytes(10));
		expect(fs.readdirSync(path.join(emu.tmpDir, upload.upload_id))).toEqual(['part-1']);
		const tmpDir = emu.tmpDir;
		const kid = emu.currentKeyId;
		emu.reset();
		expect([emu.requests.length, emu.jobs.size, emu.uploads.length, emu.currentKeyId]).toEqual([
			0,
			0,
			0,
			kid,
		]);
		expect((await put(upload.parts[1].url, bytes(10))).text).toMatch(/NoSuchUpload/);
		expect(fs.existsSync(path.join(tmpDir, upload.upload_id))).toBe(false);
		await emu.close();
		emu = null;
		expect(fs.existsSync(tmpDir)).toBe(false);
	});
});

describe('CLI', () => {
	test('reports readiness over IPC and answers commands', async () => {
		const child = fork(
			path.join(__dirname, 'transcribeapi.js'),
			['--port', '0', '--api-key', 'cli-key', '--bytes-per-second', '100'],
			{
				stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
			},
		);
		const next = () => new Promise((resolve) => child.once('message', resolve));
		try {
			const ready = await next();
			expect(ready).toMatchObject({
				ready: true,
				url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
			});
			const res = await fetch(`${ready.url}/v1/transcribe`, {
				method: 'POST',
				headers: { authorization: 'Bearer cli-key' },
				body: form(),
			});
			expect((await res.json()).billed_seconds).toBe(320);
			child.send({ cmd: 'uploads' });
			const uploads = await next();
			expect(uploads.uploads[0]).toMatchObject({ type: 'sync', sha256: sha256(AUDIO) });
			child.send({ cmd: 'rotateKey' });
			expect(await next()).toEqual({ cmd: 'rotateKey', rotateKey: 'v2' });
			child.send({ cmd: 'reset' });
			expect(await next()).toEqual({ cmd: 'reset', reset: true });
			child.send({ cmd: 'requests' });
			expect((await next()).requests).toEqual([]);
		} finally {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
	});
});
