// Issue 17, the parameter class: explicit engine tests for items 1, 2, 11, 15, 16, 17 and 18 (the
// parameter-fuzz suite in parameter-fuzz/ covers every parameter; these pin the cases the issue
// names). Each run has Continue On Fail, so an item-level error shows as that item's output.
const { runWorkflow, cleanup } = require('../harness/engine');
const { startHispeechEmulator } = require('../emulators/hispeech');
const { startTranscribeApiEmulator } = require('../emulators/transcribeapi');
const { startSpeechIsCheapEmulator } = require('../emulators/speechischeap');
const { startAudioToTextAiEmulator } = require('../emulators/audiototextai');
const { startSttAiEmulator } = require('../emulators/sttai');
const { startFileServer } = require('../support/servers');

jest.setTimeout(60_000);

const emus = {};
let files;
const audio = (json = {}) => ({
	json,
	binary: { data: { content: 'a'.repeat(8000), fileName: 'talk.mp3', mimeType: 'audio/mpeg' } },
});
const CREDENTIALS = {
	hispeech: () => ({ hispeechApi: { apiKey: 'k', baseUrl: emus.hispeech.url } }),
	transcribeApi: () => ({ transcribeApiApi: { apiKey: 'k', baseUrl: emus.transcribeApi.url } }),
	speechIsCheap: () => ({
		speechIsCheapApi: {
			apiKey: 'sk_k',
			baseUrl: emus.speechIsCheap.url,
			uploadBaseUrl: emus.speechIsCheap.uploadUrl,
		},
	}),
	audioToTextAi: () => ({ audioToTextAiApi: { apiKey: 'k', baseUrl: emus.audioToTextAi.url } }),
	sttAi: () => ({
		sttAiApi: { apiKey: 'k', baseUrl: emus.sttAi.url, accountBaseUrl: emus.sttAi.accountUrl },
	}),
};

async function run(type, parameters, input) {
	const { result } = runWorkflow({
		input,
		nodes: [{ name: 'Node', type, parameters, onError: 'continueRegularOutput' }],
		credentials: CREDENTIALS[type](),
	});
	const outcome = await result;
	return outcome.output('Node');
}
const posts = (emu, path) =>
	emu.requests.filter((r) => r.method === 'POST' && r.path.startsWith(path));

beforeAll(async () => {
	emus.hispeech = await startHispeechEmulator({ apiKey: 'k', processingDelayMs: 50 });
	emus.transcribeApi = await startTranscribeApiEmulator({ apiKey: 'k', processingDelayMs: 50 });
	emus.speechIsCheap = await startSpeechIsCheapEmulator({ apiKey: 'sk_k', processingDelayMs: 50 });
	// Jobs of files named slow*.mp3 take 2 seconds; others 50 ms.
	emus.audioToTextAi = await startAudioToTextAiEmulator({
		apiKey: 'k',
		processingDelayMs: (input) => (/slow/.test(input.name ?? '') ? 2000 : 50),
	});
	emus.sttAi = await startSttAiEmulator({ apiKeys: { k: { tier: 'paid', credits: 100_000 } } });
	files = await startFileServer({ '/talk.mp3': { content: 'a'.repeat(8000) } });
});
beforeEach(() => Object.values(emus).forEach((emu) => emu.reset?.()));
afterAll(async () => {
	await Promise.all(Object.values(emus).map((emu) => emu.close()));
	await files.close();
	cleanup();
});

describe('item 1: waits whose settings are not numbers end, with an error naming the setting', () => {
	test('Poll Interval from an expression that gives nothing', async () => {
		const output = await run(
			'audioToTextAi',
			{
				resource: 'transcription',
				operation: 'transcribe',
				inputType: 'binary',
				waitMode: 'poll',
				pollIntervalSeconds: '={{ $json.every }}',
				maxWaitMinutes: 0.05,
			},
			[audio(), audio({ every: 0.1 })],
		);
		expect(output[0].json.error).toBe(
			'"Poll Interval (Seconds)" is invalid: must be a number from 0 to 2592000 (seconds)',
		);
		expect(output[1].json.status).toBe('completed');
		expect(posts(emus.audioToTextAi, '/')).toHaveLength(1); // the bad item created no job
	});

	test('Hispeech Status Calls per Hour from an expression that gives text', async () => {
		const output = await run(
			'hispeech',
			{
				resource: 'transcription',
				operation: 'transcribe',
				inputType: 'binary',
				waitMode: 'poll',
				pollIntervalSeconds: 0.1,
				maxWaitMinutes: 0.05,
				options: { statusCallsPerHour: '={{ $json.calls }}' },
			},
			[audio({ calls: 'many' }), audio({ calls: 360000 })],
		);
		expect(output[0].json.error).toBe(
			'"Status Calls per Hour" is invalid: must be a number of at least 1',
		);
		expect(output[1].json.status).toBe('completed');
	});
});

