import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { runForEachItem } from '../../../shared/items';
import { listLanguages } from '../../api';

export const description: INodeProperties[] = [];

/** One output item per language: { code, name }. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const languages = await listLanguages(this, itemIndex);
		return languages.map((language) => ({ json: language as IDataObject }));
	});
}
