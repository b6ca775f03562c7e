'use strict';
/**
 * `npm run pack:all`: builds from a clean dist/ and writes the six tarballs into artifacts/:
 * n8n-nodes-transcription-<version>.tgz (the bundle, this package.json) and one
 * n8n-nodes-<service>-<version>.tgz per service. A single-service package holds its nodes, its
 * credential and exactly the shared code they require (scripts/lib/packages.js computes the closure),
 * and nothing of another provider. `node scripts/pack.js --no-build --out=<dir>` packs an existing build.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const {
	ROOT,
	SERVICES,
	bundle,
	ownerOf,
	requireClosure,
	serviceManifest,
	serviceReadme,
} = require('./lib/packages');

/** Files every package carries next to dist/. */
const COMMON_FILES = ['LICENSE', 'CHANGELOG.md'];

function npmPack(dir, outDir) {
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], {
		cwd: dir,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const [info] = JSON.parse(out);
	return {
		file: path.join(outDir, info.filename),
		files: info.files.map((f) => f.path),
		size: info.size,
	};
}

/** Stages one single-service package in `stageDir` and checks that nothing of another provider is in it. */
function stageService(service, stageDir) {
	const files = requireClosure(ROOT, [...service.nodeFiles, ...service.credentialFiles]);
	const foreign = files.filter((file) => ownerOf(file) && ownerOf(file) !== service);
	if (foreign.length)
		throw new Error(
			`${service.packageName} would contain other providers' files: ${foreign.join(', ')}`,
		);
	for (const file of files) {
		const target = path.join(stageDir, file);
		fs.mkdirSync(path.dirname(target), { recursive: true });
		if (file.endsWith('.node.json')) {
			// The codex names the node type by its package: n8n-nodes-<service>.<node>.
			const codex = JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
			codex.node = codex.node.replace(/^[^.]+\./, `${service.packageName}.`);
			fs.writeFileSync(target, `${JSON.stringify(codex, null, '\t')}\n`);
		} else fs.copyFileSync(path.join(ROOT, file), target);
	}
	for (const file of COMMON_FILES)
		fs.copyFileSync(path.join(ROOT, file), path.join(stageDir, file));
	fs.writeFileSync(path.join(stageDir, 'README.md'), serviceReadme(service));
	fs.writeFileSync(
		path.join(stageDir, 'package.json'),
		`${JSON.stringify(serviceManifest(service), null, 2)}\n`,
	);
	return files;
}

/** Packs all six into `outDir`; returns [{ name, file, files, size }]. */
function packAll({ outDir = path.join(ROOT, 'artifacts'), build = true, log = console.log } = {}) {
	if (build) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
	fs.mkdirSync(outDir, { recursive: true });
	const results = [{ name: bundle.name, ...npmPack(ROOT, outDir) }];
	const stageRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-pack-'));
	try {
		for (const service of SERVICES) {
			const stageDir = path.join(stageRoot, service.id);
			stageService(service, stageDir);
			results.push({ name: service.packageName, ...npmPack(stageDir, outDir) });
		}
	} finally {
		fs.rmSync(stageRoot, { recursive: true, force: true });
	}
	for (const { file, files, size } of results)
		log(`${path.relative(ROOT, file)}  ${files.length} files, ${(size / 1024).toFixed(1)} KiB`);
	return results;
}

if (require.main === module) {
	const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
	packAll({
		build: !process.argv.includes('--no-build'),
		outDir: arg('out') && path.resolve(arg('out')),
	});
}

module.exports = { packAll, stageService };
