import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { tokenTriggerFields } from '../shared/descriptions';
import {
	callbackUrlGivenPerJob,
	jobCallbackIdentity,
	tokenTriggerWebhook,
} from '../shared/webhook';
import { asJob, DEFAULT_BASE_URL, getJob, mapStatus, normalizeJob } from '../SpeechIsCheap/api';

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

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await tokenTriggerWebhook(this, {
			providerName: 'Speech is Cheap',
			identify: jobCallbackIdentity(['id', 'job_id'], mapStatus),
			fetchFull: async ({ jobId, status }) => {
				if (status !== 'completed' || !this.getNodeParameter('fetchFullResult', false))
					return undefined;
				const baseUrl = String(
					this.getNodeParameter('baseUrl', DEFAULT_BASE_URL) || DEFAULT_BASE_URL,
				);
				return asJob(this, await getJob(this, jobId, 0, { baseUrl }));
			},
			normalize: (body) => normalizeJob(this, body) as unknown as IDataObject,
		});
	}
}
