import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { getTranscription, mapStatus, normalizeTranscription } from '../AudioToTextAi/api';
import { tokenTriggerFields } from '../shared/descriptions';
import {
	callbackUrlGivenPerJob,
	jobCallbackIdentity,
	tokenTriggerWebhook,
} from '../shared/webhook';

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

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await tokenTriggerWebhook(this, {
			providerName: 'AudioToTextAI',
			identify: jobCallbackIdentity(['id', 'uuid', 'job_id'], mapStatus),
			fetchFull: async ({ jobId }) => {
				if (!this.getNodeParameter('fetchFullResult', false)) return undefined;
				return await getTranscription(this, jobId, undefined, { segments: true });
			},
			normalize: (body) => normalizeTranscription(this, body) as unknown as IDataObject,
		});
	}
}
