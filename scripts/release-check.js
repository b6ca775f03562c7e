'use strict';
// `npm run release:check` (CI and .ci/run): what publishing needs, checked without publishing. Packs the six
// tarballs (scripts/pack.js; `--no-build` reuses dist/), validates the GitHub Actions workflows with
// @action-validator/cli (offline), and runs `npm publish --dry-run` on every tarball (no login needed).
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { packAll } = require('./pack');
const { ROOT } = require('./lib/packages');

const step = (what) => console.log(`release:check: ${what}`);

step('packing the six tarballs');
const packed = packAll({ build: !process.argv.includes('--no-build') });

const workflowsDir = path.join(ROOT, '.github', 'workflows');
for (const file of fs.readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f))) {
	step(`action-validator .github/workflows/${file}`);
	execFileSync('action-validator', [path.join(workflowsDir, file)], {
		cwd: ROOT,
		stdio: 'inherit',
	});
}

for (const { name, file } of packed) {
	step(`npm publish --dry-run ${path.relative(ROOT, file)}`);
	const version = JSON.parse(
		execFileSync('tar', ['-xOzf', file, 'package/package.json'], { encoding: 'utf8' }),
	).version;
	// A path starting with ./ is a tarball to npm (a bare relative path reads as a GitHub shorthand).
	const out = execFileSync(
		'npm',
		['publish', '--dry-run', '--access', 'public', `./${path.relative(ROOT, file)}`],
		{ cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
	);
	if (!out.includes(`+ ${name}@${version}`))
		throw new Error(`npm publish --dry-run did not report ${name}@${version}:\n${out}`);
}
step(`all ${packed.length} packages ready to publish`);
