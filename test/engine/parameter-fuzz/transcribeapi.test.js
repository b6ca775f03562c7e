// Parameter fuzz (issue 17) for the TranscribeAPI node: see support.js.
const { cleanup, runWorkflow } = require('../../harness/engine');
const { startTranscribeApiEmulator } = require('../../emulators/transcribeapi');
const { fuzzSuite, startRecordingProxy } = require('./support');

jest.setTimeout(180_000);

let emu;
let proxy;
const audio = () => ({ json: {}, binary: { data: { content: 'a'.repeat(4000), fileName: 'talk.mp3', mimeType: 'audio/mpeg' } } });
const credentials = () => ({ transcribeApiApi: { apiKey: 'fuzz-key', baseUrl: proxy.url } });
const transcription = { resource: 'transcription', inputType: 'binary' };

/** A finished job (Don't Wait, async), so Get Job and Get Result have a real one. */
let finishedJob;
async function job() {
	if (!finishedJob) {
		const { result } = runWorkflow({
			input: [audio()],
			nodes: [{ name: 'Create', type: 'transcribeApi', parameters: { ...transcription, operation: 'transcribe', waitMode: 'none', options: { forceAsync: true } } }],
			credentials: credentials(),
		});
		finishedJob = (await result).output('Create')[0].json.jobId;
	}
	return { base: { jobId: finishedJob }, valid: { jobId: finishedJob } };
}

// A small file goes through the sync request: the wait fields are read, but nothing polls.
const CONFIGURATIONS = [
	{ name: 'Transcribe (poll)', base: { ...transcription, operation: 'transcribe', waitMode: 'poll', maxWaitMinutes: 1 } },
	{ name: 'Transcribe (VTT file)', base: { ...transcription, operation: 'transcribe', waitMode: 'none', subtitleFormat: 'vtt' } },
	{ name: 'Transcribe Batch (no wait)', base: { ...transcription, operation: 'transcribeBatch', waitMode: 'none' } },
	{ name: 'Get Job', base: { resource: 'transcription', operation: 'getJob' }, prepare: job },
	{ name: 'Get Result', base: { resource: 'transcription', operation: 'getResult' }, prepare: job },
];

beforeAll(async () => {
	emu = await startTranscribeApiEmulator({ apiKey: 'fuzz-key', processingDelayMs: 10 });
	proxy = await startRecordingProxy(emu.url);
});
afterAll(async () => {
	await proxy.close();
	await emu.close();
	cleanup();
});

fuzzSuite('TranscribeAPI parameters', 'TranscribeApi', CONFIGURATIONS, (configuration) => ({
	type: 'transcribeApi',
	input: () => [audio(), audio()],
	credentials,
	proxies: [proxy],
	prepare: configuration.prepare,
}));
