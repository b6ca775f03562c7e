'use strict';
/**
 * A real n8n server for `npm start` and the e2e tests: a user folder with SQLite, this package
 * installed into it as a community package, an owner account from environment variables, the n8n
 * CLI (import, execute, publish) and the REST and public APIs over HTTP.
 *
 *   const n8n = new N8n({ line: '2', userFolder, port: 5678 });
 *   n8n.installPackage();                 // copy (default) or symlink dist/ into .n8n/nodes
 *   await n8n.cli(['import:credentials', `--input=${file}`]);
 *   await n8n.start();                    // resolves when /healthz/readiness answers
 *   await n8n.login();  await n8n.rest('GET', '/rest/workflows');
 *   await n8n.restart();                  // same user folder and database
 *   await n8n.stop();
 *
 * Queue mode (scripts/lib/queue.js) makes one instance per process: `command` 'worker' or 'webhook'
 * runs `n8n worker` / `n8n webhook` instead of `n8n start`, with the database and queue in `env`.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ensureRuntime, runtimeEnv, ROOT } = require('./runtime');
const { OWNER } = require('./stack');

const PACKAGE_NAME = require(path.join(ROOT, 'package.json')).name;

/** What a community package needs at runtime: its manifest, the entry file and the built code. */
const PACKAGE_FILES = ['package.json', 'index.js', 'dist'];

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class N8n {
	/**
	 * @param {object} options
	 * @param {string} options.userFolder N8N_USER_FOLDER (n8n keeps its data in `<userFolder>/.n8n`)
	 * @param {number} [options.port] HTTP port (the task broker uses port + 1, CLI runs port + 2)
	 * @param {string} [options.line] '2' (n8n 2.x, default) or '1' (1.x LTS)
	 * @param {object} [options.env] extra environment variables
	 * @param {(line: string) => void} [options.onOutput] receives n8n's log lines (default: dropped, kept in `output`)
	 * @param {'start'|'worker'|'webhook'} [options.command] the n8n command start() runs (default 'start'); a
	 *   worker's `port` is its health server (QUEUE_HEALTH_CHECK_PORT), ready when /healthz/readiness answers
	 * @param {string[]} [options.args] extra arguments of the command (e.g. ['--concurrency=5'])
	 */
	constructor({
		userFolder,
		port = 5678,
		line = process.env.N8N_LINE || '2',
		env = {},
		onOutput,
		command = 'start',
		args = [],
	} = {}) {
		this.userFolder = path.resolve(userFolder);
		this.port = port;
		this.url = `http://127.0.0.1:${port}`;
		this.env = env;
		this.onOutput = onOutput;
		this.command = command;
		this.args = args;
		this.runtime = ensureRuntime(line);
		this.output = [];
		this.child = null;
		this.cookie = '';
		this.apiKey = '';
	}

	get line() {
		return this.runtime.line;
	}

	/** The environment of every n8n process of this instance. */
	environment(extra = {}) {
		const hash = ownerPasswordHash(this.runtime.dir, OWNER.password);
		const env = runtimeEnv(this.runtime, {
			N8N_USER_FOLDER: this.userFolder,
			DB_TYPE: 'sqlite',
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_EDITOR_BASE_URL: `${this.url}/`,
			// 2.x deprecates WEBHOOK_URL for N8N_WEBHOOK_URL; 1.x knows only WEBHOOK_URL.
			[this.runtime.line === '2' ? 'N8N_WEBHOOK_URL' : 'WEBHOOK_URL']: `${this.url}/`,
			N8N_RUNNERS_BROKER_PORT: String(this.port + 1),
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			// n8n's list of verified community nodes comes from api.n8n.io (api-staging.n8n.io when NODE_ENV
			// is not production, as here): a local instance has no use for it, and offline it logs errors.
			N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			// 2.x warns that these defaults will shrink: set them to the future values explicitly.
			N8N_RUNNERS_TASK_TIMEOUT: '60',
			N8N_COMPRESSION_NODE_MAX_DECOMPRESSED_SIZE_BYTES: String(256 * 1024 * 1024),
			N8N_COMPRESSION_NODE_MAX_ZIP_ENTRIES: '1000',
			// 2.x: silences a failing outbound fetch at boot; 1.x does not know the module and refuses to start.
			...(this.runtime.line === '2' ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
			N8N_INSTANCE_OWNER_FIRST_NAME: OWNER.firstName,
			N8N_INSTANCE_OWNER_LAST_NAME: OWNER.lastName,
			N8N_INSTANCE_OWNER_PASSWORD_HASH: hash,
			N8N_LOG_LEVEL: 'info',
			...this.env,
			...extra,
		});
		// n8n refuses to load nodes when it believes it runs inside a test runner (NODE_ENV=test under jest).
		delete env.NODE_ENV;
		delete env.JEST_WORKER_ID;
		return env;
	}

	/**
	 * Installs the built package as a community package: a copy of package.json, index.js and dist/
	 * (mode 'copy', what `npm install` would leave) or a symlink to the repository (mode 'symlink', so a
	 * rebuild shows after an n8n restart).
	 */
	installPackage(mode = 'copy') {
		const nodesDir = path.join(this.userFolder, '.n8n', 'nodes');
		const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.rmSync(target, { recursive: true, force: true });
		if (mode === 'symlink') fs.symlinkSync(ROOT, target, 'dir');
		else
			for (const entry of PACKAGE_FILES)
				fs.cpSync(path.join(ROOT, entry), path.join(target, entry), { recursive: true });
		// The package's one runtime need, its peer dependency, resolves to n8n's own copy (as after a
		// real install), not to a devDependency of a repository that happens to contain the folder.
		const peer = path.join(nodesDir, 'node_modules', 'n8n-workflow');
		fs.rmSync(peer, { recursive: true, force: true });
		fs.symlinkSync(path.join(this.runtime.dir, 'node_modules', 'n8n-workflow'), peer, 'dir');
		return target;
	}

	/** Runs an n8n CLI command (its own task-broker port, so it works while the server runs). */
	cli(args, { env = {}, timeoutMs = 180_000 } = {}) {
		return new Promise((resolve, reject) => {
			const child = spawn(this.runtime.nodeBin, [this.runtime.n8nBin, ...args], {
				env: this.environment({
					N8N_RUNNERS_BROKER_PORT: String(this.port + 2),
					N8N_LOG_LEVEL: 'warn',
					...env,
				}),
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk) => (stdout += chunk));
			child.stderr.on('data', (chunk) => (stderr += chunk));
			const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
			child.on('error', reject);
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				if (code === 0) resolve({ stdout, stderr });
				else
					reject(
						Object.assign(
							new Error(`n8n ${args.join(' ')} failed (${code ?? signal}):\n${stderr || stdout}`),
							{ stdout, stderr, code },
						),
					);
			});
		});
	}

	/** Publishes (activates) a workflow while the server is stopped; it goes live at the next start. */
	publishOffline(id) {
		return this.cli(
			this.line === '1'
				? ['update:workflow', `--id=${id}`, '--active=true']
				: ['publish:workflow', `--id=${id}`],
		);
	}

	/** Publishes (activates) a workflow on the running server; its webhooks answer shortly after. */
	async publish(id) {
		return this.api('POST', `/workflows/${id}/activate`);
	}

	/** Imports credentials or workflows (arrays of objects) through the CLI. */
	async importJson(kind, entries) {
		const dir = path.join(this.userFolder, 'imports');
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, `${kind}.json`);
		fs.writeFileSync(file, JSON.stringify(entries, null, 2));
		return this.cli([
			kind === 'workflows' ? 'import:workflow' : 'import:credentials',
			`--input=${file}`,
		]);
	}

	/** Starts `n8n start` (or the instance's command) and waits until it is ready; returns the boot time in milliseconds. */
	async start({ timeoutMs = 120_000 } = {}) {
		if (this.child) throw new Error('n8n is already running');
		const started = Date.now();
		const child = spawn(this.runtime.nodeBin, [this.runtime.n8nBin, this.command, ...this.args], {
			env: this.environment(),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true, // its own process group, so stop() also ends the task runners it starts
		});
		this.child = child;
		this.exited = new Promise((resolve) =>
			child.on('exit', (code, signal) => resolve({ code, signal })),
		);
		const collect = (chunk) => {
			for (const line of String(chunk).split('\n')) {
				if (!line) continue;
				this.output.push(line);
				if (this.output.length > 2000) this.output.shift();
				this.onOutput?.(line);
			}
		};
		child.stdout.on('data', collect);
		child.stderr.on('data', collect);
		let exitedEarly = null;
		void this.exited.then((result) => (exitedEarly = result));
		while (Date.now() - started < timeoutMs) {
			if (exitedEarly) {
				this.child = null;
				throw new Error(
					`n8n exited during start (${exitedEarly.code ?? exitedEarly.signal}):\n${this.output.slice(-40).join('\n')}`,
				);
			}
			try {
				// 1.x answers readiness before its REST routes exist; /rest/settings answers once they do.
				const ready = await fetch(`${this.url}/healthz/readiness`);
				const res =
					ready.ok && this.command === 'start' ? await fetch(`${this.url}/rest/settings`) : ready;
				if (res.ok) {
					this.bootMs = Date.now() - started;
					return this.bootMs;
				}
			} catch {
				// not listening yet
			}
			await wait(250);
		}
		await this.stop();
		throw new Error(
			`n8n was not ready after ${timeoutMs} ms:\n${this.output.slice(-40).join('\n')}`,
		);
	}

	/** Stops the server (SIGTERM to its process group, SIGKILL after `graceMs`). */
	async stop({ graceMs = 20_000 } = {}) {
		const child = this.child;
		if (!child) return;
		const signalGroup = (signal) => {
			try {
				process.kill(-child.pid, signal);
			} catch {
				// already gone
			}
		};
		signalGroup('SIGTERM');
		const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
		await this.exited;
		clearTimeout(timer);
		signalGroup('SIGKILL'); // anything of the group still left (task runners)
		this.child = null;
		this.cookie = '';
	}

	/** Stops and starts again with the same user folder and database. */
	async restart() {
		await this.stop();
		return this.start();
	}

	/** An HTTP call to this n8n; JSON in and out. */
	async request(method, urlPath, { body, headers = {} } = {}) {
		const res = await fetch(`${this.url}${urlPath}`, {
			method,
			headers: {
				...(body !== undefined ? { 'content-type': 'application/json' } : {}),
				...headers,
			},
			body:
				body === undefined
					? undefined
					: typeof body === 'string' || Buffer.isBuffer(body)
						? body
						: JSON.stringify(body),
		});
		const text = await res.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		return { status: res.status, headers: res.headers, text, json };
	}

	/** Logs in as the owner (cookie kept for rest()). */
	async login() {
		if (this.line === '1') {
			// 1.x has no owner-from-environment settings: set the owner up once, over the REST API.
			const setup = await this.request('POST', '/rest/owner/setup', {
				body: {
					email: OWNER.email,
					firstName: OWNER.firstName,
					lastName: OWNER.lastName,
					password: OWNER.password,
				},
			});
			if (setup.status === 200) return this.keepCookie(setup);
		}
		const res = await this.request('POST', '/rest/login', {
			// 2.x names the field emailOrLdapLoginId; 1.x calls it email.
			body: { emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password },
		});
		if (res.status !== 200) throw new Error(`Login failed (${res.status}): ${res.text}`);
		return this.keepCookie(res);
	}

	keepCookie(res) {
		this.cookie = (res.headers.getSetCookie?.() ?? [res.headers.get('set-cookie')])
			.filter(Boolean)
			.map((cookie) => cookie.split(';')[0])
			.join('; ');
		return res.json.data;
	}

	/** A call to the editor's REST API as the logged-in owner. */
	async rest(method, urlPath, body) {
		if (!this.cookie) await this.login();
		const res = await this.request(method, urlPath, {
			body,
			headers: { cookie: this.cookie, 'browser-id': 'e2e' },
		});
		if (res.status >= 400)
			throw Object.assign(new Error(`${method} ${urlPath} → ${res.status}: ${res.text}`), {
				response: res,
			});
		return res.json?.data ?? res.json;
	}

	/** A call to the public API (`/api/v1`), with an API key created on first use. */
	async api(method, urlPath, body) {
		if (!this.apiKey) {
			const scopes = await this.rest('GET', '/rest/api-keys/scopes').catch(() => undefined);
			const created = await this.rest('POST', '/rest/api-keys', {
				label: `e2e ${Date.now()}`,
				expiresAt: null,
				...(scopes ? { scopes } : {}),
			});
			this.apiKey = created.rawApiKey ?? created.apiKey;
		}
		const res = await this.request(method, `/api/v1${urlPath}`, {
			body,
			headers: { 'x-n8n-api-key': this.apiKey },
		});
		if (res.status >= 400)
			throw Object.assign(new Error(`${method} /api/v1${urlPath} → ${res.status}: ${res.text}`), {
				response: res,
			});
		return res.json;
	}
}

const hashes = new Map();
/** A bcrypt hash of the owner password, made with the runtime's own bcryptjs (pure JavaScript). */
function ownerPasswordHash(runtimeDir, password) {
	const key = `${runtimeDir}\0${password}`;
	if (!hashes.has(key)) {
		const bcrypt = require(path.join(runtimeDir, 'node_modules', 'bcryptjs'));
		hashes.set(key, bcrypt.hashSync(password, 10));
	}
	return hashes.get(key);
}

module.exports = { N8n, PACKAGE_NAME };
