'use strict';
// The package in a real n8n server, installed as a community package: the example workflows run
// through n8n's CLI, the triggers receive real callbacks from the emulators over n8n's own HTTP
// webhook routes, and every credential type is tested through n8n's REST API.
// N8N_LINE=1 runs the same file against n8n 1.x LTS.
const crypto = require('node:crypto');
const fs = require('node:fs');
const { startE2e, eventually } = require('./harness');
const { closedPort } = require('../support/servers');
const { API_KEYS, CALLBACK_SECRET, CREDENTIAL_IDS, WORKFLOW_IDS } = require('../../scripts/lib/stack');
const { n8n: manifest } = require('../../package.json');

let env;
beforeAll(async () => {
	env = await startE2e();
	console.log(`n8n ${env.n8n.line}.x: import ${env.timings.importMs} ms, boot ${env.timings.bootMs} ms`);
}, 900_000);
afterAll(async () => {
	await env?.close();
});

const sha16 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 16);

const typeName = (file) => {
	const base = file.split('/').pop().replace(/\.(node|credentials)\.js$/, '');
	return base.charAt(0).toLowerCase() + base.slice(1);
};

/** The webhook URL of a published trigger workflow. */
function webhookUrl(workflowId) {
	const workflow = env.workflows.find((w) => w.id === workflowId);
	const trigger = workflow.nodes.find((node) => node.webhookId);
	const suffix = { transcribeApiTrigger: 'webhook' }[trigger.type.split('.')[1]] ?? 'callback';
	return `${env.n8n.url}/webhook/${trigger.webhookId}/${suffix}`;
}

/** Publishes a trigger workflow and waits until its webhook answers (activation is asynchronous). */
async function publish(workflowId, probe) {
	await env.n8n.publish(workflowId);
	return eventually(async () => {
		const res = await probe();
		return res.status !== 404 && res;
	}, { what: `webhook of ${workflowId} registered`, timeoutMs: 30_000 });
}

const post = (url, body, headers = {}) =>
	env.n8n.request('POST', url.replace(env.n8n.url, ''), { body, headers: { 'content-type': 'application/json', ...headers } });

describe('installation', () => {
	test('n8n loads every node and credential type of the package under its production name', async () => {
		const nodeTypes = await env.n8n.rest('POST', '/rest/node-types', {
			nodeInfos: manifest.nodes.map((file) => ({ name: `n8n-nodes-transcription.${typeName(file)}`, version: 1 })),
		});
		// n8n answers with the descriptions of the types it knows (named without the package prefix).
		expect(nodeTypes.map((type) => type.name).sort()).toEqual(manifest.nodes.map(typeName).sort());
		expect(nodeTypes.every((type) => type.icon || type.iconUrl)).toBe(true);
		const credentials = await env.n8n.rest('GET', '/rest/credentials');
		expect(credentials.map((c) => c.type).sort()).toEqual(manifest.credentials.map(typeName).sort());
		expect(credentials.map((c) => c.id).sort()).toEqual(Object.values(CREDENTIAL_IDS).sort());
	});
});

