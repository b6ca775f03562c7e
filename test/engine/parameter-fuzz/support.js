// The parameter-fuzz engine suite (issue 17): for every operation of an action node, every
// parameter visible for it (options inside collections included) is set, alone, by an expression
// to values of the wrong kind, everything else valid. The list of parameters comes from the node
// descriptions in dist/ (their displayOptions), not from a hand-written list.
//
// Each run has two items: item 0 gets the wrong value, item 1 the valid one, with Continue On
// Fail. Every run must end (jest's timeout bounds it; Max Waits are small), keep both items, and
// succeed for item 1. Item 0 must end in an item-level error that names the parameter and says what
// is valid, or be provably harmless: its requests are exactly those a valid equivalent value sends
// (a number 42 for a text field sends what "42" sends). No request may carry "[object Object]",
// "NaN" or "undefined". Requests are recorded by a small proxy in front of each emulator.
const http = require('node:http');
const path = require('node:path');
const { cleanup, runWorkflow } = require('../../harness/engine');

const DIST = path.resolve(__dirname, '../../../dist/nodes');
const FORBIDDEN = ['[object Object]', 'NaN', 'undefined'];

/** The node's description properties, loaded from dist/ as n8n loads them. */
function nodeProperties(folder) {
	const module = require(path.join(DIST, folder, `${folder}.node.js`));
	return new module[folder]().description.properties;
}

/** n8n's displayOptions rule for `show` / `hide` (the keys this package uses: plain parameter values). */
function isVisible(property, parameters, defaults) {
	const valueOf = (name) => (name in parameters ? parameters[name] : defaults[name]);
	const { show = {}, hide = {} } = property.displayOptions ?? {};
	const showOk = Object.entries(show).every(([name, values]) => values.includes(valueOf(name)));
	const hidden = Object.entries(hide).some(([name, values]) => values.includes(valueOf(name)));
	return showOk && !hidden;
}

/** Parameters visible for these parameters (first level), in description order. */
function visibleProperties(properties, parameters) {
	const defaults = Object.fromEntries(properties.map((p) => [p.name, p.default]));
	const seen = new Set();
	return properties.filter((property) => {
		if (seen.has(property.name) || !isVisible(property, parameters, defaults)) return false;
		seen.add(property.name);
		return true;
	});
}

const CATALOGUE = new Set(['model', 'language']);
/** Catalogues the provider may extend (models, languages, "Name or ID" dropdowns) may pass through. */
const isCatalogue = (property) =>
	CATALOGUE.has(property.name) || Boolean(property.typeOptions?.loadOptionsMethod);

/**
 * The wrong values for a parameter, each with what must happen:
 * 'error' — an item-level error naming it; 'either' — an error naming it, or success;
 * { equivalent } — an error naming it, or exactly the requests `equivalent` sends.
 * Each value is JavaScript source for the expression (so NaN and undefined can be given).
 */
function wrongValues(property) {
	const min = property.typeOptions?.minValue;
	const max = property.typeOptions?.maxValue;
	switch (property.type) {
		case 'number':
			return [
				['"abc"', 'error'],
				['undefined', 'error'],
				['NaN', 'error'],
				['-5', min !== undefined && -5 < min ? 'error' : 'either'],
				['1e12', max !== undefined ? 'error' : 'either'],
			];
		case 'boolean':
			return [
				['"yes"', 'error'],
				['2', 'error'],
			];
		case 'options': {
			const values = (property.options ?? [])
				.map((option) => option.value)
				.filter((v) => typeof v === 'string');
			const sample = values.find((v) => v && v.toUpperCase() !== v) ?? 'value';
			const free = isCatalogue(property) ? 'either' : 'error';
			return [
				['"zz-unknown"', free],
				[JSON.stringify(sample.toUpperCase()), free],
				['({ a: 1 })', 'error'],
			];
		}
		case 'multiOptions':
			return [
				['"zz-unknown"', 'error'],
				['({ a: 1 })', 'error'],
			];
		case 'dateTime':
			return [
				['({ a: 1 })', 'error'],
				['"not a date"', 'error'],
			];
		case 'string':
			return [
				['({ a: 1 })', 'error'],
				// A list of words is what Vocabulary means; any other list is an error.
				['[1, 2]', property.name === 'vocabulary' ? 'either' : 'error'],
				['""', property.required ? 'error' : 'either'],
				['42', { equivalent: '"42"' }],
			];
		default:
			return [];
	}
}

