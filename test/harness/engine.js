// Runs real workflows inside n8n's execution engine (n8n-core's WorkflowExecute), with filesystem
// binary storage, the package loaded from dist/ the way n8n loads a community package, and
// credentials applied through each credential type's `authenticate` block.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// n8n-core reads its folders from the environment when its services are first created.
const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-engine-'));
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_BINARY_DATA_STORAGE_PATH = path.join(userFolder, 'binary-data');
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL || 'silent';

require('reflect-metadata');
const { Container } = require('@n8n/di');
const {
	BinaryDataService,
	ExecutionLifecycleHooks,
	PackageDirectoryLoader,
	RoutingNode,
	ExecuteContext,
	WorkflowExecute,
} = require('n8n-core');
const { ICredentialsHelper, NodeHelpers, Workflow } = require('n8n-workflow');
const { Logger } = require('@n8n/backend-common');

// Every line n8n's logger is given (at any level, even when output is silent) goes to the
// listeners added with onLog, so tests can read what a run logged (e.g. to check no secret leaks).
const logListeners = new Set();
const originalLog = Logger.prototype.log;
Logger.prototype.log = function log(level, message, metadata) {
	for (const listener of logListeners) listener({ level, message, metadata });
	return originalLog.call(this, level, message, metadata);
};
Container.get(Logger); // creating the root logger also points n8n-workflow's LoggerProxy at it

/** Calls `listener({ level, message, metadata })` for every n8n log line; returns a function that stops it. */
function onLog(listener) {
	logListeners.add(listener);
	return () => logListeners.delete(listener);
}

const PACKAGE_ROOT = path.resolve(__dirname, '../..');
const INPUT_NODE_TYPE = 'test.input';

/** Items for the input node, keyed by the node's `key` parameter (set per run). */
const inputSpecs = new Map();

/**
 * The first node of every test workflow: emits the items a test asks for. Binaries are stored
 * through n8n's own binary helpers, from a file path (streamed), a Buffer or a string; with
 * `inline: true`, kept in the item as base64 the way n8n 1.x's default binary mode does.
 */
class TestInput {
	description = {
		displayName: 'Test Input',
		name: 'input',
		group: ['trigger'],
		version: 1,
		description: 'Emits test items',
		defaults: { name: 'Input' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Key', name: 'key', type: 'string', default: '' }],
	};

	async execute() {
		const specs = inputSpecs.get(this.getNodeParameter('key', 0)) ?? [{ json: {} }];
		const items = [];
		for (const spec of specs) {
			const item = { json: spec.json ?? {} };
			if (spec.binary) {
				item.binary = {};
				for (const [property, file] of Object.entries(spec.binary)) {
					const content = file.path
						? file.inline
							? fs.readFileSync(file.path)
							: fs.createReadStream(file.path)
						: Buffer.isBuffer(file.content)
							? file.content
							: Buffer.from(file.content ?? '', 'utf8');
					item.binary[property] = file.inline
						? inlineBinary(content, file)
						: await this.helpers.prepareBinaryData(content, file.fileName, file.mimeType);
				}
			}
			items.push(item);
		}
		return [items];
	}
}

/**
 * A binary kept in the item as base64, without an id in binary storage: what n8n 1.x's default
 * binary mode ("default", in memory) hands a node.
 */
function inlineBinary(buffer, { fileName, mimeType }) {
	const fileExtension = fileName?.includes('.') ? fileName.split('.').pop() : undefined;
	return { data: buffer.toString('base64'), mimeType, fileName, fileExtension, fileSize: `${buffer.length} B` };
}

class NodeTypes {
	constructor(loader) {
		this.loader = loader;
		this.extra = { [INPUT_NODE_TYPE]: new TestInput() };
	}

	getByName(type) {
		if (this.extra[type]) return this.extra[type];
		const [packageName, shortName] = type.split('.');
		if (packageName !== this.loader.packageName) throw new Error(`Unknown node type ${type}`);
		return this.loader.getNode(shortName).type;
	}

	getByNameAndVersion(type, version) {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes() {
		return this.loader.known.nodes;
	}
}

/** Applies a credential type's `authenticate` the way n8n's own CredentialsHelper does. */
class CredentialsHelper extends ICredentialsHelper {
	constructor(loader) {
		super();
		this.loader = loader;
		this.credentials = {};
	}

