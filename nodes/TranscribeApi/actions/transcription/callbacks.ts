import type { IDataObject } from 'n8n-workflow';

import type { CallbackProvider } from '../../../shared/callback';
import type { ItemOutcome } from '../../../shared/items';
import { forItem } from '../../../shared/items';
import { isFinal } from '../../../shared/answers';
import { settle } from '../../../shared/jobs';
import { getJob, jobIdOf, mapStatus, rawStatusOf, statusOrFail } from '../../api';
import { readFinishedResult } from '../../result';
import { checkSignedCall, fetchSigningKeys } from '../../signature';
import type { JobResult } from './output';
import { batchFileItems, singleFileItem } from './output';

/** Signed callbacks older than this (or as far in the future) are refused. */
const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * How a run waiting for TranscribeAPI callbacks (Transcribe: one job per item; Transcribe Batch:
 * one job for all items) authenticates them, checks its jobs and builds each item's output.
 */
export const callbacks: CallbackProvider<IDataObject> = {
	providerId: 'transcribeapi',
	providerName: 'TranscribeAPI',
	laterOperation: 'Get Result',
	credentialType: 'transcribeApiApi',
	// The key document is read once, before the run waits, and kept in the execution (a waiting
	// run's static data is not saved between callbacks): a callback signed with a key id not in it
	// (a rotated key) still fetches the document again.
	async prepare(context) {
		const signingKeys = await fetchSigningKeys(context);
		return signingKeys ? { signingKeys: signingKeys as IDataObject } : undefined;
	},
	async authenticate(context, prepared) {
		const known = prepared?.signingKeys as Record<string, unknown> | undefined;
		const checked = await checkSignedCall(context, SIGNATURE_TOLERANCE_SECONDS, known);
		return 'refused' in checked ? checked.refused : undefined;
	},
	// The body is signed by TranscribeAPI: a final status in it needs no second look (and the job may
	// report "completed" only once this very delivery has been answered).
	fromCallback(context, jobId) {
		const body = context.getBodyData();
		const status = mapStatus(rawStatusOf(body));
		return jobIdOf(body) === jobId && status && isFinal(status) ? body : undefined;
	},
	async check(context, { jobId, itemIndex }) {
		const data = await getJob(context, jobId, itemIndex, false);
		return isFinal(statusOrFail(context, data, itemIndex))
			? { done: true, result: data }
			: { done: false };
	},
	async finish(context, jobs, data) {
		const outcomes = new Map<number, ItemOutcome>();
		const { jobId, itemIndex: first } = jobs[0]; // a batch's job is checked for its first item
		let result: JobResult;
		try {
			result = { jobId, ...(await readFinishedResult(context, jobId, data, first)) };
		} catch (error) {
			for (const job of jobs)
				outcomes.set(job.itemIndex, { error: forItem(context, error, job.itemIndex) });
			return outcomes;
		}
		const fileItem = batchFileItems(
			result,
			jobs.flatMap((job) => (job.reference ? [job.reference] : [])),
		);
		for (const { itemIndex, reference, settings } of jobs) {
			const outcome = await settle(context, itemIndex, async () =>
				reference
					? await fileItem(context, itemIndex, reference, settings)
					: await singleFileItem(context, itemIndex, result, settings),
			);
			outcomes.set(itemIndex, outcome);
		}
		return outcomes;
	},
};
