'use strict';
// The five single-service packages in one real n8n, each installed from its tarball the way n8n installs
// a community package (extracted into <userFolder>/.n8n/nodes/node_modules/<name>, its peer and dev
// dependencies dropped from its package.json, `npm install` run in it, the dependency recorded in
// nodes/package.json; n8n-workflow then resolves to n8n's own copy through the NODE_PATH n8n sets).
// Each package's types load under n8n-nodes-<service>.*, one workflow per package runs against the
// emulator, and each trigger starts exactly one run for a genuine callback. Then the bundle is added next
// to them (both define the same credential types) and both copies of a node run with one credential.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { freePortBlock, eventually, runView } = require('./harness');
const { N8n } = require('../../scripts/lib/n8n');
const { packAll } = require('../../scripts/pack');
const { SERVICES, bundle } = require('../../scripts/lib/packages');
const {
	CALLBACK_SECRET,
	DEFAULT_PORTS,
	credentialsFor,
	startEmulators,
} = require('../../scripts/lib/stack');

const typeName = (file) => {
	const base = path.basename(file).replace(/\.(node|credentials)\.js$/, '');
	return base.charAt(0).toLowerCase() + base.slice(1);
};

/** Installs a tarball into the user folder's nodes/ as n8n 2.x's community-package service does. */
function installLikeN8n(userFolder, tarball, name) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const dir = path.join(nodesDir, 'node_modules', name);
	fs.mkdirSync(dir, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	const manifestFile = path.join(dir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
		fs.readFileSync(manifestFile, 'utf8'),
	);
	fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
	execFileSync(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		{ cwd: dir, stdio: 'pipe' },
	);
	const nodesManifest = path.join(nodesDir, 'package.json');
	const nodesPackage = fs.existsSync(nodesManifest)
		? JSON.parse(fs.readFileSync(nodesManifest, 'utf8'))
		: { name: 'installed-nodes', private: true, dependencies: {} };
	nodesPackage.dependencies[name] = manifest.version;
	fs.writeFileSync(nodesManifest, JSON.stringify(nodesPackage, null, 2));
}