/**
 * The fuzz targets of one operation configuration: top-level parameters and collection options,
 * each with how to set it and its valid value for item 1.
 */
function fuzzTargets(properties, base) {
	const targets = [];
	for (const property of visibleProperties(properties, base)) {
		if (['resource', 'operation'].includes(property.name) || property.noDataExpression) continue;
		if (property.type === 'collection') {
			for (const option of property.options ?? []) {
				const collection = base[property.name] ?? {};
				targets.push({
					label: `${property.displayName} → ${option.displayName}`,
					displayName: option.displayName,
					property: option,
					valid: option.name in collection ? collection[option.name] : option.default,
					set: (expression) => ({ [property.name]: { ...collection, [option.name]: expression } }),
				});
			}
			continue;
		}
		if (!wrongValues(property).length) continue;
		targets.push({
			label: property.displayName,
			displayName: property.displayName,
			property,
			valid: property.name in base ? base[property.name] : property.default,
			set: (expression) => ({ [property.name]: expression }),
		});
	}
	return targets;
}

/** A proxy in front of an emulator that records every request with its body as text. */
async function startRecordingProxy(target) {
	const requests = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			requests.push({
				method: req.method,
				url: req.url,
				body: body.subarray(0, 1 << 20).toString('latin1'),
			});
			const targetUrl = new URL(target);
			const forward = http.request(
				{
					host: targetUrl.hostname,
					port: targetUrl.port,
					method: req.method,
					path: targetUrl.pathname.replace(/\/$/, '') + req.url,
					headers: { ...req.headers, host: targetUrl.host },
				},
				(answer) => {
					res.writeHead(answer.statusCode, answer.headers);
					answer.pipe(res);
				},
			);
			forward.on('error', () => res.destroy());
			forward.end(body);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		requests,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(resolve);
			}),
	};
}

/** A request as a comparable line: IDs, boundaries and times made neutral. */
function normalized(request) {
	const neutral = (text) =>
		text
			.replace(/-{2,}[\w.-]{6,}/g, '--BOUNDARY')
			.replace(/[0-9a-f]{8}-[0-9a-f-]{27,}(-\w+)?/gi, ':id')
			.replace(/\b[\w-]*\d[\w-]{5,}\b/g, ':id');
	return `${request.method} ${neutral(request.url)} ${neutral(request.body)}`;
}

/** The text of an error item (message and description), or null for a success. */
function errorText(item) {
	if (item.json.error === undefined) return null;
	const parts = [item.json.error, item.json.description, item.json.details, item.json.message];
	return parts.filter((part) => typeof part === 'string').join(' ');
}

/**
 * Runs one wrong value of one target; returns what the test checks. `scenario` is
 * { type, base, input(), credentials(), proxies, prepare? }.
 */
async function runCase(scenario, target, literal) {
	const extra = scenario.prepare ? await scenario.prepare() : {};
	const base = { ...scenario.base, ...extra.base };
	const expression = `={{ $itemIndex === 0 ? ${literal} : $json.fuzzValid }}`;
	const parameters = { ...base, ...target.set(expression) };
	for (const proxy of scenario.proxies) proxy.requests.length = 0;
	const valid = extra.valid?.[target.property.name] ?? target.valid;
	const input = scenario
		.input()
		.map((item) => ({ ...item, json: { ...item.json, fuzzValid: valid } }));
	const { result } = runWorkflow({
		input,
		nodes: [{ name: 'Node', type: scenario.type, parameters, onError: 'continueRegularOutput' }],
		credentials: scenario.credentials(),
	});
	const run = await result;
	const requests = scenario.proxies.flatMap((proxy) => [...proxy.requests]);
	return { run, output: run.output('Node'), requests };
}

