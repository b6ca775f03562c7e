import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OperationMap } from '../../shared/items';
import { routeToOperation } from '../../shared/items';
import * as transcription from './transcription/Transcription.resource';

const operations: OperationMap<{
	transcription: 'transcribe' | 'transcribeBatch' | 'getJob' | 'getResult';
}> = {
	transcription: {
		transcribe: transcription.transcribe,
		transcribeBatch: transcription.transcribeBatch,
		getJob: transcription.getJob,
		getResult: transcription.getResult,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation(this, operations);
}
