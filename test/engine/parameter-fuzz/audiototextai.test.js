// Parameter fuzz (issue 17) for the AudioToTextAI node: see support.js.
const { startAudioToTextAiEmulator } = require('../../emulators/audiototextai');
const { audioItem, createdJobId, fuzzSuite, withEmulator } = require('./support');

jest.setTimeout(180_000);

const state = withEmulator(() =>
	startAudioToTextAiEmulator({ apiKey: 'fuzz-key', processingDelayMs: 10 }),
);
const credentials = () => ({
	audioToTextAiApi: { apiKey: 'fuzz-key', baseUrl: state.proxies.url.url },
});
const transcription = { resource: 'transcription', inputType: 'binary' };

/** One job (made once), so Get has a real one. */
let jobId;
async function job() {
	jobId ??= await createdJobId(
		'audioToTextAi',
		{ ...transcription, operation: 'transcribe', waitMode: 'none' },
		audioItem(),
		credentials(),
	);
	return { base: { jobId }, valid: { jobId } };
}

// Language → Get Many has no parameters to fuzz.
const CONFIGURATIONS = [
	{
		name: 'Transcribe (poll)',
		base: {
			...transcription,
			operation: 'transcribe',
			waitMode: 'poll',
			pollIntervalSeconds: 0.1,
			maxWaitMinutes: 0.05,
		},
	},
	{
		name: 'Transcribe (VTT file)',
		base: { ...transcription, operation: 'transcribe', waitMode: 'none', subtitleFormat: 'vtt' },
	},
	{ name: 'Get', base: { resource: 'transcription', operation: 'get' }, prepare: job },
];

fuzzSuite('AudioToTextAI parameters', 'AudioToTextAi', CONFIGURATIONS, (configuration) => ({
	type: 'audioToTextAi',
	input: () => [audioItem(), audioItem()],
	credentials,
	proxies: [state.proxies.url],
	prepare: configuration.prepare,
}));
