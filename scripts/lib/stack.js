'use strict';
/**
 * The local stack that `npm start` and the e2e tests share: one emulator per provider and a file
 * server with sample recordings (all on 127.0.0.1), credentials that point at them, the owner login,
 * and the example workflows rewritten to run against them.
 *
 *   const stack = await startEmulators({ ports: DEFAULT_PORTS, samplesDir });
 *   credentialsFor(stack.urls)            → what `n8n import:credentials` reads
 *   exampleWorkflows({ urls, n8nUrl, samplesDir }) → what `n8n import:workflow` reads
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { startHispeechEmulator } = require('../../test/emulators/hispeech');
const { startTranscribeApiEmulator } = require('../../test/emulators/transcribeapi');
const { startSpeechIsCheapEmulator } = require('../../test/emulators/speechischeap');
const { startAudioToTextAiEmulator } = require('../../test/emulators/audiototextai');
const { startSttAiEmulator } = require('../../test/emulators/sttai');
const { startFileServer } = require('../../test/support/servers');

const ROOT = path.resolve(__dirname, '../..');

/** Fixed loopback ports of `npm start` (the e2e tests pass other ones). */
const DEFAULT_PORTS = {
	n8n: 5678,
	hispeech: 5701,
	transcribeapi: 5702,
	speechischeap: 5703,
	speechischeapUpload: 5704,
	audiototextai: 5705,
	sttai: 5706,
	files: 5707,
};

const API_KEYS = {
	hispeech: 'local-hispeech-key',
	transcribeapi: 'local-transcribeapi-key',
	speechischeap: 'local-speechischeap-key',
	audiototextai: 'local-audiototextai-key',
	sttai: 'local-sttai-key',
};

/** The `?token=` secret of the Speech is Cheap and AudioToTextAI trigger examples. */
const CALLBACK_SECRET = 'local-callback-secret';

/** The n8n owner account (created from environment variables, no sign-up screen). */
const OWNER = {
	email: 'owner@example.com',
	password: 'Transcribe-2026',
	firstName: 'Local',
	lastName: 'Owner',
};

/** Credential ids used in the rewritten examples, by credential type. */
const CREDENTIAL_IDS = {
	hispeechApi: 'hispeechLocal001',
	transcribeApiApi: 'transcribeLocal1',
	speechIsCheapApi: 'speechCheapLoc01',
	audioToTextAiApi: 'audioToTextLoc01',
	sttAiApi: 'sttAiLocal000001',
};

/** Sample recordings (the emulators derive the "transcript" from the bytes, not from speech). */
const SAMPLES = {
	'meeting.mp3': 48_000,
	'meetings/monday.mp3': 32_000,
	'meetings/tuesday.mp3': 40_000,
	'podcast-episode-12.mp3': 12_000,
	'all-hands-recording.mp4': 9_000,
	'weekly-meeting.mp3': 64_000,
};

function sampleBytes(name, size) {
	const out = Buffer.alloc(size);
	let block = crypto.createHash('sha256').update(name).digest();
	for (let offset = 0; offset < size; offset += block.length) {
		block.copy(out, offset);
		block = crypto.createHash('sha256').update(block).digest();
	}
	return out;
}

/** Writes the sample recordings into `dir` (idempotent) and returns their paths by name. */
function writeSamples(dir) {
	const paths = {};
	for (const [name, size] of Object.entries(SAMPLES)) {
		const file = path.join(dir, name);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		if (!fs.existsSync(file) || fs.statSync(file).size !== size)
			fs.writeFileSync(file, sampleBytes(name, size));
		paths[name] = file;
	}
	return paths;
}

/**
 * Starts every emulator and the sample file server. `ports` may leave any entry 0 (a free port).
 * `processingDelayMs` makes async jobs take that long (so the editor shows them waiting).
 */
async function startEmulators({
	ports = DEFAULT_PORTS,
	samplesDir,
	processingDelayMs = 1500,
} = {}) {
	const samples = writeSamples(samplesDir);
	const started = [];
	const start = async (promise) => {
		const emu = await promise;
		started.push(emu);
		return emu;
	};
	try {
		const hispeech = await start(
			startHispeechEmulator({ port: ports.hispeech, apiKey: API_KEYS.hispeech, processingDelayMs }),
		);
		const transcribeapi = await start(
			startTranscribeApiEmulator({
				port: ports.transcribeapi,
				apiKey: API_KEYS.transcribeapi,
				processingDelayMs,
			}),
		);
		const speechischeap = await start(
			startSpeechIsCheapEmulator({
				port: ports.speechischeap,
				uploadPort: ports.speechischeapUpload,
				apiKey: API_KEYS.speechischeap,
				processingDelayMs,
			}),
		);
		const audiototextai = await start(
			startAudioToTextAiEmulator({
				port: ports.audiototextai,
				apiKey: API_KEYS.audiototextai,
				processingDelayMs,
			}),
		);
		const sttai = await start(startSttAiEmulator({ port: ports.sttai, apiKey: API_KEYS.sttai }));
		const files = await start(
			startFileServer(
				Object.fromEntries(
					Object.entries(samples).map(([name, file]) => [`/${name}`, { path: file }]),
				),
				{ port: ports.files },
			),
		);
		return {
			emulators: { hispeech, transcribeapi, speechischeap, audiototextai, sttai, files },
			samples,
			urls: {
				hispeech: hispeech.url,
				transcribeapi: transcribeapi.url,
				speechischeap: speechischeap.url,
				speechischeapUpload: speechischeap.uploadUrl,
				audiototextai: audiototextai.url,
				sttai: sttai.url,
				sttaiAccount: sttai.accountUrl,
				files: files.url,
			},
			close: () => Promise.allSettled(started.map((emu) => emu.close())),
		};
	} catch (error) {
		await Promise.allSettled(started.map((emu) => emu.close()));
		throw error;
	}
}

