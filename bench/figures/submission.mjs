// Figure — parallel submission: an action node submits its items several at a time (the
// "Parallel Submissions" option, default 4 for AudioToTextAI Transcribe) versus one after another
// (Parallel Submissions = 1, the behaviour before). The emulator sits behind a proxy
// (bench/lib/proxy.mjs) that adds a provider's latency to every request and, for the uploads,
// limits each connection's bandwidth, which is what makes one-after-another slow for real. The
// emulator and the proxies run in a process of their own (bench/lib/submission-provider.mjs), so
// the provider's work does not share the n8n process's event loop.
//   1. URL jobs, Don't Wait: only the creating request per item (POST /api/v1/transcribe/url/).
//   2. Stored binaries (n8n's filesystem binary mode) uploaded as multipart POSTs, Don't Wait, each
//      side in a child process of its own (bench/lib/submission-child.mjs), which also measures
//      the parallel run's upload memory as the upload-memory figure does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MiB, round, runChild, runNode, writeFile } from '../lib/harness.mjs';
import { startProvider } from '../lib/submission-provider.mjs';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '../lib/submission-child.mjs');
const PARALLEL = 4; // AudioToTextAI Transcribe's default Parallel Submissions
const URL_GOAL = 0.3;
const UPLOAD_GOAL = 0.4;
const MEMORY_GOAL_MIB = 64;

function sizes(quick) {
	return quick
		? { urlJobs: 40, uploads: 12, fileMiB: 1, perConnection: 4 * MiB, latencyMs: 150 }
		: { urlJobs: 100, uploads: 20, fileMiB: 4, perConnection: 4 * MiB, latencyMs: 150 };
}

const urlNode = (parallelSubmissions) => ({
	name: 'AudioToTextAI',
	type: 'audioToTextAi',
	parameters: {
		resource: 'transcription',
		operation: 'transcribe',
		inputType: 'url',
		audioUrl: '={{ $json.url }}',
		waitMode: 'none',
		options: { parallelSubmissions },
	},
});

/** Runs the URL jobs once with the given Parallel Submissions; the node's own execution time. */
async function urlJobs(provider, n, parallelSubmissions) {
	await provider.reset();
	const input = Array.from({ length: n }, (_, i) => ({ json: { url: `${provider.urls.audio}/recording-${i + 1}.wav` } }));
	const run = await runNode({
		input,
		node: urlNode(parallelSubmissions),
		credentials: { audioToTextAiApi: { apiKey: 'a2t_test', baseUrl: provider.urls.latent } },
	});
	const stats = await provider.stats();
	const jobs = stats.jobs.filter((job) => job.type === 'url').length;
	const ok = run.result.status === 'success' && run.output.length === n && stats.creatingRequests === n && jobs === n;
	return {
		ms: run.nodeMs,
		ok,
		maxInFlight: stats.maxInFlight.latent,
		error: ok ? '' : `${run.result.error?.message ?? ''} (${run.output.length} items out, ${stats.creatingRequests} creating requests)`,
	};
}

/** Uploads the files in a child process with the given Parallel Submissions. */
async function uploads(provider, { files, hashes, fileBytes }, parallelSubmissions) {
	await provider.reset();
	const child = await runChild(CHILD, [provider.urls.throttled, String(parallelSubmissions), ...files]);
	const stats = await provider.stats();
	const intact = stats.jobs.filter(
		(job) => job.type === 'file' && job.bytes === fileBytes && hashes.get(job.filename) === job.sha256,
	).length;
	const ok = child.status === 'success' && child.items === files.length && intact === files.length;
	return {
		...child,
		ok,
		maxInFlight: stats.maxInFlight.throttled,
		error: ok ? '' : `${child.error ?? ''} (${child.items} items out, ${intact}/${files.length} files received intact)`,
	};
}

