// Parameter fuzz (issue 17) for the Speech is Cheap node: see support.js.
const { cleanup, runWorkflow } = require('../../harness/engine');
const { startSpeechIsCheapEmulator } = require('../../emulators/speechischeap');
const { startFileServer } = require('../../support/servers');
const { fuzzSuite, startRecordingProxy } = require('./support');

jest.setTimeout(180_000);

let emu;
let files;
let proxy;
let uploadProxy;
const credentials = () => ({ speechIsCheapApi: { apiKey: 'sk_fuzz', baseUrl: proxy.url, uploadBaseUrl: uploadProxy.url } });
const urlInput = () => ({ audioUrl: `${files.url}/talk.mp3` });

/** A job for each run: pending (Cancel), or finished (`waitMode` poll, for Get). */
async function newJob(waitMode = 'none') {
	const { result } = runWorkflow({
		input: [{ json: {} }],
		nodes: [{ name: 'Create', type: 'speechIsCheap', parameters: { resource: 'job', operation: 'create', inputType: 'url', ...urlInput(), waitMode, pollIntervalSeconds: 0.1 } }],
		credentials: credentials(),
	});
	const jobId = (await result).output('Create')[0].json.jobId;
	return { base: { jobId, ...urlInput() }, valid: { jobId } };
}
const withUrl = async () => ({ base: urlInput(), valid: urlInput() });

const CONFIGURATIONS = [
	{ name: 'Create (poll)', base: { resource: 'job', operation: 'create', inputType: 'url', waitMode: 'poll', pollIntervalSeconds: 0.1, maxWaitMinutes: 0.05 }, prepare: withUrl },
	{ name: 'Create (SRT file)', base: { resource: 'job', operation: 'create', inputType: 'url', waitMode: 'none', subtitleFormat: 'srt' }, prepare: withUrl },
	{ name: 'Get (JSON)', base: { resource: 'job', operation: 'get', format: 'json' }, prepare: () => newJob('poll') },
	{ name: 'Get (SRT)', base: { resource: 'job', operation: 'get', format: 'srt' }, prepare: () => newJob('poll') },
	{ name: 'Cancel', base: { resource: 'job', operation: 'cancel' }, prepare: () => newJob() },
];

beforeAll(async () => {
	emu = await startSpeechIsCheapEmulator({ apiKey: 'sk_fuzz', processingDelayMs: 300 });
	// 8 seconds at the emulator's 1000 bytes per second (Speech is Cheap takes 6 s to 24 h).
	files = await startFileServer({ '/talk.mp3': { content: 'a'.repeat(8000) } });
	proxy = await startRecordingProxy(emu.url);
	uploadProxy = await startRecordingProxy(emu.uploadUrl);
});
afterAll(async () => {
	await proxy.close();
	await uploadProxy.close();
	await files.close();
	await emu.close();
	cleanup();
});

fuzzSuite('Speech is Cheap parameters', 'SpeechIsCheap', CONFIGURATIONS, (configuration) => ({
	type: 'speechIsCheap',
	input: () => [{ json: {} }, { json: {} }],
	credentials,
	proxies: [proxy, uploadProxy],
	prepare: configuration.prepare,
}));
