'use strict';
/**
 * What the queue-mode tests and the queue benchmark share: one production workflow per provider
 * ("Webhook → transcribe the uploaded file"), created and published through n8n's public API, and
 * started by POSTing an audio file to the webhook process's /webhook/<path> — so every run goes
 * through the webhook process, n8n's binary storage (database mode) and the Redis queue to a worker.
 */
const { CREDENTIAL_IDS, sampleBytes } = require('../../scripts/lib/stack');
const { eventually, runView } = require('../e2e/harness');

/** Per provider: the node, the parameters that transcribe an uploaded binary, and the job-creating request. */
const PROVIDERS = {
	hispeech: {
		type: 'hispeech',
		credential: 'hispeechApi',
		// Synchronous: Hispeech's documented status budget (60 calls/hour) is too small for a batch of polls.
		parameters: { resource: 'transcription', operation: 'transcribe', inputType: 'binary', waitMode: 'sync' },
		creates: (emu) => emu.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/transcriptions/upload'),
	},
	transcribeapi: {
		type: 'transcribeApi',
		credential: 'transcribeApiApi',
		parameters: { resource: 'transcription', operation: 'transcribe', inputType: 'binary' },
		creates: (emu) => emu.requests.filter((r) => r.method === 'POST' && r.path === '/v1/transcribe'),
	},
	speechischeap: {
		type: 'speechIsCheap',
		credential: 'speechIsCheapApi',
		parameters: { resource: 'job', operation: 'create', inputType: 'binary', waitMode: 'poll', pollIntervalSeconds: 0.5, maxWaitMinutes: 30 },
		creates: (emu) => emu.requests.filter((r) => r.method === 'POST' && r.path === '/v2/jobs/'),
	},
	audiototextai: {
		type: 'audioToTextAi',
		credential: 'audioToTextAiApi',
		parameters: { resource: 'transcription', operation: 'transcribe', inputType: 'binary', waitMode: 'poll', pollIntervalSeconds: 0.5, maxWaitMinutes: 30 },
		creates: (emu) => emu.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/transcribe/'),
	},
	sttai: {
		type: 'sttAi',
		credential: 'sttAiApi',
		parameters: { resource: 'transcription', operation: 'transcribe', inputType: 'binary' },
		creates: (emu) => emu.requests.filter((r) => r.method === 'POST' && r.path === '/v1/transcribe'),
	},
};

/** Accepted job-creating requests (2xx; a 429 asks the client to send again and creates nothing). */
const accepted = (requests) => requests.filter((r) => r.status >= 200 && r.status < 300);

/** A workflow: Webhook (POST /webhook/<path>, answers at once) → the provider's node. */
function transcriptionWorkflow(provider, path, parameters = {}) {
	const spec = PROVIDERS[provider];
	return {
		name: `Queue: ${provider} (${path})`,
		nodes: [
			{ id: 'hook', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: path, parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} } },
			{
				id: 'transcribe',
				name: 'Transcribe',
				type: `n8n-nodes-transcription.${spec.type}`,
				typeVersion: 1,
				position: [300, 0],
				parameters: { ...spec.parameters, ...parameters },
				credentials: { [spec.credential]: { id: CREDENTIAL_IDS[spec.credential], name: spec.credential } },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Transcribe', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** Creates and publishes a workflow on the main process; waits until the webhook process serves `path`. */
async function createPublished(q, workflow, path) {
	const created = await q.main.api('POST', '/workflows', workflow);
	await q.main.publish(created.id);
	await registered(q, path);
	return created.id;
}

/**
 * Waits until the webhook process serves a production webhook (activation is asynchronous). A CORS
 * preflight for POST answers an error (404 or 500) until then and 204 after, without starting a run.
 */
function registered(q, path) {
	const probe = () =>
		fetch(`${q.webhook.url}/webhook/${path}`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1', 'access-control-request-method': 'POST' } });
	return eventually(async () => (await probe()).status === 204, { what: `webhook ${path} registered`, timeoutMs: 30_000 });
}

/** Deterministic "audio" bytes for a file name (as the sample recordings are made). */
const audioBytes = sampleBytes;

/** POSTs a file to the webhook process, as a client of the production webhook would. */
async function upload(q, path, fileName, bytes) {
	const res = await fetch(`${q.webhook.url}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'audio/mpeg', 'content-disposition': `attachment; filename="${fileName}"` },
		body: bytes,
	});
	await res.text();
	if (res.status !== 200) throw new Error(`POST /webhook/${path} → ${res.status}`);
}

/** Executions of a workflow (public API, newest first). */
async function executionsOf(q, workflowId) {
	return (await q.main.api('GET', `/executions?workflowId=${workflowId}&limit=250`)).data;
}

/** Waits until `count` executions of the workflow exist and none is still new/running/waiting; returns them. */
function settled(q, workflowId, count, { timeoutMs = 240_000 } = {}) {
	return eventually(async () => {
		const list = await executionsOf(q, workflowId);
		return list.length >= count && list.every((e) => !['new', 'running', 'waiting'].includes(e.status)) && list;
	}, { what: `${count} executions of ${workflowId} finished`, timeoutMs, intervalMs: 500 });
}

async function execution(q, id) {
	return runView(await q.main.api('GET', `/executions/${id}?includeData=true`));
}

module.exports = { PROVIDERS, accepted, transcriptionWorkflow, createPublished, registered, audioBytes, upload, executionsOf, settled, execution };
