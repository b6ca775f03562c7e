// Shared by the reliability tests: distinctive API keys, a secret scanner that reads every output
// item, error and log line a test produces, and a one-line count report per test file.
const { inspect } = require('node:util');
const { onLog } = require('../harness/engine');

/** Keys no emulator or message would make up by chance; Speech is Cheap keys start with "sk_". */
const KEYS = {
	hispeech: 'hs-live-7Qx2LmVq9RtZ3pK8-hispeech',
	transcribeapi: 'tapi-live-Fw4Nc8Yb2Hs6Jd1E-transcribe',
	speechischeap: 'sk_live_Zr5Tq1Wm7Xv3Bn9C_sic',
	audiototextai: 'a2t-live-Kp6Gd2Vh8Sj4Lf0A-a2t',
	sttai: 'stt-live-Mc3Ye9Ru5Io1Pa7W-sttai',
	/** A wrong key (401 cases) is a credential's key too. */
	wrong: 'wrong-live-Ux8Qb4Tn2Zk6Hg0D-wrong',
};

const text = (value) => (typeof value === 'string' ? value : inspect(value, { depth: 8, breakLength: Infinity }));

/**
 * Collects every piece of text a test produces (output items, errors with their descriptions, n8n
 * log lines at every level, console output) and finds the secrets in it.
 */
function watchSecrets(secrets = Object.values(KEYS)) {
	const lines = [];
	const add = (source, value) => lines.push({ source, text: text(value) });
	const stopLogs = onLog(({ level, message, metadata }) => add(`log:${level}`, `${message} ${text(metadata)}`));
	const originals = {};
	for (const method of ['log', 'info', 'warn', 'error', 'debug']) {
		originals[method] = console[method];
		console[method] = (...args) => {
			add(`console.${method}`, args.map(text).join(' '));
			return originals[method].apply(console, args);
		};
	}
	const addError = (source, error) => {
		if (!error) return;
		add(`${source}:message`, error.message ?? '');
		add(`${source}:description`, error.description ?? '');
		// Everything n8n would save with the run: the error's own properties (its node holds no secret).
		add(`${source}:saved`, JSON.stringify({ ...error, node: undefined, message: error.message, stack: error.stack }, circularSafe()));
	};
	return {
		add,
		addError,
		/** Every item of every node of a finished run, and the run's error. */
		addRun(result) {
			for (const [node, runs] of Object.entries(result.run.data.resultData.runData)) {
				for (const run of runs) {
					addError(`run:${node}`, run.error);
					for (const output of run.data?.main ?? []) {
						for (const item of output ?? []) add(`output:${node}`, JSON.stringify(item.json));
					}
				}
			}
			addError('run', result.error);
		},
		/** What a trigger's webhook() answered and emitted. */
		addWebhook(answer) {
			add('webhook:response', JSON.stringify(answer.body ?? null));
			add('webhook:data', JSON.stringify(answer.workflowData ?? null));
		},
		get count() {
			return lines.length;
		},
		leaks() {
			return lines.filter((line) => secrets.some((secret) => line.text.includes(secret)));
		},
		stop() {
			stopLogs();
			Object.assign(console, originals);
		},
	};
}

function circularSafe() {
	const seen = new WeakSet();
	return (_key, value) => {
		if (value && typeof value === 'object') {
			if (seen.has(value)) return '[circular]';
			seen.add(value);
		}
		return value;
	};
}

/** Prints one line of counts for the closing report (process.stdout, so jest shows it plainly). */
function report(title, counts) {
	const parts = Object.entries(counts).map(([name, value]) => `${name} ${value}`);
	process.stdout.write(`\n[reliability] ${title}: ${parts.join(', ')}\n`);
}

module.exports = { KEYS, watchSecrets, report };
