// Small loopback servers and waits shared by the tests.
const http = require('node:http');
const crypto = require('node:crypto');
const fs = require('node:fs');

/** Serves files by path on 127.0.0.1: `files` maps a path to { content | path, type, noLength }. */
async function startFileServer(files, { port = 0 } = {}) {
	const requests = [];
	const server = http.createServer((req, res) => {
		requests.push({ method: req.method, url: req.url });
		const file = files[req.url];
		if (!file) {
			res.statusCode = 404;
			return res.end('not found');
		}
		res.setHeader('content-type', file.type ?? 'audio/mpeg');
		if (file.path) {
			if (!file.noLength) res.setHeader('content-length', fs.statSync(file.path).size);
			return fs.createReadStream(file.path).pipe(res);
		}
		if (!file.noLength) res.setHeader('content-length', Buffer.byteLength(file.content));
		res.end(file.content);
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	const url = `http://127.0.0.1:${server.address().port}`;
	return {
		url,
		requests,
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

/** Receives webhook calls on 127.0.0.1, keeping each one's URL, query, headers and exact raw body; answers 200. */
async function startCaptureServer() {
	const calls = [];
	const waiters = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const query = Object.fromEntries(new URL(req.url, 'http://127.0.0.1').searchParams);
			calls.push({ method: req.method, url: req.url, query, headers: req.headers, body: Buffer.concat(chunks) });
			res.end('ok');
			for (const waiter of waiters.splice(0)) waiter();
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		calls,
		/** Resolves once `count` calls have arrived. */
		async received(count) {
			while (calls.length < count) await new Promise((resolve) => waiters.push(resolve));
			return calls.slice(0, count);
		},
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

/** A port on which nothing listens (bound, then released). */
async function closedPort() {
	const server = http.createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	await new Promise((resolve) => server.close(resolve));
	return port;
}

/** Resolves when `condition()` is true; checks on every event-loop turn, gives up after `ms`. */
async function until(condition, ms = 10_000) {
	const deadline = Date.now() + ms;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

function sha256(buffer) {
	return crypto.createHash('sha256').update(buffer).digest('hex');
}

module.exports = { startFileServer, startCaptureServer, closedPort, until, sha256 };
