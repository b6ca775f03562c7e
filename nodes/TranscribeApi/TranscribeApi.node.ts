import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { callbackWebhook, RESUME_WEBHOOK } from '../shared/callback';
import { callbackUrlGivenPerJob } from '../shared/webhook';
import { router } from './actions/router';
import { callbacks } from './actions/transcription/callbacks';
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
		webhooks: [RESUME_WEBHOOK],
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

	// The resume URL goes with each job: nothing to register with TranscribeAPI.
	webhookMethods = callbackUrlGivenPerJob;

	/** A job's signed callback to a run that waits for it (Wait for Callback). */
	webhook = callbackWebhook({ transcribe: callbacks, transcribeBatch: callbacks });
}