describe('items 2 and 20: values outside a fixed list are errors listing the allowed values', () => {
	test('TranscribeAPI Task "Translate" and VTT Granularity "words"', async () => {
		const output = await run(
			'transcribeApi',
			{
				resource: 'transcription',
				operation: 'transcribe',
				inputType: 'binary',
				waitMode: 'none',
				options: { task: '={{ $json.task }}', vttGranularity: '={{ $json.granularity }}' },
			},
			[
				audio({ task: 'Translate', granularity: 'word' }),
				audio({ task: 'transcribe', granularity: 'words' }),
				audio({ task: 'translate', granularity: 'word' }),
			],
		);
		expect(output[0].json.error).toBe(
			'"Task" is invalid: must be one of "transcribe", "translate"',
		);
		expect(output[1].json.error).toBe(
			'"VTT Granularity" is invalid: must be one of "sentence", "word"',
		);
		expect(output[2].json.error).toBeUndefined();
		expect(posts(emus.transcribeApi, '/v1/transcribe')).toHaveLength(1);
	});

	test('STT.ai Export format goes into the URL path only when it is one of the formats', async () => {
		const output = await run(
			'sttAi',
			{
				resource: 'transcript',
				operation: 'export',
				transcriptId: 'abc',
				format: '={{ $json.format }}',
			},
			[{ json: { format: '../admin' } }],
		);
		expect(output[0].json.error).toBe(
			'"Format" is invalid: must be one of "csv", "json", "pdf", "txt", "srt", "vtt", "docx"',
		);
		expect(emus.sttAi.requests.filter((r) => r.path.includes('admin'))).toHaveLength(0);
	});
});

