import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runForEachItem } from '../../../shared/items';
import { listLanguages } from '../../api';

export const description: INodeProperties[] = [];

/**
 * One output item per supported language (code "" is auto-detection). The list is the same for
 * every input item, so it is read once, for the first: a whole-run operation, not `executeItem`.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items.slice(0, 1), async (itemIndex) => {
		const languages = await listLanguages(this, itemIndex);
		return languages.map((language) => ({ json: { code: language.code, name: language.name } }));
	});
}
