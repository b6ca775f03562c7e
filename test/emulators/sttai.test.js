// The STT.ai emulator itself: routes the node does not reach, and its fault injection.
const { startSttAiEmulator } = require('./sttai');

let emu;
beforeAll(async () => {
	emu = await startSttAiEmulator({ apiKey: 'k' });
});
beforeEach(() => emu.reset());
afterAll(async () => await emu.close());

const auth = { authorization: 'Bearer k' };

test('listens on 127.0.0.1 and serves the account and usage routes with Django-style errors', async () => {
	expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	const account = await fetch(`${emu.accountUrl}/account/`, { headers: auth });
	expect(await account.json()).toMatchObject({ plan: 'paid', credits: 10_000 });
	const usage = await (await fetch(`${emu.accountUrl}/usage/`, { headers: auth })).json();
	expect(usage.days).toHaveLength(30);
	const anonymous = await fetch(`${emu.accountUrl}/transcripts/`);
	expect([anonymous.status, await anonymous.json()]).toEqual([401, { detail: 'Authentication credentials were not provided.' }]);
	const pastEnd = await fetch(`${emu.accountUrl}/transcripts/?page=2`, { headers: auth });
	expect([pastEnd.status, await pastEnd.json()]).toEqual([404, { detail: 'Invalid page.' }]);
});

test('validates JSON bodies with the documented { error } shape', async () => {
	const post = (path, body) => fetch(`${emu.url}${path}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
	const noText = await post('/v1/summarize', JSON.stringify({ style: 'brief' }));
	expect([noText.status, await noText.json()]).toEqual([400, { error: 'text is required' }]);
	const badStyle = await post('/v1/summarize', JSON.stringify({ text: 'x', style: 'haiku' }));
	expect((await badStyle.json()).error).toMatch(/^Invalid style "haiku"/);
	expect((await post('/v1/translate', JSON.stringify({ text: 'x' }))).status).toBe(400);
	expect((await post('/v1/embed', 'not json')).status).toBe(400);
});

test('injected faults: 5xx, 429 with Retry-After, dropped connections, and a seeded fault rate', async () => {
	emu.injectFault({ path: '/health', type: 'status', status: 503 });
	emu.injectFault({ path: '/health', type: '429', retryAfter: 7 });
	emu.injectFault({ path: '/health', type: 'drop' });
	const first = await fetch(`${emu.url}/health`);
	expect([first.status, await first.json()]).toEqual([503, { error: 'GPU temporarily unavailable' }]);
	const second = await fetch(`${emu.url}/health`);
	expect([second.status, second.headers.get('retry-after')]).toEqual([429, '7']);
	await expect(fetch(`${emu.url}/health`)).rejects.toThrow();
	expect((await fetch(`${emu.url}/health`)).status).toBe(200);
	expect(emu.requests.map((r) => [r.fault, r.status])).toEqual([['status', 503], ['429', 429], ['drop', 0], [null, 200]]);

	emu.reset();
	emu.setFaultRate({ rate: 0.5, types: ['500'], seed: 7 });
	const statuses = [];
	for (let i = 0; i < 10; i++) statuses.push((await fetch(`${emu.url}/v1/models`)).status);
	expect(statuses).toContain(500);
	expect(statuses).toContain(200);
});
