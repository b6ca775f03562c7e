'use strict';
// The package in n8n's queue mode: one main process, two workers and one webhook process sharing
// PostgreSQL (binary data in database mode) and Redis, the package installed in each process's own
// user folder. Everything is driven through n8n's own interfaces: production webhooks on the webhook
// process, the public API on the main process, the providers' callbacks to /webhook/ and /webhook-waiting/.
//
// Which worker ran an execution: n8n 2.41 keeps no worker id in its database (execution_entity and
// execution_metadata have none, the Bull job in Redis keeps only a lock token while active). Each
// worker logs "Worker started execution <id> (job <job>)" when it takes a job, so the evidence is
// each worker process's own log (scripts/lib/queue.js startedExecutions).
const { startQueue, startedExecutions, signalGroup, trackN8n } = require('../../scripts/lib/queue');
const { API_KEYS, WORKFLOW_IDS } = require('../../scripts/lib/stack');
const { eventually } = require('../e2e/harness');
const { PROVIDERS, accepted, transcriptionWorkflow, createPublished, registered, audioBytes, upload, executionsOf, settled, execution } = require('./harness');

/** Speech is Cheap jobs whose file name starts with "hold-" stay pending until the test finishes them. */
const processingDelayMs = (input) => (/^hold-/.test(input?.name ?? input?.filename ?? '') ? null : 1000);

let q;
const workflowIds = {};
beforeAll(async () => {
	q = await startQueue({
		workers: 2,
		concurrency: 5,
		processingDelayMs,
		// A killed worker's job is noticed after ~15 s instead of n8n's default 60 s lock.
		lock: { durationMs: 15_000, renewMs: 3_000, stalledIntervalMs: 5_000 },
		log: (msg) => console.log(`[queue] ${msg}`),
	});
	for (const provider of Object.keys(PROVIDERS)) {
		const path = `queue-${provider}`;
		workflowIds[provider] = await createPublished(q, transcriptionWorkflow(provider, path), path);
	}
}, 600_000);
afterAll(async () => {
	await q?.close();
});

const workerOf = (id) => q.workers.filter((worker) => startedExecutions(worker).includes(String(id)));
const emulator = (provider) => q.stack.emulators[provider];

