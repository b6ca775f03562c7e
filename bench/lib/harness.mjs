// What the figures share: n8n's engine harness, the emulators, and small measuring helpers.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const require = createRequire(import.meta.url);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const engine = require('../../test/harness/engine.js');
export const MiB = 1024 * 1024;

/** Runs a workflow and returns the run with the named node's output and own execution time. */
export async function runNode({ input, node, credentials }) {
	const started = performance.now();
	const result = await engine.runWorkflow({ input, nodes: [node], credentials }).result;
	const wallMs = performance.now() - started;
	const runs = result.run.data.resultData.runData[node.name] ?? [];
	const last = runs[runs.length - 1];
	return {
		result,
		output: result.output(node.name),
		wallMs,
		nodeStartedAt: last?.startTime,
		nodeMs: last?.executionTime,
	};
}

/** Runs a script in a child process and parses the last line it prints as JSON. */
export function runChild(script, args, { timeoutMs = 30 * 60_000 } = {}) {
	return new Promise((resolve, reject) =>
		execFile(
			process.execPath,
			['--expose-gc', script, ...args],
			{ maxBuffer: 16 << 20, timeout: timeoutMs },
			(error, out, err) => {
				if (error) return reject(new Error(`${path.basename(script)} ${args.join(' ')}: ${error.message}\n${err}`));
				resolve(JSON.parse(out.trim().split('\n').pop()));
			},
		),
	);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small binary item for the engine's input node. */
export function audioItem(name, content, json = {}) {
	return { json: { name, ...json }, binary: { data: { content, fileName: name, mimeType: 'audio/wav' } } };
}

export const round = (n, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

/** Writes a file of `sizeMiB` distinct MiB blocks (each numbered); returns its SHA-256. */
export async function writeFile(file, sizeMiB) {
	const hash = crypto.createHash('sha256');
	const block = crypto.randomBytes(MiB);
	const out = fs.createWriteStream(file);
	for (let i = 0; i < sizeMiB; i++) {
		block.writeUInt32BE(i, 0);
		hash.update(block);
		if (!out.write(block)) await new Promise((resolve) => out.once('drain', resolve));
	}
	await new Promise((resolve) => out.end(resolve));
	return hash.digest('hex');
}
