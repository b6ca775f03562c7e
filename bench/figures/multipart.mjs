// Figure 5 — parallel multipart: a big file (256 MiB; quick 64 MiB) through TranscribeAPI's
// big-file job, uploaded as parallel S3 parts versus as one PUT, with the emulator limiting every
// upload connection's bandwidth (as object storage limits a single connection). Both are the node:
// the emulator's multipart threshold decides which upload instructions it hands out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { MiB, require, round, runNode, writeFile } from '../lib/harness.mjs';

const { startTranscribeApiEmulator } = require('../../test/emulators/transcribeapi.js');
const GOAL = 2;

async function upload(file, sha256, emulatorOptions) {
	const emu = await startTranscribeApiEmulator({ apiKey: 'test-key', ...emulatorOptions });
	try {
		const run = await runNode({
			input: [{ json: {}, binary: { data: { path: file, fileName: 'long-meeting.wav', mimeType: 'audio/wav' } } }],
			node: { name: 'TranscribeAPI', type: 'transcribeApi', parameters: { resource: 'transcription', operation: 'transcribe', waitMode: 'none' } },
			credentials: { transcribeApiApi: { apiKey: 'test-key', baseUrl: emu.url } },
		});
		const received = emu.uploads.findLast((entry) => entry.type === 'multipart' || entry.type === 'put');
		if (run.result.status !== 'success' || received?.sha256 !== sha256) {
			throw new Error(`upload failed: ${run.result.error?.message ?? 'the emulator received other bytes'}`);
		}
		return { ms: run.nodeMs, type: received.type === 'put' ? 'one PUT' : `${received.partCount} parts` };
	} finally {
		await emu.close();
	}
}

export default {
	name: 'Parallel multipart',
	async run({ quick }) {
		const sizeMiB = quick ? 64 : 256;
		const perConnection = (quick ? 8 : 16) * MiB;
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-multipart-'));
		try {
			const file = path.join(dir, 'long-meeting.wav');
			const sha256 = await writeFile(file, sizeMiB);
			const throttled = { uploadBytesPerSecond: perConnection, tmpDir: dir };
			const single = await upload(file, sha256, { ...throttled, multipartThreshold: Number.MAX_SAFE_INTEGER });
			const parts = await upload(file, sha256, { ...throttled, multipartThreshold: 0 });
			const speedup = single.ms / parts.ms;
			return [
				{
					figure: 'Parallel multipart (TranscribeAPI)',
					goal: `≥ ${GOAL}× faster than one PUT`,
					measured: `${round(parts.ms / 1000)} s (${parts.type})`,
					baseline: `${round(single.ms / 1000)} s (${single.type})`,
					ratio: parts.ms / single.ms,
					pass: speedup >= GOAL,
					hard: false,
					note: `${sizeMiB} MiB, each upload connection limited to ${perConnection / MiB} MiB/s by the emulator; ${round(speedup)}× faster`,
					chart: { measured: parts.ms / 1000, baseline: single.ms / 1000, unit: 's' },
				},
			];
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	},
};
