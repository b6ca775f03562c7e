import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { PATHS, requestObject } from '../../api';

export const description: INodeProperties[] = [];

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return [{ json: await requestObject(this, { method: 'GET', path: PATHS.health, itemIndex }) }];
}