/** The credentials for `n8n import:credentials` (plain data; n8n encrypts it on import). */
function credentialsFor(urls) {
	return [
		{
			id: CREDENTIAL_IDS.hispeechApi,
			name: 'Hispeech account',
			type: 'hispeechApi',
			data: { apiKey: API_KEYS.hispeech, baseUrl: urls.hispeech },
		},
		{
			id: CREDENTIAL_IDS.transcribeApiApi,
			name: 'TranscribeAPI account',
			type: 'transcribeApiApi',
			data: { apiKey: API_KEYS.transcribeapi, baseUrl: urls.transcribeapi },
		},
		{
			id: CREDENTIAL_IDS.speechIsCheapApi,
			name: 'Speech is Cheap account',
			type: 'speechIsCheapApi',
			data: {
				apiKey: API_KEYS.speechischeap,
				baseUrl: urls.speechischeap,
				uploadBaseUrl: urls.speechischeapUpload,
			},
		},
		{
			id: CREDENTIAL_IDS.audioToTextAiApi,
			name: 'AudioToTextAI account',
			type: 'audioToTextAiApi',
			data: { apiKey: API_KEYS.audiototextai, baseUrl: urls.audiototextai },
		},
		{
			id: CREDENTIAL_IDS.sttAiApi,
			name: 'STT.ai account',
			type: 'sttAiApi',
			data: { apiKey: API_KEYS.sttai, baseUrl: urls.sttai, accountBaseUrl: urls.sttaiAccount },
		},
	].map((credential) => ({ ...credential, isManaged: false }));
}

/** Workflow ids of the imported examples, by example file name. */
const WORKFLOW_IDS = {
	'hispeech-summarize-translate': 'exHispeechChain1',
	'transcribeapi-batch-meeting-notes': 'exTranscribeBat1',
	'transcribeapi-transcribe-with-webhook': 'exTranscribeHook',
	'transcribeapi-trigger-message': 'exTranscribeTrig',
	speechischeap: 'exSpeechIsCheap1',
	'speechischeap-trigger': 'exSpeechCheapTrg',
	audiototextai: 'exAudioToTextAi1',
	'audiototextai-trigger': 'exAudioToTextTrg',
	'sttai-transcribe-analyze': 'exSttAiAnalyze01',
};

/**
 * The example workflows (examples/*.json), rewritten for the local stack: credentials by id, audio
 * URLs and file paths pointing at the sample recordings, callback URLs at this n8n, placeholder
 * secrets replaced. Node types already carry their production names (`n8n-nodes-transcription.*`).
 */
function exampleWorkflows({ urls, n8nUrl, samplesDir }) {
	const dir = path.join(ROOT, 'examples');
	const samples = samplesDir.split(path.sep).join('/');
	return fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			const key = file.replace(/\.json$/, '');
			let text = fs.readFileSync(path.join(dir, file), 'utf8');
			text = text
				.replace(/https:\/\/[a-z0-9.-]*example\.com\/webhook\//g, `${n8nUrl}/webhook/`)
				.replace(/https:\/\/example\.com\/(?:recordings\/)?/g, `${urls.files}/`)
				.replace(/\/data\/recordings\//g, `${samples}/`)
				.replace(/\/data\/meetings\//g, `${samples}/meetings/`)
				.replace(/REPLACE_WITH_YOUR_SECRET/g, CALLBACK_SECRET);
			const workflow = JSON.parse(text);
			for (const node of workflow.nodes) {
				for (const [type, reference] of Object.entries(node.credentials ?? {})) {
					node.credentials[type] = { id: CREDENTIAL_IDS[type], name: reference.name };
				}
			}
			return { ...workflow, id: WORKFLOW_IDS[key] ?? undefined, active: false, file: key };
		});
}

module.exports = {
	DEFAULT_PORTS,
	API_KEYS,
	CALLBACK_SECRET,
	OWNER,
	CREDENTIAL_IDS,
	WORKFLOW_IDS,
	startEmulators,
	credentialsFor,
	exampleWorkflows,
	writeSamples,
	sampleBytes,
};
