// Engine tests: TranscribeAPI uploads that outlive their URLs (the docs: "Upload URLs are valid for
// 1 hour"). The emulator expires every upload URL issued so far at an exact point
// (expireUploadUrlsAfterStored: n → once n uploads are stored), as if the hour had passed there,
// so nothing depends on a clock.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runWorkflow, cleanup } = require('../harness/engine');
const { startTranscribeApiEmulator } = require('../emulators/transcribeapi');
const { sha256 } = require('../support/servers');

const MiB = 1024 * 1024;
let emu;
let tmp;

const contentSignature = (bytes) =>
	`It has ${bytes.length} bytes. Its sha256 starts with ${sha256(bytes).slice(0, 16)}.`;

async function start(options) {
	emu = await startTranscribeApiEmulator({
		apiKey: 'test-key',
		processingDelayMs: 50,
		multipartThreshold: 2 * MiB,
		partSize: MiB,
		...options,
	});
}

async function run(input, parameters, extra = {}) {
	const { result } = runWorkflow({
		input,
		nodes: [
			{
				name: 'TranscribeAPI',
				type: 'transcribeApi',
				parameters: { resource: 'transcription', ...parameters },
				...extra,
			},
		],
		credentials: { transcribeApiApi: { apiKey: 'test-key', baseUrl: emu.url } },
	});
	return await result;
}

function fileOf(name, size) {
	const file = path.join(tmp, name);
	fs.writeFileSync(file, crypto.randomBytes(size));
	return { json: {}, binary: { data: { path: file, fileName: name, mimeType: 'audio/mpeg' } } };
}

const calls = (method, pattern) =>
	emu.requests.filter((r) => r.method === method && pattern.test(r.path));
const poll = { waitMode: 'poll', pollIntervalSeconds: 10, maxWaitMinutes: 2 };

beforeAll(() => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'transcribeapi-expiry-'));
});
afterEach(async () => {
	await emu?.close();
	emu = undefined;
});
afterAll(() => {
	fs.rmSync(tmp, { recursive: true, force: true });
	cleanup();
});

test('a multipart upload that outlives its URLs completes on the complete_url resume-upload returned', async () => {
	// Six parts, four in flight: the URLs expire when the first part is stored, so the later parts
	// are refused (403), resume-upload hands out fresh part URLs and a fresh complete_url.
	await start({ expireUploadUrlsAfterStored: 1 });
	const item = fileOf('long.mp3', 6 * MiB);
	const result = await run([item], {
		operation: 'transcribe',
		waitMode: 'none',
		options: { forceAsync: true },
	});
	expect(result.error).toBeUndefined();
	expect(calls('POST', /\/resume-upload$/)).toHaveLength(1);
	const completions = calls('POST', /^\/uploads\/[^/]+\/complete$/);
	expect(completions.map((r) => r.status)).toEqual([200]);
	expect(emu.uploads).toEqual([
		expect.objectContaining({
			type: 'multipart',
			partCount: 6,
			sha256: sha256(fs.readFileSync(item.binary.data.path)),
		}),
	]);
	expect(calls('POST', /\/upload-completed$/)).toHaveLength(1);
});

test('an expired completion URL (S3 403 "Request has expired") is not retried and the error says it expired', async () => {
	// Three parts, all in flight at once: every part is stored, then the URLs expire, completion included.
	await start({ expireUploadUrlsAfterStored: 3 });
	const result = await run([fileOf('late.mp3', 3 * MiB)], {
		operation: 'transcribe',
		waitMode: 'none',
		options: { forceAsync: true },
	});
	expect(result.error.message).toBe(
		'Uploading "late.mp3" to TranscribeAPI could not be completed: HTTP 403 AccessDenied: Request has expired',
	);
	expect(result.error.description).toContain('the completion URL has expired');
	expect(calls('POST', /^\/uploads\/[^/]+\/complete$/).map((r) => r.status)).toEqual([403]);
	// Never marked complete: the job is not started on a missing upload.
	expect(calls('POST', /\/upload-completed$/)).toHaveLength(0);
});

test('Transcribe Batch: PUT URLs that expire midway are refreshed through upload-urls; every file is transcribed', async () => {
	// Five files, three at a time: the URLs expire when the first file is stored, so files 4 and 5
	// (and any of the first three still starting) meet 403 and get fresh URLs.
	await start({ expireUploadUrlsAfterStored: 1 });
	const input = ['a', 'b', 'c', 'd', 'e'].map((name) => fileOf(`${name}.mp3`, 20_000));
	const result = await run(input, { operation: 'transcribeBatch', ...poll });
	expect(result.error).toBeUndefined();
	const output = result.output('TranscribeAPI');
	expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
	output.forEach((item, index) =>
		expect(item.json.text).toContain(
			contentSignature(fs.readFileSync(input[index].binary.data.path)),
		),
	);
	const refused = calls('PUT', /^\/uploads\/[^/]+$/).filter((r) => r.status === 403);
	expect(refused.length).toBeGreaterThanOrEqual(2);
	expect(calls('POST', /\/upload-urls$/).length).toBe(refused.length);
	expect(calls('POST', /^\/v1\/transcribe$/)).toHaveLength(1);
	expect(calls('POST', /\/upload-completed$/)).toHaveLength(1);
}, 30_000);

test('Transcribe Batch: a file that cannot be uploaded fails alone; the job is never marked complete without it', async () => {
	await start({ refuseUpload: (session) => session.referenceId === 'item_1' });
	const input = ['a', 'b', 'c'].map((name) => fileOf(`${name}.mp3`, 20_000));
	const result = await run(
		input,
		{ operation: 'transcribeBatch', ...poll },
		{ onError: 'continueRegularOutput' },
	);
	const output = result.output('TranscribeAPI');
	expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2].map((item) => ({ item })));
	expect(output[1].json.error).toBe(
		'Uploading "b.mp3" to TranscribeAPI failed: HTTP 400 InvalidRequest: The upload was refused.',
	);
	for (const index of [0, 2])
		expect(output[index].json.text).toContain(
			contentSignature(fs.readFileSync(input[index].binary.data.path)),
		);
	// The first job (with the refused file) is never marked complete, so it never starts; the
	// second holds only the files that uploaded.
	expect(
		[...emu.jobs.values()].map((job) => ({
			status: job.status,
			files: job.files.map((file) => file.referenceId),
		})),
	).toEqual([
		{ status: 'uploading', files: ['item_0', 'item_1', 'item_2'] },
		{ status: 'completed', files: ['item_0', 'item_2'] },
	]);
	expect(calls('POST', /\/upload-completed$/)).toHaveLength(1);
}, 30_000);
