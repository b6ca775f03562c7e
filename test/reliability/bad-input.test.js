// Bad input: a table of cases across the nodes. In each, the middle of three items is bad (or, for
// account-wide problems such as a wrong key, all three are). The error names the item and says
// what to do; with Continue On Fail, in regular output and in error output mode, every other item
// still succeeds, and order and pairing are intact.
const { runWorkflow, cleanup } = require('../harness/engine');
const { startHispeechEmulator } = require('../emulators/hispeech');
const { startTranscribeApiEmulator } = require('../emulators/transcribeapi');
const { startSpeechIsCheapEmulator } = require('../emulators/speechischeap');
const { startAudioToTextAiEmulator } = require('../emulators/audiototextai');
const { startSttAiEmulator } = require('../emulators/sttai');
const { startFileServer, closedPort } = require('../support/servers');
const { KEYS, watchSecrets, report } = require('./support');

const UNVERIFIED_KEY = 'tapi-unverified-Qm2Wn8Rb4Tc6Yd0F';
const emus = {};
let files;
let deadPort;
let secrets;

const audio = (fileName = 'talk.mp3', content = 'a'.repeat(7000)) => ({ content, fileName, mimeType: 'audio/mpeg' });
const withAudio = (json = {}, file = audio()) => ({ json, binary: { data: file } });

const CREDENTIALS = {
	hispeech: (key = KEYS.hispeech) => ({ hispeechApi: { apiKey: key, baseUrl: emus.hispeech.url } }),
	transcribeapi: (key = KEYS.transcribeapi) => ({ transcribeApiApi: { apiKey: key, baseUrl: emus.transcribeapi.url } }),
	speechischeap: (key = KEYS.speechischeap) => ({
		speechIsCheapApi: { apiKey: key, baseUrl: emus.speechischeap.url, uploadBaseUrl: emus.speechischeap.uploadUrl },
	}),
	audiototextai: (key = KEYS.audiototextai) => ({ audioToTextAiApi: { apiKey: key, baseUrl: emus.audiototextai.url } }),
	sttai: (key = KEYS.sttai) => ({ sttAiApi: { apiKey: key, baseUrl: emus.sttai.url, accountBaseUrl: emus.sttai.accountUrl } }),
};
const NODE_TYPES = {
	hispeech: 'hispeech',
	transcribeapi: 'transcribeApi',
	speechischeap: 'speechIsCheap',
	audiototextai: 'audioToTextAi',
	sttai: 'sttAi',
};

const hispeechSync = { resource: 'transcription', operation: 'transcribe', waitMode: 'sync' };
const tapiSync = { resource: 'transcription', operation: 'transcribe', waitMode: 'poll' };
const sicCreate = { resource: 'job', operation: 'create', inputType: 'binary', waitMode: 'none' };
const a2tCreate = { resource: 'transcription', operation: 'transcribe', inputType: 'binary', waitMode: 'none' };
const sttTranscribe = { resource: 'transcription', operation: 'transcribe' };

/** Job IDs of two real jobs, made by a Don't Wait run of the provider's create operation. */
async function realJobIds(provider, parameters, idField = 'jobId') {
	const { result } = runWorkflow({
		input: [withAudio({}, audio('one.mp3')), withAudio({}, audio('two.mp3'))],
		nodes: [{ name: 'Create', type: NODE_TYPES[provider], parameters }],
		credentials: CREDENTIALS[provider](),
	});
	const run = await result;
	const ids = run.output('Create').map((item) => item.json[idField]);
	expect(ids.every(Boolean)).toBe(true);
	return ids;
}

/**
 * The table. Each case: provider, node parameters, the three input items (or a function making
 * them), what the error says (`error`) and the fix it names (`fix`, matched against message and
 * description together), and `all: true` when the problem is account-wide.
 */
