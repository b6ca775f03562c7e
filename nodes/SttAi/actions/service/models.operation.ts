import type { INodeProperties } from 'n8n-workflow';

import { listModels } from '../../api';
import { oneItemPerEntry } from './list';

export const description: INodeProperties[] = [];

/** One output item per model. */
export const executeItem = oneItemPerEntry(listModels);
