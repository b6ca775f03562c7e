import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

export type ApiContext = IExecuteFunctions | ILoadOptionsFunctions | IWebhookFunctions;

/** What the transport needs to know about a provider: no endpoints, only identity and wording. */
export interface ProviderProfile {
	/** Display name used in messages, e.g. "Hispeech". */
	name: string;
	credentialType: string;
	/** Pulls the provider's own error text out of an error body. */
	errorMessage?: (body: unknown) => string | undefined;
	/** Status-specific hints that replace the generic ones. */
	hints?: Partial<Record<number, string>>;
	/** A hint read from the error body (e.g. a documented error code), preferred when given. */
	hintFor?: (body: unknown) => string | undefined;
}

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path below the credential's Base URL, starting with "/". */
	path: string;
	qs?: IDataObject;
	headers?: IDataObject;
	/** A value, or a factory called for every attempt (streams can be sent once only). */
	body?: unknown | (() => Promise<unknown>);
	/**
	 * Safe to send twice. GET/DELETE default to true; a request that creates a job is not, so it is
	 * retried only when the provider certainly did not act on it (429, connection refused).
	 */
	idempotent?: boolean;
	/** When false, a 429 is handed straight to the caller (the poller paces itself). */
	retryRateLimits?: boolean;
	/** Item the request belongs to, for error messages. */
	itemIndex?: number;
	/** Credential field that holds this request's base URL (default "baseUrl"), for providers with several hosts. */
	baseUrlField?: string;
	/** An explicit base URL, for routes that need no credential (then `authenticate` is usually false). */
	baseUrl?: string;
	/** When false, the request is sent without the credential (public routes, nodes without one). */
	authenticate?: boolean;
	/** "stream": the body is handed over unread (for server-sent events); error bodies are still read. */
	encoding?: 'stream';
}

export interface ApiResponse<T = unknown> {
	statusCode: number;
	headers: Record<string, string>;
	body: T;
}

/*
 * The two subclasses below keep their base class's `name`: n8n-core re-throws a node's error intact
 * only when its name is exactly NodeOperationError or NodeApiError (WorkflowExecute.rethrowNodeError,
 * used when a saved execution runs on); any other name becomes a bare Error without hint or HTTP code.
 * The code tells them apart with instanceof, which does not depend on the name.
 */

/** The provider could not be reached, or the connection broke: worth another try later. */
export class NetworkError extends NodeOperationError {
	name = 'NodeOperationError';
}

/** Raised for HTTP 429; carries how long the provider asked us to wait. */
export class RateLimitError extends NodeApiError {
	name = 'NodeApiError';

	retryAfterMs: number | undefined;
}

const MAX_ATTEMPTS = 4;
const BASE_BACKOFF_MS = 500;
/** A Retry-After longer than this is not waited out inside one request. */
const MAX_INLINE_RETRY_AFTER_MS = 60_000;
/** Our name for an answer whose body broke off midway (the HTTP client says "stream has been aborted"). */
const RESPONSE_CUT_OFF = 'RESPONSE_CUT_OFF';
const TRANSIENT_NETWORK_CODES = [
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'EAI_AGAIN',
	RESPONSE_CUT_OFF,
];
const NEVER_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND'];
const NETWORK_REASONS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'DNS lookup failed',
	ECONNRESET: 'connection reset',
	EPIPE: 'connection closed',
	ETIMEDOUT: 'timed out',
	ECONNABORTED: 'timed out',
	[RESPONSE_CUT_OFF]: 'the answer was cut off',
};

/**
 * n8n replaces a whole error message that mentions a system error code (ECONNREFUSED, ENOENT…) with
 * a generic sentence, losing the job ID and the provider's own words. Codes in text that goes into
 * a message are put into words first.
 */
const CODE_WORDS: Record<string, string> = {
	...NETWORK_REASONS,
	EHOSTUNREACH: 'host unreachable',
	EADDRNOTAVAIL: 'address not available',
	ERRADDRINUSE: 'address in use',
	ENOENT: 'no such file',
	EISDIR: 'is a directory',
	ENOTDIR: 'not a directory',
	EACCES: 'access denied',
	EEXIST: 'already exists',
	EPERM: 'not permitted',
	GETADDRINFO: 'address lookup',
};
const CODE_PATTERN = new RegExp(Object.keys(CODE_WORDS).join('|'), 'gi');