describe('provider workflows run with `n8n execute`', () => {
	test('Hispeech transcribes a file, STT.ai summarizes and translates the transcript', async () => {
		const run = await env.execute(WORKFLOW_IDS['hispeech-summarize-translate']);
		expect(run.error).toBeUndefined();
		const [transcript] = run.output('Hispeech Transcribe');
		expect(transcript.json).toMatchObject({ provider: 'hispeech', status: 'completed', text: 'Transcript of meeting.mp3 (48000 bytes)' });
		const [summary] = run.output('STT.ai Summarize');
		expect(summary.json.summary).toEqual(expect.stringContaining('meeting.mp3'));
		const [translation] = run.output('STT.ai Translate');
		expect(translation.json).toMatchObject({ translatedText: `[en] ${summary.json.summary}`, targetLanguage: 'en' });
		expect(env.stack.emulators.hispeech.requests.some((r) => r.path === '/api/v1/transcriptions/upload')).toBe(true);
	});

	test('TranscribeAPI transcribes a batch of files, STT.ai writes meeting notes per file', async () => {
		const run = await env.execute(WORKFLOW_IDS['transcribeapi-batch-meeting-notes']);
		expect(run.error).toBeUndefined();
		const transcripts = run.output('TranscribeAPI Batch');
		// One file per input item (reference IDs item_<index>); the emulator's transcript names each file's size and hash.
		expect(transcripts.map((item) => item.json.text)).toEqual(
			['meetings/monday.mp3', 'meetings/tuesday.mp3'].map((name, index) => {
				const bytes = fs.readFileSync(env.stack.samples[name]);
				return `Transcript of item_${index}. It has ${bytes.length} bytes. Its sha256 starts with ${sha16(bytes)}.`;
			}),
		);
		expect(transcripts.every((item) => item.json.provider === 'transcribeapi' && item.json.status === 'completed')).toBe(true);
		const notes = run.output('STT.ai Meeting Notes');
		expect(notes).toHaveLength(2);
		expect(notes.every((item) => typeof item.json.content === 'string' && item.json.content.length > 0)).toBe(true);
	});

	test('Speech is Cheap streams a URL job and returns its SRT subtitles', async () => {
		const run = await env.execute(WORKFLOW_IDS.speechischeap);
		expect(run.error).toBeUndefined();
		const [streamed] = run.output('Transcribe (Stream)');
		expect(streamed.json).toMatchObject({ provider: 'speechischeap', status: 'completed' });
		expect(streamed.json.text).toContain('podcast-episode-12.mp3');
		const [srt] = run.output('Get SRT');
		expect(srt.binary.subtitles).toMatchObject({ mimeType: expect.stringMatching(/subrip|srt/), fileExtension: 'srt' });
		const [submitted] = run.output('Submit long file (callback)');
		expect(submitted.json.jobId).toEqual(expect.any(String));
	});

	test('AudioToTextAI transcribes a YouTube link with a summary', async () => {
		const run = await env.execute(WORKFLOW_IDS.audiototextai);
		expect(run.error).toBeUndefined();
		const [transcript] = run.output('Summary only');
		expect(transcript.json).toMatchObject({ provider: 'audiototextai', status: 'completed', durationSeconds: 212 });
		expect(transcript.json.text).toContain('youtube-dQw4w9WgXcQ');
		expect(transcript.json.summary).toEqual(expect.any(String));
	});

	test('STT.ai transcribes a file, analyzes the transcript and returns VTT subtitles', async () => {
		const run = await env.execute(WORKFLOW_IDS['sttai-transcribe-analyze']);
		expect(run.error).toBeUndefined();
		const [transcript] = run.output('STT.ai Transcribe');
		expect(transcript.json).toMatchObject({ provider: 'sttai', status: 'completed' });
		expect(transcript.json.text).toContain('meeting.mp3');
		expect(transcript.binary.transcript).toMatchObject({ fileExtension: 'vtt' });
		const [analysis] = run.output('STT.ai Topics');
		expect(analysis.json).toMatchObject({ type: 'topics' });
	});
});

