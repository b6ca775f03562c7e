// n8n's handling of waiting executions, for engine tests: a store of waiting executions kept only as
// serialized JSON (as n8n keeps them in its database, so nothing survives in process memory), an
// HTTP server for resume URLs (`/webhook-waiting/<executionId>`) that does what n8n's
// WaitingWebhooks does, and `timeout()`, which does what n8n's WaitTracker does when `waitTill`
// passes. The node code is n8n-core's own (WebhookContext, WorkflowExecute).
const http = require('node:http');
const { WebhookContext } = require('n8n-core');
const { setup, executeRun, workflowFromSpec, baseAdditionalData, RunResult } = require('./engine');
const { RecordedResponse } = require('./webhook');

async function startWaitingServer() {
	/** executionId → { spec, saved (JSON of the run execution data), status } */
	const executions = new Map();
	const continuations = new Map();
	const calls = [];

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			handle(req, Buffer.concat(chunks))
				.then(({ status, body }) => {
					res.writeHead(status, { 'content-type': 'application/json' });
					res.end(JSON.stringify(body ?? {}));
				})
				.catch((error) => {
					if (calls.length > 0) calls[calls.length - 1].error = error;
					res.writeHead(500, { 'content-type': 'application/json' });
					res.end(JSON.stringify({ error: error.message }));
				});
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const baseUrl = `http://127.0.0.1:${server.address().port}/webhook-waiting`;

	function continuation(executionId) {
		if (!continuations.has(executionId)) {
			let resolve;
			const promise = new Promise((r) => (resolve = r));
			continuations.set(executionId, { promise, resolve });
		}
		return continuations.get(executionId);
	}

	/** Runs a saved execution on from where it waited; resolves the test's `resumed()` promise. */
	async function continueRun(executionId, runExecutionData) {
		const entry = executions.get(executionId);
		entry.status = 'running';
		const { execution, finished } = await executeRun(entry.spec, runExecutionData);
		await execution.catch(() => {});
		const run = await finished;
		entry.status = run.status;
		if (run.status === 'waiting') entry.saved = JSON.stringify(run.data);
		continuation(executionId).resolve(new RunResult(run));
	}

	async function handle(req, raw) {
		const url = new URL(req.url, baseUrl);
		const match = /^\/webhook-waiting\/([^/]+)\/?$/.exec(url.pathname);
		const record = { method: req.method, url: req.url, at: Date.now() };
		calls.push(record);
		const entry = match && executions.get(match[1]);
		if (!entry) return (record.result = { status: 404, body: { message: 'The execution does not exist' } });
		if (entry.status !== 'waiting') {
			return (record.result = { status: 409, body: { message: `The execution is ${entry.status}` } });
		}
		const executionId = match[1];
		const runExecutionData = JSON.parse(entry.saved);
		const { loader, nodeTypes } = await setup();
		const workflow = workflowFromSpec(entry.spec, nodeTypes);
		const nodeName = runExecutionData.resultData.lastNodeExecuted;
		const node = workflow.getNode(nodeName);
		const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const description = (nodeType.description.webhooks ?? []).find(
			(webhook) => webhook.restartWebhook === true && webhook.httpMethod === req.method,
		);
		if (!description) return (record.result = { status: 404, body: { message: 'No waiting webhook' } });

		let body = {};
		try {
			body = JSON.parse(raw.toString('utf8'));
		} catch {
			body = {};
		}
		const httpRequest = {
			method: req.method,
			headers: req.headers,
			query: Object.fromEntries(url.searchParams),
			params: {},
			body,
			rawBody: raw,
		};
		const httpResponse = new RecordedResponse();
		const additionalData = {
			...baseAdditionalData(loader, entry.spec.credentials, executionId, baseUrl),
			httpRequest,
			httpResponse,
		};
		const webhookData = {
			httpMethod: req.method,
			node: nodeName,
			path: description.path,
			webhookDescription: description,
			workflowId: workflow.id,
			isTest: false,
		};
		const context = new WebhookContext(workflow, node, additionalData, 'manual', webhookData, [], runExecutionData);
		const response = await nodeType.webhook.call(context);
		const answered = httpResponse.ended
			? { status: httpResponse.statusCode, body: httpResponse.body }
			: { status: 200, body: { message: 'Workflow was started' } };
		record.result = answered;
		record.resumed = response.workflowData !== undefined;
		if (!record.resumed) return answered;

		// What n8n does with a waiting webhook's answer: the waiting node passes it on, once.
		const waiting = runExecutionData.executionData.nodeExecutionStack[0];
		waiting.node.disabled = true;
		waiting.data.main = response.workflowData;
		runExecutionData.waitTill = undefined;
		runExecutionData.resultData.runData[nodeName].pop();
		void continueRun(executionId, runExecutionData);
		return answered;
	}

	return {
		baseUrl,
		calls,
		/** Registers a run that ended waiting; its execution data is kept only as JSON. */
		async track(run) {
			const result = await run.result;
			if (result.status === 'waiting') {
				executions.set(run.spec.executionId, {
					spec: run.spec,
					saved: JSON.stringify(result.run.data),
					status: 'waiting',
				});
			}
			return result;
		},
		/** Resolves with the RunResult of the continuation after a resume (or a timeout). */
		resumed(run) {
			return continuation(run.spec.executionId).promise;
		},
		/** What n8n's wait tracker does when the wait limit passes: runs the execution on. */
		async timeout(run) {
			const entry = executions.get(run.spec.executionId);
			if (!entry || entry.status !== 'waiting') throw new Error('The execution is not waiting');
			const saved = JSON.parse(entry.saved);
			if (!(new Date(saved.waitTill).getTime() > 0)) throw new Error('The execution has no wait limit');
			await continueRun(run.spec.executionId, saved);
			return await continuation(run.spec.executionId).promise;
		},
		/** The saved wait limit of a waiting run. */
		waitTill(run) {
			return new Date(JSON.parse(executions.get(run.spec.executionId).saved).waitTill);
		},
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

module.exports = { startWaitingServer };
