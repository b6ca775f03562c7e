// Uploads a large stored binary through a node inside n8n's engine and reports how much this
// process's memory grew. Run in its own process so nothing else skews the figure; the emulator
// runs in a second child process (this same file, started with --emulator) for the same reason.
//
// Usage: node --expose-gc upload-child.js <path> <sizeMiB> [--baseline]   → prints one JSON line.
//   <path>: hispeech | transcribeapi (big-file multipart) | transcribeapi-sync | speechischeap |
//           audiototextai | sttai
//   --baseline: the same upload done the way most nodes do it — the whole binary read with
//           getBinaryDataBuffer and posted (form-data, or Buffer bodies) with helpers.httpRequest —
//           by a small node that runs in the same engine harness.
const { fork } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

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

const FILE_NAME = 'large-audio.wav';

/**
 * Every upload path: its emulator (started in the emulator process, so options may be functions),
 * the credentials, the node that uploads, what the emulator says it received, and the request the
 * baseline makes for the same upload.
 */
const PATHS = {
	hispeech: {
		label: 'Hispeech (multipart POST)',
		emulator: () => require('../emulators/hispeech').startHispeechEmulator({ apiKey: 'test-key' }),
		credentials: (urls) => ({ hispeechApi: { apiKey: 'test-key', baseUrl: urls.url } }),
		node: { type: 'hispeech', parameters: { resource: 'transcription', operation: 'transcribe', waitMode: 'sync' } },
		received: (emu) => {
			const upload = emu.uploads.find((entry) => entry.filename === FILE_NAME);
			return upload && { bytes: upload.bytes, sha256: upload.sha256, type: 'multipart/form-data' };
		},
		baseline: { form: 'file', url: (urls) => `${urls.url}/api/v1/transcriptions/upload`, headers: { 'x-auth-token': 'test-key' }, fields: { wait_for_result: 'true' } },
	},
	// The documented sync limit is 30 MB (and 10 minutes); above it the node creates a big-file job, so
	// the sync path is measured at its largest legal size whatever size is asked for.
	'transcribeapi-sync': {
		label: 'TranscribeAPI sync (multipart POST)',
		maxMiB: 28,
		emulator: () =>
			require('../emulators/transcribeapi').startTranscribeApiEmulator({ apiKey: 'test-key', bytesPerSecond: 1_000_000 }),
		credentials: (urls) => ({ transcribeApiApi: { apiKey: 'test-key', baseUrl: urls.url } }),
		node: { type: 'transcribeApi', parameters: { resource: 'transcription', operation: 'transcribe', waitMode: 'poll' } },
		received: (emu) => {
			const upload = emu.uploads.find((entry) => entry.type === 'sync' && entry.filename === FILE_NAME);
			return upload && { bytes: upload.size, sha256: upload.sha256, type: 'sync multipart/form-data' };
		},
		baseline: { form: 'file', url: (urls) => `${urls.url}/v1/transcribe`, headers: { authorization: 'Bearer test-key' } },
	},
	// Above 30 MB the node creates a big-file job; the emulator asks for a multipart upload (5 MiB parts)
	// from 128 MiB up, a single PUT below.
	transcribeapi: {
		label: 'TranscribeAPI big file (S3 parts)',
		emulator: () => require('../emulators/transcribeapi').startTranscribeApiEmulator({ apiKey: 'test-key', multipartThreshold: 0 }),
		credentials: (urls) => ({ transcribeApiApi: { apiKey: 'test-key', baseUrl: urls.url } }),
		node: { type: 'transcribeApi', parameters: { resource: 'transcription', operation: 'transcribe', waitMode: 'none' } },
		received: (emu) => {
			const upload = emu.uploads.findLast((entry) => entry.type === 'multipart' || entry.type === 'put');
			return (
				upload && {
					bytes: upload.size,
					sha256: upload.sha256,
					type: upload.type === 'put' ? 'single PUT' : `multipart upload in ${upload.partCount} parts`,
				}
			);
		},
		baseline: { s3: true, url: (urls) => urls.url, headers: { authorization: 'Bearer test-key' } },
	},
	speechischeap: {
		label: 'Speech is Cheap upload route',
		emulator: () =>
			require('../emulators/speechischeap').startSpeechIsCheapEmulator({ apiKey: 'sk_test', bytesPerSecond: 1_000_000 }),
		credentials: (urls) => ({ speechIsCheapApi: { apiKey: 'sk_test', baseUrl: urls.url, uploadBaseUrl: urls.uploadUrl } }),
		node: { type: 'speechIsCheap', parameters: { resource: 'job', operation: 'create', inputType: 'binary', waitMode: 'none' } },
		received: (emu) => {
			const job = [...emu.jobs.values()].find((entry) => entry.upload?.filename === FILE_NAME);
			return job && { bytes: job.upload.bytes, sha256: job.upload.sha256, type: 'multipart/form-data' };
		},
		baseline: { form: 'input_file', url: (urls) => `${urls.uploadUrl}/v2/jobs/`, headers: { authorization: 'Bearer sk_test' } },
	},
	audiototextai: {
		label: 'AudioToTextAI (multipart POST)',
		emulator: () =>
			require('../emulators/audiototextai').startAudioToTextAiEmulator({ apiKey: 'a2t_test', bytesPerSecond: 1_000_000 }),
		credentials: (urls) => ({ audioToTextAiApi: { apiKey: 'a2t_test', baseUrl: urls.url } }),
		node: { type: 'audioToTextAi', parameters: { resource: 'transcription', operation: 'transcribe', waitMode: 'none' } },
		received: (emu) => {
			const job = [...emu.jobs.values()].find((entry) => entry.source?.filename === FILE_NAME);
			return job && { bytes: job.source.bytes, sha256: job.source.sha256, type: 'multipart/form-data' };
		},
		baseline: { form: 'file', url: (urls) => `${urls.url}/api/v1/transcribe/`, headers: { authorization: 'Bearer a2t_test' } },
	},
	sttai: {
		label: 'STT.ai (multipart POST)',
		emulator: () => require('../emulators/sttai').startSttAiEmulator({ apiKey: 'test-key' }),
		credentials: (urls) => ({ sttAiApi: { apiKey: 'test-key', baseUrl: urls.url, accountBaseUrl: urls.accountUrl } }),
		node: { type: 'sttAi', parameters: { resource: 'transcription', operation: 'transcribe' } },
		received: (emu) => {
			const request = emu.requests.find((entry) => entry.files?.some((file) => file.filename === FILE_NAME));
			const file = request?.files.find((entry) => entry.filename === FILE_NAME);
			return file && { bytes: file.bytes, sha256: file.sha256, type: 'multipart/form-data' };
		},
		baseline: { form: 'file', url: (urls) => `${urls.url}/v1/transcribe`, headers: { authorization: 'Bearer test-key' } },
	},
};

