import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { canceledError, cancelSignal } from './transport';

/** What one input item turned into: its output items, or the error that stopped it. */
export type ItemOutcome = { output: INodeExecutionData[] } | { error: Error };

/** Marks an error with the item it belongs to, so n8n shows "item N" with it. */
export function forItem(
	context: Pick<IExecuteFunctions, 'getNode'>,
	error: unknown,
	itemIndex: number,
): Error {
	if (error instanceof NodeOperationError || (error as { context?: IDataObject }).context) {
		const withContext = error as { context: IDataObject };
		withContext.context = withContext.context ?? {};
		if (withContext.context.itemIndex === undefined) withContext.context.itemIndex = itemIndex;
		return error as Error;
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(context.getNode(), message, { itemIndex });
}

/**
 * Turns per-item outcomes into the node's output, in input order and paired to the inputs.
 * With "Continue On Fail" a failed item becomes an error item (routed to the error output when
 * the node has one); otherwise the first failure stops the node.
 */
export function collectOutput(
	context: IExecuteFunctions,
	outcomes: ItemOutcome[],
): INodeExecutionData[] {
	const output: INodeExecutionData[] = [];
	const continueOnFail = context.continueOnFail();
	outcomes.forEach((outcome, itemIndex) => {
		if ('error' in outcome) {
			if (!continueOnFail) throw forItem(context, outcome.error, itemIndex);
			const description = (outcome.error as { description?: string | null }).description;
			const json: IDataObject = { error: outcome.error.message };
			if (description) json.details = description;
			output.push({ json, pairedItem: { item: itemIndex } });
			return;
		}
		for (const item of outcome.output) output.push({ ...item, pairedItem: { item: itemIndex } });
	});
	return output;
}

export interface EachOptions {
	/** Items whose step may run at the same time (default 1: one after another). */
	concurrency?: number;
	/**
	 * Adds to the error that stops the node, given what the other items' steps gave. By default it
	 * names the jobs they created (a step's value with a `jobId`), so a re-run creates none twice.
	 */
	onStop?: (error: Error, done: Array<ItemValue<unknown>>) => Error;
}

/** What one step gave for one item that did not fail. */
export interface ItemValue<T> {
	itemIndex: number;
	value: T;
}

/**
 * The items of one execution and what each has turned into so far: the one place that applies
 * "Continue On Fail", pairs outputs to their inputs and keeps them in input order.
 */
export class ItemRun {
	private readonly outcomes: ItemOutcome[];

	constructor(
		private readonly context: IExecuteFunctions,
		itemCount: number,
	) {
		this.outcomes = Array.from({ length: itemCount }, () => ({ output: [] }));
	}

	/**
	 * Runs `step` for each item that has not failed, at most `concurrency` at a time (one after
	 * another by default), and returns what each gave, in input order. A failure stops the node or,
	 * with Continue On Fail, only its item. A stopping failure starts no further item; the steps
	 * already running finish first (a job they create is not lost), then the failure of the first
	 * failed item is thrown, after `onStop` adds to its error.
	 */
	async each<T>(
		step: (itemIndex: number) => Promise<T>,
		options: EachOptions = {},
	): Promise<Array<ItemValue<T>>> {
		const onStop = options.onStop ?? nameCreatedJobs;
		const pending = this.outcomes.flatMap((outcome, itemIndex) =>
			'error' in outcome ? [] : [itemIndex],
		);
		const values: Array<ItemValue<T>> = [];
		const stops: Array<{ itemIndex: number; error: unknown }> = [];
		const signal = cancelSignal(this.context);
		const worker = async () => {
			for (let itemIndex = pending.shift(); itemIndex !== undefined; itemIndex = pending.shift()) {
				if (signal?.aborted) throw canceledError(this.context); // start nothing once canceled
				try {
					values.push({ itemIndex, value: await step(itemIndex) });
				} catch (error) {
					if (!this.context.continueOnFail()) {
						stops.push({ itemIndex, error });
						pending.length = 0; // start no further item
					} else this.fail(itemIndex, error);
				}
			}
		};
		const workers = Math.max(1, Math.min(options.concurrency ?? 1, pending.length));
		await Promise.all(Array.from({ length: workers }, worker));
		if (stops.length > 0) {
			const first = stops.reduce((a, b) => (b.itemIndex < a.itemIndex ? b : a));
			this.stopOrFail(first.itemIndex, first.error, (error) => onStop(error, values));
		}
		return values.sort((a, b) => a.itemIndex - b.itemIndex);
	}

	/** Sets an item's output; an error while building it becomes the item's error. */
	async settle(
		itemIndex: number,
		build: () => Promise<INodeExecutionData | INodeExecutionData[]>,
	): Promise<void> {
		try {
			this.succeed(itemIndex, await build());
		} catch (error) {
			this.fail(itemIndex, error);
		}
	}

	succeed(itemIndex: number, output: INodeExecutionData | INodeExecutionData[]): void {
		this.outcomes[itemIndex] = { output: Array.isArray(output) ? output : [output] };
	}

	/**
	 * What a failed step does: stops the node (after `onStop` adds to its error), or with Continue
	 * On Fail ends only this item. For steps run outside `each` (several at once).
	 */
	stopOrFail(
		itemIndex: number,
		error: unknown,
		onStop: (error: Error) => Error = (stopping) => stopping,
	): void {
		const itemError = forItem(this.context, error, itemIndex);
		if (!this.context.continueOnFail()) throw onStop(itemError);
		this.outcomes[itemIndex] = { error: itemError };
	}

	/** Ends an item with an error (reported as its output, or stopping the node when it is collected). */
	fail(itemIndex: number, error: unknown): void {
		this.outcomes[itemIndex] = { error: forItem(this.context, error, itemIndex) };
	}

	/** The outcomes so far, in input order (a run paused for callbacks keeps them). */
	get current(): ItemOutcome[] {
		return this.outcomes;
	}

	/** The node's output: every item's output in input order, or the first failure when not continuing. */
	output(): INodeExecutionData[] {
		return collectOutput(this.context, this.outcomes);
	}
}

/** The default `onStop`: names the jobs the other items created (a value's `jobId`, or its `job.jobId`). */
function nameCreatedJobs(error: Error, done: Array<ItemValue<unknown>>): Error {
	const jobs = done.flatMap(({ itemIndex, value }) => {
		const holder = value as { jobId?: unknown; job?: { jobId?: unknown } } | null;
		const jobId = holder?.jobId ?? holder?.job?.jobId;
		return typeof jobId === 'string' && jobId ? [`item ${itemIndex}: ${jobId}`] : [];
	});
	if (jobs.length === 0) return error;
	const withDescription = error as { description?: string | null };
	withDescription.description =
		`${withDescription.description ?? ''} Jobs other items created (${jobs.join(', ')}) keep running at the provider: look them up by ID instead of running those items again.`.trim();
	return error;
}

/** Runs a handler for each item; one item's failure never touches the others. */
export async function runForEachItem(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	handler: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const run = new ItemRun(context, items.length);
	const outputs = await run.each(handler);
	for (const { itemIndex, value } of outputs) run.succeed(itemIndex, value);
	return run.output();
}

/**
 * One operation module. A whole-run operation (one that waits for many jobs together, or batches
 * items into one request) exports `execute`; an operation that handles each item on its own exports
 * `executeItem`, and the router runs it for every item.
 */
export type Operation =
	| {
			execute: (
				this: IExecuteFunctions,
				items: INodeExecutionData[],
			) => Promise<INodeExecutionData[]>;
	  }
	| {
			executeItem: (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;
	  };

/**
 * A node's resources and, for each, its operations: `OperationMap<{ job: 'create' | 'get' }>` makes the
 * compiler check that the router has exactly the operations the resource offers.
 */
export type OperationMap<M extends Record<string, string>> = {
	[Resource in keyof M]: { [Name in M[Resource]]: Operation };
};

/** Hands the input items to the operation chosen by the node's resource and operation parameters. */
export async function routeToOperation<M extends Record<string, string>>(
	context: IExecuteFunctions,
	operations: OperationMap<M>,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const resource = context.getNodeParameter('resource', 0) as string;
	const operation = context.getNodeParameter('operation', 0) as string;
	const byName = (operations as Record<string, Record<string, Operation> | undefined>)[resource];
	const handler = byName && Object.hasOwn(byName, operation) ? byName[operation] : undefined;
	if (!handler) {
		throw new NodeOperationError(
			context.getNode(),
			`The operation "${operation}" is not supported for "${resource}"`,
		);
	}
	if ('executeItem' in handler) {
		return [
			await runForEachItem(
				context,
				items,
				async (itemIndex) => await handler.executeItem.call(context, itemIndex),
			),
		];
	}
	return [await handler.execute.call(context, items)];
}
