import type { INodeProperties } from 'n8n-workflow';

import { listLanguages } from '../../api';
import { oneItemPerEntry } from './list';

export const description: INodeProperties[] = [];

/** One output item per language: { code, name }. */
export const executeItem = oneItemPerEntry(listLanguages);
