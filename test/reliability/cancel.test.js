// Cancellation: canceling a run while it polls, uploads or reads an event stream ends it as
// canceled, closes the connections it had open, and leaves nothing behind that keeps talking to
// the provider. "Nothing more" is checked deterministically: after the run has ended, a marker
// request is sent and seen in the emulator's log, then after a bounded wait (several poll
// intervals) the log holds nothing but the marker.
const http = require('node:http');
const { runWorkflow, cleanup } = require('../harness/engine');
const { startHispeechEmulator } = require('../emulators/hispeech');
const { startSpeechIsCheapEmulator } = require('../emulators/speechischeap');
const { startAudioToTextAiEmulator } = require('../emulators/audiototextai');
const { startSttAiEmulator } = require('../emulators/sttai');
const { until } = require('../support/servers');
const { KEYS, watchSecrets, report } = require('./support');

const QUIET_MS = 600; // six poll intervals of 0.1 s
const counts = { cancellations: 0, requestsAfterCancel: 0 };
let secrets;

beforeAll(() => {
	secrets = watchSecrets();
});
afterAll(() => {
	secrets.stop();
	report('cancellation', { ...counts, secretLinesScanned: secrets.count });
	cleanup();
});

const audio = (name, size = 7000) => ({ json: {}, binary: { data: { content: 'c'.repeat(size), fileName: name, mimeType: 'audio/mpeg' } } });

/**
 * A file server whose one file never finishes: it sends its headers (with the full length) and a
 * first chunk, then waits. It records whether the client went away.
 */
async function startHangingFileServer(size = 4 * 1024 * 1024) {
	const connections = [];
	const server = http.createServer((req, res) => {
		const connection = { open: true, bytesSent: 0 };
		connections.push(connection);
		req.socket.on('close', () => (connection.open = false));
		res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': size });
		const chunk = Buffer.alloc(64 * 1024, 0x61);
		res.write(chunk);
		connection.bytesSent += chunk.length;
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		connections,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(resolve);
			}),
	};
}