/** Checks one wrong value; returns a list of problems (empty when all holds). */
async function checkCase(scenario, target, [literal, expectation]) {
	const problems = [];
	const { run, output, requests } = await runCase(scenario, target, literal);
	const where = `${target.label} = ${literal}`;
	for (const request of requests) {
		const text = `${request.url} ${request.body}`;
		for (const token of FORBIDDEN)
			if (text.includes(token))
				problems.push(`${where}: a request carried "${token}": ${request.method} ${request.url}`);
	}
	// Items are matched to their input by pairedItem (Get Many gives several per input item).
	const of = (index) =>
		output.filter((item) =>
			[item.pairedItem].flat().some((pair) => (pair?.item ?? pair) === index),
		);
	// A list that is empty for the wrong value is fine when it is as empty for the valid equivalent.
	const emptyAsEquivalent = async () =>
		expectation.equivalent &&
		of(0).length === 0 &&
		(await runCase(scenario, target, expectation.equivalent)).output.length === of(1).length;
	if (
		of(1).length === 0 ||
		of(0).length + of(1).length !== output.length ||
		(of(0).length === 0 && !(await emptyAsEquivalent()))
	) {
		problems.push(
			`${where}: items went missing: ${output.length} output items (${run.error?.message ?? run.status})`,
		);
		return problems;
	}
	for (const item of of(1)) {
		const good = errorText(item);
		if (good !== null) problems.push(`${where}: the good item failed: ${good}`);
	}
	const bad =
		of(0)
			.map(errorText)
			.find((text) => text !== null) ?? null;
	if (bad !== null && expectation.equivalent) {
		// Harmless when the valid equivalent fails the same way (e.g. no binary field "42").
		const twin = await runCase(scenario, target, expectation.equivalent);
		if (twin.output.map(errorText).includes(bad)) return problems;
	}
	if (bad !== null) {
		const catalogue =
			isCatalogue(target.property) && /^"/.test(literal) && expectation === 'either';
		if (!catalogue && !bad.toLowerCase().includes(target.displayName.toLowerCase()))
			problems.push(`${where}: the error does not name "${target.displayName}": ${bad}`);
		if (!catalogue && !/must|one of|use |set |enter |choose|map |paste|valid/i.test(bad))
			problems.push(`${where}: the error does not say what is valid: ${bad}`);
		return problems;
	}
	if (expectation === 'error')
		problems.push(`${where}: accepted (expected an error naming "${target.displayName}")`);
	if (expectation.equivalent) {
		const twin = await runCase(scenario, target, expectation.equivalent);
		// Distinct requests: how often a job's status is polled depends on timing, not on the value.
		const distinct = (list) => [...new Set(list.map(normalized))].sort();
		const mine = distinct(requests);
		const theirs = distinct(twin.requests);
		if (JSON.stringify(mine) !== JSON.stringify(theirs))
			problems.push(
				`${where}: sent other requests than ${expectation.equivalent} does:\n${mine.join('\n')}\n---\n${theirs.join('\n')}`,
			);
	}
	return problems;
}

/**
 * Declares the jest tests of one provider: one test per (configuration, parameter), running all
 * its wrong values. `scenarios()` is called after setup, so it can use started emulators.
 */
function fuzzSuite(title, folder, configurations, getScenario) {
	const properties = nodeProperties(folder);
	describe(title, () => {
		for (const configuration of configurations) {
			const targets = fuzzTargets(properties, configuration.base);
			test.each(targets.map((target) => [target.label, target]))(
				`${configuration.name}: %s`,
				async (_label, target) => {
					const scenario = { ...getScenario(configuration), base: configuration.base };
					const problems = [];
					for (const value of wrongValues(target.property))
						problems.push(...(await checkCase(scenario, target, value)));
					expect(problems).toEqual([]);
				},
			);
		}
	});
}

/** The job ID a one-item run of `type` with `parameters` gives (a Don't Wait create, for Get and Delete). */
async function createdJobId(type, parameters, input, credentials) {
	const { result } = runWorkflow({
		input: [input],
		nodes: [{ name: 'Create', type, parameters }],
		credentials,
	});
	return (await result).output('Create')[0].json.jobId;
}

/** An audio item of 8000 bytes (8 seconds at the emulators' 1000 bytes per second). */
const audioItem = () => ({
	json: {},
	binary: { data: { content: 'a'.repeat(8000), fileName: 'talk.mp3', mimeType: 'audio/mpeg' } },
});

/** Starts the emulator and a recording proxy in front of each of its `hosts` before the suite; stops all after. */
function withEmulator(start, hosts = ['url']) {
	const state = { emu: null, proxies: {} };
	beforeAll(async () => {
		state.emu = await start();
		for (const host of hosts) state.proxies[host] = await startRecordingProxy(state.emu[host]);
	});
	afterAll(async () => {
		for (const proxy of Object.values(state.proxies)) await proxy.close();
		await state.emu.close();
		cleanup();
	});
	return state;
}

module.exports = { fuzzSuite, startRecordingProxy, createdJobId, audioItem, withEmulator };
