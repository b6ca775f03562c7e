import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Resources } from '../../shared/router';
import { routeOperation } from '../../shared/router';
import * as transcription from './transcription/Transcription.resource';

const resources: Resources = {
	transcription: {
		transcribe: transcription.transcribe,
		transcribeBatch: transcription.transcribeBatch,
		getJob: transcription.getJob,
		getResult: transcription.getResult,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation(this, resources);
}
