// Parameter fuzz (issue 17) for the Hispeech node: see support.js.
const { cleanup, runWorkflow } = require('../../harness/engine');
const { startHispeechEmulator } = require('../../emulators/hispeech');
const { fuzzSuite, startRecordingProxy } = require('./support');

jest.setTimeout(120_000);

let emu;
let proxy;
const audio = () => ({ json: {}, binary: { data: { content: 'a'.repeat(4000), fileName: 'talk.mp3', mimeType: 'audio/mpeg' } } });
const credentials = () => ({ hispeechApi: { apiKey: 'fuzz-key', baseUrl: proxy.url } });
const transcription = { resource: 'transcription', inputType: 'binary' };
// Polls are quick: a huge status-call budget and a Max Wait of 3 seconds.
const fastPoll = { pollIntervalSeconds: 0.1, maxWaitMinutes: 0.05, options: { statusCallsPerHour: 360_000 } };

/** A fresh job (Don't Wait), so Delete and Get Status have a real one for each run. */
async function newJob() {
	const { result } = runWorkflow({
		input: [audio()],
		nodes: [{ name: 'Create', type: 'hispeech', parameters: { ...transcription, operation: 'transcribe', waitMode: 'none' } }],
		credentials: credentials(),
	});
	const jobId = (await result).output('Create')[0].json.jobId;
	return { base: { jobId }, valid: { jobId } };
}

const CONFIGURATIONS = [
	{ name: 'Transcribe (sync)', base: { ...transcription, operation: 'transcribe', waitMode: 'sync', options: { statusCallsPerHour: 360_000 } } },
	{ name: 'Transcribe (poll)', base: { ...transcription, operation: 'transcribe', waitMode: 'poll', ...fastPoll } },
	{ name: 'Transcribe (secure)', base: { ...transcription, operation: 'transcribe', waitMode: 'sync', secureMode: true, options: { statusCallsPerHour: 360_000 } } },
	{ name: 'Transcribe OpenAI (SRT)', base: { ...transcription, operation: 'transcribeOpenAi', subtitleFormat: 'srt' } },
	{ name: 'Get Status', base: { resource: 'transcription', operation: 'getStatus' }, prepare: newJob },
	{ name: 'Delete', base: { resource: 'transcription', operation: 'delete' }, prepare: newJob },
];

beforeAll(async () => {
	emu = await startHispeechEmulator({ apiKey: 'fuzz-key', processingDelayMs: 20 });
	proxy = await startRecordingProxy(emu.url);
});
afterAll(async () => {
	await proxy.close();
	await emu.close();
	cleanup();
});

fuzzSuite('Hispeech parameters', 'Hispeech', CONFIGURATIONS, (configuration) => ({
	type: 'hispeech',
	input: () => [audio(), audio()],
	credentials,
	proxies: [proxy],
	prepare: configuration.prepare,
}));
