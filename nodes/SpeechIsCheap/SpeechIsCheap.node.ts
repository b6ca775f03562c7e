import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as job from './actions/job/Job.resource';
import { router } from './actions/router';

export class SpeechIsCheap implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Speech is Cheap',
		name: 'speechIsCheap',
		icon: { light: 'file:speechischeap.svg', dark: 'file:speechischeap.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Transcribe audio from a URL or a file with Speech is Cheap',
		defaults: { name: 'Speech is Cheap' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'speechIsCheapApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Job', value: 'job' }],
				default: 'job',
			},
			...job.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
