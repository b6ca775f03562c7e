// Figure 7 — queue mode throughput: the same batch of transcription executions through a real n8n
// 2.41 in queue mode (main, webhook process, PostgreSQL, Redis; scripts/lib/queue.js) with two
// workers and with one. Each execution is a production webhook upload → one provider node (all five
// providers, binary uploads), emulator delays small (50 ms) and worker concurrency ≥ the batch, so
// neither the provider nor a worker's job slots limit it: what is left is the CPU the n8n processes
// get. Throughput = executions ÷ (first upload → last execution's stoppedAt, as n8n records it).
// Full runs only (it boots n8n: about two minutes); `npm run bench -- --only=queue` runs it alone.
import fs from 'node:fs';
import os from 'node:os';
import { require, round } from '../lib/harness.mjs';

const { startQueue } = require('../../scripts/lib/queue.js');
const { PROVIDERS, transcriptionWorkflow, createPublished, audioBytes, upload, executionsOf, settled } = require('../../test/queue/harness.js');

const BATCH = 40;
const WARMUP = 10;

/** Busy and total CPU time of the whole machine so far (Linux /proc/stat; null elsewhere). */
function cpuTimes() {
	try {
		const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
		const total = fields.reduce((a, b) => a + b, 0);
		return { busy: total - fields[3] - fields[4], total };
	} catch {
		return null;
	}
}

/** Uploads `count` files spread over the providers at once; returns { ms, ok } from n8n's records. */
async function batch(q, workflowIds, tag, count) {
	const providers = Object.keys(PROVIDERS);
	const before = new Map();
	for (const provider of providers) before.set(provider, new Set((await executionsOf(q, workflowIds[provider])).map((e) => e.id)));
	const cpuBefore = cpuTimes();
	const started = Date.now();
	await Promise.all(
		Array.from({ length: count }, (_, i) => {
			const provider = providers[i % providers.length];
			const name = `${tag}-${i}-${provider}.mp3`;
			return upload(q, `bench-${provider}`, name, audioBytes(name, 12_000 + i));
		}),
	);
	const runs = [];
	for (const provider of providers) {
		const expected = before.get(provider).size + Math.ceil((count - providers.indexOf(provider)) / providers.length);
		const list = await settled(q, workflowIds[provider], expected, { timeoutMs: 600_000 });
		runs.push(...list.filter((e) => !before.get(provider).has(e.id)));
	}
	const last = Math.max(...runs.map((e) => new Date(e.stoppedAt).getTime()));
	const cpuAfter = cpuTimes();
	const cpuBusy = cpuBefore && cpuAfter ? (cpuAfter.busy - cpuBefore.busy) / (cpuAfter.total - cpuBefore.total) : null;
	return { ms: last - started, ok: runs.filter((e) => e.status === 'success').length, total: runs.length, cpuBusy };
}

export default {
	name: 'Queue mode: throughput with 2 workers vs 1',
	explanations: {
		'Queue mode: executions/s, 2 workers vs 1':
			'The machine has 2 CPU cores, shared by the main, webhook and worker processes (each with a task runner), PostgreSQL, Redis and the emulators. The note shows how busy both cores were during each batch: when one worker already keeps them near 100%, a second worker adds job slots but no CPU, so it cannot raise throughput here. The executions are CPU-bound in n8n (webhook handling, binary data in PostgreSQL, queue bookkeeping, the nodes), not in the provider; with a core (or machine) per worker the same setup scales with workers.',
	},
	async run({ quick }) {
		if (quick) return [];
		const q = await startQueue({ workers: 2, concurrency: BATCH, processingDelayMs: 50 });
		try {
			const workflowIds = {};
			for (const provider of Object.keys(PROVIDERS)) workflowIds[provider] = await createPublished(q, transcriptionWorkflow(provider, `bench-${provider}`), `bench-${provider}`);
			await batch(q, workflowIds, 'warm', WARMUP);
			const two = await batch(q, workflowIds, 'two', BATCH);
			await q.workers[1].stop(); // the same deployment, now with one worker
			const one = await batch(q, workflowIds, 'one', BATCH);
			const rate = (r) => (r.total / r.ms) * 1000;
			const ratio = rate(two) / rate(one);
			const ok = two.ok === BATCH && one.ok === BATCH;
			const busy = (r) => (r.cpuBusy === null ? 'n/a' : `${Math.round(r.cpuBusy * 100)}%`);
			return [
				{
					figure: 'Queue mode: executions/s, 2 workers vs 1',
					goal: '≥ 1.2× one worker',
					measured: `${round(rate(two))}/s (2 workers, ${round(two.ms / 1000)} s)`,
					baseline: `${round(rate(one))}/s (1 worker, ${round(one.ms / 1000)} s)`,
					ratio,
					pass: ok && ratio >= 1.2,
					hard: false,
					note: `${BATCH} webhook uploads (8 per provider) per run, emulator delay 50 ms, worker concurrency ${BATCH}, binary data in PostgreSQL; ${os.cpus().length} CPU cores for everything (n8n main, webhook process, workers, their task runners, PostgreSQL, Redis, emulators), busy ${busy(two)} of the time with 2 workers and ${busy(one)} with 1${ok ? '' : `; FAILED EXECUTIONS: ${two.ok}/${BATCH} and ${one.ok}/${BATCH} succeeded`}`,
					chart: { measured: rate(two), baseline: rate(one), unit: 'exec/s', higherIsBetter: true },
				},
			];
		} finally {
			await q.close();
		}
	},
};
