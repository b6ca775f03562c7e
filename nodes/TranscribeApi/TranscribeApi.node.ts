import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import * as transcription from './actions/transcription/Transcription.resource';

export class TranscribeApi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'TranscribeAPI',
		name: 'transcribeApi',
		icon: { light: 'file:transcribeapi.svg', dark: 'file:transcribeapi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Transcribe audio with TranscribeAPI: sync, big files and batches',
		defaults: { name: 'TranscribeAPI' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'transcribeApiApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Transcription', value: 'transcription' }],
				default: 'transcription',
			},
			...transcription.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
