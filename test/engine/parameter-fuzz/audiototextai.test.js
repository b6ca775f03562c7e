// Parameter fuzz (issue 17) for the AudioToTextAI node: see support.js.
const { cleanup, runWorkflow } = require('../../harness/engine');
const { startAudioToTextAiEmulator } = require('../../emulators/audiototextai');
const { fuzzSuite, startRecordingProxy } = require('./support');

jest.setTimeout(180_000);

let emu;
let proxy;
const audio = () => ({ json: {}, binary: { data: { content: 'a'.repeat(4000), fileName: 'talk.mp3', mimeType: 'audio/mpeg' } } });
const credentials = () => ({ audioToTextAiApi: { apiKey: 'fuzz-key', baseUrl: proxy.url } });
const transcription = { resource: 'transcription', inputType: 'binary' };

let finishedJob;
async function job() {
	if (!finishedJob) {
		const { result } = runWorkflow({
			input: [audio()],
			nodes: [{ name: 'Create', type: 'audioToTextAi', parameters: { ...transcription, operation: 'transcribe', waitMode: 'none' } }],
			credentials: credentials(),
		});
		finishedJob = (await result).output('Create')[0].json.jobId;
	}
	return { base: { jobId: finishedJob }, valid: { jobId: finishedJob } };
}

const CONFIGURATIONS = [
	{ name: 'Transcribe (poll)', base: { ...transcription, operation: 'transcribe', waitMode: 'poll', pollIntervalSeconds: 0.1, maxWaitMinutes: 0.05 } },
	{ name: 'Transcribe (VTT file)', base: { ...transcription, operation: 'transcribe', waitMode: 'none', subtitleFormat: 'vtt' } },
	{ name: 'Get', base: { resource: 'transcription', operation: 'get' }, prepare: job },
];

beforeAll(async () => {
	emu = await startAudioToTextAiEmulator({ apiKey: 'fuzz-key', processingDelayMs: 10 });
	proxy = await startRecordingProxy(emu.url);
});
afterAll(async () => {
	await proxy.close();
	await emu.close();
	cleanup();
});

fuzzSuite('AudioToTextAI parameters', 'AudioToTextAi', CONFIGURATIONS, (configuration) => ({
	type: 'audioToTextAi',
	input: () => [audio(), audio()],
	credentials,
	proxies: [proxy],
	prepare: configuration.prepare,
}));