export default {
	name: 'Parallel submission',
	async run({ quick }) {
		const { urlJobs: n, uploads: m, fileMiB, perConnection, latencyMs } = sizes(quick);
		const provider = await startProvider({ latencyMs, bytesPerSecond: perConnection });
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-submission-'));
		try {
			// 1. URL jobs: latency only (a small warm-up run first).
			await urlJobs(provider, PARALLEL, PARALLEL);
			const url = { parallel: await urlJobs(provider, n, PARALLEL), sequential: await urlJobs(provider, n, 1) };

			// 2. Stored-binary uploads: latency and a bandwidth limit per connection.
			const files = [];
			const hashes = new Map();
			for (let i = 1; i <= m; i++) {
				const file = path.join(dir, `meeting-${i}.wav`);
				hashes.set(path.basename(file), await writeFile(file, fileMiB));
				files.push(file);
			}
			const set = { files, hashes, fileBytes: fileMiB * MiB };
			const up = { parallel: await uploads(provider, set, PARALLEL), sequential: await uploads(provider, set, 1) };

			const urlRatio = url.parallel.ms / url.sequential.ms;
			const upRatio = up.parallel.nodeMs / up.sequential.nodeMs;
			const urlFailed = [url.parallel, url.sequential].map((r) => r.error).filter(Boolean);
			const upFailed = [up.parallel, up.sequential].map((r) => r.error).filter(Boolean);
			const failed = (errors) => (errors.length > 0 ? `; RUN FAILED: ${errors.join('; ')}` : '');
			const setting = `Parallel Submissions ${PARALLEL} (the default) vs 1`;
			return [
				{
					figure: `Parallel submission: ${n} URL jobs`,
					goal: `≤ ${URL_GOAL}× one after another`,
					measured: `${round(url.parallel.ms / 1000)} s`,
					baseline: `${round(url.sequential.ms / 1000)} s`,
					ratio: urlRatio,
					pass: url.parallel.ok && url.sequential.ok && urlRatio <= URL_GOAL,
					hard: false,
					note: `AudioToTextAI Transcribe, Audio Source URL, Don't Wait (one creating request per item), ${setting}; the proxy adds ${latencyMs} ms to every request; at most ${url.parallel.maxInFlight} requests in flight (baseline ${url.sequential.maxInFlight}); emulator and proxy in their own process; node execution time; ${round(1 / urlRatio)}× faster${failed(urlFailed)}`,
					chart: { measured: url.parallel.ms / 1000, baseline: url.sequential.ms / 1000, unit: 's', goal: (URL_GOAL * url.sequential.ms) / 1000 },
				},
				{
					figure: `Parallel submission: ${m} stored-binary uploads`,
					goal: `≤ ${UPLOAD_GOAL}× one after another`,
					measured: `${round(up.parallel.nodeMs / 1000)} s`,
					baseline: `${round(up.sequential.nodeMs / 1000)} s`,
					ratio: upRatio,
					pass: up.parallel.ok && up.sequential.ok && upRatio <= UPLOAD_GOAL,
					hard: false,
					note: `AudioToTextAI Transcribe, ${m} × ${fileMiB} MiB binaries stored by n8n's filesystem binary mode, multipart POST, Don't Wait, ${setting}; the proxy adds ${latencyMs} ms to every request and limits each connection to ${perConnection / MiB} MiB/s (${round((m * fileMiB * MiB) / perConnection)} s of transfer on one connection); at most ${up.parallel.maxInFlight} requests in flight (baseline ${up.sequential.maxInFlight}); each side in its own child process, the emulator and proxy in another; node execution time; ${round(1 / upRatio)}× faster${failed(upFailed)}`,
					chart: { measured: up.parallel.nodeMs / 1000, baseline: up.sequential.nodeMs / 1000, unit: 's', goal: (UPLOAD_GOAL * up.sequential.nodeMs) / 1000 },
				},
				{
					figure: 'Parallel submission: upload memory',
					goal: `peak RSS growth ≤ ${MEMORY_GOAL_MIB} MiB`,
					measured: `${up.parallel.peakGrowthMiB} MiB`,
					baseline: `${up.sequential.peakGrowthMiB} MiB`,
					ratio: up.parallel.peakGrowthMiB / up.sequential.peakGrowthMiB,
					pass: up.parallel.ok && up.parallel.peakGrowthMiB <= MEMORY_GOAL_MIB,
					hard: false,
					note: `The parallel upload run above (${PARALLEL} uploads at once, ${m} × ${fileMiB} MiB), measured in its child process after a warm-up run as the upload-memory figure does (storing the binaries included); baseline: the same with Parallel Submissions 1${failed(upFailed)}`,
					chart: { measured: up.parallel.peakGrowthMiB, baseline: up.sequential.peakGrowthMiB, unit: 'MiB', goal: MEMORY_GOAL_MIB },
				},
			];
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
			await provider.close();
		}
	},
};
