import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { jobCallbackIdentity, tokenTriggerWebhook } from '../shared/webhook';
import { asJob, DEFAULT_BASE_URL, getJob, mapStatus, normalizeJob } from '../SpeechIsCheap/api';

/**
 * The trigger's webhook(): a Speech is Cheap callback with the right token starts a run. With Fetch
 * Full Result a completed job is read from the public job endpoint; a failed or canceled one is
 * passed on as it came, since only the callback carries the error text.
 */
export async function receiveCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
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
