import type { KeyObject } from 'crypto';
import { createHash, createPublicKey, timingSafeEqual, verify } from 'crypto';
import type {
	IDataObject,
	IHookFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/**
 * Callback authentication for trigger nodes: constant-time secret checks, Ed25519 signatures over
 * the exact raw body, timestamp windows, and a replay/duplicate guard kept in workflow static data
 * (which n8n saves after each production webhook call, so it survives restarts and is shared by
 * every process that reads the workflow).
 */

/** Compares two secrets in constant time (hashing first, so their lengths do not leak either). */
export function secretsMatch(given: string, expected: string): boolean {
	if (!expected) return false;
	const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(given), digest(expected));
}

/** The request body exactly as it arrived; signatures must be checked over these bytes. */
export function rawBodyOf(context: IWebhookFunctions): Buffer | undefined {
	const request = context.getRequestObject() as unknown as { rawBody?: unknown };
	const raw = request.rawBody;
	if (Buffer.isBuffer(raw)) return raw;
	if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
	return undefined;
}

/** Parses a JSON body from its raw bytes; undefined when it is not a JSON object. */
export function parseJsonObject(raw: Buffer): IDataObject | undefined {
	try {
		const value: unknown = JSON.parse(raw.toString('utf8'));
		return value && typeof value === 'object' && !Array.isArray(value)
			? (value as IDataObject)
			: undefined;
	} catch {
		return undefined;
	}
}

/** First value of a header (Express lowercases names; a repeated header arrives as an array). */
export function headerValue(context: IWebhookFunctions, name: string): string | undefined {
	const value = context.getHeaderData()[name.toLowerCase()] as string | string[] | undefined;
	return Array.isArray(value) ? value[0] : value;
}

/**
 * True when a Unix timestamp (seconds, or milliseconds if it is that large) lies within
 * `windowSeconds` of now, in either direction (a little clock skew is normal).
 */
export function isFreshTimestamp(
	timestamp: string | undefined,
	nowMs: number,
	windowSeconds: number,
): boolean {
	if (!timestamp || !/^\d{1,16}$/.test(timestamp.trim())) return false;
	let ms = Number(timestamp.trim());
	if (ms < 1e12) ms *= 1000;
	return Math.abs(nowMs - ms) <= windowSeconds * 1000;
}

/**
 * Reads an Ed25519 public key published as a JWK (`{kty:"OKP",crv:"Ed25519",x}`), a PEM string,
 * or the raw 32 key bytes in base64/base64url/hex. Undefined when it is none of these.
 */
export function parseEd25519PublicKey(key: unknown): KeyObject | undefined {
	try {
		if (key && typeof key === 'object') {
			const jwk = key as IDataObject;
			if (typeof jwk.x !== 'string') return undefined;
			return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
		}
		if (typeof key !== 'string') return undefined;
		const text = key.trim();
		if (text.includes('BEGIN PUBLIC KEY')) return createPublicKey(text);
		const raw = decodeBytes(text);
		if (raw?.length !== 32) return undefined;
		return createPublicKey({
			key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
			format: 'jwk',
		});
	} catch {
		return undefined;
	}
}

/** Verifies an Ed25519 signature (base64, base64url or hex; an optional `v1=`-style prefix is ignored). */
export function verifyEd25519(
	message: Buffer,
	signature: string | undefined,
	key: KeyObject,
): boolean {
	if (!signature) return false;
	// A "v1=" style prefix ends in an "=" that is followed by more text; base64 padding never is.
	const bytes = decodeBytes(signature.trim().replace(/^[a-z][a-z0-9]{0,9}=(?=[^=])/i, ''));
	if (bytes?.length !== 64) return false;
	try {
		return verify(null, message, key, bytes);
	} catch {
		return false;
	}
}

function decodeBytes(text: string): Buffer | undefined {
	if (/^[0-9a-f]+$/i.test(text) && text.length % 2 === 0 && text.length >= 64)
		return Buffer.from(text, 'hex');
	if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text))
		return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
	return undefined;
}

