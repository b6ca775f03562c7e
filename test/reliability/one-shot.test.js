// One-shot results: a Hispeech secure-mode result can be read once. It is never lost silently:
// either the item carries the transcript, or an error that says what happened. These cases add to
// test/engine/hispeech.test.js (which covers the one-time read and a read dropped before any byte
// of the answer arrived): an answer cut off halfway, a server error before the read, a synchronous
// answer lost on the way, and many secure jobs under random faults.
const { runWorkflow, cleanup } = require('../harness/engine');
const { startHispeechEmulator } = require('../emulators/hispeech');
const { KEYS, watchSecrets, report } = require('./support');

const STATUS_PATH = '/api/v1/transcriptions/transcription-status/';
const UPLOAD_PATH = '/api/v1/transcriptions/upload';
const fastPoll = { waitMode: 'poll', pollIntervalSeconds: 0.1, options: { statusCallsPerHour: 36_000_000 } };
const counts = { secureJobs: 0, transcriptsReturned: 0, lossesReported: 0, emptyTranscripts: 0 };

let emu;
let secrets;

const audio = (name) => ({ json: { name }, binary: { data: { content: `secret audio of ${name}`, fileName: name, mimeType: 'audio/mpeg' } } });
const expectedText = (name) => `Transcript of ${name} (${Buffer.byteLength(`secret audio of ${name}`)} bytes)`;
const statusCalls = () => emu.requests.filter((r) => r.path.startsWith(STATUS_PATH));

async function run(input, parameters) {
	const { result } = runWorkflow({
		input,
		nodes: [{ name: 'Hispeech', type: 'hispeech', parameters: { resource: 'transcription', operation: 'transcribe', secureMode: true, ...parameters }, onError: 'continueRegularOutput' }],
		credentials: { hispeechApi: { apiKey: KEYS.hispeech, baseUrl: emu.url } },
	});
	const outcome = await result;
	secrets.addRun(outcome);
	const output = outcome.output('Hispeech');
	for (const item of output) {
		counts.secureJobs++;
		if (item.json.error) counts.lossesReported++;
		else if (item.json.text) counts.transcriptsReturned++;
		else counts.emptyTranscripts++;
	}
	return output;
}

beforeAll(async () => {
	secrets = watchSecrets();
	emu = await startHispeechEmulator({ apiKey: KEYS.hispeech, statusCallsPerHour: 1e9 });
});
beforeEach(() => emu.reset());
afterAll(async () => {
	secrets.stop();
	report('one-shot results', { ...counts, secretLinesScanned: secrets.count });
	await emu.close();
	cleanup();
});

test('the completed result cut off halfway through its body: reported as lost, not returned empty', async () => {
	emu.injectFault({ method: 'GET', path: STATUS_PATH, type: 'truncate' });
	const [item] = await run([audio('cut.mp3')], fastPoll);
	const { jobId } = emu.uploads[0];
	expect(emu.jobs.get(jobId).resultRead).toBe(true); // the provider served its one read
	expect(item.json.text).toBeUndefined();
	expect(item.json.error).toBe(`Hispeech no longer has the secure-mode result of job ${jobId}`);
	expect(item.json.details).toContain('delivered on a connection that broke');
	// The broken read was retried once (an idempotent GET); the result was gone.
	expect(statusCalls().filter((r) => r.startedAt >= emu.jobs.get(jobId).readyAt).map((r) => r.status)).toEqual([0, 404]);
});

test.each(['500', '502', '503', 'drop', '429'])('a %s before the result was read: retried, and the transcript is returned', async (type) => {
	const fault = /^\d+$/.test(type) && type !== '429' ? { type: 'status', status: Number(type) } : { type, retryAfter: 0.1 };
	emu.injectFault({ method: 'GET', path: STATUS_PATH, ...fault });
	const [item] = await run([audio(`kept-${type}.mp3`)], fastPoll);
	expect(item.json.error).toBeUndefined();
	expect(item.json.text).toBe(expectedText(`kept-${type}.mp3`));
	expect(statusCalls()[0].status).toBe(type === 'drop' ? 0 : Number(type));
});

test('a synchronous secure answer lost on the way: reported, and the upload is not sent again', async () => {
	emu.injectFault({ method: 'POST', path: UPLOAD_PATH, type: 'drop-after-processing' });
	const [item] = await run([audio('sync.mp3')], { waitMode: 'sync' });
	expect(emu.uploads).toHaveLength(1);
	expect(emu.requests.filter((r) => r.path === UPLOAD_PATH)).toHaveLength(1);
	expect(item.json.error).toBe(`Could not reach Hispeech at ${emu.url} (connection reset)`);
	expect(item.json.details).toContain('may have received it. It was not resent');
});

test('a synchronous secure answer cut off halfway: reported, and the upload is not sent again', async () => {
	emu.injectFault({ method: 'POST', path: UPLOAD_PATH, type: 'truncate' });
	const [item] = await run([audio('sync-cut.mp3')], { waitMode: 'sync' });
	expect(emu.uploads).toHaveLength(1);
	expect(emu.requests.filter((r) => r.path === UPLOAD_PATH)).toHaveLength(1);
	expect(item.json.text).toBeUndefined();
	expect(item.json.error).toBe(`Could not reach Hispeech at ${emu.url} (the answer was cut off)`);
	expect(item.json.details).toContain('It was not resent, to avoid a duplicate job');
});

test('40 secure jobs under random faults on every status read: each transcript returned, or its loss explained', async () => {
	// Only the status reads are faulted: every upload goes through, so every item has a job.
	emu.setFaultRate({
		rate: 0.25,
		types: ['500', '503', 'drop', 'drop-after-processing', 'truncate', 'slow', '429'],
		seed: 21,
		retryAfter: 0.1,
		delayMs: 10,
		path: STATUS_PATH,
	});
	const names = Array.from({ length: 40 }, (_, i) => `s${i}.mp3`);
	const output = await run(names.map(audio), fastPoll);
	expect(output).toHaveLength(40);
	for (const [index, item] of output.entries()) {
		const { jobId } = emu.uploads.find((u) => u.filename === names[index]);
		// The status read that served the one-time result: the first one the emulator processed
		// (faults that answer before processing — 5xx, drop, 429 — do not count).
		const firstServe = statusCalls().find((r) => r.path === `${STATUS_PATH}${jobId}` && !['500', '503', 'drop', '429'].includes(r.fault));
		if (firstServe.status === 200) {
			expect(item.json.text).toBe(expectedText(names[index]));
		} else {
			// The one read was dropped or cut off: the item says the result is gone and why.
			expect(['drop-after-processing', 'truncate']).toContain(firstServe.fault);
			expect(item.json.error).toBe(`Hispeech no longer has the secure-mode result of job ${jobId}`);
			expect(item.json.details).toContain('delivered on a connection that broke');
		}
		expect(item.pairedItem).toEqual({ item: index });
	}
	expect(counts.emptyTranscripts).toBe(0);
});
