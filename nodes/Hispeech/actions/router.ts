import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OperationMap } from '../../shared/items';
import { routeToOperation } from '../../shared/items';
import * as transcription from './transcription/Transcription.resource';

const operations: OperationMap<{
	transcription: 'transcribe' | 'getStatus' | 'delete' | 'transcribeOpenAi';
}> = {
	transcription: {
		transcribe: transcription.transcribe,
		getStatus: transcription.getStatus,
		delete: transcription.delete,
		transcribeOpenAi: transcription.transcribeOpenAi,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation(this, operations);
}