/** After the run ended: a marker request, then a quiet period in which nothing else arrives. */
async function expectNoFurtherRequests(emu, markerUrl) {
	const before = emu.requests.length;
	await fetch(markerUrl).then((response) => response.text());
	await until(() => emu.requests.length >= before + 1);
	await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
	const after = emu.requests.slice(before);
	counts.requestsAfterCancel += after.length - 1;
	expect(after.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${new URL(markerUrl).pathname}`]);
}

async function cancelWhen(workflow, ready) {
	const run = runWorkflow(workflow);
	await until(ready);
	await run.cancel();
	const result = await run.result;
	secrets.addRun(result);
	counts.cancellations++;
	expect(result.status).toBe('canceled');
	return result;
}

describe('while polling', () => {
	test.each([
		{
			name: 'Speech is Cheap',
			start: () => startSpeechIsCheapEmulator({ apiKey: KEYS.speechischeap, processingDelayMs: 60_000 }),
			credentials: (emu) => ({ speechIsCheapApi: { apiKey: KEYS.speechischeap, baseUrl: emu.url, uploadBaseUrl: emu.uploadUrl } }),
			node: { type: 'speechIsCheap', parameters: { resource: 'job', operation: 'create', inputType: 'binary', waitMode: 'poll', pollIntervalSeconds: 0.1 } },
			isPoll: (r) => r.method === 'GET' && /^\/v2\/jobs\/[^/]+$/.test(r.path),
			marker: (emu) => `${emu.url}/v2/jobs/health`,
		},
		{
			name: 'AudioToTextAI',
			start: () => startAudioToTextAiEmulator({ apiKey: KEYS.audiototextai, processingDelayMs: 60_000 }),
			credentials: (emu) => ({ audioToTextAiApi: { apiKey: KEYS.audiototextai, baseUrl: emu.url } }),
			node: { type: 'audioToTextAi', parameters: { resource: 'transcription', operation: 'transcribe', inputType: 'binary', waitMode: 'poll', pollIntervalSeconds: 0.1 } },
			isPoll: (r) => r.method === 'GET' && /^\/api\/v1\/transcribe\/[\w-]+\/?$/.test(r.path),
			marker: (emu) => `${emu.url}/api/v1/languages/`,
		},
	])('$name: three jobs polled together; cancel stops every poll', async (spec) => {
		const emu = await spec.start();
		try {
			const polls = () => emu.requests.filter(spec.isPoll);
			await cancelWhen(
				{
					input: [audio('a.mp3'), audio('b.mp3'), audio('c.mp3')],
					nodes: [{ name: 'Node', ...spec.node }],
					credentials: spec.credentials(emu),
				},
				() => polls().length >= 6,
			);
			expect(emu.requests.every((r) => r.status !== null)).toBe(true); // nothing left in flight
			await expectNoFurtherRequests(emu, spec.marker(emu));
		} finally {
			await emu.close();
		}
	});
});

describe('while uploading', () => {
	test.each([
		{
			name: 'Hispeech',
			start: () => startHispeechEmulator({ apiKey: KEYS.hispeech }),
			credentials: (emu) => ({ hispeechApi: { apiKey: KEYS.hispeech, baseUrl: emu.url } }),
			node: (url) => ({ type: 'hispeech', parameters: { resource: 'transcription', operation: 'transcribe', inputType: 'url', audioUrl: url, waitMode: 'sync' } }),
			isUpload: (r) => r.method === 'POST' && r.path === '/api/v1/transcriptions/upload',
			marker: (emu) => `${emu.url}/api/v1/transcriptions/transcription-status/marker`,
		},
		{
			name: 'STT.ai',
			start: () => startSttAiEmulator({ apiKey: KEYS.sttai }),
			credentials: (emu) => ({ sttAiApi: { apiKey: KEYS.sttai, baseUrl: emu.url, accountBaseUrl: emu.accountUrl } }),
			node: (url) => ({ type: 'sttAi', parameters: { resource: 'transcription', operation: 'transcribe', inputType: 'url', audioUrl: url } }),
			isUpload: (r) => r.method === 'POST' && r.path === '/v1/transcribe',
			marker: (emu) => `${emu.url}/health`,
		},
	])('$name: a URL streamed into the upload; cancel closes both connections', async (spec) => {
		const emu = await spec.start();
		const source = await startHangingFileServer();
		try {
			const upload = () => emu.requests.find(spec.isUpload);
			await cancelWhen(
				{ input: [{ json: {} }], nodes: [{ name: 'Node', ...spec.node(`${source.url}/long.mp3`) }], credentials: spec.credentials(emu) },
				() => upload()?.bytesReceived > 0,
			);
			// The upload to the provider and the download it was fed from are both closed.
			await until(() => upload().status === 0, 5000);
			await until(() => source.connections.every((c) => !c.open), 5000);
			expect(source.connections).toHaveLength(1); // the URL was not fetched again
			await expectNoFurtherRequests(emu, spec.marker(emu));
		} finally {
			await source.close();
			await emu.close();
		}
	});
});

describe('while reading an event stream', () => {
	test('Speech is Cheap Stream: cancel closes the stream and stops the run', async () => {
		const emu = await startSpeechIsCheapEmulator({ apiKey: KEYS.speechischeap, processingDelayMs: 60_000, progressIntervalMs: 20 });
		try {
			const stream = () => emu.requests.find((r) => r.method === 'POST' && r.path === '/v2/jobs/');
			await cancelWhen(
				{
					input: [audio('live.mp3'), audio('live2.mp3')],
					nodes: [
						{
							name: 'Node',
							type: 'speechIsCheap',
							parameters: { resource: 'job', operation: 'create', inputType: 'binary', waitMode: 'stream' },
						},
					],
					credentials: { speechIsCheapApi: { apiKey: KEYS.speechischeap, baseUrl: emu.url, uploadBaseUrl: emu.uploadUrl } },
				},
				() => emu.requests.filter((r) => r.path === '/v2/jobs/' && r.status === 200).length === 2,
			);
			await until(() => emu.requests.filter((r) => r.path === '/v2/jobs/').every((r) => r.closedAt !== undefined), 5000);
			expect(stream().closedAt).toBeDefined();
			await expectNoFurtherRequests(emu, `${emu.url}/v2/jobs/health`);
		} finally {
			await emu.close();
		}
	});
});

test('no API key appears in any output, error or log line of the canceled runs', () => {
	expect(counts.cancellations).toBe(5);
	expect(secrets.leaks()).toEqual([]);
});
