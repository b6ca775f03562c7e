// Figure 7 — queue mode throughput: the same batch of transcription executions through a real n8n
// 2.41 in queue mode (main, webhook process, PostgreSQL, Redis; scripts/lib/queue.js) with two
// workers and with one. Each execution is a production webhook upload → one provider node (binary
// uploads). Throughput = executions ÷ (first upload → last execution's stoppedAt, as n8n records it).
//
// Two regimes, each on its own deployment:
// - Job slots: transcriptions that take seconds at the provider (which runs them all at once, so it
//   is not the bottleneck) on workers with a fixed number of job slots (`n8n worker --concurrency`).
//   This is how transcription workloads meet a worker's limit, and where a second worker should
//   double the rate.
// - CPU: near-instant jobs and slots enough for the whole batch, so all that is left is the CPU the
//   n8n processes get; on a 2-core machine a second worker has no core of its own (reported, no goal).
// Full runs only (it boots n8n twice: about four minutes); `npm run bench -- --only=queue` runs it alone.
import fs from 'node:fs';
import os from 'node:os';
import { require, round } from '../lib/harness.mjs';

const { startQueue } = require('../../scripts/lib/queue.js');
const { PROVIDERS, transcriptionWorkflow, createPublished, audioBytes, upload, executionsOf, settled } = require('../../test/queue/harness.js');

const REGIMES = {
	slots: {
		figure: 'Queue mode: executions/s, 2 workers vs 1 (job slots)',
		// Providers whose nodes poll a job the emulator keeps running for `processingDelayMs`.
		providers: ['speechischeap', 'audiototextai'],
		batch: 24,
		concurrency: 4,
		processingDelayMs: 3_000,
		goal: 1.6,
	},
	cpu: {
		figure: 'Queue mode: executions/s, 2 workers vs 1 (CPU-bound, 2 cores)',
		providers: Object.keys(PROVIDERS),
		batch: 40,
		concurrency: 40,
		processingDelayMs: 50,
	},
};

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

/** Uploads `count` files spread over `providers` at once; returns { ms, ok, total, cpuBusy } from n8n's records. */
async function batch(q, workflowIds, providers, tag, count) {
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

/** One deployment: a warm-up, the batch on two workers, then on one (the second stopped). */
async function measure({ figure, providers, batch: size, concurrency, processingDelayMs, goal }) {
	const q = await startQueue({ workers: 2, concurrency, processingDelayMs });
	try {
		const workflowIds = {};
		for (const provider of providers) workflowIds[provider] = await createPublished(q, transcriptionWorkflow(provider, `bench-${provider}`), `bench-${provider}`);
		await batch(q, workflowIds, providers, 'warm', Math.min(size, 10));
		const two = await batch(q, workflowIds, providers, 'two', size);
		await q.workers[1].stop(); // the same deployment, now with one worker
		const one = await batch(q, workflowIds, providers, 'one', size);
		const rate = (r) => (r.total / r.ms) * 1000;
		const ratio = rate(two) / rate(one);
		const ok = two.ok === size && one.ok === size;
		const busy = (r) => (r.cpuBusy === null ? 'n/a' : `${Math.round(r.cpuBusy * 100)}%`);
		return {
			figure,
			goal: goal ? `≥ ${goal}× one worker` : 'reference (no goal)',
			measured: `${round(rate(two))}/s (2 workers, ${round(two.ms / 1000)} s)`,
			baseline: `${round(rate(one))}/s (1 worker, ${round(one.ms / 1000)} s)`,
			ratio,
			pass: ok && (goal ? ratio >= goal : true),
			...(goal || !ok ? {} : { info: true }),
			hard: false,
			note: `${size} webhook uploads (${providers.join(', ')}) per run, each job taking ${processingDelayMs} ms at the emulator, ${concurrency} job slots per worker, binary data in PostgreSQL; ${os.cpus().length} CPU cores for everything (n8n main, webhook process, workers, their task runners, PostgreSQL, Redis, emulators), busy ${busy(two)} of the time with 2 workers and ${busy(one)} with 1${ok ? '' : `; FAILED EXECUTIONS: ${two.ok}/${size} and ${one.ok}/${size} succeeded`}`,
			chart: { measured: rate(two), baseline: rate(one), unit: 'exec/s', higherIsBetter: true },
		};
	} finally {
		await q.close();
	}
}

export default {
	name: 'Queue mode: throughput with 2 workers vs 1',
	explanations: {
		[REGIMES.slots.figure]:
			'Each worker runs at most `--concurrency` executions at once; a transcription holds its slot while the provider works. The provider here runs every job at once, so only the slots limit the rate, and a second worker adds as many again. A miss means the machine ran out of CPU before the slots filled (see the CPU-bound row).',
		[REGIMES.cpu.figure]:
			'The machine has 2 CPU cores, shared by the main, webhook and worker processes (each with a task runner), PostgreSQL, Redis and the emulators. With near-instant jobs and slots for the whole batch, the work is bound by the CPU n8n itself uses (webhook handling, binary data in PostgreSQL, queue bookkeeping, the nodes); when one worker already keeps both cores busy, a second worker cannot raise the rate here. With a core (or machine) per worker it would.',
	},
	async run({ quick }) {
		if (quick) return [];
		const rows = [];
		for (const regime of Object.values(REGIMES)) rows.push(await measure(regime));
		return rows;
	},
};
