import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { backoffMs, canceledError, cancelSignal, pause } from './transport';
import type { UploadSource } from './upload';

/**
 * Uploads to pre-signed URLs, the S3 way: one PUT of the whole file, or a multipart upload whose
 * parts are PUT in parallel. Pre-signed URLs carry their own signature, so no API key is sent.
 */

export interface PartUrl {
	partNumber: number;
	url: string;
}

export interface MultipartPlan {
	partSize: number;
	parts: PartUrl[];
}

export interface PartUploadOptions {
	itemIndex: number;
	/** Parts in flight at once (lowered so that buffered parts stay within the memory budget). */
	concurrency?: number;
	/** Bytes of part data held in memory at most. */
	memoryBudgetBytes?: number;
	/** PUT attempts per part before asking for fresh URLs. */
	attemptsPerPart?: number;
	/** Asks the provider for fresh part URLs (expired or failing ones); the parts done are kept. */
	refreshUrls?: () => Promise<PartUrl[]>;
	/** How many times fresh URLs may be asked for. */
	maxRefreshes?: number;
	/** What to call the upload in messages, e.g. "TranscribeAPI upload". */
	label: string;
}

/**
 * A pre-signed URL past its time. Trying it again cannot help; fresh URLs from the provider can.
 * (Named like its base class: n8n-core keeps only errors named exactly NodeOperationError intact.)
 */
export class UploadUrlExpiredError extends NodeOperationError {
	name = 'NodeOperationError';
}

export interface UploadedPart {
	partNumber: number;
	etag: string;
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_MEMORY_BUDGET = 48 * 1024 * 1024;
const DEFAULT_ATTEMPTS = 4;

interface PutResult {
	statusCode: number;
	headers: IDataObject;
	/** The storage's error document, when it sent one. */
	body?: unknown;
	error?: Error;
}

async function put(
	context: IExecuteFunctions,
	url: string,
	body: Buffer | AsyncIterable<Uint8Array>,
	headers: IDataObject,
): Promise<PutResult> {
	try {
		const response = (await context.helpers.httpRequest({
			method: 'PUT',
			url,
			body: body as Buffer,
			headers,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// The redirect transport would keep a copy of every byte sent.
			disableFollowRedirect: true,
		})) as { statusCode: number; headers: IDataObject; body?: unknown };
		return {
			statusCode: response.statusCode,
			headers: response.headers ?? {},
			body: response.body,
		};
	} catch (error) {
		return { statusCode: 0, headers: {}, error: error as Error };
	}
}

/** The code and message of an S3-style `<Error>` document (storage errors are XML). */
function storageError(body: unknown): { code?: string; message?: string } | undefined {
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
	if (typeof text !== 'string' || !text.includes('<Error>')) return undefined;
	const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
	return { code: tag('Code'), message: tag('Message') };
}

function describeFailure(result: PutResult): string {
	if (result.error) return result.error.message;
	const stored = storageError(result.body);
	const detail = [stored?.code, stored?.message].filter(Boolean).join(': ');
	return detail ? `HTTP ${result.statusCode} ${detail}` : `HTTP ${result.statusCode}`;
}

/** A pre-signed URL past its time: S3 answers 403 "Request has expired". */
function urlExpired(result: PutResult): boolean {
	return result.statusCode === 403 && /expired/i.test(storageError(result.body)?.message ?? '');
}

const EXPIRED_HINT =
	'The upload URL has expired (pre-signed upload URLs are valid for a limited time, often one hour). Run the node again: it gets fresh URLs.';

/** Whether another attempt can help: network trouble, throttling, server errors. */
function worthRetrying(result: PutResult): boolean {
	return result.statusCode === 0 || result.statusCode === 429 || result.statusCode >= 500;
}

/** One PUT of the whole file, streamed from its source; retried from the start when it fails. */
export async function putWholeFile(
	context: IExecuteFunctions,
	source: UploadSource,
	url: string,
	headers: IDataObject,
	options: Pick<PartUploadOptions, 'itemIndex' | 'attemptsPerPart' | 'label'>,
): Promise<void> {
	const signal = cancelSignal(context);
	const attempts = options.attemptsPerPart ?? DEFAULT_ATTEMPTS + 1;
	let last: PutResult | undefined;
	for (let attempt = 1; attempt <= attempts; attempt++) {
		const body = source.bytes ?? (await source.open());
		const sizeHeader = source.size !== undefined ? { 'Content-Length': source.size } : {};
		last = await put(context, url, body, {
			'Content-Type': source.mimeType,
			...sizeHeader,
			...headers,
		});
		if (signal?.aborted) throw canceledError(context);
		if (last.statusCode >= 200 && last.statusCode < 300) return;
		if (!worthRetrying(last)) break;
		if (attempt < attempts) await pause(backoffMs(attempt), signal);
	}
	throw new (urlExpired(last!) ? UploadUrlExpiredError : NodeOperationError)(
		context.getNode(),
		`${options.label} failed: ${describeFailure(last!)}`,
		{
			itemIndex: options.itemIndex,
			description: urlExpired(last!)
				? EXPIRED_HINT
				: last!.statusCode === 403
					? 'The upload URL was refused (it may have expired: they are valid for one hour). Run the node again.'
					: 'The file could not be sent to the upload URL. Check the connection, then run the node again.',
		},
	);
}

/**
 * Reads the file once, in order, cutting it into parts of `partSize` bytes, and PUTs the parts in
 * parallel. Each part is retried; when a part keeps failing, fresh URLs are requested and only the
 * parts not yet done are sent again. Returns each part's ETag, in part order.
 */
export async function uploadParts(
	context: IExecuteFunctions,
	source: UploadSource,
	plan: MultipartPlan,
	options: PartUploadOptions,
): Promise<UploadedPart[]> {
	const upload = new MultipartUpload(context, plan, options);
	await upload.sendFile(source);
	return upload.uploadedParts();
}

/** One multipart upload: the part URLs (refreshed when they fail), and the parts stored so far. */
class MultipartUpload {
	private readonly signal: AbortSignal | undefined;
	private readonly urls: Map<number, string>;
	private readonly done: UploadedPart[] = [];
	private readonly concurrency: number;
	private refreshes = 0;
	private refreshing: Promise<void> | undefined;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly plan: MultipartPlan,
		private readonly options: PartUploadOptions,
	) {
		this.signal = cancelSignal(context);
		this.urls = new Map(plan.parts.map((part) => [part.partNumber, part.url]));
		const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET;
		const wanted = options.concurrency ?? DEFAULT_CONCURRENCY;
		this.concurrency = Math.max(1, Math.min(wanted, Math.floor(budget / plan.partSize)));
	}

