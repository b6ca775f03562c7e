// Parameter fuzz (issue 17) for the STT.ai node: see support.js.
const { startSttAiEmulator } = require('../../emulators/sttai');
const { audioItem, createdJobId, fuzzSuite, withEmulator } = require('./support');

jest.setTimeout(180_000);

const state = withEmulator(
	() => startSttAiEmulator({ apiKeys: { 'fuzz-key': { tier: 'paid', credits: 1_000_000 } } }),
	['url', 'accountUrl'],
);
const credentials = () => ({
	sttAiApi: {
		apiKey: 'fuzz-key',
		baseUrl: state.proxies.url.url,
		accountBaseUrl: state.proxies.accountUrl.url,
	},
});

/** A stored transcript (made by a transcription with the key); Delete gets a fresh one each run. */
async function newTranscript() {
	await createdJobId(
		'sttAi',
		{ resource: 'transcription', operation: 'transcribe', inputType: 'binary' },
		audioItem(),
		credentials(),
	);
	const id = String(
		state.emu.requests.filter((r) => r.path === '/v1/transcribe').at(-1).transcriptId,
	);
	return { base: { transcriptId: id }, valid: { transcriptId: id } };
}
let stored;
const transcript = async () => (stored ??= await newTranscript());

const text = (operation, extra = {}) => ({
	name: `Text ${operation}`,
	base: { resource: 'text', operation, text: 'Hello there, team.', ...extra },
});
const CONFIGURATIONS = [
	{
		name: 'Transcribe (JSON)',
		base: {
			resource: 'transcription',
			operation: 'transcribe',
			inputType: 'binary',
			responseFormat: 'json',
			subtitleFormat: 'srt',
		},
	},
	{
		name: 'Transcribe (SRT file)',
		base: {
			resource: 'transcription',
			operation: 'transcribe',
			inputType: 'binary',
			responseFormat: 'srt',
			diarize: true,
		},
	},
	text('summarize'),
	text('translate', { target: 'es' }),
	text('analyze'),
	text('generate'),
	text('embed'),
	{ name: 'Audio Enhance', base: { resource: 'audio', operation: 'enhance', inputType: 'binary' } },
	{
		name: 'Audio Text to Speech',
		base: {
			resource: 'audio',
			operation: 'textToSpeech',
			inputType: 'binary',
			speechText: 'Hello',
		},
	},
	{
		name: 'Transcript Get Many',
		base: { resource: 'transcript', operation: 'getMany', returnAll: false, limit: 5 },
	},
	{
		name: 'Transcript Get',
		base: { resource: 'transcript', operation: 'get' },
		prepare: transcript,
	},
	{
		name: 'Transcript Export',
		base: { resource: 'transcript', operation: 'export', format: 'txt' },
		prepare: transcript,
	},
	{
		name: 'Transcript Chat',
		base: { resource: 'transcript', operation: 'chat', question: 'What was said?' },
		prepare: transcript,
	},
	{
		name: 'Transcript Delete',
		base: { resource: 'transcript', operation: 'delete' },
		prepare: newTranscript,
	},
];

// Service → Models, Languages and Health have no parameters to fuzz.
fuzzSuite('STT.ai parameters', 'SttAi', CONFIGURATIONS, (configuration) => ({
	type: 'sttAi',
	input: () => [audioItem(), audioItem()],
	credentials,
	proxies: [state.proxies.url, state.proxies.accountUrl],
	prepare: configuration.prepare,
}));
