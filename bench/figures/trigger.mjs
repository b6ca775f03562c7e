// Figure 6 — trigger throughput: authentic Ed25519-signed TranscribeAPI callbacks (signed with the
// emulator's key, one per job) fed to the TranscribeAPI Trigger's webhook() inside n8n-core's
// WebhookContext (test/harness/webhook.js), one after another, with the workflow's static data kept
// across calls as in production. Baseline: a bare crypto.verify of the same signed messages.
// Then forged calls of every kind; goal: all of them rejected, none starts a run.
import crypto from 'node:crypto';

import { engine, require, round } from '../lib/harness.mjs';

const { callWebhook } = require('../../test/harness/webhook.js');
const { startTranscribeApiEmulator } = require('../../test/emulators/transcribeapi.js');
const GOAL_PER_SECOND = 100;

const bodyFor = (i) => ({ type: 'transcription.completed', job_id: `job_bench_${i}`, status: 'completed', result_url: `https://example.invalid/results/${i}` });

/** Ways to forge a call from an authentic one. */
function forgeries(emu, i) {
	const authentic = emu.signPayload(bodyFor(`forged-${i}`));
	const other = crypto.generateKeyPairSync('ed25519').privateKey;
	const h = authentic.headers;
	const tampered = authentic.body.replace('"completed"', '"completed" ');
	const stale = emu.signPayload(bodyFor(`stale-${i}`), { timestamp: Math.floor(Date.now() / 1000) - 3600 });
	const withoutHeader = (name) => Object.fromEntries(Object.entries(h).filter(([key]) => key !== name));
	return [
		{ kind: 'tampered body', headers: h, body: tampered },
		{ kind: 'signature by another key', headers: { ...h, 'x-transcribeapi-signature': crypto.sign(null, Buffer.from(`${h['x-transcribeapi-timestamp']}.${authentic.body}`), other).toString('base64') }, body: authentic.body },
		{ kind: 'unknown key id', headers: { ...h, 'x-transcribeapi-key-id': 'v999' }, body: authentic.body },
		{ kind: 'stale timestamp', headers: stale.headers, body: stale.body },
		{ kind: 'timestamp changed', headers: { ...h, 'x-transcribeapi-timestamp': String(Number(h['x-transcribeapi-timestamp']) + 1) }, body: authentic.body },
		{ kind: 'no signature', headers: withoutHeader('x-transcribeapi-signature'), body: authentic.body },
		{ kind: 'garbage signature', headers: { ...h, 'x-transcribeapi-signature': crypto.randomBytes(64).toString('base64') }, body: authentic.body },
		{ kind: 'replayed authentic call', headers: h, body: authentic.body, replay: true },
	];
}

export default {
	name: 'Trigger throughput',
	async run({ quick }) {
		const n = quick ? 300 : 2000;
		await engine.setup();
		const emu = await startTranscribeApiEmulator({ apiKey: 'test-key' });
		try {
			const staticData = {};
			const call = (request) =>
				callWebhook({
					type: 'transcribeApiTrigger',
					parameters: { events: ['completed', 'completed_with_errors', 'failed'], downloadResult: false, output: 'raw' },
					credentials: { transcribeApiApi: { apiKey: 'test-key', baseUrl: emu.url } },
					staticData,
					request,
				});
			await call(emu.signPayload(bodyFor('warm-up'))); // fetches and keeps the key document

			const signed = Array.from({ length: n }, (_, i) => emu.signPayload(bodyFor(i)));
			let started = performance.now();
			let runs = 0;
			for (const { headers, body } of signed) if ((await call({ headers, body })).runStarted) runs++;
			const triggerMs = performance.now() - started;

			const keyDocument = await (await fetch(`${emu.url}/.well-known/transcribeapi-webhook-keys.json`)).json();
			const publicKey = crypto.createPublicKey({ key: keyDocument.keys[0], format: 'jwk' });
			started = performance.now();
			let verified = 0;
			for (const { headers, body } of signed) {
				const message = Buffer.from(`${headers['x-transcribeapi-timestamp']}.${body}`);
				if (crypto.verify(null, message, publicKey, Buffer.from(headers['x-transcribeapi-signature'], 'base64'))) verified++;
			}
			const bareMs = performance.now() - started;

			const forged = [];
			for (let i = 0; i < Math.ceil(n / 10); i++) forged.push(...forgeries(emu, i));
			let rejected = 0;
			const leaked = new Set();
			for (const forgery of forged) {
				if (forgery.replay) await call({ headers: forgery.headers, body: forgery.body }); // the authentic first delivery
				const answer = await call({ headers: forgery.headers, body: forgery.body });
				if (!answer.runStarted && answer.status >= 400) rejected++;
				else leaked.add(forgery.kind);
			}

			const perSecond = (n / triggerMs) * 1000;
			const barePerSecond = (n / bareMs) * 1000;
			const rate = rejected / forged.length;
			return [
				{
					figure: 'Trigger: authentic callbacks verified',
					goal: `≥ ${GOAL_PER_SECOND}/s, every one starts a run`,
					measured: `${round(perSecond, 0)}/s`,
					baseline: `${round(barePerSecond, 0)}/s (bare crypto.verify)`,
					ratio: perSecond / barePerSecond,
					pass: runs === n && verified === n && perSecond >= GOAL_PER_SECOND,
					hard: false,
					note: `${n} signed calls through webhook() (${runs} started a run); the baseline only verifies the signature, without n8n's webhook context, the key lookup and the replay memory`,
					chart: { measured: perSecond, baseline: barePerSecond, unit: 'calls/s', higherIsBetter: true },
				},
				{
					figure: 'Trigger: forged callbacks rejected',
					goal: '100%',
					measured: `${round(rate * 100, 1)}% of ${forged.length}`,
					baseline: '—',
					ratio: null,
					pass: rate === 1,
					hard: true,
					note: `kinds: ${[...new Set(forged.map((f) => f.kind))].join(', ')}${leaked.size ? `; ACCEPTED: ${[...leaked].join(', ')}` : ''}`,
				},
			];
		} finally {
			await emu.close();
		}
	},
};