const DELIVERY_STORE = 'deliveries';
const MAX_REMEMBERED_DELIVERIES = 2000;

/**
 * Records a delivery key (a job and status, or a signature) and reports whether it is new.
 * Keys are forgotten after `keepMs`; the first recorded go first when the store is full.
 */
export function isFirstDelivery(
	staticData: IDataObject,
	deliveryKey: string,
	nowMs: number,
	keepMs: number,
): boolean {
	const seen = (staticData[DELIVERY_STORE] ?? {}) as Record<string, number>;
	for (const [key, expiresAt] of Object.entries(seen)) if (expiresAt <= nowMs) delete seen[key];
	if (seen[deliveryKey] !== undefined) return false;
	seen[deliveryKey] = nowMs + keepMs;
	// Keys keep their insertion order (also through n8n's JSON round trip): the first recorded go
	// first. Evicting the soonest to expire instead dropped a short-lived replay key the moment it
	// was recorded once the store was full of long-lived ones, and a replay got through.
	const keys = Object.keys(seen);
	if (keys.length > MAX_REMEMBERED_DELIVERIES) {
		keys.slice(0, keys.length - MAX_REMEMBERED_DELIVERIES).forEach((key) => delete seen[key]);
	}
	staticData[DELIVERY_STORE] = seen;
	return true;
}

/** Answers the caller with an error status and starts no run. */
export function rejectCall(
	context: IWebhookFunctions,
	status: number,
	message: string,
): IWebhookResponseData {
	const response = context.getResponseObject();
	response.status(status).json({ error: message });
	return { noWebhookResponse: true };
}

/** Answers the caller with 200 and starts no run (an authentic call the user chose to ignore). */
export function acknowledgeOnly(context: IWebhookFunctions, reason: string): IWebhookResponseData {
	const response = context.getResponseObject();
	response.status(200).json({ received: true, ignored: reason });
	return { noWebhookResponse: true };
}

/** Forgets a recorded delivery (its run could not start), so a repeat of it is accepted. */
export function forgetDelivery(staticData: IDataObject, deliveryKey: string): void {
	const seen = staticData[DELIVERY_STORE] as Record<string, number> | undefined;
	if (seen) delete seen[deliveryKey];
}

/**
 * The largest callback body accepted from a provider that does not sign its calls. A job callback
 * holding a whole transcript (a 24-hour file in 6-second segments with word timings) stays well
 * below it; anything larger is not a callback and is not parsed.
 */
export const MAX_TOKEN_CALLBACK_BYTES = 32 * 1024 * 1024;

/** How a trigger for unsigned callbacks reads the job and status out of a body. */
export interface TokenCallbackSpec {
	/** The secret the callback URL must carry as `?token=`. */
	secret: string;
	/** The job ID and its normalized status, or undefined when the body is not a job callback. */
	identify: (body: IDataObject) => { jobId: string; status: string } | undefined;
	/** Statuses that start a run; others are acknowledged and ignored. */
	acceptedStatuses: string[];
	/** How long a delivery is remembered for the duplicate check. */
	keepMs: number;
}

export type TokenCallback =
	| { response: IWebhookResponseData }
	| {
			body: IDataObject;
			jobId: string;
			status: string;
			deliveryKey: string;
			staticData: IDataObject;
	  };

/**
 * Receives a callback from a provider that does not sign its calls: the URL must carry the secret
 * token (401 when missing, 403 when wrong, compared in constant time), the body must be a JSON
 * object naming a job (400 otherwise), the status must be one the user accepts, and the same job
 * and status are let through once (recorded in the node's static data).
 */
