import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Operation } from '../../shared/items';
import { routeToOperation } from '../../shared/items';
import * as transcription from './transcription/Transcription.resource';

const resources: Record<string, Record<string, Operation>> = {
	transcription: {
		transcribe: transcription.transcribe,
		transcribeBatch: transcription.transcribeBatch,
		getJob: transcription.getJob,
		getResult: transcription.getResult,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation(this, resources);
}
