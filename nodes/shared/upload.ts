import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cancelSignal } from './transport';

/** A file to upload, opened anew for every attempt so a retry can send it again. */
export interface UploadSource {
	fileName: string;
	mimeType: string;
	/** Bytes, when known: lets the request carry a Content-Length. */
	size: number | undefined;
	open: () => Promise<AsyncIterable<Uint8Array>>;
	/**
	 * The whole file, when it is in memory anyway (an inline base64 binary). A request body must be
	 * this Buffer, not `open()`'s iterable: n8n's HTTP helper sends plain async iterables as no body.
	 */
	bytes?: Buffer;
}

/**
 * A file part whose bytes are read only while the request is being written.
 * It has the shape of a Blob (size, type, name, stream), which is all the HTTP client reads.
 */
interface StreamedFilePart {
	name: string;
	type: string;
	size: number | undefined;
	stream: () => AsyncIterable<Uint8Array>;
}

/**
 * A multipart/form-data body that streams its file parts. n8n's HTTP client (axios) recognizes a
 * spec-compliant FormData by its tag and iterator, and serializes it as a stream with a computed
 * Content-Length. Node's own FormData accepts only real Blobs, which would hold the file in memory.
 */
export class StreamingForm {
	readonly parts: Array<[string, string | StreamedFilePart]> = [];

	get [Symbol.toStringTag](): string {
		return 'FormData';
	}

	append(name: string, value: string | StreamedFilePart): void {
		this.parts.push([name, value]);
	}

	entries(): IterableIterator<[string, string | StreamedFilePart]> {
		return this.parts[Symbol.iterator]();
	}

	[Symbol.iterator](): IterableIterator<[string, string | StreamedFilePart]> {
		return this.entries();
	}
}

/** Builds the multipart body for one attempt: string fields first, then the file. */
export async function multipartBody(
	fields: Record<string, string | number | boolean | undefined>,
	fileField: string,
	source: UploadSource,
): Promise<StreamingForm> {
	const form = new StreamingForm();
	for (const [name, value] of Object.entries(fields)) {
		if (value !== undefined) form.append(name, String(value));
	}
	const content = await source.open();
	form.append(fileField, {
		name: source.fileName,
		type: source.mimeType,
		size: source.size,
		stream: () => content,
	});
	return form;
}

/** The file in a binary property of an input item, read from n8n's binary storage as a stream. */
export async function binarySource(
	context: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
): Promise<UploadSource> {
	const binary = context.helpers.assertBinaryData(itemIndex, propertyName);
	const fileName = binary.fileName ?? `audio.${binary.fileExtension ?? 'bin'}`;
	const mimeType = binary.mimeType || 'application/octet-stream';

	let size: number | undefined;
	let open: () => Promise<AsyncIterable<Uint8Array>>;
	let bytes: Buffer | undefined;
	if (binary.id) {
		const binaryId = binary.id;
		// n8n records the exact size with the binary (`bytes`); older versions only in the metadata file.
		size =
			typeof binary.bytes === 'number'
				? binary.bytes
				: (await context.helpers.getBinaryMetadata(binaryId)).fileSize;
		open = async () => await context.helpers.getBinaryStream(binaryId);
	} else {
		// n8n 1.x (default binary mode) keeps binaries inline as base64: already in memory.
		const buffer = Buffer.from(binary.data, 'base64');
		size = buffer.length;
		open = async () => toAsyncIterable(buffer);
		bytes = buffer;
	}

	if (size === 0) {
		throw new NodeOperationError(context.getNode(), `The file in "${propertyName}" is empty`, {
			itemIndex,
			description: 'Check the node that produced this file: it holds no bytes.',
		});
	}
	return { fileName, mimeType, size, open, bytes };
}

/**
 * The body of a public URL, streamed straight into the upload. The first GET tells the size and
 * type; a retry fetches the URL again.
 */
export async function urlSource(
	context: IExecuteFunctions,
	itemIndex: number,
	url: string,
): Promise<UploadSource> {
	const parsed = parseHttpUrl(context, itemIndex, url);

	const fetchBody = async () => {
		try {
			return (await context.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				returnFullResponse: true,
				// Canceling the execution closes the download too, not only the upload it feeds.
				abortSignal: cancelSignal(context),
			})) as { headers: Record<string, string>; body: AsyncIterable<Uint8Array> };
		} catch (error) {
			throw new NodeOperationError(context.getNode(), `Could not download the audio from ${url}`, {
				itemIndex,
				description: `${(error as Error).message}. Check that the URL is public and reachable from n8n.`,
			});
		}
	};

	const first = await fetchBody();
	let firstBody: AsyncIterable<Uint8Array> | undefined = first.body;
	const length = Number(first.headers['content-length']);
	const fileName = decodeURIComponent(parsed.pathname.split('/').pop() || '') || 'audio';
	const mimeType = (first.headers['content-type'] ?? 'application/octet-stream').split(';')[0];
	if (length === 0) {
		throw new NodeOperationError(context.getNode(), `The file at ${url} is empty`, { itemIndex });
	}

	return {
		fileName,
		mimeType,
		size: Number.isFinite(length) ? length : undefined,
		open: async () => {
			const body = firstBody ?? (await fetchBody()).body;
			firstBody = undefined;
			return body;
		},
	};
}

/** Parses a user-given URL; only full http(s) URLs pass. */
export function parseHttpUrl(context: IExecuteFunctions, itemIndex: number, url: string): URL {
	try {
		const parsed = new URL(url);
		if (['http:', 'https:'].includes(parsed.protocol)) return parsed;
	} catch {
		// Reported below.
	}
	throw new NodeOperationError(context.getNode(), `"${url}" is not a valid http(s) URL`, {
		itemIndex,
		description: 'Enter a full URL such as https://example.com/audio.mp3.',
	});
}

async function* toAsyncIterable(buffer: Buffer): AsyncIterable<Uint8Array> {
	yield buffer;
}