const CASES = [
	// --- Hispeech ---
	{
		title: 'Hispeech: missing binary on one item',
		provider: 'hispeech',
		parameters: hispeechSync,
		input: () => [withAudio(), { json: { note: 'no file' } }, withAudio()],
		error: /binary file 'data', but none was found/,
		fix: /data/,
	},
	{
		title: 'Hispeech: empty binary file',
		provider: 'hispeech',
		parameters: hispeechSync,
		input: () => [withAudio(), withAudio({}, audio('empty.mp3', '')), withAudio()],
		error: /The file in "data" is empty/,
		fix: /Check the node that produced this file/,
	},
	{
		title: 'Hispeech: wrong binary property name',
		provider: 'hispeech',
		parameters: { ...hispeechSync, binaryPropertyName: '={{ $json.property ?? "data" }}' },
		input: () => [withAudio(), withAudio({ property: 'audio' }), withAudio()],
		error: /audio/,
		fix: /binary/i,
	},
	{
		title: 'Hispeech: unsupported file format',
		provider: 'hispeech',
		parameters: hispeechSync,
		input: () => [withAudio(), withAudio({}, audio('notes.txt')), withAudio()],
		error: /Unsupported file format "\.txt"/,
		fix: /supported|check the parameters/i,
	},
	{
		title: 'Hispeech: malformed URL',
		provider: 'hispeech',
		parameters: { ...hispeechSync, inputType: 'url', audioUrl: '={{ $json.url }}' },
		input: () => [{ json: { url: `${files.url}/ok.mp3` } }, { json: { url: 'not a url' } }, { json: { url: `${files.url}/ok.mp3` } }],
		error: /"not a url" is not a valid http\(s\) URL/,
		fix: /full URL/,
	},
	{
		title: 'Hispeech: unreachable URL',
		provider: 'hispeech',
		parameters: { ...hispeechSync, inputType: 'url', audioUrl: '={{ $json.url }}' },
		input: () => [
			{ json: { url: `${files.url}/ok.mp3` } },
			{ json: { url: `http://127.0.0.1:${deadPort}/gone.mp3` } },
			{ json: { url: `${files.url}/ok.mp3` } },
		],
		error: /Could not download the audio from http:\/\/127\.0\.0\.1:\d+\/gone\.mp3/,
		fix: /public and reachable/,
	},
	{
		title: 'Hispeech: URL answering 404',
		provider: 'hispeech',
		parameters: { ...hispeechSync, inputType: 'url', audioUrl: '={{ $json.url }}' },
		input: () => [{ json: { url: `${files.url}/ok.mp3` } }, { json: { url: `${files.url}/missing.mp3` } }, { json: { url: `${files.url}/ok.mp3` } }],
		error: /Could not download the audio/,
		fix: /public and reachable/,
	},
	{
		title: 'Hispeech: TTL out of range (0)',
		provider: 'hispeech',
		parameters: { ...hispeechSync, secureMode: true, ttlSeconds: '={{ $json.ttl ?? 900 }}' },
		input: () => [withAudio(), withAudio({ ttl: 0 }), withAudio()],
		error: /Time to Live must be a whole number from 1 to 36000 seconds, not 0/,
		fix: /between 1 and 36000/,
	},
	{
		title: 'Hispeech: TTL expression returning text',
		provider: 'hispeech',
		parameters: { ...hispeechSync, secureMode: true, ttlSeconds: '={{ $json.ttl ?? 900 }}' },
		input: () => [withAudio(), withAudio({ ttl: 'soon' }), withAudio()],
		error: /Time to Live|ttlSeconds|number/i,
		fix: /36000|number/i,
	},
	{
		title: 'Hispeech: unknown job ID',
		provider: 'hispeech',
		parameters: { resource: 'transcription', operation: 'getStatus' },
		input: async () => {
			const [a, b] = await realJobIds('hispeech', { ...hispeechSync, waitMode: 'none' });
			return [{ json: { jobId: a } }, { json: { jobId: 'no-such-job' } }, { json: { jobId: b } }];
		},
		error: /Hispeech: Transcription not found/,
		fix: /check the job ID/,
	},
	{
		title: 'Hispeech: empty job ID',
		provider: 'hispeech',
		parameters: { resource: 'transcription', operation: 'getStatus' },
		input: async () => {
			const [a, b] = await realJobIds('hispeech', { ...hispeechSync, waitMode: 'none' });
			return [{ json: { jobId: a } }, { json: { jobId: '' } }, { json: { jobId: b } }];
		},
		error: /The job ID is empty/,
		fix: /Map the "jobId" field/,
	},
	{
		title: 'Hispeech: wrong API key (401)',
		provider: 'hispeech',
		key: KEYS.wrong,
		all: true,
		parameters: hispeechSync,
		input: () => [withAudio(), withAudio(), withAudio()],
		error: /Hispeech: Unauthorized/,
		fix: /Check the API key in your Hispeech credential/,
	},
	// --- TranscribeAPI ---
	{
		title: 'TranscribeAPI: unknown language',
		provider: 'transcribeapi',
		parameters: { ...tapiSync, language: '={{ $json.language ?? "" }}' },
		input: () => [withAudio(), withAudio({ language: 'klingon' }), withAudio()],
		error: /klingon|language/i,
		fix: /language|parameters/i,
	},
	{
		title: 'TranscribeAPI: malformed Webhook URL',
		provider: 'transcribeapi',
		parameters: { ...tapiSync, waitMode: 'none', options: { webhookUrl: '={{ $json.hook ?? "" }}' } },
		input: () => [withAudio(), withAudio({ hook: 'callback-please' }), withAudio()],
		error: /callback-please|webhook/i,
		fix: /URL/,
	},
	{
		title: 'TranscribeAPI: unknown job ID (Get Job)',
		provider: 'transcribeapi',
		parameters: { resource: 'transcription', operation: 'getJob' },
		input: async () => {
			const [a, b] = await realJobIds('transcribeapi', { ...tapiSync, waitMode: 'none', options: { forceAsync: true } });
			return [{ json: { jobId: a } }, { json: { jobId: 'job_doesnotexist' } }, { json: { jobId: b } }];
		},
		error: /job_doesnotexist|not found/i,
		fix: /job ID/,
	},
	{
		title: 'TranscribeAPI: missing binary',
		provider: 'transcribeapi',
		parameters: tapiSync,
		input: () => [withAudio(), { json: {} }, withAudio()],
		error: /binary file 'data', but none was found/,
		fix: /data/,
	},
	{
		title: 'TranscribeAPI: wrong API key (401)',
		provider: 'transcribeapi',
		key: KEYS.wrong,
		all: true,
		parameters: tapiSync,
		input: () => [withAudio(), withAudio(), withAudio()],
		error: /TranscribeAPI: /,
		fix: /API key/,
	},
	{
		title: 'TranscribeAPI: unverified account (403)',
		provider: 'transcribeapi',
		key: UNVERIFIED_KEY,
		all: true,
		parameters: tapiSync,
		input: () => [withAudio(), withAudio(), withAudio()],
		error: /TranscribeAPI: /,
		fix: /verif/i,
	},
	// --- Speech is Cheap ---
	{
		title: 'Speech is Cheap: segment duration out of range (5)',
		provider: 'speechischeap',
		parameters: { ...sicCreate, options: { segmentDuration: '={{ $json.seconds ?? 30 }}' } },
		input: () => [withAudio(), withAudio({ seconds: 5 }), withAudio()],
		error: /segment_duration|Segment Duration/,
		fix: /6 and 30|6 to 30/,
	},
	{
		title: 'Speech is Cheap: minimum confidence out of range (1.5)',
		provider: 'speechischeap',
		parameters: { ...sicCreate, options: { minimumConfidence: '={{ $json.confidence ?? 0.5 }}' } },
		input: () => [withAudio(), withAudio({ confidence: 1.5 }), withAudio()],
		error: /minimum_confidence|Minimum Confidence/,
		fix: /0 and 1|0 to 1/,
	},
	{
		title: 'Speech is Cheap: segment duration expression returning text',
		provider: 'speechischeap',
		parameters: { ...sicCreate, options: { segmentDuration: '={{ $json.seconds ?? 30 }}' } },
		input: () => [withAudio(), withAudio({ seconds: 'long' }), withAudio()],
		error: /Segment Duration/,
		fix: /number/i,
	},
	{
		title: 'Speech is Cheap: unknown language',
		provider: 'speechischeap',
		parameters: { ...sicCreate, options: { language: '={{ $json.language ?? "en" }}' } },
		input: () => [withAudio(), withAudio({ language: 'english' }), withAudio()],
		error: /language/,
		fix: /ISO 639-1|two-letter/i,
	},
	{
		title: 'Speech is Cheap: malformed URL',
		provider: 'speechischeap',
		parameters: { ...sicCreate, inputType: 'url', audioUrl: '={{ $json.url }}' },
		input: () => [{ json: { url: `${files.url}/ok.mp3` } }, { json: { url: 'ftp://files.example/a.mp3' } }, { json: { url: `${files.url}/ok.mp3` } }],
		error: /is not a valid http\(s\) URL/,
		fix: /full URL/,
	},
	{
		title: 'Speech is Cheap: unknown job ID (Get)',
		provider: 'speechischeap',
		parameters: { resource: 'job', operation: 'get' },
		input: async () => {
			const [a, b] = await realJobIds('speechischeap', sicCreate);
			return [{ json: { jobId: a } }, { json: { jobId: 'nope-sic' } }, { json: { jobId: b } }];
		},
		error: /Job not found/,
		fix: /no such job: check the job ID/,
	},
	{
		title: 'Speech is Cheap: unknown job ID (Cancel)',
		provider: 'speechischeap',
		parameters: { resource: 'job', operation: 'cancel' },
		// Cancel needs jobs still PENDING: the emulator keeps them running for a minute.
		input: async () => {
			const [a, b] = await realJobIds('speechischeap', sicCreate);
			return [{ json: { jobId: a } }, { json: { jobId: 'nope-sic' } }, { json: { jobId: b } }];
		},
		error: /Job not found/,
		fix: /only PENDING jobs can be canceled/,
	},
	{
		title: 'Speech is Cheap: wrong API key (401)',
		provider: 'speechischeap',
		key: 'sk_wrong_live_Ux8Qb4Tn2Zk6Hg0D',
		all: true,
		parameters: sicCreate,
		input: () => [withAudio(), withAudio(), withAudio()],
		error: /Unauthorized API Key/,
		fix: /Check the API key in your Speech is Cheap credential/,
	},
	// --- AudioToTextAI ---
	{
		title: 'AudioToTextAI: no credit left for a long file (402)',
		provider: 'audiototextai',
		parameters: a2tCreate,
		// 3 credits: the short files cost 1 each, the 5-minute one 5.
		input: () => [withAudio(), withAudio({}, audio('long.mp3', 'l'.repeat(300_000))), withAudio()],
		error: /requires 5 credits/,
		fix: /buy credits|top up/,
	},
	{
		title: 'AudioToTextAI: unknown language',
		provider: 'audiototextai',
		parameters: { ...a2tCreate, language: '={{ $json.language ?? "" }}' },
		input: () => [withAudio(), withAudio({ language: 'xx' }), withAudio()],
		error: /Unsupported language "xx"/,
		fix: /language/i,
	},
	{
		title: 'AudioToTextAI: empty binary file',
		provider: 'audiototextai',
		parameters: a2tCreate,
		input: () => [withAudio(), withAudio({}, audio('silence.mp3', '')), withAudio()],
		error: /is empty/,
		fix: /Check the node that produced this file/,
	},
	{
		title: 'AudioToTextAI: unknown job ID (Get)',
		provider: 'audiototextai',
		parameters: { resource: 'transcription', operation: 'get' },
		input: async () => {
			const [a, b] = await realJobIds('audiototextai', a2tCreate);
			return [{ json: { jobId: a } }, { json: { jobId: '00000000-0000-4000-8000-000000000000' } }, { json: { jobId: b } }];
		},
		error: /Transcription not found/,
		fix: /job ID/,
	},
	{
		title: 'AudioToTextAI: unreachable URL',
		provider: 'audiototextai',
		parameters: { ...a2tCreate, inputType: 'url', audioUrl: '={{ $json.url }}', waitMode: 'poll', pollIntervalSeconds: 0.1 },
		input: () => [
			{ json: { url: `${files.url}/ok.mp3` } },
			{ json: { url: `http://127.0.0.1:${deadPort}/gone.mp3` } },
			{ json: { url: `${files.url}/ok.mp3` } },
		],
		error: /^AudioToTextAI job [\w-]+ failed: Could not fetch http:\/\/127\.0\.0\.1:\d+\/gone\.mp3: connect connection refused/,
		fix: /publicly reachable/,
	},
	// --- STT.ai ---
	{
		title: "STT.ai: file over the plan's size limit (413)",
		provider: 'sttai',
		parameters: sttTranscribe,
		input: () => [withAudio(), withAudio({}, audio('big.mp3', 'b'.repeat(20_000))), withAudio()],
		error: /STT\.ai: /,
		fix: /too large|size|plan/i,
	},
	{
		title: 'STT.ai: unknown language',
		provider: 'sttai',
		parameters: { ...sttTranscribe, language: '={{ $json.language ?? "auto" }}' },
		input: () => [withAudio(), withAudio({ language: 'zz' }), withAudio()],
		error: /zz|language/i,
		fix: /language|parameters/i,
	},
	{
		title: 'STT.ai: unknown transcript ID',
		provider: 'sttai',
		parameters: { resource: 'transcript', operation: 'get' },
		input: () => {
			const [a, b] = emus.sttai.seedTranscripts(KEYS.sttai, [{}, {}]);
			return [{ json: { id: a.id } }, { json: { id: 987654 } }, { json: { id: b.id } }];
		},
		error: /not found/i,
		fix: /ID/,
	},
	{
		title: 'STT.ai: empty text to summarize',
		provider: 'sttai',
		parameters: { resource: 'text', operation: 'summarize' },
		input: () => [{ json: { text: 'We met today. We will ship on Friday.' } }, { json: { text: '   ' } }, { json: { text: 'Thanks for listening.' } }],
		error: /The "Text" field is empty/,
		fix: /Map the field that holds your text/,
	},
	{
		title: 'STT.ai: unknown target language for Translate',
		provider: 'sttai',
		parameters: { resource: 'text', operation: 'translate', target: '={{ $json.target ?? "es" }}' },
		input: () => [{ json: { text: 'Hello there.' } }, { json: { text: 'Hello there.', target: 'elvish' } }, { json: { text: 'Good night.' } }],
		error: /elvish|language|target/i,
		fix: /language|code|parameters/i,
	},
	{
		title: 'STT.ai: wrong API key (401)',
		provider: 'sttai',
		key: KEYS.wrong,
		all: true,
		parameters: sttTranscribe,
		input: () => [withAudio(), withAudio(), withAudio()],
		error: /STT\.ai: /,
		fix: /API key/,
	},
];

