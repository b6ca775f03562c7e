import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { tokenTriggerFields } from '../shared/descriptions';
import { callbackUrlGivenPerJob } from '../shared/webhook';
import { receiveCallback } from './webhook';

export class AudioToTextAiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AudioToTextAI Trigger',
		name: 'audioToTextAiTrigger',
		icon: {
			light: 'file:../AudioToTextAi/audiototextai.svg',
			dark: 'file:../AudioToTextAi/audiototextai.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Statuses: " + [].concat($parameter["statuses"] || []).join(", ")}}',
		description: 'Starts the workflow when AudioToTextAI calls back about a transcription',
		defaults: { name: 'AudioToTextAI Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// The key is needed only to fetch the full result.
		credentials: [
			{
				name: 'audioToTextAiApi',
				required: true,
				displayOptions: { show: { fetchFullResult: [true] } },
			},
		],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'callback' },
		],
		properties: [
			...tokenTriggerFields('AudioToTextAI', [
				{ name: 'Completed', value: 'completed' },
				{ name: 'Failed', value: 'failed' },
			]),
			{
				displayName: 'Fetch Full Result',
				name: 'fetchFullResult',
				type: 'boolean',
				default: false,
				description:
					'Whether to get the complete transcription with its segments from AudioToTextAI (needs the AudioToTextAI credential). The callback itself has no segments.',
			},
		],
	};

	// The callback URL is given to the provider with each job: there is nothing to register or remove.
	webhookMethods = callbackUrlGivenPerJob;

	// The callback's token, body and status are checked in webhook.ts, which then starts the run.
	webhook = receiveCallback;
}
