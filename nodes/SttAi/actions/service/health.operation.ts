import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runForEachItem } from '../../../shared/items';
import { asObject, PATHS, sttAiRequest } from '../../api';

export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const response = await sttAiRequest<unknown>(this, {
			method: 'GET',
			path: PATHS.health,
			itemIndex,
		});
		return [{ json: asObject(this, response.body, itemIndex) }];
	});
}
