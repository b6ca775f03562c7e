'use strict';
// The built node descriptions as n8n's editor reads them (dist/): what a user sees in the parameter
// panels, checked across every node of the package.
const path = require('node:path');
const { n8n: manifest } = require('../../package.json');

const ROOT = path.resolve(__dirname, '../..');
const load = (file) => {
	const exports = require(path.join(ROOT, file));
	return new (Object.values(exports)[0])();
};
const nodes = manifest.nodes.map((file) => load(file).description);
const byName = (name) => nodes.find((node) => node.name === name);
const param = (node, name, operation) =>
	node.properties.find(
		(p) =>
			p.name === name && (!operation || p.displayOptions?.show?.operation?.includes(operation)),
	);

/** Every collection and fixed collection, with where it is, at any depth. */
function collections(properties, where) {
	const found = [];
	for (const property of properties) {
		if (property.type !== 'collection' && property.type !== 'fixedCollection') continue;
		found.push({
			where: `${where} › ${property.displayName} (${JSON.stringify(property.displayOptions?.show ?? {})})`,
			property,
		});
		for (const option of property.options)
			found.push(...collections(option.values ?? [option], `${where} › ${property.displayName}`));
	}
	return found;
}

test('options inside every collection are in alphabetical order of their display names', () => {
	const all = nodes.flatMap((node) => collections(node.properties, node.displayName));
	expect(all.length).toBeGreaterThanOrEqual(7);
	for (const { where, property } of all) {
		const names = property.options.map((option) => option.displayName);
		expect({ where, names }).toEqual({
			where,
			names: [...names].sort((a, b) => a.localeCompare(b)),
		});
	}
});

test("Don't Wait names the node's own operation that finishes the job", () => {
	const laterOperation = {
		hispeech: 'Get Status',
		transcribeApi: 'Get Job',
		speechIsCheap: 'Get',
		audioToTextAi: 'Get',
	};
	for (const [name, operation] of Object.entries(laterOperation)) {
		const node = byName(name);
		const operations = node.properties
			.filter((p) => p.name === 'operation')
			.flatMap((p) => p.options.map((o) => o.name));
		expect(operations).toContain(operation);
		const modes = node.properties.filter((p) => p.name === 'waitMode');
		expect(modes.length).toBeGreaterThan(0);
		for (const mode of modes) {
			const none = mode.options.find((option) => option.value === 'none');
			expect(none.description).toBe(
				`Return the job at once; finish it later with the ${operation} operation`,
			);
		}
	}
});

test('STT.ai Transcribe puts its output file in `transcript`, not in the `data` field of the input audio', () => {
	const field = param(byName('sttAi'), 'binaryOutputProperty', 'transcribe');
	expect(field.default).toBe('transcript');
	expect(param(byName('sttAi'), 'binaryPropertyName', 'transcribe')?.default ?? 'data').toBe(
		'data',
	);
});

test('language dropdowns: STT.ai Translate loads them from the API, Speech is Cheap lists the documented ISO 639-1 codes', () => {
	const sttai = byName('sttAi');
	const target = param(sttai, 'target', 'translate');
	const source = param(sttai, 'source', 'translate');
	expect(target).toMatchObject({
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTargetLanguages' },
		required: true,
	});
	expect(source).toMatchObject({
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getSourceLanguages' },
		default: '',
	});
	expect(
		typeof load(manifest.nodes.find((f) => f.includes('SttAi/'))).methods.loadOptions
			.getTargetLanguages,
	).toBe('function');

	const options = param(byName('speechIsCheap'), 'options', 'create').options.find(
		(o) => o.name === 'language',
	);
	expect(options).toMatchObject({ type: 'options', default: '' });
	const values = options.options.map((o) => o.value);
	expect(values).toEqual(expect.arrayContaining(['', 'en', 'de', 'hy', 'zh']));
	expect(values.filter((v) => v !== '').every((v) => /^[a-z]{2}$/.test(v))).toBe(true);
	expect(new Set(values).size).toBe(values.length);
	const names = options.options.map((o) => o.name);
	expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
});

test('the Speech is Cheap credential keeps its type name (saved credentials keep working)', () => {
	const credential = load(manifest.credentials.find((file) => file.includes('SpeechIsCheap')));
	expect(credential.name).toBe('speechIsCheapApi');
	// n8n's strict lint (cred-class-field-display-name-miscased) demands title case here: "Is", not "is".
	expect(credential.displayName).toBe('Speech Is Cheap API');
});

describe('example workflows run from the editor\'s "Execute workflow" button', () => {
	const fs = require('node:fs');
	const dir = path.join(ROOT, 'examples');
	const examples = fs
		.readdirSync(dir)
		.map((file) => [file, JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))]);
	const MANUAL = 'n8n-nodes-base.manualTrigger';
	const isTrigger = (node) => node.type === MANUAL || /Trigger$/.test(node.type);

	test.each(examples)(
		'%s: one trigger (a manual one named as in n8n 2.x), every node connected',
		(_file, workflow) => {
			const triggers = workflow.nodes.filter(isTrigger);
			expect(triggers).toHaveLength(1);
			if (triggers[0].type === MANUAL)
				expect(triggers[0].name).toBe('When clicking ‘Execute workflow’');
			const sources = new Set(Object.keys(workflow.connections));
			const targets = new Set(
				Object.values(workflow.connections).flatMap((c) => c.main.flat().map((to) => to.node)),
			);
			// The trigger starts the flow; every other node receives input from one before it.
			const unconnected = workflow.nodes.filter(
				(node) => !(isTrigger(node) ? sources.has(node.name) : targets.has(node.name)),
			);
			expect(unconnected.map((node) => node.name)).toEqual([]);
		},
	);

	test('every callback an example asks for goes to the webhook of a trigger example', () => {
		const hooks = examples.flatMap(([, w]) =>
			w.nodes.filter((node) => node.webhookId).map((node) => node.webhookId),
		);
		const asked = examples.flatMap(([, w]) =>
			[
				...JSON.stringify(w.nodes.map((n) => n.parameters)).matchAll(/\/webhook\/([0-9a-f-]+)\//g),
			].map((m) => m[1]),
		);
		expect(asked).toHaveLength(3); // TranscribeAPI, Speech is Cheap and AudioToTextAI senders
		for (const id of asked) expect(hooks).toContain(id);
	});
});