export function plainErrorText(text: string): string {
	return text.replace(CODE_PATTERN, (code) => CODE_WORDS[code.toUpperCase()]);
}

export async function getBaseUrl(
	context: ApiContext,
	credentialType: string,
	field = 'baseUrl',
): Promise<string> {
	const credentials = await context.getCredentials(credentialType);
	return String(credentials[field] || credentials.baseUrl || '').replace(/\/+$/, '');
}

/**
 * Sends one authenticated request with retries for transient failures.
 * HTTP errors become NodeApiErrors with the provider's message and a hint that says what to do.
 */
export async function apiRequest<T = unknown>(
	context: ApiContext,
	provider: ProviderProfile,
	request: ApiRequest,
): Promise<ApiResponse<T>> {
	const baseUrl =
		request.baseUrl !== undefined
			? request.baseUrl.replace(/\/+$/, '')
			: await getBaseUrl(context, provider.credentialType, request.baseUrlField);
	const idempotent = request.idempotent ?? ['GET', 'HEAD', 'DELETE'].includes(request.method);
	const signal = cancelSignal(context);

	for (let attempt = 1; ; attempt++) {
		await waitWhileRateLimited(context, signal);
		// Opening the body (a file, a URL) fails with its own clear error, not as a network failure.
		const body = await openBody(request);
		let response: ApiResponse<T> | undefined;
		let networkError: Error | undefined;
		try {
			response = await send<T>(context, provider, baseUrl, request, body);
		} catch (error) {
			networkError = error as Error;
		}
		if (signal?.aborted) throw canceledError(context);

		const lastAttempt = attempt >= MAX_ATTEMPTS;
		if (networkError) {
			const code = errorCode(networkError);
			const retryable =
				NEVER_SENT_CODES.includes(code) || (idempotent && TRANSIENT_NETWORK_CODES.includes(code));
			if (lastAttempt || !retryable)
				throw networkFailure(context, provider, baseUrl, request, networkError, idempotent);
			await pause(backoffMs(attempt), signal);
			continue;
		}

		const { statusCode } = response!;
		if (statusCode < 300) return response!;
		if (request.encoding === 'stream') response!.body = (await readErrorBody(response!.body)) as T;

		if (statusCode === 429) {
			const retryAfterMs = parseRetryAfter(response!.headers['retry-after']);
			const wait = retryAfterMs ?? backoffMs(attempt);
			if (request.retryRateLimits === false || lastAttempt || wait > MAX_INLINE_RETRY_AFTER_MS) {
				const error = httpFailure(context, provider, request, response!) as RateLimitError;
				error.retryAfterMs = retryAfterMs;
				throw error;
			}
			holdRequests(context, wait); // waited out at the top of the loop, by every request of this run
			continue;
		}
		if (statusCode >= 500 && idempotent && !lastAttempt) {
			await pause(backoffMs(attempt), signal);
			continue;
		}
		throw httpFailure(context, provider, request, response!, idempotent);
	}
}

/** The request's body for one attempt: a factory is called again for each (a stream is sent once). */
async function openBody(request: ApiRequest): Promise<unknown> {
	return typeof request.body === 'function'
		? await (request.body as () => Promise<unknown>)()
		: request.body;
}

/**
 * A rate limit is the account's, not one request's: when the provider says to wait (429 and
 * Retry-After), every request of the same node run (items submitted in parallel) waits until then.
 */
const rateLimitedUntil = new WeakMap<object, number>();

function holdRequests(context: ApiContext, waitMs: number): void {
	const until = Date.now() + waitMs;
	rateLimitedUntil.set(context, Math.max(rateLimitedUntil.get(context) ?? 0, until));
}

async function waitWhileRateLimited(context: ApiContext, signal?: AbortSignal): Promise<void> {
	for (let until = rateLimitedUntil.get(context) ?? 0; until > Date.now() && !signal?.aborted; ) {
		await pause(until - Date.now(), signal);
		until = rateLimitedUntil.get(context) ?? 0; // another request may have been told to wait longer
	}
}

