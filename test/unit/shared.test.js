// Unit tests for the provider-neutral library in nodes/shared (run against the build in dist/).
const { renderSubtitles, formatTimestamp } = require('../../dist/nodes/shared/subtitles');
const { readBoolean, readNumber, readText, toOutputJson } = require('../../dist/nodes/shared/transcript');
const { parseRetryAfter, backoffMs, pause, apiRequest, RateLimitError, NetworkError } = require('../../dist/nodes/shared/transport');
const { pollUntilDone } = require('../../dist/nodes/shared/polling');
const { StreamingForm, multipartBody } = require('../../dist/nodes/shared/upload');
const { NodeApiError } = require('n8n-workflow');

const node = { id: '1', name: 'Test', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} };

describe('subtitles', () => {
	const segments = [
		{ start: 0, end: 2.5, text: 'Hello there.' },
		{ start: 2.5, end: 3661.007, text: ' Second line ', speaker: 'Speaker 1' },
		{ start: 4000, end: 4001, text: '   ' },
	];

	test('timestamps in SRT and VTT style', () => {
		expect(formatTimestamp(3661.007, 'srt')).toBe('01:01:01,007');
		expect(formatTimestamp(0.0004, 'vtt')).toBe('00:00:00.000');
		expect(formatTimestamp(-3, 'vtt')).toBe('00:00:00.000');
	});

	test('SRT numbers cues, names speakers and skips empty segments', () => {
		expect(renderSubtitles(segments, 'srt')).toBe(
			'1\n00:00:00,000 --> 00:00:02,500\nHello there.\n\n2\n00:00:02,500 --> 01:01:01,007\nSpeaker 1: Second line\n',
		);
	});

	test('VTT has its header and voice tags', () => {
		expect(renderSubtitles(segments, 'vtt')).toBe(
			'WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello there.\n\n00:00:02.500 --> 01:01:01.007\n<v Speaker 1>Second line\n',
		);
	});
});

describe('reading provider values of either shape', () => {
	test('booleans', () => {
		expect([true, 'true', 'TRUE', '1', 1].map(readBoolean)).toEqual([true, true, true, true, true]);
		expect([false, 'false', '0', 0].map(readBoolean)).toEqual([false, false, false, false]);
		expect([undefined, null, 'maybe', {}].map(readBoolean)).toEqual([undefined, undefined, undefined, undefined]);
	});

	test('numbers and texts', () => {
		expect([3, '3', ' 4.5 ', '', 'null', 'x', null, NaN].map(readNumber)).toEqual([3, 3, 4.5, null, null, null, null, null]);
		expect(['text', 'null', '', 5].map(readText)).toEqual(['text', null, '', null]);
	});

	test('Raw output keeps the provider JSON; arrays are wrapped', () => {
		const normalized = { provider: 'p', text: 'x' };
		expect(toOutputJson('simplified', normalized, { a: 1 })).toBe(normalized);
		expect(toOutputJson('raw', normalized, { a: 1 })).toEqual({ a: 1 });
		expect(toOutputJson('raw', normalized, [1, 2])).toEqual({ data: [1, 2] });
	});
});

describe('retry timing', () => {
	test('Retry-After in seconds or as an HTTP date', () => {
		expect(parseRetryAfter('2')).toBe(2000);
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
		const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
		expect(parseRetryAfter(inTenSeconds)).toBeGreaterThan(8000);
	});

	test('backoff doubles and jitters within half to full of its ceiling', () => {
		for (let attempt = 1; attempt <= 5; attempt++) {
			const ceiling = 500 * 2 ** (attempt - 1);
			const value = backoffMs(attempt);
			expect(value).toBeGreaterThanOrEqual(ceiling / 2);
			expect(value).toBeLessThanOrEqual(ceiling);
		}
	});
});

describe('streaming multipart body', () => {
	test('looks like a spec FormData to the HTTP client and opens the file lazily', async () => {
		let opened = 0;
		const source = {
			fileName: 'a.mp3',
			mimeType: 'audio/mpeg',
			size: 3,
			open: async () => {
				opened++;
				return (async function* () {
					yield Buffer.from('abc');
				})();
			},
		};
		const form = await multipartBody({ secure_mode: false, ttl: undefined, model: 'm' }, 'file', source);
		expect(form).toBeInstanceOf(StreamingForm);
		expect(Object.prototype.toString.call(form)).toBe('[object FormData]');
		const entries = [...form];
		expect(entries.map(([name]) => name)).toEqual(['secure_mode', 'model', 'file']);
		expect(entries[0][1]).toBe('false');
		expect(entries[2][1]).toMatchObject({ name: 'a.mp3', type: 'audio/mpeg', size: 3 });
		expect(opened).toBe(1);
	});
});

