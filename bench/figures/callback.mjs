// Figure 3 — Wait for Callback: Speech is Cheap jobs whose processing times are spread evenly over
// T, with the node in "Wait for Callback" (the run waits in n8n's waiting state; the emulator's
// callbacks go to the resume URL, served by test/harness/waiting.js, which does what n8n's
// WaitingWebhooks does). Measured: status calls while the run waits (goal 0), all status calls,
// and the time from the last callback's arrival to the node's output (goal ≤ 1 s).
// Baseline: the same jobs with "Poll Until Done" (interval 0.5 s), in the same run.
import { engine, require, round } from '../lib/harness.mjs';

const { startWaitingServer } = require('../../test/harness/waiting.js');
const { startSpeechIsCheapEmulator } = require('../../test/emulators/speechischeap.js');
const { startFileServer } = require('../../test/support/servers.js');

const POLL_SECONDS = 0.5;

export default {
	name: 'Wait for callback',
	async run({ quick }) {
		const jobs = quick ? 10 : 50;
		const spreadMs = quick ? 2000 : 10_000;
		await engine.setup();
		// Each file's name gives its processing time: job i takes (i + 1) / jobs × T.
		const delayOf = (input) => Number(/job-(\d+)/.exec(input.name ?? '')?.[1] ?? 0);
		const emu = await startSpeechIsCheapEmulator({ processingDelayMs: (input) => delayOf(input) });
		const files = await startFileServer(
			Object.fromEntries(
				Array.from({ length: jobs }, (_, i) => [`/job-${Math.round(((i + 1) / jobs) * spreadMs)}.mp3`, { content: Buffer.alloc(8000, 97) }]),
			),
		);
		const waiting = await startWaitingServer();
		const input = Array.from({ length: jobs }, (_, i) => ({ json: { url: `${files.url}/job-${Math.round(((i + 1) / jobs) * spreadMs)}.mp3` } }));
		const credentials = { speechIsCheapApi: { apiKey: 'sk_test', baseUrl: emu.url, uploadBaseUrl: emu.uploadUrl } };
		const node = (waitMode) => ({
			name: 'SIC',
			type: 'speechIsCheap',
			parameters: { resource: 'job', operation: 'create', inputType: 'url', audioUrl: '={{ $json.url }}', waitMode, pollIntervalSeconds: POLL_SECONDS, maxWaitMinutes: 30 },
		});
		const statusCalls = () => emu.requests.filter((r) => r.method === 'GET' && /^\/v2\/jobs\/[^/]+-sic$/.test(r.path));
		try {
			// Wait for Callback
			const run = engine.runWorkflow({ input, nodes: [node('callback')], credentials, webhookWaitingBaseUrl: waiting.baseUrl });
			const paused = await waiting.track(run);
			if (paused.status !== 'waiting') throw new Error(`the run did not wait: ${paused.status}`);
			const resumed = await waiting.resumed(run);
			const outputAt = Date.now();
			const output = resumed.output('SIC');
			if (output.length !== jobs || output.some((item) => item.json.status !== 'completed')) throw new Error('callback run: wrong output');
			const resumingCall = waiting.calls.find((call) => call.resumed);
			const firstCallbackAt = Math.min(...waiting.calls.map((call) => call.at));
			const whileWaiting = statusCalls().filter((r) => r.startedAt < firstCallbackAt).length;
			const callbackCalls = statusCalls().length;
			const latencyMs = outputAt - resumingCall.at;

			// Poll Until Done, same jobs
			emu.reset();
			const polled = await engine.runWorkflow({ input, nodes: [node('poll')], credentials }).result;
			const polledAt = Date.now();
			if (polled.output('SIC').length !== jobs) throw new Error('poll run: wrong output');
			const lastFinish = Math.max(...[...emu.jobs.values()].map((job) => job.createdAt + delayOf(job.input ?? {})));
			const pollCalls = statusCalls().length;
			const pollLatencyMs = polledAt - lastFinish;

			return [
				{
					figure: 'Wait for callback: status calls while waiting',
					goal: '0',
					measured: String(whileWaiting),
					baseline: `${pollCalls} (Poll Until Done, ${POLL_SECONDS} s)`,
					ratio: pollCalls ? whileWaiting / pollCalls : null,
					pass: whileWaiting === 0,
					hard: true,
					note: `${jobs} Speech is Cheap jobs spread over ${spreadMs / 1000} s. Callbacks then checked the other jobs' states ${callbackCalls} times in all (no state is kept between callbacks; the provider is asked), against ${pollCalls} polls. The callback count does not grow with how long jobs take; polling's grows with T / interval`,
					chart: { measured: callbackCalls, baseline: pollCalls, unit: 'status calls' },
				},
				{
					figure: 'Wait for callback: last callback → node output',
					goal: '≤ 1 s',
					measured: `${round(latencyMs / 1000, 3)} s`,
					baseline: `${round(pollLatencyMs / 1000, 3)} s (last job done → output, polling)`,
					ratio: pollLatencyMs > 0 ? latencyMs / pollLatencyMs : null,
					pass: latencyMs <= 1000,
					hard: false,
					note: 'from the resuming callback reaching the resume URL to the resumed run having its output',
					chart: { measured: latencyMs, baseline: pollLatencyMs, unit: 'ms' },
				},
			];
		} finally {
			await waiting.close();
			await files.close();
			await emu.close();
		}
	},
};
