// Drives a trigger node's webhook() the way n8n's webhook service does: a WebhookContext from
// n8n-core, a request carrying the exact raw body (n8n keeps it as `req.rawBody`), a response
// object that records what the node answered, and the workflow's static data, which n8n saves after
// each production call (keep the same `staticData` object across calls to model that).
const { WebhookContext } = require('n8n-core');
const { Workflow } = require('n8n-workflow');
const { setup, credentialsHelperFor } = require('./engine');

class RecordedResponse {
	constructor() {
		this.statusCode = 200;
		this.headers = {};
		this.body = undefined;
		this.ended = false;
	}
	status(code) {
		this.statusCode = code;
		return this;
	}
	setHeader(name, value) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}
	header(name, value) {
		return this.setHeader(name, value);
	}
	json(body) {
		this.body = body;
		this.ended = true;
		return this;
	}
	send(body) {
		this.body = body;
		this.ended = true;
		return this;
	}
	end(body) {
		if (body !== undefined) this.body = body;
		this.ended = true;
		return this;
	}
}

/**
 * Calls a trigger node's webhook once.
 * @param {object} options
 * @param {string} options.type node short name (e.g. 'transcribeApiTrigger') or full type
 * @param {object} [options.parameters] node parameters
 * @param {object} [options.credentials] { credentialTypeName: data }
 * @param {object} [options.staticData] the workflow's static data (mutated like n8n does)
 * @param {object} options.request { method?, headers?, query?, body: Buffer|string|object }
 * @param {string} [options.mode] 'webhook' (production, default) or 'manual' (test URL)
 * @returns {Promise<{ status, body, headers, runStarted, workflowData, result, staticData }>}
 */
async function callWebhook({ type, parameters = {}, credentials = {}, staticData = {}, request, mode = 'webhook' }) {
	const { loader, nodeTypes } = await setup();
	const fullType = type.includes('.') ? type : `${loader.packageName}.${type}`;
	const nodeType = nodeTypes.getByNameAndVersion(fullType, 1);
	const credentialName = Object.keys(credentials)[0];
	const node = {
		id: 'trigger',
		name: 'Trigger',
		type: fullType,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		webhookId: 'd6f1a5b0-0000-4000-8000-000000000001',
		credentials: credentialName ? { [credentialName]: { id: '1', name: 'Test' } } : undefined,
	};
	const workflow = new Workflow({
		id: 'webhook-test',
		name: 'webhook test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData,
		settings: { executionOrder: 'v1' },
	});

	const raw = Buffer.isBuffer(request.body)
		? request.body
		: Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? {}), 'utf8');
	const headers = Object.fromEntries(
		Object.entries({ 'content-type': 'application/json', ...(request.headers ?? {}) }).map(([k, v]) => [k.toLowerCase(), v]),
	);
	let parsed = {};
	try {
		parsed = JSON.parse(raw.toString('utf8'));
	} catch {
		parsed = {};
	}
	const httpRequest = {
		method: request.method ?? 'POST',
		headers,
		query: request.query ?? {},
		params: {},
		body: parsed,
		rawBody: raw,
	};
	const httpResponse = new RecordedResponse();
	const additionalData = {
		credentialsHelper: credentialsHelperFor(loader, credentials),
		httpRequest,
		httpResponse,
		executionId: undefined,
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		variables: {},
		logAiEvent: () => {},
	};
	const description = nodeType.description.webhooks?.[0] ?? { name: 'default', httpMethod: 'POST', path: '' };
	const webhookData = {
		httpMethod: httpRequest.method,
		node: node.name,
		path: description.path,
		webhookDescription: description,
		workflowId: workflow.id,
		isTest: mode === 'manual',
	};
	const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], undefined);
	const result = await nodeType.webhook.call(context);
	return {
		status: httpResponse.ended ? httpResponse.statusCode : 200,
		body: httpResponse.body,
		headers: httpResponse.headers,
		runStarted: result.workflowData !== undefined,
		workflowData: result.workflowData,
		result,
		staticData: workflow.staticData,
	};
}

module.exports = { callWebhook, RecordedResponse };