/** Advances jest's fake clock in 5 ms steps until `promise` settles, then gives its result. */
async function onFakeClock(promise) {
	let settled = false;
	promise.then(
		() => (settled = true),
		() => (settled = true),
	);
	while (!settled) await jest.advanceTimersByTimeAsync(5);
	return await promise;
}

describe('pollUntilDone', () => {
	// A fake clock (jest's timers and Date): spacing, Retry-After and Max Wait are checked exactly, with
	// no dependence on how loaded the machine is.
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());
	const poll = (...args) => onFakeClock(pollUntilDone(...args));

	function fakeContext(signal) {
		return { getNode: () => node, getExecutionCancelSignal: () => signal };
	}
	const settings = { intervalMs: 20, maxWaitMs: 5000, providerName: 'P', laterOperation: 'Get' };

	// Issue 17, item 1: a time that is not a finite number is an error, never a loop that spins.
	test.each([
		['interval NaN', { intervalMs: NaN }],
		['max wait NaN', { maxWaitMs: NaN }],
		['max wait Infinity', { maxWaitMs: Infinity }],
		['negative budget', { callsPerHour: -60 }],
	])('%s is refused before any check', async (_name, override) => {
		let checks = 0;
		const polling = poll(fakeContext(), [{ jobId: 'a', itemIndex: 0 }], async () => (checks++, { done: false }), { ...settings, ...override });
		await expect(polling).rejects.toThrow(/finite, positive times/);
		expect(checks).toBe(0);
	});

	test('pause refuses a time that is not finite', async () => {
		await expect(pause(NaN)).rejects.toThrow(/not a finite time/);
		await expect(pause(Infinity)).rejects.toThrow(/not a finite time/);
	});

	// Issue 17, item 16: the message "did not finish" is true only after a check.
	test('an interval longer than Max Wait checks once, at Max Wait, then gives up', async () => {
		let checks = 0;
		const results = await poll(fakeContext(), [{ jobId: 'a', itemIndex: 0 }], async () => (checks++, { done: false }), { ...settings, intervalMs: 60_000, maxWaitMs: 100 });
		expect(checks).toBe(1);
		expect(results.get('a').error.message).toBe('P job a did not finish within 0.1 seconds');
	});

	test('each job keeps its own interval and Max Wait', async () => {
		const started = Date.now();
		const results = await poll(
			fakeContext(),
			[{ jobId: 'short', itemIndex: 0, maxWaitMs: 50 }, { jobId: 'long', itemIndex: 1, maxWaitMs: 5000, intervalMs: 10 }],
			async ({ jobId }) => (jobId === 'long' && Date.now() > started + 150 ? { done: true, result: 'ok' } : { done: false }),
			settings,
		);
		expect(results.get('short').error.message).toBe('P job short did not finish within 0.1 seconds');
		expect(results.get('long')).toEqual({ result: 'ok' });
	});

	test('waits on all jobs at once and returns each result with its job', async () => {
		const readyAt = { a: Date.now() + 50, b: Date.now() + 150, c: Date.now() + 100 };
		const checks = [];
		const results = await poll(
			fakeContext(),
			Object.keys(readyAt).map((jobId, itemIndex) => ({ jobId, itemIndex })),
			async ({ jobId }) => {
				checks.push(jobId);
				return Date.now() >= readyAt[jobId] ? { done: true, result: `${jobId}!` } : { done: false };
			},
			settings,
		);
		expect([...results]).toEqual([
			['a', { result: 'a!' }],
			['c', { result: 'c!' }],
			['b', { result: 'b!' }],
		]);
		// Each job was checked until done, and none after: about 150 ms / 20 ms rounds for the slowest.
		expect(checks.filter((id) => id === 'a').length).toBeLessThan(checks.filter((id) => id === 'b').length);
	});

	test('a call budget spaces the calls', async () => {
		const times = [];
		await poll(
			fakeContext(),
			[{ jobId: 'a', itemIndex: 0 }, { jobId: 'b', itemIndex: 1 }],
			async () => {
				times.push(Date.now());
				return times.length >= 4 ? { done: true, result: 1 } : { done: false };
			},
			{ ...settings, callsPerHour: 36_000 }, // one call per 100 ms
		);
		for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(100);
	});

	test('a rate limit pauses every job until Retry-After has passed', async () => {
		const times = [];
		const results = await poll(
			fakeContext(),
			[{ jobId: 'a', itemIndex: 0 }],
			async () => {
				times.push(Date.now());
				if (times.length === 1) {
					const error = new RateLimitError(node, { message: 'slow down' }, { httpCode: '429' });
					error.retryAfterMs = 300;
					throw error;
				}
				return { done: true, result: 'ok' };
			},
			settings,
		);
		expect(results.get('a')).toEqual({ result: 'ok' });
		expect(times[1] - times[0]).toBeGreaterThanOrEqual(300);
	});

	test('transient errors are retried, a 4xx fails only its job', async () => {
		let attempts = 0;
		const results = await poll(
			fakeContext(),
			[{ jobId: 'flaky', itemIndex: 0 }, { jobId: 'missing', itemIndex: 1 }],
			async ({ jobId }) => {
				if (jobId === 'missing') throw new NodeApiError(node, { message: 'not found' }, { httpCode: '404' });
				attempts++;
				if (attempts < 3) throw new NetworkError(node, 'Could not reach P');
				return { done: true, result: 'fine' };
			},
			settings,
		);
		expect(results.get('flaky')).toEqual({ result: 'fine' });
		expect(results.get('missing').error.httpCode).toBe('404');
	});

	test('max wait turns the unfinished jobs into errors naming them', async () => {
		const results = await poll(
			fakeContext(),
			[{ jobId: 'slow-1', itemIndex: 0 }],
			async () => ({ done: false }),
			{ ...settings, maxWaitMs: 100 },
		);
		const { error } = results.get('slow-1');
		expect(error.message).toBe('P job slow-1 did not finish within 0.1 seconds');
		expect(error.description).toContain('"Get" operation later with job ID slow-1');
	});

	test('cancellation stops at once', async () => {
		const controller = new AbortController();
		let calls = 0;
		const polling = poll(
			fakeContext(controller.signal),
			[{ jobId: 'a', itemIndex: 0 }],
			async () => {
				calls++;
				if (calls === 2) controller.abort();
				return { done: false };
			},
			{ ...settings, intervalMs: 10 },
		);
		await expect(polling).rejects.toThrow('The execution was canceled');
		expect(calls).toBe(2);
	});
});

