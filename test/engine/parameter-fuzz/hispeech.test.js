// Parameter fuzz (issue 17) for the Hispeech node: see support.js.
const { startHispeechEmulator } = require('../../emulators/hispeech');
const { audioItem, createdJobId, fuzzSuite, withEmulator } = require('./support');

jest.setTimeout(120_000);

const state = withEmulator(() =>
	startHispeechEmulator({ apiKey: 'fuzz-key', processingDelayMs: 20 }),
);
const credentials = () => ({ hispeechApi: { apiKey: 'fuzz-key', baseUrl: state.proxies.url.url } });
const transcription = { resource: 'transcription', inputType: 'binary' };
// Polls are quick: a huge status-call budget and a Max Wait of 3 seconds.
const budget = { options: { statusCallsPerHour: 360_000 } };
const fastPoll = { pollIntervalSeconds: 0.1, maxWaitMinutes: 0.05, ...budget };

/** A fresh job (Don't Wait) for each run, so Delete and Get Status have a real one. */
async function newJob() {
	const jobId = await createdJobId(
		'hispeech',
		{ ...transcription, operation: 'transcribe', waitMode: 'none' },
		audioItem(),
		credentials(),
	);
	return { base: { jobId }, valid: { jobId } };
}

const CONFIGURATIONS = [
	{
		name: 'Transcribe (sync)',
		base: { ...transcription, operation: 'transcribe', waitMode: 'sync', ...budget },
	},
	{
		name: 'Transcribe (poll)',
		base: { ...transcription, operation: 'transcribe', waitMode: 'poll', ...fastPoll },
	},
	{
		name: 'Transcribe (secure)',
		base: {
			...transcription,
			operation: 'transcribe',
			waitMode: 'sync',
			secureMode: true,
			...budget,
		},
	},
	{
		name: 'Transcribe OpenAI (SRT)',
		base: { ...transcription, operation: 'transcribeOpenAi', subtitleFormat: 'srt' },
	},
	{
		name: 'Get Status',
		base: { resource: 'transcription', operation: 'getStatus' },
		prepare: newJob,
	},
	{ name: 'Delete', base: { resource: 'transcription', operation: 'delete' }, prepare: newJob },
];

fuzzSuite('Hispeech parameters', 'Hispeech', CONFIGURATIONS, (configuration) => ({
	type: 'hispeech',
	input: () => [audioItem(), audioItem()],
	credentials,
	proxies: [state.proxies.url],
	prepare: configuration.prepare,
}));