const counts = { cases: CASES.length, runs: 0, badItems: 0, goodItemsKept: 0 };

beforeAll(async () => {
	secrets = watchSecrets();
	[emus.hispeech, emus.transcribeapi, emus.speechischeap, emus.audiototextai, emus.sttai, files, deadPort] = await Promise.all([
		startHispeechEmulator({ apiKey: KEYS.hispeech }),
		startTranscribeApiEmulator({ apiKey: KEYS.transcribeapi, unverifiedApiKeys: [UNVERIFIED_KEY] }),
		startSpeechIsCheapEmulator({ apiKey: KEYS.speechischeap, processingDelayMs: 60_000 }),
		startAudioToTextAiEmulator({ apiKey: KEYS.audiototextai, credits: 3 }),
		startSttAiEmulator({ apiKey: KEYS.sttai, tiers: { paid: { maxBytes: 10_000, concurrent: 5 } } }),
		startFileServer({ '/ok.mp3': { content: 'u'.repeat(7000) } }),
		closedPort(),
	]);
});
afterAll(async () => {
	secrets.stop();
	report('bad input', { ...counts, secretLinesScanned: secrets.count });
	await Promise.all([...Object.values(emus).map((emu) => emu.close()), files.close()]);
	cleanup();
});

async function runCase(spec, input, onError) {
	const { result } = runWorkflow({
		input,
		nodes: [{ name: 'Node', type: NODE_TYPES[spec.provider], parameters: spec.parameters, onError }],
		credentials: CREDENTIALS[spec.provider](spec.key),
	});
	const run = await result;
	secrets.addRun(run);
	counts.runs++;
	return run;
}

