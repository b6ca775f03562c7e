// Parameter fuzz (issue 17) for the TranscribeAPI node: see support.js.
const { startTranscribeApiEmulator } = require('../../emulators/transcribeapi');
const { audioItem, createdJobId, fuzzSuite, withEmulator } = require('./support');

jest.setTimeout(180_000);

const state = withEmulator(() =>
	startTranscribeApiEmulator({ apiKey: 'fuzz-key', processingDelayMs: 10 }),
);
const credentials = () => ({
	transcribeApiApi: { apiKey: 'fuzz-key', baseUrl: state.proxies.url.url },
});
const transcription = { resource: 'transcription', inputType: 'binary' };

/** One async job (made once), so Get Job and Get Result have a real one. */
let jobId;
async function job() {
	jobId ??= await createdJobId(
		'transcribeApi',
		{ ...transcription, operation: 'transcribe', waitMode: 'none', options: { forceAsync: true } },
		audioItem(),
		credentials(),
	);
	return { base: { jobId }, valid: { jobId } };
}

// A small file goes through the sync request: the wait fields are read, but nothing polls.
const CONFIGURATIONS = [
	{
		name: 'Transcribe (poll)',
		base: { ...transcription, operation: 'transcribe', waitMode: 'poll', maxWaitMinutes: 1 },
	},
	{
		name: 'Transcribe (VTT file)',
		base: { ...transcription, operation: 'transcribe', waitMode: 'none', subtitleFormat: 'vtt' },
	},
	{
		name: 'Transcribe Batch (no wait)',
		base: { ...transcription, operation: 'transcribeBatch', waitMode: 'none' },
	},
	{ name: 'Get Job', base: { resource: 'transcription', operation: 'getJob' }, prepare: job },
	{ name: 'Get Result', base: { resource: 'transcription', operation: 'getResult' }, prepare: job },
];

fuzzSuite('TranscribeAPI parameters', 'TranscribeApi', CONFIGURATIONS, (configuration) => ({
	type: 'transcribeApi',
	input: () => [audioItem(), audioItem()],
	credentials,
	proxies: [state.proxies.url],
	prepare: configuration.prepare,
}));
