import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OperationMap } from '../../shared/items';
import { routeToOperation } from '../../shared/items';
import * as audio from './audio/Audio.resource';
import * as service from './service/Service.resource';
import * as text from './text/Text.resource';
import * as transcript from './transcript/Transcript.resource';
import * as transcription from './transcription/Transcription.resource';

type SttAiOperations = {
	transcription: 'transcribe';
	text: 'summarize' | 'translate' | 'analyze' | 'generate' | 'embed';
	audio: 'enhance' | 'textToSpeech';
	transcript: 'getMany' | 'get' | 'delete' | 'export' | 'chat';
	service: 'models' | 'languages' | 'health';
};

const operations: OperationMap<SttAiOperations> = {
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
	return await routeToOperation(this, operations);
}
