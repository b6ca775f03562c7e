import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { ItemRun } from '../../../shared/items';

export interface BatchEntry {
	itemIndex: number;
	text: string;
	/** Items with the same key share one request (e.g. the same target language). */
	key: string;
}

export type SendBatch<E extends BatchEntry> = (entries: E[]) => Promise<INodeExecutionData[]>;

/**
 * Sends the texts of many items in as few requests as possible, and hands each item its own
 * result back. An item with bad input fails alone (Continue On Fail) before anything is sent; a
 * failed request fails the items it carried.
 */
export async function runBatched<E extends BatchEntry>(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	prepare: (itemIndex: number) => E,
	send: SendBatch<E>,
): Promise<INodeExecutionData[]> {
	const run = new ItemRun(context, items.length);
	const prepared = await run.each(async (itemIndex) => prepare(itemIndex));
	for (const entries of groupByKey(prepared.map(({ value }) => value))) {
		await sendGroup(run, entries, send);
	}
	return run.output();
}

function groupByKey<E extends BatchEntry>(entries: E[]): E[][] {
	const groups = new Map<string, E[]>();
	for (const entry of entries) groups.set(entry.key, [...(groups.get(entry.key) ?? []), entry]);
	return [...groups.values()];
}

/** One request for a group: each item gets its own result, or all of them the request's error. */
async function sendGroup<E extends BatchEntry>(
	run: ItemRun,
	entries: E[],
	send: SendBatch<E>,
): Promise<void> {
	try {
		const results = await send(entries);
		entries.forEach((entry, index) => run.succeed(entry.itemIndex, results[index]));
	} catch (error) {
		for (const entry of entries) run.fail(entry.itemIndex, error);
	}
}