describe('n8n in queue mode', () => {
	test('every process loaded the package (main, webhook, both workers)', () => {
		for (const n8n of [q.main, q.webhook, ...q.workers]) {
			expect(n8n.log.join('\n')).not.toMatch(/Unrecognized node type|Error loading package|Failed to load/i);
		}
		expect(q.workers).toHaveLength(2);
		expect(q.env).toMatchObject({ EXECUTIONS_MODE: 'queue', DB_TYPE: 'postgresdb', N8N_DEFAULT_BINARY_DATA_MODE: 'database', WEBHOOK_URL: `${q.webhook.url}/` });
	});

	test('50 uploads to the webhook process: all transcribed, spread over both workers, each job submitted once', async () => {
		const providers = Object.keys(PROVIDERS);
		const files = Array.from({ length: 50 }, (_, i) => {
			const provider = providers[i % providers.length];
			const name = `q${String(i).padStart(2, '0')}-${provider}.mp3`;
			return { provider, name, bytes: audioBytes(name, 12_000 + i * 37) };
		});
		const before = Object.fromEntries(providers.map((p) => [p, accepted(PROVIDERS[p].creates(emulator(p))).length]));
		// Ten clients at a time, as a busy webhook endpoint would see them.
		for (let i = 0; i < files.length; i += 10) {
			await Promise.all(files.slice(i, i + 10).map((file) => upload(q, `queue-${file.provider}`, file.name, file.bytes)));
		}

		const ran = [];
		for (const provider of providers) {
			const list = await settled(q, workflowIds[provider], 10);
			expect(list).toHaveLength(10);
			for (const summary of list) {
				const run = await execution(q, summary.id);
				expect({ id: summary.id, status: run.status, error: run.error?.message }).toEqual({ id: summary.id, status: 'success', error: undefined });
				// The webhook process stored the upload in PostgreSQL (binary data mode "database"); a worker read it.
				const [received] = run.output('Webhook');
				expect(received.binary.data.id).toMatch(/^database:/);
				const file = files.find((f) => f.name === received.binary.data.fileName);
				const [transcript] = run.output('Transcribe');
				expect(transcript.json).toMatchObject({ provider, status: 'completed' });
				// Each emulator's transcript names the file it received and its size.
				expect(transcript.json.text).toContain(file.name.replace(/\.mp3$/, ''));
				expect(transcript.json.text).toContain(String(file.bytes.length));
				ran.push({ id: summary.id, file: file.name });
			}
			// One accepted job-creating request per execution: nothing submitted twice.
			expect(accepted(PROVIDERS[provider].creates(emulator(provider))).length - before[provider]).toBe(10);
		}
		expect(new Set(ran.map((r) => r.file)).size).toBe(50);

		// Each execution was taken by exactly one worker, and both workers took some.
		const perWorker = q.workers.map((worker) => ran.filter((r) => workerOf(r.id).includes(worker)).length);
		expect(ran.every((r) => workerOf(r.id).length === 1 && startedExecutions(workerOf(r.id)[0]).filter((id) => id === r.id).length === 1)).toBe(true);
		expect(perWorker.reduce((a, b) => a + b, 0)).toBe(50);
		expect(Math.min(...perWorker)).toBeGreaterThan(0);
		console.log(`50 executions: ${perWorker.map((n, i) => `worker${i + 1} ${n}`).join(', ')}`);
	});

	test('a TranscribeAPI signed callback reaches the webhook process; its run executes on a worker, exactly once', async () => {
		const workflowId = WORKFLOW_IDS['transcribeapi-trigger-message'];
		const trigger = q.workflows.find((w) => w.id === workflowId).nodes.find((node) => node.webhookId);
		const url = `${q.webhook.url}/webhook/${trigger.webhookId}/webhook`;
		await q.main.publish(workflowId);
		await registered(q, `${trigger.webhookId}/webhook`);
		const unsigned = await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
		expect(unsigned.status).toBe(401);

		const emu = emulator('transcribeapi');
		const created = await fetch(`${emu.url}/v1/jobs`, {
			method: 'POST',
			headers: { authorization: `Bearer ${API_KEYS.transcribeapi}`, 'content-type': 'application/json' },
			body: JSON.stringify({ type: 'big_file', source: { type: 'url', url: `${q.stack.urls.files}/weekly-meeting.mp3` }, webhook_url: url }),
		});
		expect(created.status).toBeLessThan(300);
		const { job_id: jobId } = await created.json();
		const delivery = await eventually(() => emu.webhooks.find((w) => w.jobId === jobId && w.status), { what: 'TranscribeAPI webhook delivered' });
		expect(delivery.status).toBe(200);
		expect(delivery.url).toBe(url);

		const [run] = await settled(q, workflowId, 1);
		expect(run.mode).toBe('webhook');
		const result = await execution(q, run.id);
		expect(result.status).toBe('success');
		expect(result.output('TranscribeAPI Trigger')[0].json).toMatchObject({ provider: 'transcribeapi', jobId, status: 'completed' });
		expect(workerOf(run.id)).toHaveLength(1);

		// The same signed delivery again is refused (the replay cache lives in the workflow's static data, in PostgreSQL).
		const replay = await fetch(url, { method: 'POST', body: Buffer.from(delivery.body), headers: delivery.headers });
		expect(replay.status).toBe(403);
		expect(await executionsOf(q, workflowId)).toHaveLength(1);
		expect(q.workers.flatMap(startedExecutions).filter((id) => id === String(run.id))).toHaveLength(1);
	});

	test('Wait for Callback: started on one worker, resumed via /webhook-waiting/ on the other', async () => {
		const path = 'queue-wait';
		const workflowId = await createPublished(
			q,
			transcriptionWorkflow('speechischeap', path, { inputType: 'url', audioUrl: `${q.stack.urls.files}/all-hands-recording.mp4`, waitMode: 'callback' }),
			path,
		);
		const emu = emulator('speechischeap');
		emu.setHoldWebhooks(true);
		try {
			const started = await fetch(`${q.webhook.url}/webhook/${path}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
			expect(started.status).toBe(200);
			const waiting = await eventually(async () => (await executionsOf(q, workflowId)).find((e) => e.status === 'waiting'), { what: 'a waiting execution' });
			const jobId = await eventually(() => emu.heldWebhooks()[0], { what: 'the job done, its callback held' });
			const resumeUrl = emu.jobs.get(jobId).params.webhook_url;
			expect(resumeUrl.startsWith(`${q.webhook.url}/webhook-waiting/${waiting.id}?`)).toBe(true);

			// The worker that started the run stops (gracefully): the resumed run can only go to the other one.
			const [first] = workerOf(waiting.id);
			const other = q.workers.find((worker) => worker !== first);
			await first.stop();
			try {
				const delivery = await emu.releaseWebhook(jobId);
				expect(delivery.status).toBe(200);
				const [done] = await settled(q, workflowId, 1);
				const result = await execution(q, done.id);
				expect(result.status).toBe('success');
				expect(result.output('Transcribe')[0].json).toMatchObject({ provider: 'speechischeap', jobId, status: 'completed' });
				expect(result.output('Transcribe')[0].json.text).toContain('all-hands-recording.mp4');
				expect(startedExecutions(other)).toContain(String(waiting.id));
				// No status calls while waiting, one job submitted.
				expect(emu.requests.filter((r) => r.method === 'GET' && r.path === `/v2/jobs/${jobId}`)).toHaveLength(0);
				expect(accepted(emu.requests.filter((r) => r.method === 'POST' && r.path === '/v2/jobs/' && r.jobId === jobId)).length).toBe(1);
			} finally {
				await first.start();
				trackN8n(first);
			}
		} finally {
			emu.setHoldWebhooks(false);
		}
	});

	test('a worker killed while its execution polls: n8n fails the execution, the other worker goes on, nothing is submitted twice', async () => {
		const emu = emulator('speechischeap');
		const workflowId = workflowIds.speechischeap;
		const before = new Set((await executionsOf(q, workflowId)).map((e) => e.id));
		const createsBefore = accepted(PROVIDERS.speechischeap.creates(emu)).length;
		await upload(q, 'queue-speechischeap', 'hold-kill.mp3', audioBytes('hold-kill.mp3', 20_000));
		const job = await eventually(() => [...emu.jobs.values()].find((j) => j.input?.name === 'hold-kill.mp3'), { what: 'the held job created' });
		// The node polls the job (at least two status calls), so the execution is mid-poll when its worker dies.
		await eventually(() => emu.requests.filter((r) => r.method === 'GET' && r.path === `/v2/jobs/${job.id}`).length >= 2, { what: 'the job polled' });
		const running = (await executionsOf(q, workflowId)).find((e) => !before.has(e.id));
		expect(running.status).toBe('running');
		const [victim] = workerOf(running.id);
		const survivor = q.workers.find((worker) => worker !== victim);
		signalGroup(victim.child.pid, 'SIGKILL'); // the worker and its task runner, no chance to clean up
		await victim.exited;

		const failed = await eventually(async () => {
			const e = await q.main.api('GET', `/executions/${running.id}?includeData=true`);
			return !['new', 'running'].includes(e.status) && e;
		}, { what: 'n8n to report the killed execution', timeoutMs: 180_000, intervalMs: 1000 });
		console.log(`killed worker's execution ${running.id}: status "${failed.status}", error: ${failed.data?.resultData?.error?.message}`);
		expect(failed.status).toBe('error');
		expect(failed.data.resultData.error.message).toMatch(/failed to be processed too many times/);

		// The other worker keeps working.
		await upload(q, 'queue-speechischeap', 'after-kill.mp3', audioBytes('after-kill.mp3', 14_000));
		const list = await settled(q, workflowId, before.size + 2);
		const after = list.find((e) => !before.has(e.id) && e.id !== running.id);
		expect(after.status).toBe('success');
		expect(workerOf(after.id)).toEqual([survivor]);

		// n8n did not run the killed job again (Bull's maxStalledCount is 0 in n8n): one job per file.
		emu.finishJob(job.id);
		const creates = accepted(PROVIDERS.speechischeap.creates(emu)).slice(createsBefore);
		expect(creates).toHaveLength(2);
		expect([...emu.jobs.values()].filter((j) => j.input?.name === 'hold-kill.mp3')).toHaveLength(1);
		expect(q.workers.flatMap(startedExecutions).filter((id) => id === String(running.id))).toHaveLength(1);
	});
});
