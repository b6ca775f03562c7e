import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import * as transcription from './actions/transcription/Transcription.resource';

export class Hispeech implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Hispeech',
		name: 'hispeech',
		icon: { light: 'file:hispeech.svg', dark: 'file:hispeech.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Transcribe Armenian speech with Hispeech',
		defaults: { name: 'Hispeech' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'hispeechApi', required: true }],
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

	execute = router;
}
