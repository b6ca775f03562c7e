// Engine tests: the Hispeech node in real workflows inside n8n's execution engine, against the
// Hispeech emulator over HTTP on 127.0.0.1.
const { runWorkflow, readBinary, testCredential, cleanup } = require('../harness/engine');
const { startHispeechEmulator } = require('../emulators/hispeech');
const { startFileServer, closedPort, until, sha256 } = require('../support/servers');

const STATUS_PATH = '/api/v1/transcriptions/transcription-status/';

let emu;
const credentials = () => ({ hispeechApi: { apiKey: 'test-key', baseUrl: emu.url } });

function audio(name, content = `audio bytes of ${name}`) {
	return { json: { name }, binary: { data: { content, fileName: name, mimeType: 'audio/mpeg' } } };
}

function hispeech(parameters, extra = {}) {
	return {
		name: 'Hispeech',
		type: 'hispeech',
		parameters: { resource: 'transcription', ...parameters },
		...extra,
	};
}

/** Fast polling for tests: Hispeech's real budget is 60 calls/hour, here 10 per second. */
const fastPoll = {
	waitMode: 'poll',
	pollIntervalSeconds: 0.1,
	options: { statusCallsPerHour: 36000 },
};

async function run(input, node, creds = credentials()) {
	const { result } = runWorkflow({ input, nodes: [node], credentials: creds });
	return await result;
}

const statusCalls = () => emu.requests.filter((r) => r.path.startsWith(STATUS_PATH));

beforeAll(async () => {
	emu = await startHispeechEmulator({ apiKey: 'test-key' });
});
beforeEach(() => emu.reset());
afterAll(async () => {
	await emu.close();
	cleanup();
});

