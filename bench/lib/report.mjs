// The results: one table (console and Markdown) and an SVG chart of measured vs baseline per figure.
const COLUMNS = ['Figure', 'Goal', 'Measured', 'Baseline', 'Ratio', 'Result'];

export function verdict(row) {
	if (row.info) return 'info';
	if (row.pass === null || row.pass === undefined) return 'pending';
	return row.pass ? 'pass' : 'FAIL';
}

const ratioText = (ratio) => (typeof ratio === 'number' && Number.isFinite(ratio) ? `${ratio.toFixed(ratio < 0.1 ? 3 : 2)}×` : '—');
const cells = (row) => [row.figure, row.goal, row.measured, row.baseline, ratioText(row.ratio), verdict(row)];

export function consoleTable(rows) {
	const table = [COLUMNS, ...rows.map(cells)];
	const widths = COLUMNS.map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
	const line = (r) => r.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ');
	return [line(table[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...table.slice(1).map(line)].join('\n');
}

const md = (text) => String(text).replace(/\|/g, '\\|');

export function markdown(rows, { mode, timing, startedAt, machine, explanations = {} }) {
	const missed = rows.filter((row) => row.pass === false);
	const lines = [
		'# Benchmark results',
		'',
		`\`npm run bench -- --${mode}\`, last run ${startedAt}; durations (figures: seconds) ${timing}. ${machine}`,
		'',
		'Each figure runs the built nodes inside n8n\'s execution engine (test/harness/engine.js) against the local',
		'emulators, side by side with a baseline in the same run, so the ratio (measured ÷ baseline) holds on a noisy',
		'machine. Chart: [chart.svg](chart.svg).',
		'',
		`| ${COLUMNS.join(' | ')} |`,
		`|${COLUMNS.map(() => '---').join('|')}|`,
		...rows.map((row) => `| ${cells(row).map(md).join(' | ')} |`),
		'',
		'## Notes',
		'',
		...rows.map((row) => `- **${md(row.figure)}** — ${row.note ?? ''}`),
		'',
		...(missed.length > 0
			? ['## Goals missed, and why', '', ...missed.map((row) => `- **${md(row.figure)}** — ${explanations[row.figure] ?? 'not yet explained.'}`), '']
			: []),
	];
	return lines.join('\n');
}

const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : Number(n.toFixed(n >= 10 ? 1 : 2)).toString());

/** Two bars per figure (measured, baseline), each figure on its own scale, the goal as a dashed line. */
export function chart(rows, { mode }) {
	const plotted = rows.filter((row) => row.chart);
	const labelW = 300;
	const barW = 520;
	const rowH = 58;
	const top = 56;
	const width = labelW + barW + 140;
	const height = top + plotted.length * rowH + 40;
	const out = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
		`<rect width="100%" height="100%" fill="#ffffff"/>`,
		`<text x="16" y="24" font-size="16" font-weight="bold">n8n-nodes-transcription benchmarks (${esc(mode)} run): this package vs the usual approach</text>`,
		`<rect x="16" y="34" width="12" height="10" fill="#2e7d32"/><text x="32" y="43">this package (green: goal met, red: missed)</text>`,
		`<rect x="300" y="34" width="12" height="10" fill="#9e9e9e"/><text x="316" y="43">baseline</text>`,
		`<line x1="390" y1="39" x2="410" y2="39" stroke="#1565c0" stroke-width="2" stroke-dasharray="4 3"/><text x="414" y="43">goal</text>`,
		`<text x="470" y="43" fill="#555">each figure has its own scale; shorter is better unless marked ↑</text>`,
	];
	plotted.forEach((row, i) => {
		const y = top + i * rowH;
		const { measured, baseline, unit, goal, higherIsBetter } = row.chart;
		const max = Math.max(measured, baseline, goal ?? 0) || 1;
		const w = (v) => Math.max(1, (v / max) * barW);
		const color = row.info ? '#558b2f' : row.pass ? '#2e7d32' : '#c62828';
		out.push(
			`<text x="16" y="${y + 18}" font-weight="bold">${esc(row.figure)}${higherIsBetter ? ' ↑' : ''}</text>`,
			`<text x="16" y="${y + 34}" fill="#555">ratio ${esc(ratioText(row.ratio))} · ${esc(verdict(row))}</text>`,
			`<rect x="${labelW}" y="${y + 6}" width="${w(measured)}" height="18" fill="${color}"/>`,
			`<text x="${labelW + w(measured) + 6}" y="${y + 20}">${esc(fmt(measured))} ${esc(unit)}</text>`,
			`<rect x="${labelW}" y="${y + 27}" width="${w(baseline)}" height="18" fill="#9e9e9e"/>`,
			`<text x="${labelW + w(baseline) + 6}" y="${y + 41}">${esc(fmt(baseline))} ${esc(unit)}</text>`,
		);
		if (goal !== undefined) {
			const x = labelW + w(goal);
			out.push(`<line x1="${x}" y1="${y + 2}" x2="${x}" y2="${y + 49}" stroke="#1565c0" stroke-width="2" stroke-dasharray="4 3"/>`);
		}
	});
	const pending = rows.filter((row) => !row.chart).map((row) => `${row.figure}: ${row.measured}`);
	if (pending.length > 0) {
		out.push(`<text x="16" y="${height - 14}" fill="#555">Not charted: ${esc(pending.join(' · '))}</text>`);
	}
	out.push('</svg>', '');
	return out.join('\n');
}