export function receiveTokenCallback(
	context: IWebhookFunctions,
	spec: TokenCallbackSpec,
): TokenCallback {
	const query = context.getQueryData() as IDataObject;
	const token = Array.isArray(query.token) ? query.token[0] : query.token;
	if (typeof token !== 'string' || token === '') {
		return {
			response: rejectCall(context, 401, 'Missing token: add ?token=<secret> to the callback URL'),
		};
	}
	if (!secretsMatch(token, spec.secret))
		return { response: rejectCall(context, 403, 'Wrong token') };

	const raw =
		rawBodyOf(context) ?? Buffer.from(JSON.stringify(context.getBodyData() ?? null), 'utf8');
	if (raw.length > MAX_TOKEN_CALLBACK_BYTES) {
		return {
			response: rejectCall(context, 413, 'The request body is too large for a job callback'),
		};
	}
	const body = parseJsonObject(raw);
	if (!body) return { response: rejectCall(context, 400, 'The body must be a JSON object') };
	const job = spec.identify(body);
	if (!job) return { response: rejectCall(context, 400, 'The body names no job (no id)') };
	if (!spec.acceptedStatuses.includes(job.status)) {
		return { response: acknowledgeOnly(context, `status ${job.status} is not selected`) };
	}
	const staticData = context.getWorkflowStaticData('node');
	const deliveryKey = `${job.jobId}:${job.status}`;
	if (!isFirstDelivery(staticData, deliveryKey, Date.now(), spec.keepMs)) {
		return { response: acknowledgeOnly(context, 'duplicate delivery') };
	}
	return { body, ...job, deliveryKey, staticData };
}

/** Seven days: longer than any provider resends a callback. */
export const DELIVERY_MEMORY_MS = 7 * 24 * 3_600_000;

export interface TokenTriggerSpec {
	providerName: string;
	identify: TokenCallbackSpec['identify'];
	/** The complete job, when the user asked for it and the callback alone is not enough; undefined keeps the body. */
	fetchFull?: (job: {
		jobId: string;
		status: string;
		body: IDataObject;
	}) => Promise<IDataObject | undefined>;
	/** The normalized transcript of a callback body or fetched job (Simplified output). */
	normalize: (body: IDataObject) => IDataObject;
}

/**
 * The whole webhook() of a trigger built with `tokenTriggerFields`: checks the token, the body,
 * the status and duplicates, optionally fetches the full job, and starts one run with the
 * Simplified or Raw output. A run that could not start (the fetch failed) is not remembered as
 * delivered, so a repeat of the callback is accepted.
 */
export async function tokenTriggerWebhook(
	context: IWebhookFunctions,
	spec: TokenTriggerSpec,
): Promise<IWebhookResponseData> {
	const received = receiveTokenCallback(context, {
		secret: String(context.getNodeParameter('secretToken', '') ?? ''),
		identify: spec.identify,
		acceptedStatuses: context.getNodeParameter('statuses', []) as string[],
		keepMs: DELIVERY_MEMORY_MS,
	});
	if ('response' in received) return received.response;

	let job = received.body;
	try {
		job =
			(await spec.fetchFull?.({ jobId: received.jobId, status: received.status, body: job })) ??
			job;
	} catch (error) {
		forgetDelivery(received.staticData, received.deliveryKey);
		throw new NodeApiError(context.getNode(), { message: (error as Error).message } as JsonObject, {
			message: `Could not fetch ${spec.providerName} job ${received.jobId}: ${(error as Error).message}`,
			description: (error as { description?: string }).description ?? undefined,
		});
	}
	const output = context.getNodeParameter('output', 'simplified') as string;
	const json = output === 'raw' ? job : spec.normalize(job);
	return { workflowData: [[{ json }]], webhookResponse: { received: true } };
}

/** Reads a callback's job ID (from the first of `idKeys` present) and its status, mapped when known. */
export function jobCallbackIdentity(
	idKeys: string[],
	mapStatus: (value: unknown) => string | undefined,
): TokenCallbackSpec['identify'] {
	return (body) => {
		const id = idKeys
			.map((key) => body[key])
			.find((value) => typeof value === 'string' || typeof value === 'number');
		if (id === undefined || String(id) === '') return undefined;
		return {
			jobId: String(id),
			status: mapStatus(body.status) ?? String(body.status ?? 'unknown').toLowerCase(),
		};
	};
}

/** webhookMethods for providers that take the callback URL with each job: nothing to register or remove. */
export const callbackUrlGivenPerJob = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return true;
		},
	},
};