describe('triggers receive real callbacks on /webhook/…', () => {
	test('TranscribeAPI Trigger: one run per signed delivery, none for unsigned, forged or replayed calls', async () => {
		const triggerId = WORKFLOW_IDS['transcribeapi-trigger-message'];
		const url = webhookUrl(triggerId);
		const unsigned = await publish(triggerId, () => post(url, JSON.stringify({ job_id: 'x', status: 'completed' })));
		expect(unsigned.status).toBe(401);

		const emu = env.stack.emulators.transcribeapi;
		const run = await env.execute(WORKFLOW_IDS['transcribeapi-transcribe-with-webhook']);
		expect(run.error).toBeUndefined();
		const [submitted] = run.output('TranscribeAPI');
		const jobId = submitted.json.jobId;
		expect(jobId).toEqual(expect.any(String));

		const delivery = await eventually(() => emu.webhooks.find((w) => w.jobId === jobId && w.status), { what: 'TranscribeAPI webhook delivered' });
		expect(delivery.status).toBe(200);
		const executions = await eventually(async () => {
			const list = await env.listExecutions(triggerId);
			return list.length > 0 && list.every((e) => e.finished || e.status !== 'running') && list;
		}, { what: 'trigger execution finished' });
		expect(executions).toHaveLength(1);
		const result = env.runView(await env.n8n.api('GET', `/executions/${executions[0].id}?includeData=true`));
		expect(result.status).toBe('success');
		const [received] = result.output('TranscribeAPI Trigger');
		expect(received.json).toMatchObject({ provider: 'transcribeapi', jobId, status: 'completed', event: 'completed' });
		expect(received.json.text).toMatch(/^Transcript of weekly-meeting\.mp3\. It has 64000 bytes\./);
		const [message] = result.output('Slack-style message');
		expect(message.json.text).toContain(jobId);

		// The same signed delivery again (a replay), a tampered body, and a body signed with another key.
		const raw = Buffer.from(delivery.body);
		const replay = await post(url, raw, delivery.headers);
		expect(replay.status).toBe(403);
		const tampered = await post(url, raw.toString('utf8').replace(jobId, 'job_forged'), delivery.headers);
		expect(tampered.status).toBe(401);
		expect(await env.listExecutions(triggerId)).toHaveLength(1);
	});

	test('Speech is Cheap Trigger: the callback of a job submitted by the example starts exactly one run', async () => {
		const workflowId = WORKFLOW_IDS['speechischeap-trigger'];
		const url = webhookUrl(workflowId);
		const forged = await publish(workflowId, () => post(`${url}?token=wrong`, { id: 'job_forged', status: 'COMPLETED', output: {} }));
		expect(forged.status).toBe(403);
		const before = (await env.listExecutions(workflowId)).length;

		const run = await env.execute(WORKFLOW_IDS.speechischeap);
		expect(run.error).toBeUndefined();
		const [submitted] = run.output('Submit long file (callback)');
		const emu = env.stack.emulators.speechischeap;
		const delivery = await eventually(() => emu.webhooks.find((w) => w.jobId === submitted.json.jobId && w.status), { what: 'Speech is Cheap webhook delivered' });
		expect(delivery.status).toBe(200);
		expect(delivery.url).toBe(`${url}?token=${CALLBACK_SECRET}`);

		const triggered = await eventually(async () => {
			const list = (await env.listExecutions(workflowId)).filter((e) => e.mode === 'webhook');
			return list.length > 0 && list.every((e) => e.status !== 'running' && e.status !== 'new') && list;
		}, { what: 'trigger execution finished' });
		expect(triggered).toHaveLength(1);
		expect((await env.listExecutions(workflowId)).length).toBe(before + 1); // only the callback run
		const result = env.runView(await env.n8n.api('GET', `/executions/${triggered[0].id}?includeData=true`));
		const [received] = result.output('Speech is Cheap Trigger');
		expect(received.json).toMatchObject({ provider: 'speechischeap', jobId: submitted.json.jobId, status: 'completed' });
		expect(received.json.text).toContain('all-hands-recording.mp4');
		expect(result.output('Store transcript')).toHaveLength(1);

		// A repeat of the same delivery is acknowledged but starts nothing.
		const repeat = await post(delivery.url, delivery.body);
		expect(repeat.status).toBe(200);
		expect((await env.listExecutions(workflowId)).filter((e) => e.mode === 'webhook')).toHaveLength(1);
	});

	test('AudioToTextAI Trigger: a job callback starts exactly one run with the full transcript', async () => {
		const workflowId = WORKFLOW_IDS['audiototextai-trigger'];
		const url = webhookUrl(workflowId);
		const forged = await publish(workflowId, () => post(`${url}?token=wrong`, { id: 'forged', status: 'completed' }));
		expect(forged.status).toBe(403);

		const emu = env.stack.emulators.audiototextai;
		const created = await fetch(`${emu.url}/api/v1/transcribe/url/`, {
			method: 'POST',
			headers: { authorization: `Bearer ${API_KEYS.audiototextai}`, 'content-type': 'application/json' },
			body: JSON.stringify({ url: `${env.stack.urls.files}/weekly-meeting.mp3`, diarization: true, webhook_url: `${url}?token=${CALLBACK_SECRET}` }),
		});
		expect(created.status).toBeLessThan(300);
		const job = await created.json();
		const jobId = String(job.id ?? job.job_id ?? job.uuid);
		const delivery = await eventually(() => emu.webhooks.find((w) => w.jobId === jobId && w.status), { what: 'AudioToTextAI webhook delivered' });
		expect(delivery.status).toBe(200);

		const triggered = await eventually(async () => {
			const list = (await env.listExecutions(workflowId)).filter((e) => e.mode === 'webhook');
			return list.length > 0 && list.every((e) => e.status !== 'running' && e.status !== 'new') && list;
		}, { what: 'trigger execution finished' });
		expect(triggered).toHaveLength(1);
		const result = env.runView(await env.n8n.api('GET', `/executions/${triggered[0].id}?includeData=true`));
		const [received] = result.output('AudioToTextAI Trigger');
		expect(received.json).toMatchObject({ provider: 'audiototextai', jobId, status: 'completed' });
		expect(received.json.text).toContain('weekly-meeting.mp3');
		expect(received.json.segments.length).toBeGreaterThan(0);
	});
});

