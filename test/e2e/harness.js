'use strict';
/**
 * Boots the `npm start` stack for a test, in a temporary folder on free ports: the emulators, a
 * real n8n server (line 2.x, or 1.x with N8N_LINE=1) with this package installed as a community
 * package, the credentials and the example workflows imported.
 *
 *   const env = await startE2e();          // env.n8n (N8n), env.stack (emulators), env.workflows
 *   await env.n8n.restart();               // same user folder and database (e.g. a run waiting on a callback)
 *   const run = await env.execute('exHispeechChain1'); run.output('Hispeech Transcribe')
 *   await env.close();
 */
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { credentialsFor, exampleWorkflows, startEmulators } = require('../../scripts/lib/stack');
const { N8n } = require('../../scripts/lib/n8n');

/** A port nothing listens on, with the next two free as well (n8n uses port + 1 and + 2). */
async function freePortBlock() {
	for (;;) {
		const port = await new Promise((resolve, reject) => {
			const server = net.createServer();
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const { port: found } = server.address();
				server.close(() => resolve(found));
			});
		});
		if (port > 60_000) continue;
		const free = await Promise.all([1, 2].map((offset) => isFree(port + offset)));
		if (free.every(Boolean)) return port;
	}
}

function isFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** Polls `check` (async) until it returns a truthy value, which it returns; fails after `timeoutMs`. */
async function eventually(check, { timeoutMs = 60_000, intervalMs = 250, what = 'condition' } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	for (;;) {
		try {
			const value = await check();
			if (value) return value;
		} catch (error) {
			last = error;
		}
		if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms${last ? `: ${last.message}` : ''}`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

/** Reads the run data of a finished execution (as the public API returns it with includeData). */
function runView(execution) {
	const runData = execution?.data?.resultData?.runData ?? {};
	return {
		execution,
		status: execution.status,
		error: execution?.data?.resultData?.error,
		/** The items a node output on its first (or given) output. */
		output(nodeName, outputIndex = 0) {
			const runs = runData[nodeName];
			if (!runs) throw new Error(`Node "${nodeName}" did not run; ran: ${Object.keys(runData).join(', ')}`);
			return runs[runs.length - 1].data?.main?.[outputIndex] ?? [];
		},
		ran: Object.keys(runData),
	};
}

async function startE2e({ line = process.env.N8N_LINE || '2', processingDelayMs = 300, installMode = 'copy' } = {}) {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
	const samplesDir = path.join(root, 'samples');
	const port = await freePortBlock();
	const ports = { hispeech: 0, transcribeapi: 0, speechischeap: 0, speechischeapUpload: 0, audiototextai: 0, sttai: 0, files: 0 };
	const stack = await startEmulators({ ports, samplesDir, processingDelayMs });
	let n8n;
	const close = async () => {
		await n8n?.stop();
		await stack.close();
		if (!process.env.E2E_KEEP) fs.rmSync(root, { recursive: true, force: true });
	};
	try {
		n8n = new N8n({ userFolder: root, port, line, env: { N8N_RESTRICT_FILE_ACCESS_TO: samplesDir } });
		n8n.installPackage(installMode);
		const workflows = exampleWorkflows({ urls: stack.urls, n8nUrl: n8n.url, samplesDir });
		const timings = {};
		let t = Date.now();
		await n8n.importJson('credentials', credentialsFor(stack.urls));
		await n8n.importJson('workflows', workflows.map(({ file, ...workflow }) => workflow));
		timings.importMs = Date.now() - t;
		t = Date.now();
		timings.bootMs = await n8n.start();

		/** Runs a workflow through the CLI (`n8n execute`) and returns its run data. */
		async function execute(workflowId) {
			const before = new Set((await listExecutions(workflowId, 'cli')).map((e) => e.id));
			const result = await n8n.cli(['execute', `--id=${workflowId}`, '--rawOutput']).catch((error) => error);
			const created = (await listExecutions(workflowId, 'cli')).filter((e) => !before.has(e.id));
			if (created.length !== 1) {
				throw new Error(`Expected one new execution of ${workflowId}, found ${created.length}; CLI said:\n${result.stdout ?? ''}\n${result.stderr ?? result.message}`);
			}
			return runView(await n8n.api('GET', `/executions/${created[0].id}?includeData=true`));
		}

		/** Executions of a workflow, newest first; `mode` keeps only those started that way ('cli', 'webhook'). */
		async function listExecutions(workflowId, mode) {
			const page = await n8n.api('GET', `/executions?workflowId=${workflowId}&limit=100`);
			return mode ? page.data.filter((execution) => execution.mode === mode) : page.data;
		}

		return { root, samplesDir, n8n, stack, workflows, timings, execute, listExecutions, runView, close };
	} catch (error) {
		await close();
		throw error;
	}
}

module.exports = { startE2e, runView, freePortBlock, eventually };