async function send<T>(
	context: ApiContext,
	provider: ProviderProfile,
	baseUrl: string,
	request: ApiRequest,
	body: unknown,
): Promise<ApiResponse<T>> {
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		headers: { Accept: 'application/json', ...(request.headers ?? {}) },
		body: body as IHttpRequestOptions['body'],
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	// The redirect-following transport keeps a copy of every body byte it sends (to replay it after a
	// redirect): for a streamed upload that would be the whole file in memory.
	if (isStreamingForm(body)) options.disableFollowRedirect = true;
	if (body !== undefined && !isStreamingForm(body) && typeof body === 'object') options.json = true;
	// Canceling the execution aborts the request in flight (n8n 2.x adds the signal to authenticated
	// requests itself; plain ones and older n8n need it here).
	options.abortSignal = cancelSignal(context);
	if (request.encoding === 'stream') options.encoding = 'stream';

	type Raw = { statusCode: number; headers: Record<string, string>; body: T };
	const raw = (
		request.authenticate === false
			? await context.helpers.httpRequest(options)
			: await context.helpers.httpRequestWithAuthentication.call(
					context,
					provider.credentialType,
					options,
				)
	) as Raw;
	return { statusCode: raw.statusCode, headers: raw.headers ?? {}, body: raw.body };
}

/** An error answer to a streamed request: its text (at most 64 KiB), parsed when it is JSON. */
async function readErrorBody(body: unknown): Promise<unknown> {
	if (!body || typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] !== 'function')
		return body;
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body as AsyncIterable<Uint8Array>) {
		if (size < 65_536) chunks.push(Buffer.from(chunk));
		size += chunk.length;
	}
	const text = Buffer.concat(chunks).toString('utf8');
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

function isStreamingForm(body: unknown): boolean {
	return Object.prototype.toString.call(body) === '[object FormData]';
}

export function cancelSignal(context: ApiContext): AbortSignal | undefined {
	const withSignal = context as { getExecutionCancelSignal?: () => AbortSignal | undefined };
	return typeof withSignal.getExecutionCancelSignal === 'function'
		? withSignal.getExecutionCancelSignal()
		: undefined;
}

/** The longest single timer (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Waits at least `ms` by the wall clock (a timer can fire a millisecond early, and a Retry-After of
 * one second means one second), but returns early when the execution is canceled. A time that is
 * not a finite number is a bug upstream: it is an error, never a wait that returns at once (a loop
 * would spin on it).
 */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	if (!Number.isFinite(ms)) throw new Error(`Cannot pause for ${ms} ms: not a finite time`);
	const until = Date.now() + ms;
	for (let left = ms; left > 0 && !signal?.aborted; left = until - Date.now()) {
		await pauseOnce(Math.min(left, MAX_TIMER_MS), signal);
	}
}

async function pauseOnce(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleep(ms);
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<void>((resolve) => {
		onAbort = resolve;
		signal.addEventListener('abort', onAbort, { once: true });
	});
	await Promise.race([sleep(ms, signal), aborted]);
	signal.removeEventListener('abort', onAbort!);
}

export function canceledError(context: ApiContext): NodeOperationError {
	return new NodeOperationError(context.getNode(), 'The execution was canceled', {
		description: 'Requests to the provider were stopped.',
	});
}

