'use strict';
/**
 * `npm start`: a local n8n with every node of this package, all provider emulators, credentials that
 * point at them and the example workflows. Runs until Ctrl-C, then stops everything it started.
 *
 *   npm start                      n8n 2.x on http://127.0.0.1:5678
 *   npm start -- --link            symlink the package instead of copying it (rebuild + restart to see changes)
 *   npm start -- --reset-examples  import every example workflow again (undoes your edits to them)
 *   npm run dev                    --link, rebuilt on change and restarted (scripts/dev.js)
 *   N8N_LINE=1 npm start           n8n 1.x LTS (needs Node 20 or 22)
 *
 * The user folder is `.n8n-local/` (git-ignored); delete it to start from scratch. An example workflow
 * is imported only when the instance does not have it yet, so edits to the examples survive a restart.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT } = require('./lib/runtime');
const {
	DEFAULT_PORTS,
	OWNER,
	credentialsFor,
	exampleWorkflows,
	startEmulators,
} = require('./lib/stack');
const { N8n } = require('./lib/n8n');
const { importExamples } = require('./lib/examples');

async function main() {
	const link = process.argv.includes('--link');
	const resetExamples = process.argv.includes('--reset-examples');
	const line = process.env.N8N_LINE || '2';
	const userFolder = path.join(ROOT, line === '2' ? '.n8n-local' : `.n8n-local-${line}.x`);
	const samplesDir = path.join(userFolder, 'samples');

	// `npm run dev` builds (and rebuilds) the package itself.
	if (!process.argv.includes('--no-build')) {
		console.log('Building the package…');
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
	}

	const n8n = new N8n({
		userFolder,
		port: DEFAULT_PORTS.n8n,
		line,
		env: { N8N_RESTRICT_FILE_ACCESS_TO: samplesDir },
		onOutput: (text) => console.log(`[n8n] ${text}`),
	});
	const stack = await startEmulators({ ports: DEFAULT_PORTS, samplesDir });
	let stopping = false;
	const stop = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the emulators…');
		await n8n.stop();
		await stack.close();
		console.log('n8n and the emulators stopped.');
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	try {
		n8n.installPackage(link ? 'symlink' : 'copy');
		// Credentials always point at this run's emulators; examples are imported only when missing.
		await n8n.importJson('credentials', credentialsFor(stack.urls));
		const workflows = exampleWorkflows({ urls: stack.urls, n8nUrl: n8n.url, samplesDir });
		const { imported, kept } = await importExamples(n8n, workflows, { reset: resetExamples });
		console.log(
			kept.length === 0
				? `Imported the ${imported.length} example workflows.`
				: `Example workflows: ${kept.length} already in n8n, kept as they are${imported.length ? `; imported ${imported.map((w) => w.file).join(', ')}` : ''} (\`npm start -- --reset-examples\` imports them all again).`,
		);
		console.log('Starting n8n…');
		const bootMs = await n8n.start();
		console.log(`
n8n ${line}.x is ready (booted in ${(bootMs / 1000).toFixed(1)} s)

  Open   ${n8n.url}
  Login  ${OWNER.email} / ${OWNER.password}

Emulators (API keys are already in the credentials):
${Object.entries(stack.urls)
	.map(([name, url]) => `  ${name.padEnd(20)} ${url}`)
	.join('\n')}
Sample recordings: ${samplesDir}
Press Ctrl-C to stop.`);
		const exit = await n8n.exited;
		if (!stopping) {
			console.error(
				`n8n exited (${exit.code ?? exit.signal}):\n${n8n.output.slice(-30).join('\n')}`,
			);
			await stop(1);
		}
	} catch (error) {
		console.error(error.message);
		await stop(1);
	}
}

if (!fs.existsSync(path.join(ROOT, 'node_modules'))) {
	console.error('Run `npm ci` first.');
	process.exit(1);
}
void main();
