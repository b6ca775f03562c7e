'use strict';
/**
 * n8n in queue mode on one machine, for `npm run test:queue` and the queue benchmark: a throwaway
 * PostgreSQL cluster and a redis-server on free loopback ports, the provider emulators, and the n8n
 * processes — one main (`n8n start`), workers (`n8n worker`) and one webhook process (`n8n webhook`),
 * each with its own user folder (this package installed as a community package in every one), its
 * own HTTP and task-broker ports, and the same encryption key, database, Redis and WEBHOOK_URL.
 *
 *   ensureQueueServices();                      // PostgreSQL + Redis from Debian packages when missing
 *   const q = await startQueue({ workers: 2 }); // q.main, q.webhook, q.workers[i] (N8n), q.stack
 *   await q.close();                            // everything it started, also on failure
 *
 * Every process it starts runs in its own process group; close() ends them, and so does an exit,
 * SIGINT or SIGTERM of the Node process that started them (Ctrl-C during a test run).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');
const { N8n } = require('./n8n');
const { credentialsFor, exampleWorkflows, startEmulators } = require('./stack');
const { freePortBlock } = require('../../test/e2e/harness');

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Installing PostgreSQL and Redis
// ---------------------------------------------------------------------------------------------

/** The newest installed PostgreSQL server's bin folder (Debian: /usr/lib/postgresql/<major>/bin). */
function postgresBin() {
	const base = '/usr/lib/postgresql';
	const majors = fs.existsSync(base)
		? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'postgres')))
		: [];
	majors.sort((a, b) => Number(b) - Number(a));
	return majors.length > 0 ? path.join(base, majors[0], 'bin') : null;
}

function onPath(command) {
	for (const dir of (process.env.PATH || '').split(path.delimiter)) {
		const file = path.join(dir, command);
		if (fs.existsSync(file)) return file;
	}
	return null;
}

/**
 * Makes sure a PostgreSQL server and redis-server are installed: `apt-get install -y postgresql
 * redis-server` for what is missing (as root; `apt-get update` first if the package lists are stale).
 * Returns { pgBin, redisServer }.
 */
function ensureQueueServices({ log = (msg) => console.log(`[queue] ${msg}`) } = {}) {
	const missing = [];
	if (!postgresBin()) missing.push('postgresql');
	if (!onPath('redis-server')) missing.push('redis-server');
	if (missing.length > 0) {
		if (process.getuid?.() !== 0) {
			throw new Error(
				`Queue mode needs ${missing.join(' and ')}: run \`sudo apt-get install -y ${missing.join(' ')}\` (Debian/Ubuntu), then try again.`,
			);
		}
		log(`installing ${missing.join(', ')} from the Debian packages…`);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		const install = () =>
			execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
				stdio: ['ignore', 'inherit', 'inherit'],
				env,
			});
		try {
			install();
		} catch {
			execFileSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'], env });
			install();
		}
	}
	const pgBin = postgresBin();
	const redisServer = onPath('redis-server');
	if (!pgBin || !redisServer)
		throw new Error('PostgreSQL or redis-server is still missing after apt-get install');
	return { pgBin, redisServer };
}

// ---------------------------------------------------------------------------------------------
// Processes in their own process groups, ended on close and when this process exits
// ---------------------------------------------------------------------------------------------

/** Process groups (leader pids) started here and not yet ended. */
const groups = new Set();
let exitHooked = false;

function trackGroup(pid) {
	groups.add(pid);
	if (exitHooked) return;
	exitHooked = true;
	const killAll = () => {
		for (const pid of groups) signalGroup(pid, 'SIGKILL');
		groups.clear();
	};
	process.once('exit', killAll);
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.once(signal, () => {
			killAll();
			process.exit(130);
		});
	}
}

function signalGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false; // already gone
	}
}

