import type { KeyObject } from 'crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { getBaseUrl } from '../shared/transport';
import {
	headerValue,
	isFreshTimestamp,
	parseEd25519PublicKey,
	rawBodyOf,
	rejectCall,
	verifyEd25519,
} from '../shared/webhook';
import { PATHS, TRANSCRIBE_API } from './api';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Checks that a call is a webhook TranscribeAPI signed: Ed25519 over `${timestamp}.${raw body}`
 * with the published key named by X-TranscribeAPI-Key-Id, within `toleranceSeconds` of now.
 * Returns the raw body and signature, or the answer that refused the call.
 */
export async function checkSignedCall(
	context: IWebhookFunctions,
	toleranceSeconds: number,
	knownKeys?: Record<string, unknown>,
): Promise<{ raw: Buffer; signature: string } | { refused: IWebhookResponseData }> {
	const refuse = (status: number, message: string) => ({
		refused: rejectCall(context, status, message),
	});
	const raw = rawBodyOf(context);
	if (!raw) return refuse(400, 'The request has no body');
	if (raw.length > MAX_BODY_BYTES) return refuse(413, 'The request body is too large');
	const timestamp = headerValue(context, 'x-transcribeapi-timestamp');
	const signature = headerValue(context, 'x-transcribeapi-signature');
	const keyId = headerValue(context, 'x-transcribeapi-key-id');
	if (!timestamp || !signature || !keyId)
		return refuse(401, 'Missing TranscribeAPI signature headers');
	if (!isFreshTimestamp(timestamp, Date.now(), toleranceSeconds)) {
		return refuse(401, 'The signature timestamp is outside the allowed window');
	}
	const key = await findSigningKey(context, keyId, knownKeys);
	if (!key) return refuse(403, 'Unknown signing key');
	const signed = Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), raw]);
	if (!verifyEd25519(signed, signature, key)) return refuse(401, 'Invalid signature');
	return { raw, signature };
}

/**
 * TranscribeAPI's webhook signing keys, from GET /.well-known/transcribeapi-webhook-keys.json.
 * Nothing public fixes that document's shape, so it may be a JWK set (`{ keys: [{ kid, x, … }] }`),
 * a list, or a map from key id to key; a key may be a JWK, a PEM string, or raw bytes in base64.
 */
export function parseKeyDocument(document: unknown): Map<string, unknown> {
	const keys = new Map<string, unknown>();
	const add = (id: unknown, material: unknown) => {
		if (typeof id === 'string' && id && material !== undefined && material !== null)
			keys.set(id, material);
	};
	const fromEntry = (entry: IDataObject, fallbackId?: string) => {
		const id = entry.kid ?? entry.key_id ?? entry.keyId ?? entry.id ?? fallbackId;
		if (typeof entry.x === 'string') add(id, entry);
		else
			add(
				id,
				entry.public_key ?? entry.publicKey ?? entry.key ?? entry.pem ?? entry.public_key_pem,
			);
	};
	const walk = (value: unknown) => {
		if (Array.isArray(value)) {
			for (const entry of value)
				if (entry && typeof entry === 'object') fromEntry(entry as IDataObject);
			return;
		}
		if (!value || typeof value !== 'object') return;
		const record = value as IDataObject;
		if (record.keys !== undefined) return walk(record.keys);
		if (typeof record.kid === 'string' || typeof record.key_id === 'string')
			return fromEntry(record);
		for (const [id, material] of Object.entries(record)) {
			if (material && typeof material === 'object' && !Array.isArray(material))
				fromEntry(material as IDataObject, id);
			else add(id, material);
		}
	};
	walk(document);
	return keys;
}

interface KeyCache {
	keys: Record<string, unknown>;
	refreshes: number[];
}

/** Unknown key ids may trigger a refresh, but forged ones must not turn into a flood of fetches. */
const MAX_REFRESHES_PER_MINUTE = 10;

/**
 * Finds the public key for a key id: from `knownKeys` (a copy the caller kept, such as a waiting
 * run's), from the copy kept in the workflow's static data, or, for an id not seen before (a
 * rotated key), from a fresh copy of the key document.
 */
export async function findSigningKey(
	context: IWebhookFunctions,
	keyId: string,
	knownKeys?: Record<string, unknown>,
): Promise<KeyObject | undefined> {
	if (knownKeys?.[keyId] !== undefined) return parseEd25519PublicKey(knownKeys[keyId]);
	const staticData = context.getWorkflowStaticData('node');
	const cache = (staticData.signingKeys ?? { keys: {}, refreshes: [] }) as unknown as KeyCache;
	if (cache.keys[keyId] === undefined) {
		const now = Date.now();
		cache.refreshes = cache.refreshes.filter((at) => now - at < 60_000);
		if (cache.refreshes.length >= MAX_REFRESHES_PER_MINUTE) return undefined;
		cache.refreshes.push(now);
		const fetched = await fetchKeyDocument(context);
		if (fetched) cache.keys = Object.fromEntries(parseKeyDocument(fetched));
		staticData.signingKeys = cache as unknown as IDataObject;
	}
	const material = cache.keys[keyId];
	return material === undefined ? undefined : parseEd25519PublicKey(material);
}

/** The published signing keys by key id, or undefined when the key document cannot be read. */
export async function fetchSigningKeys(
	context: IExecuteFunctions | IWebhookFunctions,
): Promise<Record<string, unknown> | undefined> {
	const fetched = await fetchKeyDocument(context);
	return fetched ? Object.fromEntries(parseKeyDocument(fetched)) : undefined;
}

async function fetchKeyDocument(context: IExecuteFunctions | IWebhookFunctions): Promise<unknown> {
	const baseUrl = await getBaseUrl(context, TRANSCRIBE_API.credentialType);
	try {
		const text = (await context.helpers.httpRequest({
			method: 'GET',
			url: `${baseUrl}${PATHS.wellKnownSigningDocument}`,
			json: false,
			encoding: 'text',
		})) as string;
		try {
			return JSON.parse(text);
		} catch {
			// A bare PEM or base64 key: the current key id is documented as "v1".
			return { v1: text.trim() };
		}
	} catch (error) {
		context.logger.warn(
			`Could not fetch TranscribeAPI's webhook keys: ${(error as Error).message}`,
		);
		return undefined;
	}
}
