import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { tokenTriggerFields } from '../shared/descriptions';
import { callbackUrlGivenPerJob } from '../shared/webhook';
import { DEFAULT_BASE_URL } from '../SpeechIsCheap/api';
import { receiveCallback } from './webhook';

export class SpeechIsCheapTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Speech is Cheap Trigger',
		name: 'speechIsCheapTrigger',
		icon: {
			light: 'file:../SpeechIsCheap/speechischeap.svg',
			dark: 'file:../SpeechIsCheap/speechischeap.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Statuses: " + [].concat($parameter["statuses"] || []).join(", ")}}',
		description: 'Starts the workflow when Speech is Cheap calls back about a job',
		defaults: { name: 'Speech is Cheap Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'callback' },
		],
		properties: [
			...tokenTriggerFields('Speech is Cheap', [
				{ name: 'Completed', value: 'completed' },
				{ name: 'Failed', value: 'failed', description: 'The error text is in the callback only' },
				{ name: 'Canceled', value: 'canceled' },
			]),
			{
				displayName: 'Fetch Full Result',
				name: 'fetchFullResult',
				type: 'boolean',
				default: false,
				description:
					'Whether to get the completed job from Speech is Cheap (the public job endpoint, no API key needed) instead of trusting the callback body. Failed and canceled callbacks are passed on as they came: only they carry the error text.',
			},
			{
				displayName: 'API Base URL',
				name: 'baseUrl',
				type: 'string',
				default: DEFAULT_BASE_URL,
				description:
					'Where the Speech is Cheap API lives. Change it only for a gateway or a local emulator.',
				displayOptions: { show: { fetchFullResult: [true] } },
			},
		],
	};

	// The callback URL is given to the provider with each job: there is nothing to register or remove.
	webhookMethods = callbackUrlGivenPerJob;

	// The callback's token, body and status are checked in webhook.ts, which then starts the run.
	webhook = receiveCallback;
}
