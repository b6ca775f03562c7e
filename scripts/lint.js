'use strict';
// `npm run lint`: n8n's community-node rules (strict), then the formatting check, each announced
// first (n8n-node lint prints nothing for about a minute while it type-checks).
const { spawnSync } = require('node:child_process');

const PRETTIER_PATHS = ['nodes', 'credentials', 'scripts', 'gulpfile.js', 'index.js'];
const steps = [
	[
		'n8n-node lint (n8n community-node rules, strict; up to a minute with a cold cache)',
		'n8n-node',
		['lint'],
	],
	[`prettier --check ${PRETTIER_PATHS.join(' ')}`, 'prettier', ['--check', ...PRETTIER_PATHS]],
];

for (const [what, command, args] of steps) {
	console.log(`lint: ${what}`);
	const started = Date.now();
	const { status } = spawnSync(command, args, { stdio: 'inherit', shell: false });
	if (status !== 0) {
		console.error(`lint: ${command} failed (exit ${status})`);
		process.exit(status ?? 1);
	}
	console.log(`lint: ${command} passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
