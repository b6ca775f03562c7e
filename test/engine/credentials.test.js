// Every credential type of the package, tested the way n8n's credential tester does: a server error
// or an unreachable server never passes as a valid key. (A valid key passing and a wrong key failing
// are in each provider's engine test.) The tests are designed to judge the same way on n8n 1.x and
// 2.x: no `ignoreHttpStatusErrors` (1.x reads its object form as "ignore every status").
const http = require('node:http');
const { testCredential, cleanup } = require('../harness/engine');
const { closedPort } = require('../support/servers');
const { n8n: manifest } = require('../../package.json');

const types = manifest.credentials.map((file) => {
	const base = file.split('/').pop().replace('.credentials.js', '');
	return base.charAt(0).toLowerCase() + base.slice(1);
});

let server;
let status = 500;
const seen = [];
beforeAll(async () => {
	server = http.createServer((req, res) => {
		seen.push(`${req.method} ${req.url}`);
		req.resume();
		res.statusCode = status;
		res.end(JSON.stringify({ error: 'server trouble' }));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
	cleanup();
});

const data = (baseUrl) => ({ apiKey: 'some-key', baseUrl, accountBaseUrl: baseUrl });

test('the package declares five credential types', () => {
	expect(types.sort()).toEqual(['audioToTextAiApi', 'hispeechApi', 'speechIsCheapApi', 'sttAiApi', 'transcribeApiApi']);
});

describe.each(types)('%s', (type) => {
	test.each([500, 502, 503])('a server answering %i fails the test', async (code) => {
		status = code;
		seen.length = 0;
		const result = await testCredential(type, data(`http://127.0.0.1:${server.address().port}`));
		expect(result.status).toBe('Error');
		expect(seen.length).toBeGreaterThan(0); // the server was really asked
	});

	test('an unreachable server fails the test', async () => {
		const result = await testCredential(type, data(`http://127.0.0.1:${await closedPort()}`));
		expect(result.status).toBe('Error');
		expect(result.message).toEqual(expect.any(String));
	});
});
