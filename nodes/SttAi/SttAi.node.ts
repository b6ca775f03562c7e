import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as audio from './actions/audio/Audio.resource';
import { router } from './actions/router';
import * as service from './actions/service/Service.resource';
import * as text from './actions/text/Text.resource';
import * as transcript from './actions/transcript/Transcript.resource';
import * as transcription from './actions/transcription/Transcription.resource';
import {
	getLanguages,
	getModels,
	getSourceLanguages,
	getTargetLanguages,
} from './methods/loadOptions';

export class SttAi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'STT.ai',
		name: 'sttAi',
		icon: { light: 'file:sttai.svg', dark: 'file:sttai.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Transcribe audio, then summarize, translate, analyze or reuse any transcript with STT.ai',
		defaults: { name: 'STT.ai' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'sttAiApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Audio', value: 'audio' },
					{ name: 'Service', value: 'service' },
					{ name: 'Text', value: 'text' },
					{ name: 'Transcript', value: 'transcript' },
					{ name: 'Transcription', value: 'transcription' },
				],
				default: 'transcription',
			},
			...transcription.description,
			...text.description,
			...audio.description,
			...transcript.description,
			...service.description,
		],
	};

	methods = {
		loadOptions: { getModels, getLanguages, getTargetLanguages, getSourceLanguages },
	};

	execute = router;
}
