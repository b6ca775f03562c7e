// Uploads a large stored binary through a node inside n8n's engine and reports how much this
// process's memory grew. Run in its own process so nothing else skews the figure.
// Usage: node upload-child.js <provider> <sizeMiB>   → prints one JSON line.
const { fork } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { runWorkflow, setup, cleanup, userFolder } = require('../harness/engine');

const MiB = 1024 * 1024;

/** Writes `sizeMiB` of non-repeating bytes to disk without holding them, returning the sha256. */
async function writeAudioFile(file, sizeMiB) {
	const hash = crypto.createHash('sha256');
	const out = fs.createWriteStream(file);
	const block = crypto.randomBytes(MiB);
	for (let i = 0; i < sizeMiB; i++) {
		block.writeUInt32BE(i, 0); // every MiB differs, so a dropped or repeated chunk changes the hash
		hash.update(block);
		if (!out.write(block)) await new Promise((resolve) => out.once('drain', resolve));
	}
	await new Promise((resolve) => out.end(resolve));
	return hash.digest('hex');
}

/** How each provider's upload is run and how its emulator reports what it received. */
const PROVIDERS = {
	hispeech: {
		emulator: 'hispeech.js',
		credentialType: 'hispeechApi',
		node: { name: 'Upload', type: 'hispeech', parameters: { resource: 'transcription', operation: 'transcribe', waitMode: 'sync' } },
		received: (uploads) => {
			const upload = uploads.find((entry) => entry.filename === 'large-audio.wav');
			return upload && { bytes: upload.bytes, sha256: upload.sha256, type: 'multipart/form-data' };
		},
	},
	// Above 30 MB the node creates a big-file job; the emulator asks for a multipart upload (5 MiB parts).
	transcribeapi: {
		emulator: 'transcribeapi.js',
		credentialType: 'transcribeApiApi',
		node: { name: 'Upload', type: 'transcribeApi', parameters: { resource: 'transcription', operation: 'transcribe', waitMode: 'none' } },
		received: (uploads) => {
			const upload = uploads.find((entry) => entry.type === 'multipart');
			return upload && { bytes: upload.size, sha256: upload.sha256, type: `multipart upload in ${upload.partCount} parts` };
		},
	},
};

function startEmulatorProcess(script) {
	const child = fork(path.join(__dirname, '../emulators', script), ['--port', '0', '--api-key', 'test-key'], {
		stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
	});
	const ready = new Promise((resolve, reject) => {
		child.once('message', (message) => (message.ready ? resolve(message.url) : reject(new Error('emulator failed'))));
		child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
	});
	const ask = (cmd, key) =>
		new Promise((resolve) => {
			child.once('message', (message) => resolve(message[key]));
			child.send({ cmd });
		});
	return { child, ready, uploads: () => ask('uploads', 'uploads') };
}

async function main() {
	const provider = PROVIDERS[process.argv[2] ?? 'hispeech'];
	const sizeMiB = Number(process.argv[3] ?? 512);
	const emulator = startEmulatorProcess(provider.emulator);
	const file = path.join(userFolder, 'large-audio.wav');
	try {
		const [url, expectedSha256] = await Promise.all([emulator.ready, writeAudioFile(file, sizeMiB)]);
		const credentials = { [provider.credentialType]: { apiKey: 'test-key', baseUrl: url } };
		const { node } = provider;

		// Warm up: load n8n, the package and the HTTP stack with a tiny file first.
		await setup();
		await runWorkflow({ input: [{ json: {}, binary: { data: { content: 'warm-up', fileName: 'w.wav', mimeType: 'audio/wav' } } }], nodes: [node], credentials }).result;
		global.gc?.();

		const rssBefore = process.memoryUsage().rss;
		const maxRssBefore = process.resourceUsage().maxRSS * 1024;
		let sampledPeak = rssBefore;
		const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss)), 10);

		const started = Date.now();
		const result = await runWorkflow({
			input: [{ json: {}, binary: { data: { path: file, fileName: 'large-audio.wav', mimeType: 'audio/wav' } } }],
			nodes: [node],
			credentials,
		}).result;
		const seconds = (Date.now() - started) / 1000;
		clearInterval(sampler);

		const maxRssAfter = process.resourceUsage().maxRSS * 1024;
		const peak = Math.max(sampledPeak, maxRssAfter > maxRssBefore ? maxRssAfter : 0);
		const upload = provider.received(await emulator.uploads());
		console.log(
			JSON.stringify({
				status: result.status,
				error: result.error?.message,
				output: result.output('Upload')[0]?.json,
				uploadType: upload?.type,
				sizeBytes: sizeMiB * MiB,
				receivedBytes: upload?.bytes,
				hashMatches: upload?.sha256 === expectedSha256,
				rssBeforeMiB: +(rssBefore / MiB).toFixed(1),
				peakGrowthMiB: +((peak - rssBefore) / MiB).toFixed(1),
				seconds,
			}),
		);
	} finally {
		emulator.child.kill();
		cleanup();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
