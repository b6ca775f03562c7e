// Parameter fuzz (issue 17) for the Speech is Cheap node: see support.js.
const { startSpeechIsCheapEmulator } = require('../../emulators/speechischeap');
const { startFileServer } = require('../../support/servers');
const { createdJobId, fuzzSuite, withEmulator } = require('./support');

jest.setTimeout(180_000);

// Jobs take 300 ms, so a job made for Cancel is still pending when it is canceled.
const state = withEmulator(
	() => startSpeechIsCheapEmulator({ apiKey: 'sk_fuzz', processingDelayMs: 300 }),
	['url', 'uploadUrl'],
);
let files;
const credentials = () => ({
	speechIsCheapApi: {
		apiKey: 'sk_fuzz',
		baseUrl: state.proxies.url.url,
		uploadBaseUrl: state.proxies.uploadUrl.url,
	},
});
const urlInput = () => ({ audioUrl: `${files.url}/talk.mp3` });

/** A job for each run: pending (Cancel), or finished (`waitMode` poll, for Get). */
async function newJob(waitMode = 'none') {
	const parameters = {
		resource: 'job',
		operation: 'create',
		inputType: 'url',
		...urlInput(),
		waitMode,
		pollIntervalSeconds: 0.1,
	};
	const jobId = await createdJobId('speechIsCheap', parameters, { json: {} }, credentials());
	return { base: { jobId, ...urlInput() }, valid: { jobId } };
}
const withUrl = async () => ({ base: urlInput(), valid: urlInput() });

const CONFIGURATIONS = [
	{
		name: 'Create (poll)',
		base: {
			resource: 'job',
			operation: 'create',
			inputType: 'url',
			waitMode: 'poll',
			pollIntervalSeconds: 0.1,
			maxWaitMinutes: 0.05,
		},
		prepare: withUrl,
	},
	{
		name: 'Create (SRT file)',
		base: {
			resource: 'job',
			operation: 'create',
			inputType: 'url',
			waitMode: 'none',
			subtitleFormat: 'srt',
		},
		prepare: withUrl,
	},
	{
		name: 'Get (JSON)',
		base: { resource: 'job', operation: 'get', format: 'json' },
		prepare: () => newJob('poll'),
	},
	{
		name: 'Get (SRT)',
		base: { resource: 'job', operation: 'get', format: 'srt' },
		prepare: () => newJob('poll'),
	},
	{ name: 'Cancel', base: { resource: 'job', operation: 'cancel' }, prepare: () => newJob() },
];

// 8 seconds at the emulator's 1000 bytes per second (Speech is Cheap takes 6 s to 24 h).
beforeAll(
	async () => (files = await startFileServer({ '/talk.mp3': { content: 'a'.repeat(8000) } })),
);
afterAll(async () => await files.close());

fuzzSuite('Speech is Cheap parameters', 'SpeechIsCheap', CONFIGURATIONS, (configuration) => ({
	type: 'speechIsCheap',
	input: () => [{ json: {} }, { json: {} }],
	credentials,
	proxies: [state.proxies.url, state.proxies.uploadUrl],
	prepare: configuration.prepare,
}));