describe.each(CASES)('$title', (spec) => {
	let input;
	const bad = (index) => spec.all || index === 1;
	const expectClearError = (message, description) => {
		expect(message).toMatch(spec.error);
		expect(`${message} ${description ?? ''}`).toMatch(spec.fix);
	};

	const prepare = async () => {
		for (const emu of Object.values(emus)) emu.reset();
		input = await spec.input();
	};
	// Every run starts from fresh emulator state (credits, pending jobs) and fresh job IDs.
	beforeEach(prepare);

	test('without Continue On Fail the node stops, naming the item', async () => {
		const run = await runCase(spec, input, undefined);
		expect(run.status).toBe('error');
		expectClearError(run.error.message, run.error.description);
		expect(run.error.context?.itemIndex ?? 0).toBe(spec.all ? 0 : 1);
		counts.badItems++;
	});

	test('Continue On Fail (regular output): the error is on its item, the others succeed, in order', async () => {
		const run = await runCase(spec, input, 'continueRegularOutput');
		expect(run.status).toBe('success');
		const output = run.output('Node');
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const [index, item] of output.entries()) {
			if (bad(index)) expectClearError(item.json.error, item.json.details);
			else {
				expect(item.json.error).toBeUndefined();
				counts.goodItemsKept++;
			}
		}
	});

	test('Continue On Fail (error output): errors go to the error output, paired to their items', async () => {
		const run = await runCase(spec, input, 'continueErrorOutput');
		expect(run.status).toBe('success');
		const good = run.output('Node', 0);
		const failed = run.output('Node', 1);
		const expectedBad = [0, 1, 2].filter(bad);
		expect(good.map((item) => item.pairedItem.item)).toEqual([0, 1, 2].filter((i) => !bad(i)));
		expect(failed.map((item) => item.pairedItem.item)).toEqual(expectedBad);
		for (const item of good) expect(item.json.error).toBeUndefined();
		for (const item of failed) expectClearError(item.json.error, item.json.details);
	});
});

test('no API key appears in any output, error or log line of the bad-input runs', () => {
	expect(counts.runs).toBe(CASES.length * 3);
	expect(secrets.leaks()).toEqual([]);
});
