'use strict';
// Every example workflow as a new user runs it: imported into a real n8n and started from its one
// manual trigger (the editor's "Execute workflow" button starts the same node), with no input but
// what the workflow itself reads or downloads. A sender that asks a provider to call back is run with
// its trigger workflow published: the callback must start that trigger workflow exactly once.
const { startE2e, eventually } = require('./harness');

const MANUAL = 'n8n-nodes-base.manualTrigger';
const isTrigger = (node) => node.type === MANUAL || /Trigger$/.test(node.type);

let env;
beforeAll(async () => {
	env = await startE2e();
}, 900_000);
afterAll(async () => {
	await env?.close();
});

/** The trigger workflows a sender calls back: those whose webhook id appears in one of its parameters. */
function callbackTargets(sender) {
	const text = JSON.stringify(sender.nodes.map((node) => node.parameters));
	return env.workflows.filter((workflow) =>
		workflow.nodes.some((node) => node.webhookId && text.includes(`/webhook/${node.webhookId}/`)),
	);
}

/** The `/webhook/<id>/<path>` paths a sender gives the provider (without the query). */
function callbackUrls(sender) {
	const text = JSON.stringify(sender.nodes.map((node) => node.parameters));
	return [
		...new Set([...text.matchAll(/\/webhook\/[0-9a-f-]+\/[a-z]+/g)].map((match) => match[0])),
	];
}

const senders = () => env.workflows.filter((w) => w.nodes.some((node) => node.type === MANUAL));

describe('each example runs from its manual trigger', () => {
	const files = require('node:fs')
		.readdirSync(require('node:path').join(__dirname, '../../examples'))
		.map((file) => file.replace(/\.json$/, ''))
		.filter((file) => !/trigger/.test(file));

	test.each(files)(
		'%s',
		async (file) => {
			const sender = env.workflows.find((w) => w.file === file);
			const targets = callbackTargets(sender);
			for (const target of targets) {
				await env.n8n.publish(target.id);
			}
			const before = new Map();
			for (const target of targets)
				before.set(
					target.id,
					(await env.listExecutions(target.id)).map((e) => e.id),
				);
			// Activation is asynchronous: until the webhook route exists n8n answers 404 (a call without the
			// secret or signature is refused and starts nothing).
			for (const url of callbackUrls(sender)) {
				await eventually(
					async () => (await env.n8n.request('POST', url, { body: {} })).status !== 404,
					{ what: `${url} registered`, timeoutMs: 30_000 },
				);
			}

			const run = await env.execute(sender.id);
			expect(run.error).toBeUndefined();
			expect(run.status).toBe('success');
			// Every node of the sender ran (none is left unconnected or unfed).
			expect(run.ran.sort()).toEqual(sender.nodes.map((node) => node.name).sort());
			for (const node of sender.nodes.filter((n) => n.type !== MANUAL))
				expect(run.output(node.name).length).toBeGreaterThan(0);

			for (const target of targets) {
				const fresh = async () =>
					(await env.listExecutions(target.id)).filter(
						(e) => !before.get(target.id).includes(e.id),
					);
				const finished = await eventually(
					async () => {
						const list = await fresh();
						return (
							list.length > 0 &&
							list.every((e) => e.status !== 'running' && e.status !== 'new') &&
							list
						);
					},
					{ what: `${target.file} started by the callback` },
				);
				expect(finished.map((e) => [e.mode, e.status])).toEqual([['webhook', 'success']]);
				const result = env.runView(
					await env.n8n.api('GET', `/executions/${finished[0].id}?includeData=true`),
				);
				expect(result.ran.sort()).toEqual(target.nodes.map((node) => node.name).sort());
				// Exactly one delivery was accepted, and it started exactly one run.
				const hookId = target.nodes.find((n) => n.webhookId).webhookId;
				const deliveries = Object.values(env.stack.emulators)
					.flatMap((emu) => emu.webhooks ?? [])
					.filter((hook) => hook.url?.includes(hookId) && hook.status >= 200 && hook.status < 300);
				expect(deliveries).toHaveLength(1);
				expect(await fresh()).toHaveLength(1);
				await env.n8n.api('POST', `/workflows/${target.id}/deactivate`);
			}
		},
		240_000,
	);
});

test('`npm start` keeps an edited example across a restart; --reset-examples brings the original back', async () => {
	const { importExamples } = require('../../scripts/lib/examples');
	const example = env.workflows.find((w) => w.file === 'hispeech-summarize-translate');
	const stored = await env.n8n.rest('GET', `/rest/workflows/${example.id}`);
	await env.n8n.rest('PATCH', `/rest/workflows/${example.id}`, {
		name: 'My meeting notes',
		versionId: stored.versionId,
	});

	// What `npm start` does before it starts n8n: import the examples the instance does not have.
	await env.n8n.stop();
	const kept = await importExamples(env.n8n, env.workflows);
	expect(kept.imported).toEqual([]);
	expect(kept.kept.map((w) => w.file).sort()).toEqual(env.workflows.map((w) => w.file).sort());
	await env.n8n.start();
	expect((await env.n8n.rest('GET', `/rest/workflows/${example.id}`)).name).toBe(
		'My meeting notes',
	);

	await env.n8n.stop();
	const reset = await importExamples(env.n8n, env.workflows, { reset: true });
	expect(reset.imported).toHaveLength(env.workflows.length);
	await env.n8n.start();
	expect((await env.n8n.rest('GET', `/rest/workflows/${example.id}`)).name).toBe(example.name);
}, 300_000);
