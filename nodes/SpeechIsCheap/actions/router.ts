import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Operation } from '../../shared/items';
import { routeToOperation } from '../../shared/items';
import * as job from './job/Job.resource';

const resources: Record<string, Record<string, Operation>> = {
	job: { create: job.create, get: job.get, cancel: job.cancel },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation(this, resources);
}