	/** Reads the source once, cutting it into parts, each sent as soon as a slot is free. */
	async sendFile(source: UploadSource): Promise<void> {
		const { partSize } = this.plan;
		const slots = new PartSlots(this.concurrency, partSize);
		let partNumber = 1;
		let buffer = await slots.acquire();
		let filled = 0;
		for await (const chunk of await source.open()) {
			let offset = 0;
			while (offset < chunk.length && !slots.failure) {
				const take = Math.min(partSize - filled, chunk.length - offset);
				buffer.set(chunk.subarray(offset, offset + take), filled);
				filled += take;
				offset += take;
				if (filled === partSize) {
					const number = partNumber++;
					slots.launch(buffer, filled, async (bytes) => await this.sendPart(number, bytes));
					buffer = await slots.acquire();
					filled = 0;
				}
			}
			if (slots.failure) break;
		}
		if (filled > 0 && !slots.failure) {
			const number = partNumber++;
			slots.launch(buffer, filled, async (bytes) => await this.sendPart(number, bytes));
		}
		await slots.finished();
	}

	/** The stored parts in part order, once every part the provider planned is stored. */
	uploadedParts(): UploadedPart[] {
		if (this.done.length !== this.plan.parts.length) {
			throw this.error(
				`the file has ${this.done.length} parts of ${this.plan.partSize} bytes, but the provider expected ${this.plan.parts.length}`,
				'The file size changed, or the provider planned the upload for another size. Run the node again.',
			);
		}
		return this.done.sort((a, b) => a.partNumber - b.partNumber);
	}

	/** Sends one part, asking for fresh URLs when its URL keeps failing. */
	private async sendPart(partNumber: number, bytes: Buffer): Promise<void> {
		for (;;) {
			const failed = await this.tryPart(partNumber, bytes);
			if (!failed) return;
			if (!(await this.refreshUrls())) {
				throw this.error(
					`part ${partNumber} could not be uploaded (${describeFailure(failed)})`,
					urlExpired(failed)
						? EXPIRED_HINT
						: 'The parts already sent are kept by the provider until the upload expires. Check the connection, then run the node again.',
				);
			}
		}
	}

	/** PUTs a part to its current URL, retrying what may pass; the last failure, or undefined once stored. */
	private async tryPart(partNumber: number, bytes: Buffer): Promise<PutResult | undefined> {
		const attempts = this.options.attemptsPerPart ?? DEFAULT_ATTEMPTS;
		let last: PutResult | undefined;
		for (let attempt = 1; attempt <= attempts; attempt++) {
			const url = this.urls.get(partNumber);
			if (!url)
				throw this.error(
					`no upload URL for part ${partNumber}`,
					'The provider sent an incomplete upload plan. Run the node again.',
				);
			last = await put(this.context, url, bytes, { 'Content-Length': bytes.length });
			if (this.signal?.aborted) throw canceledError(this.context);
			if (last.statusCode >= 200 && last.statusCode < 300) {
				this.done.push({ partNumber, etag: this.etagOf(partNumber, last) });
				return undefined;
			}
			// A refused URL (expired, or signed for something else) will not work on a second try.
			if (!worthRetrying(last)) break;
			if (attempt < attempts) await pause(backoffMs(attempt), this.signal);
		}
		return last;
	}

