// Unit tests for the callback-authentication helpers in nodes/shared/webhook.ts (built in dist/).
const crypto = require('node:crypto');
const {
	secretsMatch,
	isFreshTimestamp,
	parseEd25519PublicKey,
	verifyEd25519,
	isFirstDelivery,
	parseJsonObject,
} = require('../../dist/nodes/shared/webhook');

describe('secretsMatch', () => {
	test('equal secrets match, others (including prefixes and empty) do not', () => {
		expect(secretsMatch('s3cret-token', 's3cret-token')).toBe(true);
		expect(secretsMatch('s3cret-toke', 's3cret-token')).toBe(false);
		expect(secretsMatch('', 's3cret-token')).toBe(false);
		expect(secretsMatch('', '')).toBe(false);
	});
});

describe('isFreshTimestamp', () => {
	const now = 1_800_000_000_000;
	test('accepts seconds and milliseconds inside the window, in both directions', () => {
		expect(isFreshTimestamp(String(now / 1000 - 299), now, 300)).toBe(true);
		expect(isFreshTimestamp(String(now / 1000 + 30), now, 300)).toBe(true);
		expect(isFreshTimestamp(String(now - 1000), now, 300)).toBe(true);
	});
	test('rejects stale, future, missing and malformed timestamps', () => {
		expect(isFreshTimestamp(String(now / 1000 - 301), now, 300)).toBe(false);
		expect(isFreshTimestamp(String(now / 1000 + 301), now, 300)).toBe(false);
		expect(isFreshTimestamp(undefined, now, 300)).toBe(false);
		expect(isFreshTimestamp('12e5', now, 300)).toBe(false);
		expect(isFreshTimestamp('yesterday', now, 300)).toBe(false);
	});
});

describe('Ed25519', () => {
	const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
	const jwk = publicKey.export({ format: 'jwk' });
	const pem = publicKey.export({ format: 'pem', type: 'spki' });
	const raw = Buffer.from(jwk.x, 'base64url');
	const message = Buffer.from('1800000000.{"job_id":"job_1"}');
	const signature = crypto.sign(null, message, privateKey);

	test.each([
		['JWK', jwk],
		['PEM', pem],
		['raw base64', raw.toString('base64')],
		['raw base64url', raw.toString('base64url')],
		['raw hex', raw.toString('hex')],
	])('a key published as %s verifies a genuine signature', (_name, published) => {
		const key = parseEd25519PublicKey(published);
		expect(key).toBeDefined();
		expect(verifyEd25519(message, signature.toString('base64'), key)).toBe(true);
		expect(verifyEd25519(message, signature.toString('base64url'), key)).toBe(true);
		expect(verifyEd25519(message, signature.toString('hex'), key)).toBe(true);
	});

	test('a prefixed signature verifies, and a base64 signature without + or / is not mistaken for a prefix', () => {
		const key = parseEd25519PublicKey(jwk);
		expect(verifyEd25519(message, `v1=${signature.toString('base64')}`, key)).toBe(true);
		let plain;
		for (let i = 0; !plain; i++) {
			const candidate = Buffer.from(`1800000000.{"n":${i}}`);
			const encoded = crypto.sign(null, candidate, privateKey).toString('base64');
			if (/^[A-Za-z0-9]+=*$/.test(encoded)) plain = { candidate, encoded };
		}
		expect(verifyEd25519(plain.candidate, plain.encoded, key)).toBe(true);
	});

	test('a changed byte, another key, or a malformed signature fails', () => {
		const key = parseEd25519PublicKey(jwk);
		const other = parseEd25519PublicKey(crypto.generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }));
		const tampered = Buffer.from(message);
		tampered[tampered.length - 2] ^= 1;
		expect(verifyEd25519(tampered, signature.toString('base64'), key)).toBe(false);
		expect(verifyEd25519(message, signature.toString('base64'), other)).toBe(false);
		expect(verifyEd25519(message, 'not a signature', key)).toBe(false);
		expect(verifyEd25519(message, undefined, key)).toBe(false);
	});

	test('things that are not Ed25519 keys are refused', () => {
		expect(parseEd25519PublicKey({ kty: 'OKP' })).toBeUndefined();
		expect(parseEd25519PublicKey('c2hvcnQ=')).toBeUndefined();
		expect(parseEd25519PublicKey(42)).toBeUndefined();
	});
});

describe('isFirstDelivery', () => {
	test('remembers keys until they expire', () => {
		const store = {};
		expect(isFirstDelivery(store, 'job_1:completed', 1000, 500)).toBe(true);
		expect(isFirstDelivery(store, 'job_1:completed', 1200, 500)).toBe(false);
		expect(isFirstDelivery(store, 'job_1:failed', 1200, 500)).toBe(true);
		expect(isFirstDelivery(store, 'job_1:completed', 1600, 500)).toBe(true);
	});
	test('keeps the store bounded, dropping the oldest keys first', () => {
		const store = {};
		for (let i = 0; i < 2100; i++) isFirstDelivery(store, `k${i}`, 1000 + i, 1_000_000);
		expect(Object.keys(store.deliveries)).toHaveLength(2000);
		expect(isFirstDelivery(store, 'k2099', 5000, 1_000_000)).toBe(false);
		expect(isFirstDelivery(store, 'k0', 5000, 1_000_000)).toBe(true);
	});
	test('a full store of long-lived keys still remembers a short-lived key just recorded', () => {
		const store = {};
		for (let i = 0; i < 2000; i++) isFirstDelivery(store, `job:${i}`, 1000, 7 * 86_400_000);
		expect(isFirstDelivery(store, 'signature:abc', 2000, 600_000)).toBe(true);
		expect(isFirstDelivery(store, 'signature:abc', 2001, 600_000)).toBe(false);
	});
});

test('parseJsonObject accepts only JSON objects', () => {
	expect(parseJsonObject(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
	expect(parseJsonObject(Buffer.from('[1]'))).toBeUndefined();
	expect(parseJsonObject(Buffer.from('not json'))).toBeUndefined();
});
