import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemOutcome } from '../../../shared/items';
import { collectOutput, forItem } from '../../../shared/items';

export interface BatchEntry {
	itemIndex: number;
	text: string;
	/** Items with the same key share one request (e.g. the same target language). */
	key: string;
}

/**
 * Sends the texts of many items in as few requests as possible, and hands each item its own
 * result back. An item with bad input fails alone (Continue On Fail) before anything is sent; a
 * failed request fails the items it carried.
 */
export async function runBatched(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	prepare: (itemIndex: number) => BatchEntry,
	send: (entries: BatchEntry[]) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const outcomes: ItemOutcome[] = [];
	const groups = new Map<string, BatchEntry[]>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const entry = prepare(itemIndex);
			groups.set(entry.key, [...(groups.get(entry.key) ?? []), entry]);
			outcomes.push({ output: [] });
		} catch (error) {
			if (!context.continueOnFail()) throw forItem(context, error, itemIndex);
			outcomes.push({ error: forItem(context, error, itemIndex) });
		}
	}
	for (const entries of groups.values()) {
		try {
			const results = await send(entries);
			entries.forEach((entry, index) => (outcomes[entry.itemIndex] = { output: [results[index]] }));
		} catch (error) {
			for (const entry of entries)
				outcomes[entry.itemIndex] = { error: forItem(context, error, entry.itemIndex) };
		}
	}
	return collectOutput(context, outcomes);
}