describe('Transcribe', () => {
	test('synchronous request returns the transcript and sends every byte', async () => {
		const content = 'x'.repeat(50_000);
		const result = await run(
			[audio('talk.mp3', content)],
			hispeech({ operation: 'transcribe', waitMode: 'sync' }),
		);
		expect(result.status).toBe('success');
		const [item] = result.output('Hispeech');
		expect(item.json).toEqual({
			provider: 'hispeech',
			jobId: emu.uploads[0].jobId,
			status: 'completed',
			text: 'Transcript of talk.mp3 (50000 bytes)',
			language: null,
			durationSeconds: 3,
			segments: [],
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(emu.uploads[0]).toMatchObject({
			waitForResult: true,
			model: 'model-01052025',
			sha256: sha256(Buffer.from(content)),
		});
		expect(statusCalls()).toHaveLength(0);
	});

	test('Conversational model from a URL input, streamed from the URL into the upload', async () => {
		const content = 'y'.repeat(40_000);
		const files = await startFileServer({ '/calls/call%201.mp3': { content } });
		try {
			const result = await run(
				[{ json: {} }],
				hispeech({
					operation: 'transcribe',
					inputType: 'url',
					audioUrl: `${files.url}/calls/call%201.mp3`,
					model: 'model-23012026',
					waitMode: 'sync',
				}),
			);
			expect(result.output('Hispeech')[0].json.text).toBe('Transcript of call 1.mp3 (40000 bytes)');
			expect(emu.uploads[0]).toMatchObject({
				model: 'model-23012026',
				bytes: 40_000,
				sha256: sha256(Buffer.from(content)),
			});
		} finally {
			await files.close();
		}
	});

	test("Don't Wait returns the job, and Get Status finishes it later", async () => {
		const submitted = await run(
			[audio('later.mp3')],
			hispeech({ operation: 'transcribe', waitMode: 'none' }),
		);
		const job = submitted.output('Hispeech')[0].json;
		expect(job).toMatchObject({ provider: 'hispeech', status: 'queued', text: null });
		expect(job.jobId).toBe(emu.uploads[0].jobId);
		expect(emu.uploads[0].waitForResult).toBe(false);

		// Get Status takes the job ID from the incoming item by default ({{ $json.jobId }}).
		const checked = await run([{ json: job }], hispeech({ operation: 'getStatus' }));
		expect(checked.output('Hispeech')[0].json).toMatchObject({
			jobId: job.jobId,
			status: 'completed',
			text: 'Transcript of later.mp3 (24 bytes)',
		});

		const raw = await run([{ json: job }], hispeech({ operation: 'getStatus', output: 'raw' }));
		expect(raw.output('Hispeech')[0].json).toMatchObject({
			job_id: job.jobId,
			status: 'completed',
			title: expect.any(String),
		});
	});

	test('three input items give three outputs paired to their inputs', async () => {
		const input = [audio('one.mp3', 'a'), audio('two.mp3', 'bb'), audio('three.mp3', 'ccc')];
		const result = await run(input, hispeech({ operation: 'transcribe', ...fastPoll }));
		const output = result.output('Hispeech');
		expect(output.map((item) => item.json.text)).toEqual([
			'Transcript of one.mp3 (1 bytes)',
			'Transcript of two.mp3 (2 bytes)',
			'Transcript of three.mp3 (3 bytes)',
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	test('Poll Until Done waits for five jobs together and stays within the call budget', async () => {
		const delays = { 'j1.mp3': 300, 'j2.mp3': 700, 'j3.mp3': 1100, 'j4.mp3': 1500, 'j5.mp3': 2000 };
		emu.reset();
		await emu.close();
		// The emulator enforces 10 status calls per 5 s; the node is given 6,000/hour (one per 0.6 s).
		emu = await startHispeechEmulator({
			processingDelayMs: (upload) => delays[upload.filename],
			statusCallsPerHour: 10,
			rateWindowMs: 5000,
		});
		const input = Object.keys(delays).map((name) => audio(name));
		const result = await run(
			input,
			hispeech({
				operation: 'transcribe',
				waitMode: 'poll',
				pollIntervalSeconds: 0.2,
				options: { statusCallsPerHour: 6000 },
			}),
		);
		expect(result.output('Hispeech').map((item) => item.json.status)).toEqual(
			Array(5).fill('completed'),
		);

		const calls = statusCalls();
		// No 429: the node kept to its budget (the emulator allows 10 calls per 5 s, the node spaces them 0.6 s).
		expect(calls.every((call) => call.status === 200)).toBe(true);
		// Each job was checked until the emulator answered "completed", and never again after that.
		const jobs = [...emu.jobs.values()];
		const answers = (job) => calls.filter((call) => call.jobId === job.id).map((call) => call.jobStatus);
		for (const job of jobs) {
			const seen = answers(job);
			expect(seen.slice(0, -1).every((status) => status === 'processing')).toBe(true);
			expect(seen[seen.length - 1]).toBe('completed');
		}
		// Waiting is concurrent (order of events, not time): the first round checks every job once
		// before any job is checked again; waiting one job after the other would check one job until done.
		expect(new Set(calls.slice(0, jobs.length).map((call) => call.jobId)).size).toBe(jobs.length);
	});

	test('secure mode: the one-time result is returned, with its TTL sent', async () => {
		const result = await run(
			[audio('secret.mp3')],
			hispeech({ operation: 'transcribe', ...fastPoll, secureMode: true, ttlSeconds: 120 }),
		);
		const [item] = result.output('Hispeech');
		expect(item.json.text).toBe('Transcript of secret.mp3 (25 bytes)');
		expect(emu.uploads[0]).toMatchObject({ secureMode: true, ttl: 120 });
		// Exactly one status call came after the job was ready: the read that consumed the result.
		const job = emu.jobs.get(item.json.jobId);
		expect(job.resultRead).toBe(true);
		expect(
			statusCalls()
				.filter((call) => call.startedAt >= job.readyAt)
				.map((call) => call.status),
		).toEqual([200]);
		// The emulator served it once: reading again is a 404 with a clear hint.
		const again = await run([{ json: item.json }], hispeech({ operation: 'getStatus' }));
		expect(again.error.message).toContain('Transcription not found');
		expect(again.error.description).toContain('secure-mode results that were already read');
	});

	test('secure mode: a result lost on a broken connection is reported, not returned empty', async () => {
		emu.injectFault({ method: 'GET', path: STATUS_PATH, type: 'drop-after-processing' });
		const result = await run(
			[audio('fragile.mp3'), audio('fine.mp3')],
			hispeech(
				{ operation: 'transcribe', ...fastPoll, secureMode: true },
				{ onError: 'continueRegularOutput' },
			),
		);
		// Whichever job's completed result was read first had its answer dropped on the way back.
		const lostJob = statusCalls().find((call) => call.fault === 'drop-after-processing').jobId;
		// Items are uploaded in parallel: the lost job's item is the one whose file it was made from.
		const lostFile = emu.uploads.find((upload) => upload.jobId === lostJob).filename;
		const lostIndex = ['fragile.mp3', 'fine.mp3'].indexOf(lostFile);
		const output = result.output('Hispeech');
		const [lost, fine] = [output[lostIndex], output[1 - lostIndex]];
		expect(lost.json.error).toBe(`Hispeech no longer has the secure-mode result of job ${lostJob}`);
		expect(lost.json.details).toContain('delivered on a connection that broke');
		expect(fine.json.text).toMatch(/^Transcript of (fragile|fine)\.mp3/);
		// The dropped read was retried once (an idempotent GET), which found the result gone.
		const lostCalls = statusCalls().filter((call) => call.jobId === lostJob);
		expect(lostCalls.map((call) => call.status)).toEqual([0, 404]);
	});

	test('Delete Job After Reading deletes the job once the transcript is in hand', async () => {
		const result = await run(
			[audio('tidy.mp3')],
			hispeech({ operation: 'transcribe', ...fastPoll, deleteAfterRead: true }),
		);
		const { jobId } = result.output('Hispeech')[0].json;
		expect(emu.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
		expect(emu.jobs.get(jobId).deleted).toBe(true);
	});

	test('a 429 with Retry-After is honoured before the next status call', async () => {
		emu.injectFault({ method: 'GET', path: STATUS_PATH, type: '429', retryAfter: 1 });
		const result = await run(
			[audio('limited.mp3')],
			hispeech({ operation: 'transcribe', ...fastPoll }),
		);
		expect(result.output('Hispeech')[0].json.status).toBe('completed');
		const calls = statusCalls();
		expect(calls[0].status).toBe(429);
		// The wait itself (Retry-After in full) is checked on a fake clock: test/unit/shared.test.js.
		expect(calls[1].status).toBe(200);
	});

	test('a job-creating upload is resent after a 429, but never after a broken connection', async () => {
		const UPLOAD = '/api/v1/transcriptions/upload';
		emu.injectFault({ method: 'POST', path: UPLOAD, type: '429', retryAfter: 1 });
		const limited = await run(
			[audio('again.mp3')],
			hispeech({ operation: 'transcribe', waitMode: 'sync' }),
		);
		expect(limited.output('Hispeech')[0].json.status).toBe('completed');
		expect(emu.requests.filter((r) => r.path === UPLOAD).map((r) => r.status)).toEqual([429, 200]);

		emu.reset();
		emu.injectFault({ method: 'POST', path: UPLOAD, type: 'drop' });
		const dropped = await run(
			[audio('once.mp3')],
			hispeech({ operation: 'transcribe', waitMode: 'sync' }),
		);
		expect(dropped.error.message).toBe(`Could not reach Hispeech at ${emu.url} (connection reset)`);
		expect(dropped.error.description).toContain(
			'may have received it. It was not resent, to avoid a duplicate job',
		);
		expect(emu.requests.filter((r) => r.path === UPLOAD)).toHaveLength(1);
	});

	test('canceling the execution stops the polling', async () => {
		emu.reset();
		await emu.close();
		emu = await startHispeechEmulator({ processingDelayMs: 60_000 });
		const { result, cancel } = runWorkflow({
			input: [audio('endless.mp3')],
			nodes: [hispeech({ operation: 'transcribe', ...fastPoll })],
			credentials: credentials(),
		});
		await until(() => statusCalls().length >= 2);
		await cancel();
		const outcome = await result;
		const countAtCancel = statusCalls().length;
		expect(outcome.status).toBe('canceled');
		// Ten poll intervals later, no further status call has been made.
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(statusCalls().length).toBe(countAtCancel);
	});

	test('Max Wait ends with an error that names the job ID', async () => {
		emu.reset();
		await emu.close();
		emu = await startHispeechEmulator({ processingDelayMs: 60_000 });
		const result = await run(
			[audio('long.mp3')],
			hispeech({ operation: 'transcribe', ...fastPoll, maxWaitMinutes: 0.01 }),
		);
		const { jobId } = emu.uploads[0];
		expect(result.error.message).toBe(`Hispeech job ${jobId} did not finish within 0.6 seconds`);
		expect(result.error.description).toContain(
			`Use the "Get Status" operation later with job ID ${jobId}`,
		);
		await emu.close();
		emu = await startHispeechEmulator({});
	});
});

describe('Get Status and Delete', () => {
	test('Delete removes the job; a later Get Status says it is gone', async () => {
		await run([audio('gone.mp3')], hispeech({ operation: 'transcribe', waitMode: 'none' }));
		const { jobId } = emu.uploads[0];
		const deleted = await run([{ json: { jobId } }], hispeech({ operation: 'delete' }));
		expect(deleted.output('Hispeech')[0].json).toEqual({
			jobId,
			deleted: true,
			message: 'transcription deleted successfully',
		});
		expect(emu.requests.find((r) => r.method === 'DELETE').path).toBe('/api/v1/transcriptions');
		const status = await run([{ json: { jobId } }], hispeech({ operation: 'getStatus' }));
		expect(status.error.message).toBe('Hispeech: Transcription not found');
	});

	test("Get Status of a failed job: Simplified output carries Hispeech's reason in error", async () => {
		await emu.close();
		emu = await startHispeechEmulator({
			failure: (u) => (u.filename === 'noise.mp3' ? 'Audio could not be decoded' : null),
		});
		await run([audio('noise.mp3')], hispeech({ operation: 'transcribe', waitMode: 'none' }));
		const { jobId } = emu.uploads[0];
		const status = await run([{ json: { jobId } }], hispeech({ operation: 'getStatus' }));
		expect(status.output('Hispeech')[0].json).toEqual({
			provider: 'hispeech',
			jobId,
			status: 'failed',
			text: null,
			language: null,
			durationSeconds: null,
			segments: [],
			error: 'Audio could not be decoded',
		});
		await emu.close();
		emu = await startHispeechEmulator({});
	});

	test('answers with string booleans and numbers ("true", "900") are read the same', async () => {
		await emu.close();
		emu = await startHispeechEmulator({ stringBooleans: true });
		const result = await run(
			[audio('strings.mp3', 'x'.repeat(32_000))],
			hispeech({ operation: 'transcribe', waitMode: 'sync' }),
		);
		expect(result.output('Hispeech')[0].json).toMatchObject({
			status: 'completed',
			durationSeconds: 2,
		});
		await emu.close();
		emu = await startHispeechEmulator({});
	});
});

describe('Transcribe (OpenAI-compatible)', () => {
	test('returns timed segments and SRT subtitles as a binary file', async () => {
		const content = 'z'.repeat(64_000);
		const result = await run(
			[audio('speech.mp3', content)],
			hispeech({ operation: 'transcribeOpenAi', subtitleFormat: 'srt' }),
		);
		const [item] = result.output('Hispeech');
		expect(item.json.provider).toBe('hispeech');
		expect(item.json.segments.length).toBeGreaterThan(0);
		expect(item.json.durationSeconds).toBe(4);
		const request = emu.requests.find((r) => r.path === '/api/v1/audio/transcriptions');
		expect(request.headers.authorization).toBe('Bearer test-key');
		expect(item.binary.subtitles).toMatchObject({
			mimeType: 'application/x-subrip',
			fileName: 'transcript.srt',
		});
		const srt = (await readBinary(item.binary.subtitles)).toString('utf8');
		expect(srt).toMatch(/^1\n00:00:00,000 --> 00:00:0\d,\d{3}\n/);
		expect(srt).toContain(item.json.segments[0].text.trim());
	});

	test('VTT subtitles in a chosen binary field, raw output', async () => {
		const result = await run(
			[audio('speech.mp3')],
			hispeech({
				operation: 'transcribeOpenAi',
				subtitleFormat: 'vtt',
				subtitleBinaryProperty: 'captions',
				output: 'raw',
			}),
		);
		const [item] = result.output('Hispeech');
		expect(item.json).toMatchObject({
			task: 'transcribe',
			language: 'auto',
			segments: expect.any(Array),
		});
		const vtt = (await readBinary(item.binary.captions)).toString('utf8');
		expect(vtt.startsWith('WEBVTT\n\n00:00:00.000 --> ')).toBe(true);
	});
});

describe('bad input gives a clear item-level error and leaves other items untouched', () => {
	const onError = { onError: 'continueRegularOutput' };

	test('missing binary property, empty file, TTL out of range: with Continue On Fail', async () => {
		const input = [
			{ json: { name: 'no file' } },
			audio('empty.mp3', ''),
			audio('good.mp3', 'ok'),
			{ ...audio('ttl.mp3'), json: { ttl: 99999 } },
		];
		const result = await run(
			input,
			hispeech(
				{
					operation: 'transcribe',
					waitMode: 'sync',
					secureMode: true,
					ttlSeconds: '={{ $json.ttl ?? 900 }}',
				},
				onError,
			),
		);
		const output = result.output('Hispeech');
		expect(output).toHaveLength(4);
		expect(output[0].json.error).toMatch(/binary/i);
		expect(output[1].json).toEqual({
			error: 'The file in "data" is empty',
			details: expect.stringContaining('holds no bytes'),
		});
		expect(output[2].json.text).toBe('Transcript of good.mp3 (2 bytes)');
		expect(output[3].json.error).toBe(
			'Time to Live must be a whole number from 1 to 36000 seconds, not 99999',
		);
		expect(output.map((item) => item.pairedItem.item)).toEqual([0, 1, 2, 3]);
		expect(emu.uploads).toHaveLength(1);
	});

	test('without Continue On Fail the node stops with the item named', async () => {
		const result = await run(
			[audio('good.mp3'), { json: {} }],
			hispeech({ operation: 'transcribe', waitMode: 'none' }),
		);
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/binary/i);
		expect(result.error.context.itemIndex).toBe(1);
		expect(result.error.description).toContain(`item 0: ${emu.uploads[0].jobId}`);
	});

	test('unknown job ID, through the error output', async () => {
		const result = await run(
			[{ json: { jobId: 'no-such-job' } }, { json: {} }],
			hispeech({ operation: 'getStatus' }, { onError: 'continueErrorOutput' }),
		);
		const errors = result.output('Hispeech', 1);
		expect(errors.map((item) => item.json.error)).toEqual([
			'Hispeech: Transcription not found',
			'The job ID is empty',
		]);
		expect(errors[0].json.details).toContain('check the job ID');
	});

	test('wrong API key (401) says to check the credential', async () => {
		const result = await run(
			[audio('a.mp3'), audio('b.mp3')],
			hispeech({ operation: 'transcribe', waitMode: 'sync' }, onError),
			{ hispeechApi: { apiKey: 'wrong', baseUrl: emu.url } },
		);
		const output = result.output('Hispeech');
		expect(output).toHaveLength(2);
		expect(output[0].json.details).toBe('Check the API key in your Hispeech credential.');
		expect(output[0].json.error).toContain('Hispeech: ');
		expect(JSON.stringify(output)).not.toContain('wrong');
	});

	test('unreachable base URL names the URL and what to check', async () => {
		const port = await closedPort();
		const result = await run(
			[audio('a.mp3')],
			hispeech({ operation: 'getStatus', jobId: 'x' }, onError),
			{ hispeechApi: { apiKey: 'test-key', baseUrl: `http://127.0.0.1:${port}` } },
		);
		const [item] = result.output('Hispeech');
		expect(item.json.error).toBe(
			`Could not reach Hispeech at http://127.0.0.1:${port} (connection refused)`,
		);
		expect(item.json.details).toContain('Check the Base URL');
	});
});

describe('URL input', () => {
	test('a URL without Content-Length is streamed chunked; a bad or missing URL fails only its item', async () => {
		const content = 'w'.repeat(30_000);
		const files = await startFileServer({ '/live.mp3': { content, noLength: true } });
		try {
			const result = await run(
				[
					{ json: { url: `${files.url}/live.mp3` } },
					{ json: { url: 'not a url' } },
					{ json: { url: `${files.url}/missing.mp3` } },
					{ json: { url: '' } },
				],
				hispeech(
					{
						operation: 'transcribe',
						inputType: 'url',
						audioUrl: '={{ $json.url }}',
						waitMode: 'sync',
					},
					{ onError: 'continueRegularOutput' },
				),
			);
			const output = result.output('Hispeech');
			expect(output[0].json.text).toBe('Transcript of live.mp3 (30000 bytes)');
			expect(emu.uploads[0].sha256).toBe(sha256(Buffer.from(content)));
			expect(output[1].json).toEqual({
				error: '"not a url" is not a valid http(s) URL',
				details: 'Enter a full URL such as https://example.com/audio.mp3.',
			});
			expect(output[2].json.error).toBe(
				`Could not download the audio from ${files.url}/missing.mp3`,
			);
			expect(output[2].json.details).toContain(
				'Check that the URL is public and reachable from n8n',
			);
			expect(output[3].json.error).toBe('The audio URL is empty');
			expect(emu.uploads).toHaveLength(1);
		} finally {
			await files.close();
		}
	});
});

describe('a Base URL that redirects', () => {
	test('an upload is not replayed to the new address; the error says where it points', async () => {
		const http = require('node:http');
		const redirector = http.createServer((req, res) => {
			req.resume();
			req.on('end', () => {
				res.writeHead(308, { location: `${emu.url}${req.url}` });
				res.end();
			});
		});
		await new Promise((resolve) => redirector.listen(0, '127.0.0.1', resolve));
		try {
			const base = `http://127.0.0.1:${redirector.address().port}`;
			const result = await run(
				[audio('moved.mp3')],
				hispeech({ operation: 'transcribe', waitMode: 'sync' }),
				{
					hispeechApi: { apiKey: 'test-key', baseUrl: base },
				},
			);
			expect(result.error.message).toBe('Hispeech: HTTP 308');
			expect(result.error.description).toBe(
				`Hispeech redirected the request to ${emu.url}/api/v1/transcriptions/upload?stt_model=model-01052025: put the final address in the credential's Base URL.`,
			);
			expect(emu.uploads).toHaveLength(0);
		} finally {
			await new Promise((resolve) => redirector.close(resolve));
		}
	});
});

describe('credential test', () => {
	test('a valid key passes and a wrong key fails, at no cost to the status budget', async () => {
		expect(await testCredential('hispeechApi', { apiKey: 'test-key', baseUrl: emu.url })).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		const wrong = await testCredential('hispeechApi', { apiKey: 'nope', baseUrl: emu.url });
		expect(wrong).toEqual({
			status: 'Error',
			message: expect.stringContaining('rejected the API key'),
		});
		expect(statusCalls()).toHaveLength(0);
	});
});