describe('credential tests through the REST API', () => {
	const types = Object.keys(CREDENTIAL_IDS);

	// n8n 1.x reads `ignoreHttpStatusErrors: { ignore, except }` as "ignore every status", and Hispeech
	// answers a valid key with 404 and documents no error body: there a wrong key passes (see README).
	const wrongKeyPasses = (type) => env.n8n.line === '1' && type === 'hispeechApi';

	test.each(types)('%s: the stored key passes, a wrong key fails, an unreachable server fails', async (type) => {
		const id = CREDENTIAL_IDS[type];
		const stored = await env.n8n.rest('GET', `/rest/credentials/${id}?includeData=true`);
		const check = (data) => env.n8n.rest('POST', '/rest/credentials/test', { credentials: { id, name: stored.name, type, data } });
		expect(await check(stored.data)).toMatchObject({ status: 'OK' });
		const bad = await check({ ...stored.data, apiKey: 'wrong-key' });
		expect(bad.status).toBe(wrongKeyPasses(type) ? 'OK' : 'Error');
		// n8n 1.x reports a 401 that stopped the test request with its own words, not the rule's message.
		if (bad.status === 'Error') expect(bad.message).toMatch(env.n8n.line === '1' ? /rejected the API key|Authorization failed/ : /rejected the API key/);
		const nowhere = `http://127.0.0.1:${await closedPort()}`;
		const unreachable = await check({ ...stored.data, baseUrl: nowhere, accountBaseUrl: nowhere });
		expect(unreachable.status).toBe('Error');
	});
});