/** Spawns a server in its own process group; `stop()` sends `signal`, then SIGKILL after `graceMs`. */
function spawnService(
	name,
	command,
	args,
	{ uid, gid, cwd, signal = 'SIGTERM', graceMs = 10_000 } = {},
) {
	const child = spawn(command, args, {
		cwd,
		uid,
		gid,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const output = [];
	const collect = (chunk) => {
		output.push(...String(chunk).split('\n').filter(Boolean));
		if (output.length > 500) output.splice(0, output.length - 500);
	};
	child.stdout.on('data', collect);
	child.stderr.on('data', collect);
	const exited = new Promise((resolve) =>
		child.on('exit', (code, sig) => resolve({ code, signal: sig })),
	);
	trackGroup(child.pid);
	return {
		name,
		child,
		output,
		exited,
		async stop() {
			signalGroup(child.pid, signal);
			const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs);
			await exited;
			clearTimeout(timer);
			signalGroup(child.pid, 'SIGKILL');
			groups.delete(child.pid);
		},
	};
}

/** Registers an N8n instance's process group (after start) so an abrupt exit ends it too. */
function trackN8n(n8n) {
	if (n8n.child) trackGroup(n8n.child.pid);
	return n8n;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL and Redis
// ---------------------------------------------------------------------------------------------

/** The uid/gid PostgreSQL runs as: itself, or the `postgres` user when this runs as root (postgres refuses root). */
function postgresUser() {
	if (process.getuid?.() !== 0) return {};
	const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
	return { uid, gid };
}

/** A throwaway PostgreSQL cluster in `dir` on 127.0.0.1:`port` with an empty database `n8n` (trust auth). */
async function startPostgres({ pgBin, dir, port }) {
	const user = postgresUser();
	fs.mkdirSync(dir, { recursive: true });
	if (user.uid !== undefined) fs.chownSync(dir, user.uid, user.gid);
	const data = path.join(dir, 'data');
	execFileSync(
		path.join(pgBin, 'initdb'),
		['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
		{ ...user, stdio: 'ignore' },
	);
	// Fast shutdown on SIGINT; durability settings off (a test database).
	const server = spawnService(
		'postgres',
		path.join(pgBin, 'postgres'),
		[
			'-D',
			data,
			'-p',
			String(port),
			'-k',
			dir,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
			'-c',
			'max_connections=200',
		],
		{ ...user, signal: 'SIGINT' },
	);
	const deadline = Date.now() + 30_000;
	for (;;) {
		try {
			execFileSync(
				path.join(pgBin, 'createdb'),
				['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'n8n'],
				{ stdio: 'pipe' },
			);
			break;
		} catch (error) {
			if (Date.now() > deadline) {
				await server.stop();
				throw new Error(
					`PostgreSQL did not start: ${String(error.stderr || error.message)}\n${server.output.join('\n')}`,
				);
			}
			await wait(200);
		}
	}
	return { ...server, host: '127.0.0.1', port, database: 'n8n', user: 'postgres' };
}

/** Sends PING to a Redis server; resolves true on +PONG. */
function redisPing(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.setTimeout(1000);
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			socket.destroy();
			resolve(String(data).startsWith('+PONG'));
		});
		socket.once('error', () => resolve(false));
		socket.once('timeout', () => (socket.destroy(), resolve(false)));
	});
}

/** A redis-server on 127.0.0.1:`port`, nothing persisted. */
async function startRedis({ redisServer, dir, port }) {
	fs.mkdirSync(dir, { recursive: true });
	const server = spawnService('redis', redisServer, [
		'--port',
		String(port),
		'--bind',
		'127.0.0.1',
		'--save',
		'',
		'--appendonly',
		'no',
		'--dir',
		dir,
	]);
	const deadline = Date.now() + 20_000;
	while (!(await redisPing(port))) {
		if (Date.now() > deadline) {
			await server.stop();
			throw new Error(`redis-server did not start:\n${server.output.join('\n')}`);
		}
		await wait(100);
	}
	return { ...server, host: '127.0.0.1', port };
}

// ---------------------------------------------------------------------------------------------
// n8n in queue mode
// ---------------------------------------------------------------------------------------------

/** What every n8n process of the deployment shares (the settings a queue-mode user sets). */
function queueEnvironment({ pg, redis, encryptionKey, webhookUrl, samplesDir, lock }) {
	return {
		N8N_ENCRYPTION_KEY: encryptionKey,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: '',
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		// Binary data goes to PostgreSQL, so the process that stores a file and the worker that reads it
		// need not share a disk (n8n's default in queue mode, set explicitly here).
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		// Production webhooks, trigger callbacks and Wait-for-Callback resume URLs point at the webhook process.
		// (N8N_WEBHOOK_URL is 2.x's name; it overrides the one every instance sets to its own address.)
		WEBHOOK_URL: webhookUrl,
		N8N_WEBHOOK_URL: webhookUrl,
		// In 2.x manual runs may also go to workers (n8n 3 makes it the only way).
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		N8N_RESTRICT_FILE_ACCESS_TO: samplesDir,
		// How fast a dead worker's job is noticed (Bull's lock and stalled-job check; n8n defaults: 60 s,
		// 10 s, 30 s). n8n sets Bull's maxStalledCount to 0: a stalled job fails, it is never run again.
		...(lock
			? {
					QUEUE_WORKER_LOCK_DURATION: String(lock.durationMs),
					QUEUE_WORKER_LOCK_RENEW_TIME: String(lock.renewMs),
					QUEUE_WORKER_STALLED_INTERVAL: String(lock.stalledIntervalMs),
				}
			: {}),
	};
}

/** Executions a worker started, from its log ("Worker started execution <id> (job <job>)"), in order. */
function startedExecutions(n8n) {
	const ids = [];
	for (const line of n8n.log) {
		const match = /Worker started execution (\d+) \(job (\d+)\)/.exec(line);
		if (match) ids.push(match[1]);
	}
	return ids;
}