// ---------------------------------------------------------------------------------------------
// The emulator process
// ---------------------------------------------------------------------------------------------

async function emulatorMain(name) {
	const emu = await PATHS[name].emulator();
	process.on('message', (message) => {
		if (message?.cmd === 'received') process.send({ received: PATHS[name].received(emu) ?? null });
	});
	process.on('disconnect', () => emu.close().then(() => process.exit(0)));
	process.send({ ready: true, urls: { url: emu.url, uploadUrl: emu.uploadUrl, accountUrl: emu.accountUrl } });
}

function startEmulatorProcess(name) {
	const child = fork(__filename, ['--emulator', name], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
	const ready = new Promise((resolve, reject) => {
		child.once('message', (message) => (message.ready ? resolve(message.urls) : reject(new Error('emulator failed'))));
		child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
	});
	const received = () =>
		new Promise((resolve) => {
			child.once('message', (message) => resolve(message.received));
			child.send({ cmd: 'received' });
		});
	return { child, ready, received };
}

// ---------------------------------------------------------------------------------------------
// The baseline: what most nodes do (the whole file in a Buffer, then form-data or a Buffer body)
// ---------------------------------------------------------------------------------------------

class BaselineUpload {
	description = {
		displayName: 'Baseline Upload',
		name: 'baselineUpload',
		group: ['transform'],
		version: 1,
		description: 'Uploads the way most nodes do',
		defaults: { name: 'Baseline Upload' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Recipe', name: 'recipe', type: 'json', default: '{}' }],
	};

	async execute() {
		const FormData = require('form-data');
		const recipe = JSON.parse(this.getNodeParameter('recipe', 0));
		const binary = this.helpers.assertBinaryData(0, 'data');
		const buffer = await this.helpers.getBinaryDataBuffer(0, 'data');
		const request = (options) => this.helpers.httpRequest({ ...options, headers: { ...recipe.headers, ...options.headers } });
		if (recipe.form) {
			const form = new FormData();
			for (const [name, value] of Object.entries(recipe.fields ?? {})) form.append(name, value);
			form.append(recipe.form, buffer, { filename: binary.fileName, contentType: binary.mimeType });
			const json = await request({ method: 'POST', url: recipe.url, body: form, headers: form.getHeaders() });
			return [[{ json: typeof json === 'object' ? json : { body: json } }]];
		}
		// TranscribeAPI big file: create the job, PUT the parts (slices of the one Buffer), complete.
		const created = await request({
			method: 'POST',
			url: `${recipe.url}/v1/jobs`,
			json: true,
			body: { type: 'big_file', size_bytes: buffer.length, content_type: binary.mimeType, filename: binary.fileName },
		});
		const { upload } = created.uploads[0];
		const put = (url, body) =>
			this.helpers.httpRequest({ method: 'PUT', url, body, headers: { 'content-length': body.length }, returnFullResponse: true });
		if (upload.type === 'multipart') {
			const parts = [];
			for (const part of upload.parts) {
				const start = (part.part_number - 1) * upload.part_size;
				const response = await put(part.url, buffer.subarray(start, Math.min(buffer.length, start + upload.part_size)));
				parts.push(`<Part><PartNumber>${part.part_number}</PartNumber><ETag>${response.headers.etag}</ETag></Part>`);
			}
			await this.helpers.httpRequest({
				method: 'POST',
				url: upload.complete_url,
				body: `<CompleteMultipartUpload>${parts.join('')}</CompleteMultipartUpload>`,
				headers: { 'content-type': 'application/xml' },
			});
		} else {
			await this.helpers.httpRequest({ method: 'PUT', url: upload.url, body: buffer, headers: { ...upload.headers, 'content-length': buffer.length } });
		}
		await request({ method: 'POST', url: `${recipe.url}/v1/transcribe/${created.job_id}/upload-completed`, json: true, body: {} });
		return [[{ json: { job_id: created.job_id } }]];
	}
}

// ---------------------------------------------------------------------------------------------
// The measuring process
// ---------------------------------------------------------------------------------------------

async function main() {
	const name = process.argv[2] ?? 'hispeech';
	const spec = PATHS[name];
	if (!spec) throw new Error(`Unknown upload path ${name}; one of ${Object.keys(PATHS).join(', ')}`);
	const baseline = process.argv.includes('--baseline');
	const sizeMiB = Math.min(Number(process.argv[3] ?? 512), spec.maxMiB ?? Infinity);

	const { runWorkflow, setup, cleanup, userFolder } = require('../harness/engine');
	const emulator = startEmulatorProcess(name);
	const file = path.join(userFolder, FILE_NAME);
	try {
		const [urls, expectedSha256] = await Promise.all([emulator.ready, writeAudioFile(file, sizeMiB)]);
		const credentials = spec.credentials(urls);
		const { nodeTypes } = await setup();
		nodeTypes.extra['bench.baselineUpload'] = new BaselineUpload();
		const { url, ...recipe } = spec.baseline;
		const node = baseline
			? { name: 'Upload', type: 'bench.baselineUpload', parameters: { recipe: JSON.stringify({ ...recipe, url: url(urls) }) } }
			: { name: 'Upload', ...spec.node };

		// Warm up: load n8n, the package and the HTTP stack with a small file first.
		const warmUp = { content: Buffer.alloc(64 * 1024, 1), fileName: 'warm-up.wav', mimeType: 'audio/wav' };
		await runWorkflow({ input: [{ json: {}, binary: { data: warmUp } }], nodes: [node], credentials }).result;
		global.gc?.();

		const rssBefore = process.memoryUsage().rss;
		const maxRssBefore = process.resourceUsage().maxRSS * 1024;
		let sampledPeak = rssBefore;
		const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss)), 10);

		const started = Date.now();
		const result = await runWorkflow({
			input: [{ json: {}, binary: { data: { path: file, fileName: FILE_NAME, mimeType: 'audio/wav' } } }],
			nodes: [node],
			credentials,
		}).result;
		const seconds = (Date.now() - started) / 1000;
		clearInterval(sampler);

		const maxRssAfter = process.resourceUsage().maxRSS * 1024;
		const peak = Math.max(sampledPeak, maxRssAfter > maxRssBefore ? maxRssAfter : 0);
		const upload = await emulator.received();
		console.log(
			JSON.stringify({
				path: name,
				label: spec.label,
				baseline,
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

module.exports = { PATHS };

if (require.main === module) {
	const run = process.argv[2] === '--emulator' ? emulatorMain(process.argv[3]) : main();
	run.catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
