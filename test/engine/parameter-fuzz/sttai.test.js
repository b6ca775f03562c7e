// Parameter fuzz (issue 17) for the STT.ai node: see support.js.
const { cleanup, runWorkflow } = require('../../harness/engine');
const { startSttAiEmulator } = require('../../emulators/sttai');
const { fuzzSuite, startRecordingProxy } = require('./support');

jest.setTimeout(180_000);

let emu;
let proxy;
let accountProxy;
const audio = () => ({ json: {}, binary: { data: { content: 'a'.repeat(4000), fileName: 'talk.mp3', mimeType: 'audio/mpeg' } } });
const credentials = () => ({ sttAiApi: { apiKey: 'fuzz-key', baseUrl: proxy.url, accountBaseUrl: accountProxy.url } });

/** A stored transcript (made by a transcription with the key); Delete gets a fresh one each run. */
async function newTranscript() {
	const { result } = runWorkflow({
		input: [audio()],
		nodes: [{ name: 'Create', type: 'sttAi', parameters: { resource: 'transcription', operation: 'transcribe', inputType: 'binary' } }],
		credentials: credentials(),
	});
	await result;
	const id = String(emu.requests.filter((r) => r.path === '/v1/transcribe').at(-1).transcriptId);
	return { base: { transcriptId: id }, valid: { transcriptId: id } };
}
let stored;
const transcript = async () => (stored ??= await newTranscript());

const text = (operation, extra = {}) => ({ name: `Text ${operation}`, base: { resource: 'text', operation, text: 'Hello there, team.', ...extra } });
const CONFIGURATIONS = [
	{ name: 'Transcribe (JSON)', base: { resource: 'transcription', operation: 'transcribe', inputType: 'binary', responseFormat: 'json', subtitleFormat: 'srt' } },
	{ name: 'Transcribe (SRT file)', base: { resource: 'transcription', operation: 'transcribe', inputType: 'binary', responseFormat: 'srt', diarize: true } },
	text('summarize'),
	text('translate', { target: 'es' }),
	text('analyze'),
	text('generate'),
	text('embed'),
	{ name: 'Audio Enhance', base: { resource: 'audio', operation: 'enhance', inputType: 'binary' } },
	{ name: 'Audio Text to Speech', base: { resource: 'audio', operation: 'textToSpeech', inputType: 'binary', speechText: 'Hello' } },
	{ name: 'Transcript Get Many', base: { resource: 'transcript', operation: 'getMany', returnAll: false, limit: 5 } },
	{ name: 'Transcript Get', base: { resource: 'transcript', operation: 'get' }, prepare: transcript },
	{ name: 'Transcript Export', base: { resource: 'transcript', operation: 'export', format: 'txt' }, prepare: transcript },
	{ name: 'Transcript Chat', base: { resource: 'transcript', operation: 'chat', question: 'What was said?' }, prepare: transcript },
	{ name: 'Transcript Delete', base: { resource: 'transcript', operation: 'delete' }, prepare: newTranscript },
];

beforeAll(async () => {
	emu = await startSttAiEmulator({ apiKeys: { 'fuzz-key': { tier: 'paid', credits: 1_000_000 } } });
	proxy = await startRecordingProxy(emu.url);
	accountProxy = await startRecordingProxy(emu.accountUrl);
});
afterAll(async () => {
	await proxy.close();
	await accountProxy.close();
	await emu.close();
	cleanup();
});

fuzzSuite('STT.ai parameters', 'SttAi', CONFIGURATIONS, (configuration) => ({
	type: 'sttAi',
	input: () => [audio(), audio()],
	credentials,
	proxies: [proxy, accountProxy],
	prepare: configuration.prepare,
}));