const MANUAL_TRIGGER = {
	id: 'm',
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const credentialRef = (type, credentials) => {
	const { id, name } = credentials.find((c) => c.type === type);
	return { [type]: { id, name } };
};

/**
 * One workflow per package (manual trigger → its action node on a sample URL) and, where the package
 * has a trigger, a published workflow holding it: the action node gives its job the trigger's URL as
 * webhook, so the emulator's genuine callback starts the trigger's run.
 */
function workflowsFor(service, { n8nUrl, filesUrl, credentials }) {
	const type = (node) => `${service.packageName}.${node}`;
	const action = (name, node, parameters, credentialType) => ({
		id: 'a',
		name,
		type: type(node),
		typeVersion: 1,
		position: [240, 0],
		parameters,
		credentials: credentialRef(credentialType, credentials),
	});
	const webhookId = crypto.randomUUID();
	const triggerUrl = (suffix, token) =>
		`${n8nUrl}/webhook/${webhookId}/${suffix}${token ? `?token=${CALLBACK_SECRET}` : ''}`;
	const url = (file) => `${filesUrl}/${file}`;
	const byService = {
		hispeech: {
			action: action(
				'Transcribe',
				'hispeech',
				{
					resource: 'transcription',
					operation: 'transcribe',
					inputType: 'url',
					audioUrl: url('meeting.mp3'),
					waitMode: 'sync',
				},
				'hispeechApi',
			),
		},
		sttai: {
			action: action(
				'Transcribe',
				'sttAi',
				{
					resource: 'transcription',
					operation: 'transcribe',
					inputType: 'url',
					audioUrl: url('meeting.mp3'),
				},
				'sttAiApi',
			),
		},
		transcribeapi: {
			action: action(
				'Transcribe',
				'transcribeApi',
				{
					resource: 'transcription',
					operation: 'transcribe',
					inputType: 'url',
					audioUrl: url('weekly-meeting.mp3'),
					waitMode: 'none',
					options: { webhookUrl: triggerUrl('webhook') },
				},
				'transcribeApiApi',
			),
			trigger: {
				name: 'Trigger',
				type: type('transcribeApiTrigger'),
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: { events: ['completed'], downloadResult: true, output: 'simplified' },
				credentials: credentialRef('transcribeApiApi', credentials),
			},
		},
		speechischeap: {
			action: action(
				'Transcribe',
				'speechIsCheap',
				{
					resource: 'job',
					operation: 'create',
					inputType: 'url',
					audioUrl: url('podcast-episode-12.mp3'),
					waitMode: 'none',
					options: { webhookUrl: triggerUrl('callback', true) },
				},
				'speechIsCheapApi',
			),
			trigger: {
				name: 'Trigger',
				type: type('speechIsCheapTrigger'),
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: {
					secretToken: CALLBACK_SECRET,
					statuses: ['completed', 'failed'],
					output: 'simplified',
				},
			},
		},
		audiototextai: {
			action: action(
				'Transcribe',
				'audioToTextAi',
				{
					resource: 'transcription',
					operation: 'transcribe',
					inputType: 'url',
					audioUrl: url('weekly-meeting.mp3'),
					waitMode: 'none',
					options: { webhookUrl: triggerUrl('callback', true) },
				},
				'audioToTextAiApi',
			),
			trigger: {
				name: 'Trigger',
				type: type('audioToTextAiTrigger'),
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: {
					secretToken: CALLBACK_SECRET,
					statuses: ['completed', 'failed'],
					fetchFullResult: true,
					output: 'simplified',
				},
				credentials: credentialRef('audioToTextAiApi', credentials),
			},
		},
	}[service.id];
	const workflows = [
		{
			id: `pkg${service.id}`.padEnd(16, '0').slice(0, 16),
			name: `${service.packageName}: transcribe`,
			nodes: [MANUAL_TRIGGER, byService.action],
			connections: { Start: { main: [[{ node: 'Transcribe', type: 'main', index: 0 }]] } },
			settings: {},
			active: false,
		},
	];
	if (byService.trigger)
		workflows.push({
			id: `trg${service.id}`.padEnd(16, '0').slice(0, 16),
			name: `${service.packageName}: trigger`,
			nodes: [byService.trigger],
			connections: {},
			settings: {},
			active: false,
		});
	return workflows;
}

// n8n 2.x's installer (extract, drop peers, npm install) is what this reproduces; n8n 1.x installs community
// packages differently (npm install of the package name), so under N8N_LINE=1 this file is skipped.
const onLine2 = (process.env.N8N_LINE || '2') === '2' ? describe : describe.skip;

onLine2('single-service packages in n8n 2.x', () => {
	let root;
	let stack;
	let n8n;
	let packed;
	let credentials;
	const workflows = {};

	async function listExecutions(workflowId) {
		return (await n8n.api('GET', `/executions?workflowId=${workflowId}&limit=100`)).data;
	}

	async function execute(workflowId) {
		const before = new Set((await listExecutions(workflowId)).map((e) => e.id));
		const result = await n8n
			.cli(['execute', `--id=${workflowId}`, '--rawOutput'])
			.catch((error) => error);
		const created = (await listExecutions(workflowId)).filter((e) => !before.has(e.id));
		if (created.length !== 1)
			throw new Error(
				`Expected one new execution of ${workflowId}, found ${created.length}:\n${result.stdout ?? ''}\n${result.stderr ?? result.message}`,
			);
		return runView(await n8n.api('GET', `/executions/${created[0].id}?includeData=true`));
	}

	beforeAll(async () => {
		root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-packages-e2e-'));
		packed = packAll({ outDir: path.join(root, 'artifacts'), build: false, log: () => {} });
		const samplesDir = path.join(root, 'samples');
		// Every emulator on a free port (0), n8n on its own free block.
		const ports = Object.fromEntries(
			Object.keys(DEFAULT_PORTS)
				.filter((name) => name !== 'n8n')
				.map((name) => [name, 0]),
		);
		stack = await startEmulators({ ports, samplesDir, processingDelayMs: 300 });
		n8n = new N8n({ userFolder: root, port: await freePortBlock() });
		for (const service of SERVICES)
			installLikeN8n(
				root,
				packed.find((p) => p.name === service.packageName).file,
				service.packageName,
			);
		credentials = credentialsFor(stack.urls);
		for (const service of SERVICES)
			workflows[service.id] = workflowsFor(service, {
				n8nUrl: n8n.url,
				filesUrl: stack.urls.files,
				credentials,
			});
		await n8n.importJson('credentials', credentials);
		await n8n.importJson('workflows', Object.values(workflows).flat());
		await n8n.start();
	}, 900_000);
	afterAll(async () => {
		await n8n?.stop();
		await stack?.close();
		if (root && !process.env.E2E_KEEP) fs.rmSync(root, { recursive: true, force: true });
	});

	test('no copy of n8n-workflow is installed next to the packages: n8n resolves its own', () => {
		expect(fs.existsSync(path.join(root, '.n8n', 'nodes', 'node_modules', 'n8n-workflow'))).toBe(
			false,
		);
	});

	test.each(SERVICES.map((s) => [s.packageName, s]))(
		'%s: its types load under its package name',
		async (name, service) => {
			const nodeTypes = await n8n.rest('POST', '/rest/node-types', {
				nodeInfos: service.nodeFiles.map((file) => ({
					name: `${name}.${typeName(file)}`,
					version: 1,
				})),
			});
			expect(nodeTypes.map((type) => type.name).sort()).toEqual(
				service.nodeFiles.map(typeName).sort(),
			);
			const known = await n8n.rest('GET', '/types/credentials.json').catch(() => undefined);
			const types =
				known ??
				JSON.parse(
					fs.readFileSync(
						path.join(root, '.cache', 'n8n', 'public', 'types', 'credentials.json'),
						'utf8',
					),
				);
			expect(types.map((c) => c.name)).toEqual(
				expect.arrayContaining(service.credentialFiles.map(typeName)),
			);
		},
	);

	describe.each(SERVICES.map((s) => [s.packageName, s]))('%s in real n8n', (name, service) => {
		test('its workflow runs against the emulator; its trigger starts exactly one run for the genuine callback', async () => {
			const [flow, triggerFlow] = workflows[service.id];
			if (triggerFlow) await n8n.publish(triggerFlow.id);
			const run = await execute(flow.id);
			expect(run.error).toBeUndefined();
			const [item] = run.output('Transcribe');
			expect(item.json).toMatchObject({ provider: service.id });
			expect(item.json.jobId ?? item.json.text).toBeTruthy();
			if (!triggerFlow) {
				expect(item.json).toMatchObject({
					status: 'completed',
					text: expect.stringContaining('meeting.mp3'),
				});
				return;
			}
			const emulator = stack.emulators[service.id];
			const delivery = await eventually(
				() => emulator.webhooks.find((w) => w.jobId === item.json.jobId && w.status),
				{
					what: `${name} webhook delivered`,
				},
			);
			expect(delivery.status).toBe(200);
			const runs = await eventually(
				async () => {
					const list = await listExecutions(triggerFlow.id);
					return (
						list.length > 0 &&
						list.every((e) => e.status !== 'running' && e.status !== 'new') &&
						list
					);
				},
				{ what: `${name} trigger run finished` },
			);
			expect(runs).toHaveLength(1);
			const result = runView(await n8n.api('GET', `/executions/${runs[0].id}?includeData=true`));
			expect(result.status).toBe('success');
			expect(result.output('Trigger')[0].json).toMatchObject({
				provider: service.id,
				jobId: item.json.jobId,
				status: 'completed',
			});
		});
	});

	describe('the bundle next to a single-service package', () => {
		const sideBySide = {
			id: 'pkgSideBySide001',
			name: 'bundle and n8n-nodes-hispeech, one credential',
			nodes: [
				MANUAL_TRIGGER,
				...['n8n-nodes-hispeech', bundle.name].map((pkg, index) => ({
					id: `h${index}`,
					name: pkg,
					type: `${pkg}.hispeech`,
					typeVersion: 1,
					position: [240 + 240 * index, 0],
					parameters: {
						resource: 'transcription',
						operation: 'transcribe',
						inputType: 'url',
						audioUrl: '',
						waitMode: 'sync',
					},
				})),
			],
			connections: {
				Start: { main: [[{ node: 'n8n-nodes-hispeech', type: 'main', index: 0 }]] },
				'n8n-nodes-hispeech': { main: [[{ node: bundle.name, type: 'main', index: 0 }]] },
			},
			settings: {},
			active: false,
		};

		beforeAll(async () => {
			await n8n.stop();
			installLikeN8n(root, packed.find((p) => p.name === bundle.name).file, bundle.name);
			for (const node of sideBySide.nodes.slice(1)) {
				node.parameters.audioUrl = `${stack.urls.files}/meeting.mp3`;
				node.credentials = credentialRef('hispeechApi', credentials);
			}
			await n8n.importJson('workflows', [sideBySide]);
			await n8n.start();
		}, 300_000);

		test('both packages load; each node type keeps its package name; one credential of the shared type serves both', async () => {
			const names = ['n8n-nodes-hispeech', bundle.name].map((pkg) => `${pkg}.hispeech`);
			const nodeTypes = await n8n.rest('POST', '/rest/node-types', {
				nodeInfos: names.map((name) => ({ name, version: 1 })),
			});
			expect(nodeTypes).toHaveLength(2);
			// What the README says: the editor's node list holds both, under one display name (the node
			// panel shows the node twice), and the credential type once per package, each naming its own node.
			const panel = (await n8n.rest('GET', '/types/nodes.json')).filter((t) =>
				names.includes(t.name),
			);
			expect(panel.map((t) => [t.name, t.displayName]).sort()).toEqual(
				names.map((name) => [name, 'Hispeech']).sort(),
			);
			const credentialTypes = (await n8n.rest('GET', '/types/credentials.json')).filter(
				(t) => t.name === 'hispeechApi',
			);
			expect(credentialTypes.map((t) => t.supportedNodes).sort()).toEqual(
				names.map((name) => [name]).sort(),
			);
			const run = await execute(sideBySide.id);
			expect(run.error).toBeUndefined();
			for (const pkg of ['n8n-nodes-hispeech', bundle.name])
				expect(run.output(pkg)[0].json).toMatchObject({
					provider: 'hispeech',
					status: 'completed',
				});
		});
	});
});
