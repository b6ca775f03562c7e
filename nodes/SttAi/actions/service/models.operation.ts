import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { runForEachItem } from '../../../shared/items';
import { listModels } from '../../api';

export const description: INodeProperties[] = [];

/** One output item per model. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const models = await listModels(this, itemIndex);
		return models.map((model) => ({ json: model as IDataObject }));
	});
}
