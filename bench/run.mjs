// npm run bench [-- --quick | --full] [--only=<figure file>,...]
// Runs every figure in bench/figures/ (each a module exporting { name, run({ quick }) → rows }),
// prints one table, and writes bench/RESULTS.md, bench/RESULTS.json and bench/chart.svg (quick runs
// write RESULTS.quick.* and chart.quick.svg, so the committed full results stay). With --only, the
// figures not re-run keep their rows from the last run of the same mode. Exits non-zero when a
// size-independent goal (hard: upload memory, forged-callback rejection) fails or a figure crashes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { engine } from './lib/harness.mjs';
import { chart, consoleTable, markdown, verdict } from './lib/report.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// 'queue' boots n8n in queue mode (PostgreSQL, Redis, main, webhook process, workers): full runs only.
const FIGURES = ['upload-memory', 'many-jobs', 'callback', 'per-item', 'multipart', 'submission', 'trigger', 'queue'];

const args = process.argv.slice(2);
const unknown = args.filter((arg) => !['--quick', '--full'].includes(arg) && !arg.startsWith('--only='));
if (unknown.length > 0 || (args.includes('--quick') && args.includes('--full'))) {
	console.error('Usage: npm run bench -- [--quick | --full] [--only=upload-memory,many-jobs,...]');
	process.exit(2);
}
const quick = args.includes('--quick');
const mode = quick ? 'quick' : 'full';
const only = args.find((arg) => arg.startsWith('--only='))?.slice(7).split(',');

const started = Date.now();
const rows = [];
let crashed = false;
for (const file of FIGURES.filter((name) => !only || only.includes(name))) {
	const figure = (await import(`./figures/${file}.mjs`)).default;
	const figureStarted = Date.now();
	process.stdout.write(`▶ ${figure.name} (${mode}) … `);
	try {
		const figureRows = (await figure.run({ quick })).map((row) => ({ ...row, source: file }));
		rows.push(...figureRows);
		console.log(`${((Date.now() - figureStarted) / 1000).toFixed(1)} s: ${figureRows.map(verdict).join(', ')}`);
	} catch (error) {
		crashed = true;
		console.log('crashed');
		console.error(error);
		rows.push({ source: file, figure: figure.name, goal: '—', measured: 'crashed', baseline: '—', ratio: null, pass: false, hard: true, note: String(error.message).split('\n')[0] });
	}
}
engine.cleanup();

const seconds = Math.round((Date.now() - started) / 1000);
const suffix = quick ? '.quick' : '';
const jsonFile = path.join(HERE, `RESULTS${suffix}.json`);
let durations = { [only ? only.join(',') : 'all']: seconds };
if (only && fs.existsSync(jsonFile)) {
	// Keep the rows of the figures not re-run, in figure order.
	const previous = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
	const kept = previous.rows.filter((row) => !only.includes(row.source));
	const order = (row) => FIGURES.indexOf(row.source);
	rows.splice(0, rows.length, ...[...kept, ...rows].sort((a, b) => order(a) - order(b)));
	durations = { ...previous.durations, ...durations };
}
fs.writeFileSync(jsonFile, `${JSON.stringify({ mode, durations, rows }, null, '\t')}\n`);
const machine = `Node ${process.version}, ${os.cpus().length} CPU cores (${os.cpus()[0]?.model?.trim() ?? 'unknown'}), shared with other work.`;
const resultsFile = path.join(HERE, `RESULTS${suffix}.md`);
const chartFile = path.join(HERE, `chart${suffix}.svg`);
// What each figure module says about a goal it may miss (shown for the rows that missed it).
const explanations = {};
for (const file of FIGURES) Object.assign(explanations, (await import(`./figures/${file}.mjs`)).default.explanations ?? {});
const timing = Object.entries(durations).map(([figures, s]) => `${figures}: ${s} s`).join(', ');
fs.writeFileSync(resultsFile, markdown(rows, { mode, timing, startedAt: new Date(started).toISOString(), machine, explanations }).replace('](chart.svg)', `](chart${suffix}.svg)`));
fs.writeFileSync(chartFile, chart(rows, { mode }));

console.log(`\n${consoleTable(rows)}\n`);
console.log(`${mode} run: ${seconds} s. Written: ${path.relative(process.cwd(), resultsFile)}, ${path.relative(process.cwd(), chartFile)}`);
const hardFailures = rows.filter((row) => row.hard && row.pass === false);
const softFailures = rows.filter((row) => !row.hard && row.pass === false);
if (softFailures.length > 0) console.log(`Goals missed (reported, not fatal): ${softFailures.map((row) => row.figure).join('; ')}`);
if (hardFailures.length > 0 || crashed) {
	console.error(`Size-independent goals failed: ${hardFailures.map((row) => row.figure).join('; ')}`);
	process.exit(1);
}
process.exit(0);
