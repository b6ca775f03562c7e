// The "provider" of the parallel-submission figure, in a process of its own so that its work
// (parsing uploads, fetching URLs, pacing bytes) does not share the n8n process's event loop, as a
// real provider's does not: the AudioToTextAI emulator, a small audio server for the URL jobs, and
// two proxies in front of the emulator (bench/lib/proxy.mjs): one adding latency, one adding
// latency and a per-connection bandwidth limit.
//
//   const provider = await startProvider({ latencyMs, bytesPerSecond });
//   provider.urls → { latent, throttled, audio };  await provider.reset();  await provider.stats();
//   await provider.close();
import { fork } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { startProxy } from './proxy.mjs';

const SELF = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url); // not harness.mjs: this process does not load n8n

export function startProvider({ latencyMs, bytesPerSecond }) {
	const child = fork(SELF, ['--provider', String(latencyMs), String(bytesPerSecond)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
	const replies = new Map();
	let next = 0;
	child.on('message', (message) => {
		replies.get(message.id)?.(message);
		replies.delete(message.id);
	});
	const ask = (cmd) =>
		new Promise((resolve) => {
			const id = ++next;
			replies.set(id, resolve);
			child.send({ id, cmd });
		});
	return new Promise((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`the provider process exited with ${code}`)));
		replies.set(0, (message) =>
			resolve({
				urls: message.urls,
				reset: () => ask('reset'),
				stats: () => ask('stats'),
				close: () =>
					new Promise((done) => {
						child.once('exit', () => done());
						child.disconnect();
					}),
			}),
		);
	});
}

async function providerMain(latencyMs, bytesPerSecond) {
	const { startAudioToTextAiEmulator } = require('../../test/emulators/audiototextai.js');
	const emu = await startAudioToTextAiEmulator({ apiKey: 'a2t_test', bytesPerSecond: 1_000_000, credits: 1e12 });
	const audio = http.createServer((req, res) => {
		res.writeHead(200, { 'content-type': 'audio/wav' });
		res.end(Buffer.alloc(4096, 7));
	});
	await new Promise((resolve) => audio.listen(0, '127.0.0.1', resolve));
	const latent = await startProxy({ target: emu.url, latencyMs });
	const throttled = await startProxy({ target: emu.url, latencyMs, bytesPerSecond });
	const proxies = { latent, throttled };

	process.on('message', ({ id, cmd }) => {
		if (cmd === 'reset') {
			emu.reset();
			for (const proxy of Object.values(proxies)) proxy.reset();
			process.send({ id });
		} else if (cmd === 'stats') {
			process.send({
				id,
				creatingRequests: emu.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/v1/transcribe/')).length,
				jobs: [...emu.jobs.values()].map((job) => ({ ...job.source })),
				maxInFlight: Object.fromEntries(Object.entries(proxies).map(([name, proxy]) => [name, proxy.maxInFlight])),
			});
		}
	});
	process.on('disconnect', async () => {
		await Promise.all([latent.close(), throttled.close(), emu.close(), new Promise((resolve) => audio.close(resolve))]);
		process.exit(0);
	});
	process.send({
		id: 0,
		urls: { latent: latent.url, throttled: throttled.url, audio: `http://127.0.0.1:${audio.address().port}` },
	});
}

if (process.argv[2] === '--provider') {
	providerMain(Number(process.argv[3]), Number(process.argv[4])).catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