/** Exponential backoff with full jitter: 0.5–1× of 500 ms · 2^(attempt-1). */
export function backoffMs(attempt: number, baseMs = BASE_BACKOFF_MS): number {
	const ceiling = baseMs * 2 ** (attempt - 1);
	return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined): number | undefined {
	if (value === undefined || value === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function errorCode(error: Error): string {
	const candidates = [error, (error as { cause?: unknown }).cause] as Array<
		{ code?: unknown; message?: unknown } | undefined
	>;
	const cutOff = (c: { code?: unknown; message?: unknown } | undefined) =>
		c?.code === 'ERR_BAD_RESPONSE' && /aborted/i.test(String(c.message ?? ''));
	if (candidates.some(cutOff)) return RESPONSE_CUT_OFF;
	for (const candidate of candidates) {
		if (candidate && typeof candidate.code === 'string') return candidate.code;
	}
	const match = /\b(E[A-Z_]{3,})\b/.exec(error.message ?? '');
	return match ? match[1] : '';
}

function genericHint(provider: string, statusCode: number): string {
	if (statusCode === 400 || statusCode === 422)
		return `${provider} rejected the request: check the parameters named in the message.`;
	if (statusCode === 401) return `Check the API key in your ${provider} credential.`;
	if (statusCode === 402)
		return `Your ${provider} balance is too low: top up your account, then retry.`;
	if (statusCode === 403)
		return `Your ${provider} account or key is not allowed to do this: check your plan and key.`;
	if (statusCode === 404) return 'Not found: check the job ID. Jobs can be deleted or expire.';
	if (statusCode === 413)
		return 'The file is too large for this request: use an asynchronous mode or a URL.';
	if (statusCode === 415)
		return 'The file format is not supported: convert it to a supported audio format.';
	if (statusCode === 429) return `${provider} rate limit reached: retry later or poll less often.`;
	if (statusCode >= 500) return `${provider} had a server problem: try again in a few minutes.`;
	return `${provider} answered with HTTP ${statusCode}.`;
}

export function providerMessage(provider: ProviderProfile, body: unknown): string | undefined {
	const message = rawProviderMessage(provider, body);
	return message === undefined ? undefined : plainErrorText(message);
}

function rawProviderMessage(provider: ProviderProfile, body: unknown): string | undefined {
	const custom = provider.errorMessage?.(body);
	if (custom) return custom;
	if (typeof body === 'string') return body.trim().slice(0, 500) || undefined;
	if (body && typeof body === 'object') {
		const record = body as Record<string, unknown>;
		for (const key of ['error', 'message', 'detail', 'error_description']) {
			const value = record[key];
			if (typeof value === 'string' && value && value !== 'null') return value;
			if (value && typeof value === 'object' && typeof (value as IDataObject).message === 'string')
				return (value as IDataObject).message as string;
		}
	}
	return undefined;
}

function httpFailure(
	context: ApiContext,
	provider: ProviderProfile,
	request: ApiRequest,
	response: ApiResponse,
	idempotent = true,
): NodeApiError {
	const detail = providerMessage(provider, response.body) ?? `HTTP ${response.statusCode}`;
	const redirect = response.statusCode >= 300 && response.statusCode < 400;
	// A server error says nothing about whether the provider acted first: a job may exist.
	const mayHaveActed = !idempotent && response.statusCode >= 500;
	const hint = mayHaveActed
		? `${provider.name} had a server problem after it received the request, so it may have created the job anyway. It was not resent, to avoid a duplicate job: check your ${provider.name} account before retrying.`
		: redirect
			? `${provider.name} redirected the request to ${response.headers.location ?? 'another address'}: put the final address in the credential's Base URL.`
			: (provider.hintFor?.(response.body) ??
				provider.hints?.[response.statusCode] ??
				genericHint(provider.name, response.statusCode));
	const errorBody: JsonObject =
		response.body && typeof response.body === 'object'
			? (response.body as JsonObject)
			: { message: String(response.body ?? '') };
	// Some providers start their own messages with their name: it is not repeated.
	const message = detail.startsWith(`${provider.name}:`) ? detail : `${provider.name}: ${detail}`;
	return new (response.statusCode === 429 ? RateLimitError : NodeApiError)(
		context.getNode(),
		errorBody,
		{
			message,
			description: hint,
			httpCode: String(response.statusCode),
			itemIndex: request.itemIndex,
		},
	);
}

function networkFailure(
	context: ApiContext,
	provider: ProviderProfile,
	baseUrl: string,
	request: ApiRequest,
	error: Error,
	idempotent: boolean,
): NetworkError {
	const code = errorCode(error);
	const mayHaveArrived = !idempotent && !NEVER_SENT_CODES.includes(code);
	// n8n rewrites messages that contain a raw error code, so the code is put into words.
	const reason = NETWORK_REASONS[code] ?? 'network error';
	return new NetworkError(
		context.getNode(),
		`Could not reach ${provider.name} at ${baseUrl} (${reason})`,
		{
			itemIndex: request.itemIndex,
			description: mayHaveArrived
				? `The connection broke after the request was sent, so ${provider.name} may have received it. It was not resent, to avoid a duplicate job: check your ${provider.name} account before retrying.`
				: `Check the Base URL in your ${provider.name} credential and that this n8n instance can reach it.`,
		},
	);
}
