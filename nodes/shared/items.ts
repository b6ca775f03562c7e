import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

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

/** Runs a handler for each item; one item's failure never touches the others. */
export async function runForEachItem(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	handler: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const outcomes: ItemOutcome[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			outcomes.push({ output: await handler(itemIndex) });
		} catch (error) {
			if (!context.continueOnFail()) throw forItem(context, error, itemIndex);
			outcomes.push({ error: forItem(context, error, itemIndex) });
		}
	}
	return collectOutput(context, outcomes);
}

/** One operation module: its `execute` turns the input items into output items. */
export type Operation = {
	execute: (this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<INodeExecutionData[]>;
};

/** Hands the input items to the operation chosen by the node's resource and operation parameters. */
export async function routeToOperation(
	context: IExecuteFunctions,
	resources: Record<string, Record<string, Operation>>,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const resource = context.getNodeParameter('resource', 0) as string;
	const operation = context.getNodeParameter('operation', 0) as string;
	const handler = resources[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(
			context.getNode(),
			`The operation "${operation}" is not supported for "${resource}"`,
		);
	}
	return [await handler.execute.call(context, items)];
}
