import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Operation } from '../../shared/items';
import { routeToOperation } from '../../shared/items';
import * as audio from './audio/Audio.resource';
import * as service from './service/Service.resource';
import * as text from './text/Text.resource';
import * as transcript from './transcript/Transcript.resource';
import * as transcription from './transcription/Transcription.resource';

const resources: Record<string, Record<string, Operation>> = {
	transcription: { transcribe: transcription.transcribe },
	text: {
		summarize: text.summarize,
		translate: text.translate,
		analyze: text.analyze,
		generate: text.generate,
		embed: text.embed,
	},
	audio: { enhance: audio.enhance, textToSpeech: audio.textToSpeech },
	transcript: {
		getMany: transcript.getMany,
		get: transcript.get,
		delete: transcript.delete,
		export: transcript.export,
		chat: transcript.chat,
	},
	service: { models: service.models, languages: service.languages, health: service.health },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation(this, resources);
}
