import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as audio from './audio/Audio.resource';
import * as service from './service/Service.resource';
import * as text from './text/Text.resource';
import * as transcript from './transcript/Transcript.resource';
import * as transcription from './transcription/Transcription.resource';

type Operation = { execute: (this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<INodeExecutionData[]> };

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
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = resources[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for "${resource}"`);
	}
	return [await handler.execute.call(this, items)];
}
