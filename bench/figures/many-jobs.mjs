// Figure 2 — waiting for many jobs: n async Hispeech jobs whose processing times are spread evenly
// over T (job k takes T·k/n), submitted by one node run that polls them all at once, next to a
// baseline that does what an n8n loop does: submit one job, poll it in its own loop until done,
// then the next. Both make the same HTTP calls (upload, status) against the same emulator.
// Hispeech is used because its node accepts a poll interval down to 0.1 s; its documented status
// budget (60 calls/hour) is raised in the emulator and in the node's "Status Calls per Hour" option.
import { audioItem, engine, require, round, runNode, sleep } from '../lib/harness.mjs';

const { startHispeechEmulator } = require('../../test/emulators/hispeech.js');
const STATUS = '/api/v1/transcriptions/transcription-status/';

function sizes(quick) {
	return quick ? { n: 20, T: 3, interval: 0.2 } : { n: 100, T: 10, interval: 0.5 };
}

/** The baseline: plain fetch, one job after another, each polled every `interval` until done. */
async function baseline(emu, n, interval) {
	const started = Date.now();
	for (let k = 1; k <= n; k++) {
		const form = new FormData();
		form.append('wait_for_result', 'false');
		form.append('file', new Blob([`audio of job ${k}`]), `job-${k}.wav`);
		const created = await fetch(`${emu.url}/api/v1/transcriptions/upload`, {
			method: 'POST',
			headers: { 'x-auth-token': 'test-key' },
			body: form,
		}).then((response) => response.json());
		for (;;) {
			await sleep(interval * 1000);
			const status = await fetch(`${emu.url}${STATUS}${created.job_id}`, { headers: { 'x-auth-token': 'test-key' } }).then((r) =>
				r.json(),
			);
			if (status.status === 'completed') break;
		}
	}
	return { wallMs: Date.now() - started, calls: emu.requests.filter((r) => r.path.startsWith(STATUS)).length };
}

export default {
	name: 'Waiting for many jobs',
	async run({ quick }) {
		const { n, T, interval } = sizes(quick);
		const emu = await startHispeechEmulator({
			apiKey: 'test-key',
			statusCallsPerHour: 100_000_000,
			processingDelayMs: (upload) => (T * 1000 * Number(/job-(\d+)/.exec(upload.filename)[1])) / n,
		});
		try {
			const input = Array.from({ length: n }, (_, i) => audioItem(`job-${i + 1}.wav`, `audio of job ${i + 1}`));
			const run = await runNode({
				input,
				node: {
					name: 'Hispeech',
					type: 'hispeech',
					parameters: {
						resource: 'transcription',
						operation: 'transcribe',
						waitMode: 'poll',
						pollIntervalSeconds: interval,
						maxWaitMinutes: 10,
						options: { statusCallsPerHour: Math.ceil((n / interval) * 3600 * 4) },
					},
				},
				credentials: { hispeechApi: { apiKey: 'test-key', baseUrl: emu.url } },
			});
			const done = run.output.filter((item) => item.json.status === 'completed').length;
			const uploads = emu.requests.filter((r) => r.path === '/api/v1/transcriptions/upload');
			const firstSubmit = Math.min(...uploads.map((r) => r.startedAt));
			const submitSpanMs = Math.max(...uploads.map((r) => r.startedAt)) - firstSubmit;
			const wallMs = run.nodeStartedAt + run.nodeMs - firstSubmit;
			const calls = emu.requests.filter((r) => r.path.startsWith(STATUS)).length;
			emu.reset();
			const base = await baseline(emu, n, interval);

			const wallGoalMs = 1.1 * (T + interval) * 1000 + submitSpanMs;
			const callGoal = n * (T / interval + 2);
			const setup = `${n} jobs over T = ${T} s, poll interval ${interval} s`;
			const ok = run.result.status === 'success' && done === n;
			const failed = ok ? '' : `; NODE RUN FAILED (${done}/${n} completed): ${run.result.error?.message ?? ''}`;
			return [
				{
					figure: 'Many jobs: wall time',
					goal: `≤ 1.1 × (T + interval) + submit time = ${round(wallGoalMs / 1000)} s`,
					measured: `${round(wallMs / 1000)} s`,
					baseline: `${round(base.wallMs / 1000)} s`,
					ratio: wallMs / base.wallMs,
					pass: ok && wallMs <= wallGoalMs,
					hard: false,
					note: `${setup}; submitting the ${n} jobs took ${round(submitSpanMs / 1000)} s (paid by both; the last job starts its processing only then); wall counted from the first submission${failed}`,
					chart: { measured: wallMs / 1000, baseline: base.wallMs / 1000, unit: 's', goal: wallGoalMs / 1000 },
				},
				{
					figure: 'Many jobs: status calls',
					goal: `≤ n × (T / interval + 2) = ${callGoal}`,
					measured: String(calls),
					baseline: String(base.calls),
					ratio: calls / base.calls,
					pass: ok && calls <= callGoal,
					hard: false,
					note: setup + failed,
					chart: { measured: calls, baseline: base.calls, unit: 'calls', goal: callGoal },
				},
			];
		} finally {
			await emu.close();
		}
	},
};
