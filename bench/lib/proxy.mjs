// A small HTTP reverse proxy in front of an emulator, to give it a real provider's network: a fixed
// latency added to every request (held before the request is forwarded, as a round trip to a
// distant API), and optionally a bandwidth limit on the request bodies of each client connection
// (per connection, as a provider or its object storage limits one upload; not a shared total).
// Listens on 127.0.0.1 only.
import http from 'node:http';

const SLICE = 16 * 1024;

/**
 * startProxy({ target, latencyMs, bytesPerSecond }) → { url, requests, maxInFlight, reset(), close() }.
 * `requests`: one { method, path, startedAt, forwardedAt, endedAt, status, bytes } per request;
 * `maxInFlight`: the most requests the proxy held at the same time (how parallel the client was).
 */
export async function startProxy({ target, latencyMs = 0, bytesPerSecond = Infinity }) {
	const upstream = new URL(target);
	const agent = new http.Agent({ keepAlive: true });
	const pacing = new WeakMap(); // client socket → the time its next byte may be forwarded
	const requests = [];
	const sockets = new Set();
	let inFlight = 0;
	let maxInFlight = 0;

	/** Forwards the body at most `bytesPerSecond` for the client connection it came on. */
	async function pump(req, out, entry) {
		for await (const chunk of req) {
			entry.bytes += chunk.length;
			for (let offset = 0; offset < chunk.length; offset += SLICE) {
				const slice = chunk.subarray(offset, offset + SLICE);
				if (Number.isFinite(bytesPerSecond)) {
					const at = Math.max(performance.now(), pacing.get(req.socket) ?? 0);
					pacing.set(req.socket, at + (slice.length / bytesPerSecond) * 1000);
					const wait = at - performance.now();
					if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
				}
				if (!out.write(slice)) await new Promise((resolve) => out.once('drain', resolve));
			}
		}
		out.end();
	}

	const server = http.createServer((req, res) => {
		const entry = { method: req.method, path: req.url, startedAt: Date.now(), bytes: 0 };
		requests.push(entry);
		inFlight++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			inFlight--;
			entry.endedAt = Date.now();
		};
		res.on('close', finish);
		setTimeout(() => {
			entry.forwardedAt = Date.now();
			const out = http.request(
				{
					agent,
					host: upstream.hostname,
					port: upstream.port,
					method: req.method,
					path: req.url,
					headers: { ...req.headers, host: upstream.host },
				},
				(answer) => {
					entry.status = answer.statusCode;
					res.writeHead(answer.statusCode, answer.headers);
					answer.pipe(res);
				},
			);
			out.on('error', (error) => {
				if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
				res.end(`proxy: ${error.message}`);
			});
			pump(req, out, entry).catch((error) => out.destroy(error));
		}, latencyMs);
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

	return {
		url: `http://127.0.0.1:${server.address().port}`,
		requests,
		get maxInFlight() {
			return maxInFlight;
		},
		reset() {
			requests.length = 0;
			maxInFlight = inFlight;
		},
		close: () =>
			new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				agent.destroy();
				server.close(() => resolve());
			}),
	};
}
