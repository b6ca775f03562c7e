'use strict';
// The editor as a user sees it (n8n 2.x): in chromium, every node of the package is found by
// searching its name in the node panel, added to a new workflow and its parameter panel saved as a
// screenshot; then an example workflow runs from the editor's "Execute workflow" button.
// `npm run screenshots` saves the same screenshots to docs/screenshots/.
const fs = require('node:fs');
const path = require('node:path');
const { startE2e } = require('./harness');
const { openEditor, NODES, EDITOR_RUN } = require('./screenshots');
const { credentialsFor } = require('../../scripts/lib/stack');
const { n8n: manifest } = require('../../package.json');

const ROOT = path.resolve(__dirname, '../..');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The package's node descriptions by type name (from the build that n8n loaded). */
const descriptions = Object.fromEntries(
	manifest.nodes.map((file) => {
		const exports = require(path.join(ROOT, file));
		const { description } = new (Object.values(exports)[0])();
		return [`n8n-nodes-transcription.${description.name}`, description];
	}),
);

/** The names of the imported credentials, by credential type. */
const credentialNames = Object.fromEntries(credentialsFor({}).map((c) => [c.type, c.name]));

// The 1.x LTS line has another editor; the screenshots are of the current line.
const describeEditor = (process.env.N8N_LINE || '2') === '2' ? describe : describe.skip;

describeEditor('the editor in chromium', () => {
	let env;
	let editor;
	let outDir;
	beforeAll(async () => {
		env = await startE2e();
		outDir = path.join(env.root, 'screenshots');
		editor = await openEditor(env.n8n.url);
	}, 300_000);
	afterAll(async () => {
		await editor?.close();
		await env?.close();
	});

	const isPng = (file) => fs.readFileSync(file).subarray(0, 8).equals(PNG);

	test.each(NODES.map((node) => [node.search, node]))('%s: found by its name in the node panel, its parameter panel shown', async (_name, node) => {
		const shot = await editor.addNode(node, outDir);
		const description = descriptions[shot.type];
		expect(description).toBeDefined(); // one of the package's node types, under its production name
		// The node is named after the action picked (action nodes) or its default name (triggers).
		expect(shot.title).toBe(node.trigger ? description.defaults.name : node.pick[1]);
		expect(shot.icon.src).toContain('icons/n8n-nodes-transcription/dist/nodes/');
		expect(shot.icon.width).toBeGreaterThan(0);
		expect(shot.parameters.slice(0, node.parameters.length)).toEqual(node.parameters);
		// Labels are display names, never raw parameter keys.
		const rawKeys = description.properties.filter((p) => p.name !== p.displayName).map((p) => p.name);
		expect(shot.parameters.filter((label) => rawKeys.includes(label))).toEqual([]);
		expect(shot.text).not.toMatch(/not (currently )?installed|unrecognized node|could not load/i);
		// A node that always needs a credential gets the imported one of its type preselected.
		const credential = description.credentials?.find((c) => !c.displayOptions);
		expect(shot.credential).toEqual(credential ? [credentialNames[credential.name]] : []);
		expect(isPng(shot.file)).toBe(true);
		expect(shot.bytes).toBeGreaterThan(20_000);
	});

	test('an example workflow runs from the "Execute workflow" button', async () => {
		const { workflowId, open } = EDITOR_RUN;
		const run = await editor.runWorkflow(workflowId, { open, outDir });
		expect(run.nodes).toContain(open);
		expect(run.succeeded).toEqual(run.nodes); // every node marked successful on the canvas
		expect(run.output.replace(/\s+/g, ' ')).toContain('"text": "Transcript of meeting.mp3 (48000 bytes)"');
		for (const file of run.files) expect(isPng(file)).toBe(true);
		// n8n recorded it: one successful manual execution, with the transcript in the node's output.
		const manual = await env.listExecutions(workflowId, 'manual');
		expect(manual.map((e) => e.status)).toEqual(['success']);
		const execution = env.runView(await env.n8n.api('GET', `/executions/${manual[0].id}?includeData=true`));
		expect(execution.output(open)[0].json).toMatchObject({ provider: 'hispeech', status: 'completed', text: 'Transcript of meeting.mp3 (48000 bytes)' });
		expect(execution.ran).toEqual(expect.arrayContaining(run.nodes));
	});
});