	private etagOf(partNumber: number, stored: PutResult): string {
		const etag = stored.headers.etag ?? stored.headers.ETag;
		if (typeof etag === 'string' && etag !== '') return etag;
		throw this.error(
			`part ${partNumber} was stored without an ETag`,
			'The upload service did not confirm the part. Run the node again.',
		);
	}

	/** Asks the provider for fresh part URLs; false when it cannot (or may not any more). */
	private async refreshUrls(): Promise<boolean> {
		const { refreshUrls, maxRefreshes = 2 } = this.options;
		if (!refreshUrls || this.refreshes >= maxRefreshes) return false;
		// Parts that fail together share one refresh.
		this.refreshing ??= (async () => {
			this.refreshes++;
			for (const part of await refreshUrls()) this.urls.set(part.partNumber, part.url);
		})().finally(() => (this.refreshing = undefined));
		await this.refreshing;
		return true;
	}

	private error(message: string, description: string): NodeOperationError {
		return new NodeOperationError(
			this.context.getNode(),
			`${this.options.label} failed: ${message}`,
			{
				itemIndex: this.options.itemIndex,
				description,
			},
		);
	}
}

/**
 * At most `concurrency` part buffers, reused for the whole file: a buffer is filled only when a
 * slot is free (reading a part takes far less time than sending it), so memory stays at
 * `concurrency` parts however large the file is. The first failure stops further parts.
 */
class PartSlots {
	failure: Error | undefined;
	private readonly inFlight = new Set<Promise<void>>();
	private readonly pool: Buffer[] = [];
	private allocated = 0;

	constructor(
		private readonly concurrency: number,
		private readonly partSize: number,
	) {}

	async acquire(): Promise<Buffer> {
		while (this.pool.length === 0 && this.allocated >= this.concurrency)
			await Promise.race(this.inFlight);
		if (this.pool.length > 0) return this.pool.pop()!;
		this.allocated++;
		return Buffer.allocUnsafeSlow(this.partSize);
	}

	/** Sends the first `length` bytes of `buffer`; the buffer returns to the pool when done. */
	launch(buffer: Buffer, length: number, send: (bytes: Buffer) => Promise<void>): void {
		const task: Promise<void> = send(buffer.subarray(0, length))
			.catch((error: Error) => {
				this.failure ??= error;
			})
			.finally(() => {
				this.pool.push(buffer);
				this.inFlight.delete(task);
			});
		this.inFlight.add(task);
	}

	/** Waits for the parts in flight; throws the first failure. */
	async finished(): Promise<void> {
		await Promise.all(this.inFlight);
		if (this.failure) throw this.failure;
	}
}

/** The S3 CompleteMultipartUpload document listing each part's number and ETag. */
export function completeMultipartXml(parts: UploadedPart[]): string {
	const escape = (text: string) =>
		text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
	const body = parts
		.map(
			(part) =>
				`<Part><PartNumber>${part.partNumber}</PartNumber><ETag>${escape(part.etag)}</ETag></Part>`,
		)
		.join('');
	return `<CompleteMultipartUpload>${body}</CompleteMultipartUpload>`;
}

/** POSTs the completion document to the pre-signed completion URL. */
export async function completeMultipart(
	context: IExecuteFunctions,
	url: string,
	parts: UploadedPart[],
	options: Pick<PartUploadOptions, 'itemIndex' | 'label'>,
): Promise<void> {
	const signal = cancelSignal(context);
	const xml = completeMultipartXml(parts);
	let last: PutResult | undefined;
	for (let attempt = 1; attempt <= DEFAULT_ATTEMPTS; attempt++) {
		try {
			const response = (await context.helpers.httpRequest({
				method: 'POST',
				url,
				body: xml,
				headers: { 'Content-Type': 'application/xml' },
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			})) as { statusCode: number; headers: IDataObject; body: unknown };
			// S3 can answer 200 with an <Error> document (a failure inside the service, worth another
			// try); an error status keeps its own code, so an expired URL (403) is not retried.
			const failedInside = response.statusCode < 300 && storageError(response.body) !== undefined;
			if (response.statusCode < 300 && !failedInside) return;
			last = {
				statusCode: failedInside ? 500 : response.statusCode,
				headers: response.headers,
				body: response.body,
			};
			if (!worthRetrying(last)) break;
		} catch (error) {
			last = { statusCode: 0, headers: {}, error: error as Error };
		}
		if (signal?.aborted) throw canceledError(context);
		if (attempt < DEFAULT_ATTEMPTS) await pause(backoffMs(attempt), signal);
	}
	throw new (urlExpired(last!) ? UploadUrlExpiredError : NodeOperationError)(
		context.getNode(),
		`${options.label} could not be completed: ${describeFailure(last!)}`,
		{
			itemIndex: options.itemIndex,
			description: urlExpired(last!)
				? 'All parts were sent, but the completion URL has expired (pre-signed URLs are valid for a limited time, often one hour). Run the node again.'
				: 'All parts were sent but the upload service did not accept the completion. Run the node again.',
		},
	);
}