	credentialType(name) {
		return this.loader.getCredential(name).type;
	}

	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		const { authenticate } = this.credentialType(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate?.type === 'generic') {
			const resolve = (value) =>
				typeof value === 'string' && value.startsWith('=')
					? String(
							workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '') ?? '',
						)
					: value;
			for (const [target, entries] of Object.entries(authenticate.properties)) {
				requestOptions[target] = requestOptions[target] ?? {};
				for (const [key, value] of Object.entries(entries)) requestOptions[target][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	getParentTypes() {
		return [];
	}

	async getDecrypted(_additionalData, _nodeCredentials, type) {
		if (!this.credentials[type]) throw new Error(`No test credentials of type ${type}`);
		return { ...this.credentials[type] };
	}

	async getCredentials() {
		throw new Error('not needed in tests');
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type) {
		return this.credentialType(type).properties;
	}

	isCredentialUsableByNode() {
		return true;
	}
}

/** A credentials helper that hands out the given { credentialTypeName: data } map. */
function credentialsHelperFor(loader, credentials) {
	const helper = new CredentialsHelper(loader);
	helper.credentials = credentials;
	return helper;
}

let setupPromise;

/** Loads the built package and starts binary storage once per test process. */
async function setup() {
	setupPromise ??= (async () => {
		const binaryDataService = Container.get(BinaryDataService);
		await binaryDataService.init();
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		return { loader, nodeTypes: new NodeTypes(loader), binaryDataService };
	})();
	return await setupPromise;
}

let runCounter = 0;

/**
 * Runs a workflow: an input node emitting `input` items, then the `nodes` given, chained in order.
 * Each node: { name?, type: 'hispeech' (short name) or full type, parameters, credentials?, onError? }.
 * `webhookWaitingBaseUrl` is where resume URLs point (a waiting-webhook server in tests that wait).
 * Returns { result (a RunResult), cancel, executionId, workflow }.
 */
function runWorkflow({ input = [{ json: {} }], nodes, credentials = {}, webhookWaitingBaseUrl }) {
	const executionId = String(++runCounter);
	const key = `run-${executionId}`;
	inputSpecs.set(key, input);

	const workflowNodes = [
		{ id: 'input', name: 'Input', type: INPUT_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: { key } },
	];
	const connections = {};
	let previous = 'Input';
	const spec = { executionId, workflowNodes, connections, credentials, webhookWaitingBaseUrl };
	const started = (async () => {
		const { loader } = await setup();
		nodes.forEach((node, index) => {
			const name = node.name ?? `Node ${index + 1}`;
			const type = node.type.includes('.') ? node.type : `${loader.packageName}.${node.type}`;
			const testCredentials = Object.fromEntries(Object.keys(credentials).map((type) => [type, { id: '1', name: 'Test' }]));
			workflowNodes.push({
				id: `node-${index}`,
				name,
				type,
				typeVersion: node.typeVersion ?? 1,
				position: [200 * (index + 1), 0],
				parameters: node.parameters ?? {},
				credentials: node.credentials ?? (Object.keys(testCredentials).length > 0 ? testCredentials : undefined),
				onError: node.onError,
			});
			connections[previous] = { main: [[{ node: name, type: 'main', index: 0 }]] };
			previous = name;
		});
		const runExecutionData = {
			startData: {},
			resultData: { runData: {} },
			executionData: {
				contextData: {},
				nodeExecutionStack: [{ node: workflowNodes[0], data: { main: [[{ json: {} }]] }, source: null }],
				metadata: {},
				waitingExecution: {},
				waitingExecutionSource: {},
			},
		};
		return await executeRun(spec, runExecutionData);
	})();

	const result = started.then(async ({ execution, finished }) => {
		await execution.catch(() => {});
		const run = await finished;
		inputSpecs.delete(key);
		return new RunResult(run);
	});
	return {
		result,
		spec,
		cancel: async () => (await started).execution.cancel(),
	};
}

/**
 * Runs (or, given a saved execution's data, continues) one execution of a test workflow in n8n's
 * engine, as n8n's workflow runner does. Resolves `finished` with the full run data.
 */
async function executeRun(spec, runExecutionData, { httpRequest, httpResponse } = {}) {
	const { loader, nodeTypes } = await setup();
	const { executionId, workflowNodes, connections, credentials, webhookWaitingBaseUrl } = spec;
	const workflow = workflowFromSpec(spec, nodeTypes);
	const hooks = new ExecutionLifecycleHooks('manual', executionId, { id: 'engine-test', nodes: workflowNodes, connections });
	let resolveFinished;
	const finished = new Promise((resolve) => (resolveFinished = resolve));
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => resolveFinished(fullRunData));
	const additionalData = {
		...baseAdditionalData(loader, credentials, executionId, webhookWaitingBaseUrl),
		hooks,
		httpRequest,
		httpResponse,
	};
	const workflowExecute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	const execution = workflowExecute.processRunExecutionData(workflow);
	return { execution, finished };
}

function workflowFromSpec(spec, nodeTypes) {
	return new Workflow({
		id: 'engine-test',
		name: 'engine test',
		nodes: spec.workflowNodes,
		connections: spec.connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
}

/** What n8n hands every node context about the instance and the run. */
function baseAdditionalData(loader, credentials, executionId, webhookWaitingBaseUrl) {
	return {
		credentialsHelper: credentialsHelperFor(loader, credentials),
		executionId,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: webhookWaitingBaseUrl ?? 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		variables: {},
		logAiEvent: () => {},
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		executeWorkflow: async () => {
			throw new Error('not supported in tests');
		},
		getRunExecutionData: async () => undefined,
	};
}

class RunResult {
	constructor(run) {
		this.run = run;
		this.status = run.status;
		this.error = run.data.resultData.error;
	}

	/** Output items of a node (main output `outputIndex`), or [] when it produced none. */
	output(nodeName, outputIndex = 0) {
		const runs = this.run.data.resultData.runData[nodeName];
		if (!runs) return [];
		return runs[runs.length - 1].data?.main?.[outputIndex] ?? [];
	}
}

/** Reads a stored binary's bytes back (for asserting on subtitles and other outputs). */
async function readBinary(binary) {
	const { binaryDataService } = await setup();
	return await binaryDataService.getAsBuffer(binary);
}

/**
 * Runs a credential type's `test` request the way n8n's credential tester does: through a
 * RoutingNode with the test request as a routing rule, then the rules on the response.
 */
async function testCredential(credentialTypeName, credentialData) {
	const { loader, nodeTypes } = await setup();
	const credentialsHelper = credentialsHelperFor(loader, { [credentialTypeName]: credentialData });
	const { test } = loader.getCredential(credentialTypeName).type;

	const probeType = {
		description: {
			displayName: 'Credential probe',
			name: 'credentialProbe',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credentialTypeName, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: test.request }, default: '' }],
		},
	};
	const node = {
		id: 'probe',
		name: 'Probe',
		type: 'test.credentialProbe',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentialTypeName]: { id: '1', name: 'Test' } },
	};
	const probeNodeTypes = {
		getByName: () => probeType,
		getByNameAndVersion: () => probeType,
		getKnownTypes: () => nodeTypes.getKnownTypes(),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: probeNodeTypes });
	const additionalData = { credentialsHelper, variables: {}, logAiEvent: () => {} };
	const runExecutionData = { resultData: { runData: {} } };
	const context = new ExecuteContext(workflow, node, additionalData, 'internal', runExecutionData, 0, [], { main: [[{ json: {} }]] }, { node, data: {}, source: null }, []);
	const routingNode = new RoutingNode(context, probeType, { id: '1', name: 'Test', type: credentialTypeName, data: credentialData });
	let response;
	try {
		response = await routingNode.runNode();
	} catch (error) {
		const status = error.cause?.response?.status;
		const rule = (test.rules ?? []).find((r) => r.type === 'responseCode' && r.properties.value === status);
		if (rule) return { status: 'Error', message: rule.properties.message };
		return { status: 'Error', message: status ? `Received HTTP status code: ${status}` : error.message };
	}
	for (const rule of test.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		const json = response[0][0].json;
		if (json[rule.properties.key] === rule.properties.value) return { status: 'Error', message: rule.properties.message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/**
 * The nodes of an importable workflow JSON (such as examples/*.json) that belong to this package,
 * in the order the connections chain them, ready for `runWorkflow({ nodes })`. The leading nodes of
 * other packages (a manual trigger, a file reader) are what the test input stands in for.
 */
function nodesFromWorkflow(workflow) {
	const packageName = require(path.join(PACKAGE_ROOT, 'package.json')).name;
	const byName = new Map(workflow.nodes.map((node) => [node.name, node]));
	const targets = new Set(Object.values(workflow.connections).flatMap((c) => c.main.flat().map((link) => link.node)));
	const chain = [];
	for (let node = workflow.nodes.find((n) => !targets.has(n.name)); node; ) {
		chain.push(node);
		node = byName.get(workflow.connections[node.name]?.main?.[0]?.[0]?.node);
	}
	const first = chain.findIndex((node) => node.type.startsWith(`${packageName}.`));
	const own = chain.slice(first);
	if (first < 0 || own.some((node) => !node.type.startsWith(`${packageName}.`))) {
		throw new Error('The workflow must end in a chain of this package\'s nodes');
	}
	return own.map(({ name, type, typeVersion, parameters, credentials }) => ({ name, type, typeVersion, parameters, credentials }));
}

function cleanup() {
	fs.rmSync(userFolder, { recursive: true, force: true });
}

module.exports = {
	executeRun,
	workflowFromSpec,
	baseAdditionalData,
	RunResult,
	runWorkflow,
	readBinary,
	testCredential,
	nodesFromWorkflow,
	setup,
	cleanup,
	userFolder,
	credentialsHelperFor,
	onLog,
};