describe('Wait for Callback in a real n8n', () => {
	const PATH = 'e2e-wait-for-callback';
	let workflowId;
	const statusCalls = (jobId) => env.stack.emulators.speechischeap.requests.filter((r) => r.method === 'GET' && r.path === `/v2/jobs/${jobId}`);

	/**
	 * Starts one run through the workflow's production webhook (the provider's callbacks are held) and
	 * returns it once it waits: its execution ID comes from the resume URL the job was given, because
	 * n8n 1.x's public API does not list waiting executions.
	 */
	async function startWaitingRun() {
		const emu = env.stack.emulators.speechischeap;
		const jobsBefore = new Set(emu.jobs.keys());
		// Activation is asynchronous: until the webhook is registered, n8n answers 404 and starts nothing.
		const res = await eventually(async () => {
			const answer = await post(`${env.n8n.url}/webhook/${PATH}`, {});
			return answer.status !== 404 && answer;
		}, { what: 'webhook registered', timeoutMs: 30_000 });
		expect(res.status).toBe(200);
		const jobId = await eventually(() => [...emu.jobs.keys()].find((id) => !jobsBefore.has(id)), { what: 'a job submitted' });
		const resumeUrl = new URL(emu.jobs.get(jobId).params.webhook_url);
		const id = resumeUrl.pathname.split('/').pop();
		await eventually(async () => (await env.n8n.api('GET', `/executions/${id}`)).status === 'waiting', { what: `execution ${id} waiting for its callback` });
		await eventually(() => emu.heldWebhooks().includes(jobId), { what: 'the job finished, its callback held' });
		return { id, jobId, resumeUrl };
	}

	// n8n 1.x can show the final status a moment before the resumed node's run is saved: a run counts
	// as finished once every node that started has its run data.
	const finished = (id) =>
		eventually(async () => {
			const execution = await env.n8n.api('GET', `/executions/${id}?includeData=true`);
			const runs = Object.values(execution.data?.resultData?.runData ?? {});
			return ['success', 'error'].includes(execution.status) && runs.every((run) => run.length > 0) && env.runView(execution);
		}, { what: `execution ${id} finished`, timeoutMs: 120_000 });

	beforeAll(async () => {
		const created = await env.n8n.api('POST', '/workflows', {
			name: 'Wait for Callback (e2e)',
			nodes: [
				{ id: 'start', name: 'Start', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: PATH, parameters: { httpMethod: 'POST', path: PATH, responseMode: 'onReceived' } },
				{
					id: 'transcribe',
					name: 'Transcribe',
					type: 'n8n-nodes-transcription.speechIsCheap',
					typeVersion: 1,
					position: [300, 0],
					parameters: { resource: 'job', operation: 'create', inputType: 'url', audioUrl: `${env.stack.urls.files}/all-hands-recording.mp4`, waitMode: 'callback', maxWaitMinutes: 30 },
					credentials: { speechIsCheapApi: { id: CREDENTIAL_IDS.speechIsCheapApi, name: 'Speech is Cheap account' } },
				},
			],
			connections: { Start: { main: [[{ node: 'Transcribe', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		});
		workflowId = created.id;
		await env.n8n.publish(workflowId);
	}, 120_000);

	test('the run waits; the provider calls the real /webhook-waiting/ URL; the run resumes with the transcript', async () => {
		const emu = env.stack.emulators.speechischeap;
		emu.setHoldWebhooks(true);
		try {
			const waitingRun = await startWaitingRun();
			expect((await emu.releaseWebhook(waitingRun.jobId)).status).toBe(200);
			const result = await finished(waitingRun.id);
			expect(result.status).toBe('success');
			const [item] = result.output('Transcribe');
			expect(item.json).toMatchObject({ provider: 'speechischeap', jobId: waitingRun.jobId, status: 'completed' });
			expect(item.json.text).toContain('all-hands-recording.mp4');
			// n8n 2.x signs its resume URLs (?signature=); 1.x has no signature, the node's token guards alone.
			const signature = env.n8n.line === '1' ? '' : 'signature=[^&]+&';
			expect(waitingRun.resumeUrl.toString()).toMatch(new RegExp(`^${env.n8n.url}/webhook-waiting/${waitingRun.id}\\?${signature}token=[0-9a-f]{48}$`));
			expect(statusCalls(item.json.jobId)).toHaveLength(0);
		} finally {
			emu.setHoldWebhooks(false);
		}
	}, 180_000);

	test('n8n restarted while the run waits: the callback after the restart resumes it; forged calls do not', async () => {
		const emu = env.stack.emulators.speechischeap;
		emu.setHoldWebhooks(true);
		try {
			const waitingRun = await startWaitingRun();
			const { jobId, resumeUrl } = waitingRun;

			await env.n8n.restart();

			const forged = new URL(resumeUrl);
			forged.searchParams.set('token', 'f'.repeat(48));
			expect((await post(forged.toString(), { id: jobId, status: 'COMPLETED' })).status).toBe(403);
			if (env.n8n.line !== '1') {
				// 2.x refuses a resume URL whose signature was removed (1.x's URLs carry none).
				const unsigned = new URL(resumeUrl);
				unsigned.searchParams.delete('signature');
				expect((await post(unsigned.toString(), { id: jobId, status: 'COMPLETED' })).status).toBe(401);
			}
			expect((await env.n8n.api('GET', `/executions/${waitingRun.id}`)).status).toBe('waiting');

			const delivery = await emu.releaseWebhook(jobId);
			expect(delivery.status).toBe(200);
			const result = await finished(waitingRun.id);
			expect(result.status).toBe('success');
			expect(result.output('Transcribe')[0].json).toMatchObject({ jobId, status: 'completed' });
		} finally {
			emu.setHoldWebhooks(false);
		}
	}, 300_000);
});
