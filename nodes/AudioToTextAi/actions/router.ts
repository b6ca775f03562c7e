import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OperationMap } from '../../shared/items';
import { routeToOperation } from '../../shared/items';
import * as language from './language/Language.resource';
import * as transcription from './transcription/Transcription.resource';

const operations: OperationMap<{ transcription: 'transcribe' | 'get'; language: 'getMany' }> = {
	transcription: { transcribe: transcription.transcribe, get: transcription.get },
	language: { getMany: language.getMany },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation(this, operations);
}
