import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { callbackWebhook, RESUME_WEBHOOK } from '../shared/callback';
import { callbackUrlGivenPerJob } from '../shared/webhook';

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
		webhooks: [RESUME_WEBHOOK],
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

	execute = router;

	// The resume URL goes with each job: nothing to register with Speech is Cheap.
	webhookMethods = callbackUrlGivenPerJob;

	/** A job's callback to a run that waits for it (Wait for Callback). */
	webhook = callbackWebhook({ create: job.create.callbacks });
}