describe('apiRequest retries', () => {
	// On a fake clock (jest's timers and Date): the waits between attempts are checked exactly, which
	// the engine tests, on a real and possibly loaded machine, do not assert.
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	async function sendWithAnswers(answers) {
		const sentAt = [];
		const context = {
			getNode: () => node,
			helpers: {
				httpRequest: async () => (sentAt.push(Date.now()), answers.shift()),
			},
		};
		const request = { baseUrl: 'http://127.0.0.1:1', method: 'GET', path: '/job', authenticate: false };
		const response = await onFakeClock(apiRequest(context, { name: 'P', credentialType: 'pApi' }, request));
		return { response, sentAt };
	}

	test('a 429 with Retry-After is waited out in full before the request is sent again', async () => {
		const { response, sentAt } = await sendWithAnswers([
			{ statusCode: 429, headers: { 'retry-after': '1' }, body: {} },
			{ statusCode: 200, headers: {}, body: { ok: true } },
		]);
		expect(response.body).toEqual({ ok: true });
		expect(sentAt).toHaveLength(2);
		expect(sentAt[1] - sentAt[0]).toBeGreaterThanOrEqual(1000);
		expect(sentAt[1] - sentAt[0]).toBeLessThanOrEqual(1010);
	});

	test('a 5xx of an idempotent call is retried after the backoff (at least half of 500 ms)', async () => {
		const { response, sentAt } = await sendWithAnswers([
			{ statusCode: 503, headers: {}, body: {} },
			{ statusCode: 200, headers: {}, body: { ok: true } },
		]);
		expect(response.body).toEqual({ ok: true });
		expect(sentAt[1] - sentAt[0]).toBeGreaterThanOrEqual(250);
		expect(sentAt[1] - sentAt[0]).toBeLessThanOrEqual(510);
	});
});
