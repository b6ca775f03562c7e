import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { getTranscription, mapStatus, normalizeTranscription } from '../AudioToTextAi/api';
import { jobCallbackIdentity, tokenTriggerWebhook } from '../shared/webhook';

/**
 * The trigger's webhook(): an AudioToTextAI callback with the right token starts a run. Its body
 * has no segments, so with Fetch Full Result the transcription is read with GET (needs the key).
 */
export async function receiveCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
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
