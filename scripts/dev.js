'use strict';
/**
 * `npm run dev`: `npm start` with the package linked (not copied) into n8n, rebuilt on every change
 * and n8n restarted to load it. TypeScript compiles in watch mode (`tsc --watch`); icons and codex
 * files are copied again when they change; after each successful compile or copy, the `npm start`
 * stack (n8n and the emulators) restarts. Ctrl-C stops everything.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);

let app = null; // the running `scripts/start.js --link --no-build`
let restartTimer = null;
let stopping = false;

function startApp() {
	app = spawn(
		process.execPath,
		[path.join(__dirname, 'start.js'), '--link', '--no-build', ...process.argv.slice(2)],
		{
			cwd: ROOT,
			stdio: 'inherit',
		},
	);
	const child = app;
	child.on('exit', () => {
		if (app === child) app = null;
	});
}

function stopApp() {
	const child = app;
	if (!child) return Promise.resolve();
	app = null;
	return new Promise((resolve) => {
		child.once('exit', resolve);
		child.kill('SIGINT');
	});
}

/** Restarts n8n shortly after the last change (a save often touches several files). */
function scheduleRestart(why) {
	if (stopping) return;
	clearTimeout(restartTimer);
	restartTimer = setTimeout(async () => {
		console.log(`\n[dev] ${why}: restarting n8n with the new build…`);
		await stopApp();
		if (!stopping) startApp();
	}, 500);
}

function copyIcons() {
	try {
		execFileSync(bin('gulp'), ['build:icons', '--silent'], { cwd: ROOT, stdio: 'inherit' });
		return true;
	} catch {
		console.error('[dev] copying icons failed');
		return false;
	}
}

console.log('[dev] building…');
execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
startApp();

// TypeScript: restart after each compile that ends without errors (not after the first one).
const tsc = spawn(bin('tsc'), ['-p', 'tsconfig.json', '--watch', '--preserveWatchOutput'], {
	cwd: ROOT,
	stdio: ['ignore', 'pipe', 'inherit'],
});
let firstCompile = true;
tsc.stdout.on('data', (chunk) => {
	for (const line of String(chunk).split('\n')) {
		if (!line.trim()) continue;
		if (/error TS/.test(line)) console.log(`[tsc] ${line}`);
		const done = /Found (\d+) errors?\. Watching for file changes/.exec(line);
		if (!done) continue;
		if (firstCompile) firstCompile = false;
		else if (done[1] === '0') scheduleRestart('TypeScript compiled');
		else console.log(`[dev] ${done[1]} TypeScript error(s): n8n keeps the last good build`);
	}
});

// Icons and codex files: copy them into dist/ again, then restart.
const watchers = ['nodes', 'credentials'].map((dir) =>
	fs.watch(path.join(ROOT, dir), { recursive: true }, (_event, file) => {
		if (file && /\.(svg|png|json)$/.test(file) && copyIcons()) scheduleRestart(`${file} changed`);
	}),
);

async function shutdown() {
	if (stopping) return;
	stopping = true;
	clearTimeout(restartTimer);
	for (const watcher of watchers) watcher.close();
	tsc.kill('SIGTERM');
	await stopApp();
	process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