describe('item 15: an unknown Wait Mode is an error, never a fallback or a vanished item', () => {
	const cases = [
		['hispeech', { resource: 'transcription', operation: 'transcribe', inputType: 'binary' }, '/'],
		[
			'transcribeApi',
			{ resource: 'transcription', operation: 'transcribe', inputType: 'binary' },
			'/v1/',
		],
		['speechIsCheap', { resource: 'job', operation: 'create', inputType: 'binary' }, '/v2/'],
		[
			'audioToTextAi',
			{ resource: 'transcription', operation: 'transcribe', inputType: 'binary' },
			'/',
		],
	];
	test.each(cases)('%s', async (type, parameters, path) => {
		const output = await run(
			type,
			{
				...parameters,
				waitMode: '={{ $json.mode }}',
				pollIntervalSeconds: 0.1,
				maxWaitMinutes: 0.05,
			},
			[audio({ mode: 'wait' }), audio({ mode: 'none' })],
		);
		expect(output).toHaveLength(2);
		expect(output[0].json.error).toMatch(/^"Wait Mode" is invalid: must be one of "/);
		expect(output[1].json.error).toBeUndefined();
		expect(output[1].json.jobId).toBeTruthy();
		expect(posts(emus[type], path).filter((r) => r.jobId)).toHaveLength(1); // one job: the good item's
	});
});

describe('item 16: Max Wait and Poll Interval at their extremes', () => {
	test('a huge Max Wait is an error (never an Invalid Date resume time)', async () => {
		const output = await run(
			'transcribeApi',
			{
				resource: 'transcription',
				operation: 'transcribe',
				inputType: 'binary',
				waitMode: 'callback',
				maxWaitMinutes: 1e12,
			},
			[audio()],
		);
		expect(output[0].json.error).toBe(
			'"Max Wait (Minutes)" is invalid: must be a number greater than 0 and at most 43200 (minutes, at most 30 days)',
		);
	});

	test('a Poll Interval longer than Max Wait still checks the job once, at Max Wait', async () => {
		const output = await run(
			'audioToTextAi',
			{
				resource: 'transcription',
				operation: 'transcribe',
				inputType: 'binary',
				waitMode: 'poll',
				pollIntervalSeconds: 600,
				maxWaitMinutes: 0.02,
			},
			[audio()],
		);
		expect(output[0].json.status).toBe('completed');
		expect(emus.audioToTextAi.requests.filter((r) => r.method === 'GET' && r.jobId)).toHaveLength(
			1,
		);
	});
});

describe('item 17: poll settings are read per item; Batch settings fail only their item', () => {
	test("each item waits by its own Max Wait, not item 0's", async () => {
		const slow = {
			json: {},
			binary: { data: { content: 'a'.repeat(8000), fileName: 'slow.mp3', mimeType: 'audio/mpeg' } },
		};
		const output = await run(
			'audioToTextAi',
			{
				resource: 'transcription',
				operation: 'transcribe',
				inputType: 'binary',
				waitMode: 'poll',
				pollIntervalSeconds: 0.1,
				maxWaitMinutes: '={{ $json.wait }}',
			},
			[
				{ ...slow, json: { wait: 0.005 } },
				{ ...slow, json: { wait: 0.5 } },
			],
		);
		expect(output[0].json.error).toMatch(/did not finish within 0\.3 seconds/);
		expect(output[1].json.status).toBe('completed');
	});

	test("a bad Poll Interval on item 1 is item 1's error, not ignored", async () => {
		const output = await run(
			'speechIsCheap',
			{
				resource: 'job',
				operation: 'create',
				inputType: 'url',
				audioUrl: `${files.url}/talk.mp3`,
				waitMode: 'poll',
				pollIntervalSeconds: '={{ $json.every }}',
				maxWaitMinutes: 0.05,
			},
			[{ json: { every: 0.1 } }, { json: { every: 'often' } }],
		);
		expect(output[0].json.status).toBe('completed');
		expect(output[1].json.error).toMatch(/^"Poll Interval \(Seconds\)" is invalid/);
	});

	test('Transcribe Batch: item 0 with a bad Webhook URL fails alone under Continue On Fail', async () => {
		const output = await run(
			'transcribeApi',
			{
				resource: 'transcription',
				operation: 'transcribeBatch',
				inputType: 'binary',
				waitMode: 'none',
				options: { webhookUrl: '={{ $json.hook }}' },
			},
			[audio({ hook: 'not a url' }), audio({ hook: '' })],
		);
		expect(output[0].json.error).toBe(
			'"Webhook URL" is invalid: must be a full http:// or https:// URL',
		);
		expect(output[1].json.jobId).toBeTruthy();
	});

	test('a negative Status Calls per Hour is an error (it would remove the budget)', async () => {
		const output = await run(
			'hispeech',
			{
				resource: 'transcription',
				operation: 'transcribe',
				inputType: 'binary',
				waitMode: 'poll',
				options: { statusCallsPerHour: -60 },
			},
			[audio()],
		);
		expect(output[0].json.error).toBe(
			'"Status Calls per Hour" is invalid: must be a number of at least 1',
		);
		expect(posts(emus.hispeech, '/')).toHaveLength(0);
	});
});

describe('item 18: booleans are true or false, never "yes" or 2', () => {
	test('Hispeech Secure Mode "yes"', async () => {
		const output = await run(
			'hispeech',
			{
				resource: 'transcription',
				operation: 'transcribe',
				inputType: 'binary',
				waitMode: 'sync',
				secureMode: '={{ $json.secure }}',
			},
			[audio({ secure: 'yes' }), audio({ secure: 'false' })],
		);
		expect(output[0].json.error).toBe('"Secure Mode" is invalid: must be true or false');
		expect(output[1].json.error).toBeUndefined();
		expect(posts(emus.hispeech, '/')).toHaveLength(1);
	});

	test('Speech is Cheap Speakers add-on 2 (a paid add-on is never turned on by a non-boolean)', async () => {
		const output = await run(
			'speechIsCheap',
			{
				resource: 'job',
				operation: 'create',
				inputType: 'url',
				audioUrl: `${files.url}/talk.mp3`,
				waitMode: 'none',
				options: { parseSpeakers: '={{ $json.speakers }}' },
			},
			[{ json: { speakers: 2 } }],
		);
		expect(output[0].json.error).toBe('"Speakers" is invalid: must be true or false');
		expect(posts(emus.speechIsCheap, '/v2/')).toHaveLength(0);
	});

	test('STT.ai Return All "yes" on Get Many, and a text Limit is an error, not 0 items', async () => {
		const output = await run(
			'sttAi',
			{
				resource: 'transcript',
				operation: 'getMany',
				returnAll: '={{ $json.all }}',
				limit: '={{ $json.limit }}',
			},
			[{ json: { all: 'yes' } }, { json: { all: false, limit: 'ten' } }],
		);
		expect(output.map((item) => item.json.error)).toEqual([
			'"Return All" is invalid: must be true or false',
			'"Limit" is invalid: must be a whole number of at least 1',
		]);
	});
});

describe('item 11: Speech is Cheap options are checked before sending, with the allowed values', () => {
	test.each([
		[
			{ segmentDuration: 45 },
			'"Segment Duration (Seconds)" is invalid: must be a number from 6 to 30 (seconds)',
		],
		[{ minimumConfidence: 1.5 }, '"Minimum Confidence" is invalid: must be a number from 0 to 1'],
		[
			{ language: 'english' },
			'"Language" is invalid: must be a two-letter ISO 639-1 code such as "en", or empty to detect the language',
		],
	])('%j', async (options, message) => {
		const output = await run(
			'speechIsCheap',
			{
				resource: 'job',
				operation: 'create',
				inputType: 'url',
				audioUrl: `${files.url}/talk.mp3`,
				waitMode: 'none',
				options,
			},
			[{ json: {} }],
		);
		expect(output[0].json.error).toBe(message);
		expect(posts(emus.speechIsCheap, '/v2/')).toHaveLength(0);
	});
});
