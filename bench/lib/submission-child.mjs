// Uploads stored binaries through AudioToTextAI Transcribe (Don't Wait) inside n8n's engine, in a
// process of its own so that its memory can be measured as test/memory/upload-child.js does (a
// warm-up run first, then peak RSS growth over the measured run). The emulator and the proxy run
// in the calling process.
//
// Usage: node --expose-gc submission-child.mjs <baseUrl> <parallelSubmissions> <file>...
//   → prints one JSON line: { status, error, items, jobIds, nodeMs, wallMs, peakGrowthMiB, rssBeforeMiB }
import path from 'node:path';

import { engine, MiB, runNode } from './harness.mjs';

const [baseUrl, concurrency, ...files] = process.argv.slice(2);
const node = {
	name: 'AudioToTextAI',
	type: 'audioToTextAi',
	parameters: {
		resource: 'transcription',
		operation: 'transcribe',
		inputType: 'binary',
		waitMode: 'none',
		options: { parallelSubmissions: Number(concurrency) },
	},
};
const credentials = { audioToTextAiApi: { apiKey: 'a2t_test', baseUrl } };
const item = (file) => ({ json: {}, binary: { data: { path: file, fileName: path.basename(file), mimeType: 'audio/wav' } } });

try {
	// Warm up: n8n, the package, the HTTP stack and the proxy's connections, with small files.
	const warmUp = Array.from({ length: Number(concurrency) }, (_, i) => ({
		json: {},
		binary: { data: { content: Buffer.alloc(64 * 1024, i), fileName: `warm-up-${i}.wav`, mimeType: 'audio/wav' } },
	}));
	const warm = await runNode({ input: warmUp, node, credentials });
	if (warm.result.status !== 'success') throw new Error(`warm-up failed: ${warm.result.error?.message}`);
	global.gc?.();

	const rssBefore = process.memoryUsage().rss;
	const maxRssBefore = process.resourceUsage().maxRSS * 1024;
	let sampledPeak = rssBefore;
	const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss)), 10);
	const run = await runNode({ input: files.map(item), node, credentials });
	clearInterval(sampler);
	const maxRssAfter = process.resourceUsage().maxRSS * 1024;
	const peak = Math.max(sampledPeak, maxRssAfter > maxRssBefore ? maxRssAfter : 0);

	console.log(
		JSON.stringify({
			status: run.result.status,
			error: run.result.error?.message,
			items: run.output.length,
			jobIds: run.output.map((entry) => entry.json.id ?? entry.json.jobId ?? entry.json.raw?.id),
			nodeMs: run.nodeMs,
			wallMs: run.wallMs,
			rssBeforeMiB: +(rssBefore / MiB).toFixed(1),
			peakGrowthMiB: +((peak - rssBefore) / MiB).toFixed(1),
		}),
	);
} finally {
	engine.cleanup();
}