/**
 * Starts the whole deployment. `workers` workers with `concurrency` jobs each; `processingDelayMs` for
 * the emulators; `lock` shortens Bull's lock and stalled check (see queueEnvironment).
 */
async function startQueue({
	workers = 2,
	concurrency = 5,
	processingDelayMs = 300,
	lock,
	log = () => {},
} = {}) {
	const services = ensureQueueServices({ log });
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-'));
	fs.chmodSync(root, 0o755); // the postgres user enters it for its data folder
	const samplesDir = path.join(root, 'samples');
	const started = [];
	const deployment = { root, samplesDir, workers: [], started };
	const close = async () => {
		const n8ns = [...deployment.workers, deployment.webhook, deployment.main].filter(Boolean);
		await Promise.allSettled(n8ns.map((n8n) => n8n.stop()));
		for (const n8n of n8ns) if (n8n.child === null && n8n.pid) groups.delete(n8n.pid);
		await deployment.stack?.close();
		await Promise.allSettled(started.reverse().map((service) => service.stop()));
		if (!process.env.E2E_KEEP) fs.rmSync(root, { recursive: true, force: true });
	};
	deployment.close = close;
	try {
		let t = Date.now();
		const pg = await startPostgres({
			pgBin: services.pgBin,
			dir: path.join(root, 'postgres'),
			port: await freePortBlock(),
		});
		started.push(pg);
		const redis = await startRedis({
			redisServer: services.redisServer,
			dir: path.join(root, 'redis'),
			port: await freePortBlock(),
		});
		started.push(redis);
		deployment.pg = pg;
		deployment.redis = redis;
		log(`PostgreSQL on ${pg.port}, Redis on ${redis.port} (${Date.now() - t} ms)`);
		const ports = {
			hispeech: 0,
			transcribeapi: 0,
			speechischeap: 0,
			speechischeapUpload: 0,
			audiototextai: 0,
			sttai: 0,
			files: 0,
		};
		deployment.stack = await startEmulators({ ports, samplesDir, processingDelayMs });

		const webhookPort = await freePortBlock();
		const webhookUrl = `http://127.0.0.1:${webhookPort}`;
		const shared = queueEnvironment({
			pg,
			redis,
			encryptionKey: crypto.randomBytes(24).toString('hex'),
			webhookUrl: `${webhookUrl}/`,
			samplesDir,
			lock,
		});
		deployment.env = shared;
		const make = (name, port, options = {}) => {
			const n8n = new N8n({
				userFolder: path.join(root, name),
				port,
				env: { ...shared, ...options.env },
				command: options.command,
				args: options.args,
			});
			n8n.name = name;
			n8n.log = [];
			n8n.onOutput = (line) => {
				n8n.log.push(line);
				if (n8n.log.length > 200_000) n8n.log.shift();
			};
			n8n.installPackage(); // every process loads the package from its own user folder
			return n8n;
		};
		const mainPort = await freePortBlock();
		const main = make('main', mainPort);
		deployment.main = main;
		deployment.webhook = make('webhook', webhookPort, { command: 'webhook' });
		let workerCount = 0;
		deployment.addWorker = async () => {
			const name = `worker${++workerCount}`;
			// A worker's `port` is its health server (/healthz/readiness); the task broker takes port + 1.
			const port = await freePortBlock();
			const worker = make(name, port, {
				command: 'worker',
				args: [`--concurrency=${concurrency}`],
				env: { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port) },
			});
			deployment.workers.push(worker);
			await worker.start();
			trackN8n(worker);
			return worker;
		};
		deployment.workflows = exampleWorkflows({
			urls: deployment.stack.urls,
			n8nUrl: webhookUrl,
			samplesDir,
		});
		t = Date.now();
		// The CLI runs the database migrations once, before any server starts.
		await main.importJson('credentials', credentialsFor(deployment.stack.urls));
		await main.importJson(
			'workflows',
			deployment.workflows.map(({ file, ...workflow }) => workflow),
		);
		const timings = { importMs: Date.now() - t };
		t = Date.now();
		await main.start();
		trackN8n(main);
		timings.mainMs = Date.now() - t;
		t = Date.now();
		await Promise.all([
			deployment.webhook.start().then(() => trackN8n(deployment.webhook)),
			...Array.from({ length: workers }, () => deployment.addWorker()),
		]);
		timings.othersMs = Date.now() - t;
		deployment.timings = timings;
		log(
			`n8n main ${main.url}, webhook ${webhookUrl}, ${workers} worker(s): ${JSON.stringify(timings)}`,
		);
		return deployment;
	} catch (error) {
		await close();
		throw error;
	}
}

module.exports = {
	ensureQueueServices,
	startQueue,
	startPostgres,
	startRedis,
	queueEnvironment,
	startedExecutions,
	freePortBlock,
	signalGroup,
	trackN8n,
};

if (require.main === module && process.argv.includes('--install')) ensureQueueServices();
