import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { callbackWebhook, RESUME_WEBHOOK } from '../shared/callback';
import { callbackUrlGivenPerJob } from '../shared/webhook';

import * as language from './actions/language/Language.resource';
import { router } from './actions/router';
import * as transcription from './actions/transcription/Transcription.resource';
import { getLanguages } from './methods/loadOptions';

export class AudioToTextAi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AudioToTextAI',
		name: 'audioToTextAi',
		icon: { light: 'file:audiototextai.svg', dark: 'file:audiototextai.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Transcribe files, URLs and YouTube links with AudioToTextAI, with speakers and summaries',
		defaults: { name: 'AudioToTextAI' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'audioToTextAiApi', required: true }],
		webhooks: [RESUME_WEBHOOK],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Language', value: 'language' },
					{ name: 'Transcription', value: 'transcription' },
				],
				default: 'transcription',
			},
			...transcription.description,
			...language.description,
		],
	};

	methods = { loadOptions: { getLanguages } };

	execute = router;

	// The resume URL goes with each job: nothing to register with AudioToTextAI.
	webhookMethods = callbackUrlGivenPerJob;

	/** A job's callback to a run that waits for it (Wait for Callback). */
	webhook = callbackWebhook({ transcribe: transcription.transcribe.callbacks });
}
