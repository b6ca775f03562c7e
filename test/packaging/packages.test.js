'use strict';
// The six npm packages (scripts/pack.js) packed from the built dist/, extracted and checked the way n8n
// checks a community package: its scanner's two lint legs (the source tree; the tarball's **/*.js and
// package.json) with zero findings, the files a tarball may hold, and for each single-service package
// exactly the code its entry files require and nothing of another provider.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { packAll } = require('../../scripts/pack');
const { ROOT, SERVICES, bundle, ownerOf, requireClosure } = require('../../scripts/lib/packages');

jest.setTimeout(300_000);

/** n8n's scanner on a folder (test/support/scan.mjs runs it: it is an ES module). */
function scan(dir, patterns) {
	const args = [path.join(__dirname, '..', 'support', 'scan.mjs'), dir];
	if (patterns) args.push(JSON.stringify(patterns));
	// Without jest's NODE_ENV=test: n8n's lint rules read it as "linting the rules' own fixtures".
	const { NODE_ENV, ...env } = process.env;
	return JSON.parse(execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env }));
}

/** Every file under dir, as '/'-separated relative paths. */
function listFiles(dir, prefix = '') {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const relative = prefix + entry.name;
		return entry.isDirectory()
			? listFiles(path.join(dir, entry.name), `${relative}/`)
			: [relative];
	});
}

let tmp;
let packed;
beforeAll(() => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-packages-'));
	packed = packAll({ outDir: path.join(tmp, 'artifacts'), build: false, log: () => {} }).map(
		(result) => {
			const dir = path.join(tmp, 'extracted', result.name);
			fs.mkdirSync(dir, { recursive: true });
			execFileSync('tar', ['xzf', result.file, '-C', dir, '--strip-components=1']);
			return { ...result, dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'))) };
		},
	);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const single = () => packed.filter((p) => p.name !== bundle.name);

test('the source tree passes n8n\'s scanner (its SOURCE_FILE_PATTERNS leg)', () => {
	expect(scan(ROOT)).toEqual({ passed: true });
});

test('pack:all writes the bundle and the five single-service tarballs, one version', () => {
	expect(packed.map((p) => path.basename(p.file))).toEqual([
		`${bundle.name}-${bundle.version}.tgz`,
		...SERVICES.map((s) => `n8n-nodes-${s.id}-${bundle.version}.tgz`),
	]);
	expect(packed.every((p) => p.manifest.version === bundle.version)).toBe(true);
});

test.each(['n8n-nodes-transcription', ...SERVICES.map((s) => s.packageName)])(
	'%s: scanner tarball leg passes; only package.json, README.md, LICENSE, CHANGELOG.md, dist/ (and the bundle\'s index.js)',
	(name) => {
		const pkg = packed.find((p) => p.name === name);
		expect(scan(pkg.dir, ['**/*.js', 'package.json'])).toEqual({ passed: true });
		const files = listFiles(pkg.dir);
		const topLevel = new Set(files.filter((f) => !f.startsWith('dist/')));
		const expected = ['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json'];
		if (name === bundle.name) expected.push('index.js');
		expect([...topLevel].sort()).toEqual(expected.sort());
		expect(files.filter((f) => /\.(map|ts)$/.test(f))).toEqual([]);
		const { manifest } = pkg;
		expect(manifest.dependencies).toBeUndefined();
		expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(manifest.keywords).toContain('n8n-community-node-package');
		expect(manifest.license).toBe('MIT');
		for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials])
			expect(files).toContain(file);
	},
);

test.each(SERVICES.map((s) => [s.packageName, s]))(
	'%s holds exactly the closure of its entry files and nothing of another provider',
	(name, service) => {
		const pkg = packed.find((p) => p.name === name);
		const dist = listFiles(pkg.dir).filter((f) => f.startsWith('dist/'));
		const entries = [...pkg.manifest.n8n.nodes, ...pkg.manifest.n8n.credentials];
		expect(entries.sort()).toEqual([...service.nodeFiles, ...service.credentialFiles].sort());
		// Minimal: every file is required (or named as an icon / codex) by the entry files, recomputed here
		// on the extracted package.
		expect(requireClosure(pkg.dir, entries)).toEqual(dist.sort());
		expect(dist.filter((file) => ownerOf(file) && ownerOf(file) !== service)).toEqual([]);
		// No other provider's name in any file (the shared code is provider-free).
		const others = SERVICES.filter((s) => s !== service).flatMap((s) => [
			s.id,
			s.credential.charAt(0).toLowerCase() + s.credential.slice(1),
		]);
		for (const file of dist.filter((f) => /\.(js|json)$/.test(f))) {
			const text = fs.readFileSync(path.join(pkg.dir, file), 'utf8').toLowerCase();
			expect([file, others.filter((word) => text.includes(word.toLowerCase()))]).toEqual([file, []]);
		}
		// Its codex files name the node type by this package.
		for (const codex of dist.filter((f) => f.endsWith('.node.json')))
			expect(JSON.parse(fs.readFileSync(path.join(pkg.dir, codex))).node).toMatch(
				new RegExp(`^${name}\\.`),
			);
	},
);

test('the single-service packages together hold every node and credential of the bundle', () => {
	expect(single().flatMap((p) => p.manifest.n8n.nodes).sort()).toEqual([...bundle.n8n.nodes].sort());
	expect(single().flatMap((p) => p.manifest.n8n.credentials).sort()).toEqual(
		[...bundle.n8n.credentials].sort(),
	);
});

test('index.js requires exactly the files of package.json\'s n8n section and exports their classes', () => {
	const source = fs.readFileSync(path.join(ROOT, 'index.js'), 'utf8');
	const required = [...source.matchAll(/require\('\.\/([^']+)'\)/g)].map(([, file]) => file);
	expect(required.sort()).toEqual([...bundle.n8n.nodes, ...bundle.n8n.credentials].sort());
	const exported = require(path.join(ROOT, 'index.js'));
	const className = (file) => path.basename(file).replace(/\.(node|credentials)\.js$/, '');
	expect(Object.keys(exported.nodes).sort()).toEqual(bundle.n8n.nodes.map(className).sort());
	expect(Object.keys(exported.credentials).sort()).toEqual(bundle.n8n.credentials.map(className).sort());
});
