import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OperationMap } from '../../shared/items';
import { routeToOperation } from '../../shared/items';
import * as job from './job/Job.resource';

const operations: OperationMap<{ job: 'create' | 'get' | 'cancel' }> = {
	job: { create: job.create, get: job.get, cancel: job.cancel },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation(this, operations);
}
