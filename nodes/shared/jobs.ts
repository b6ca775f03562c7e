import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { isFinal } from './answers';
import type { CallbackJob, CallbackOwner, CallbackProvider } from './callback';
import { callbackTokenSigner, callbackUrlFor, pauseForCallbacks } from './callback';
import type { WaitMode } from './descriptions';
import type { EachOptions, ItemOutcome, ItemValue } from './items';
import { forItem, ItemRun } from './items';
import { buildTranscriptItem } from './output';
import type { CheckOutcome, PendingJob, PollResult, PollSettings } from './polling';
import { pollUntilDone } from './polling';
import {
	readMaxWaitMs,
	readOutputSettings,
	readParallelSubmissions,
	readWaitMode,
} from './readers';
import type { NormalizedTranscript } from './transcript';

/**
 * Submits the items, as many at once as their Parallel Submissions option allows (`defaultCount`
 * when it is not set): `ItemRun.each` with the run's concurrency.
 */
export async function submitEach<T>(
	context: IExecuteFunctions,
	run: ItemRun,
	defaultCount: number,
	submit: (itemIndex: number) => Promise<T>,
	onStop?: EachOptions['onStop'],
): Promise<Array<ItemValue<T>>> {
	const concurrency = readParallelSubmissions(context, run, defaultCount);
	return await run.each(submit, { concurrency, onStop });
}

/** Builds an item's output, turning a failure into that item's error. */
export async function settle(
	context: Pick<IExecuteFunctions, 'getNode'>,
	itemIndex: number,
	build: () => Promise<INodeExecutionData>,
): Promise<ItemOutcome> {
	try {
		return { output: [await build()] };
	} catch (error) {
		return { error: forItem(context, error, itemIndex) };
	}
}

/**
 * Polls the jobs of all items together (the total wait is about the slowest job) and returns each
 * item's result, by item index: the job's final answer, or the error that ended its wait.
 */
export async function pollJobs<R>(
	context: IExecuteFunctions,
	jobs: PendingJob[],
	check: (job: PendingJob) => Promise<CheckOutcome<R>>,
	settings: PollSettings | undefined,
): Promise<Map<number, PollResult<R>>> {
	const byItem = new Map<number, PollResult<R>>();
	if (jobs.length === 0 || !settings) return byItem;
	const results = await pollUntilDone(context, jobs, check, settings);
	for (const { jobId, itemIndex } of jobs) byItem.set(itemIndex, results.get(jobId)!);
	return byItem;
}

/** What a submitted item holds for Poll Until Done: its job, and its own poll settings. */
export interface PollRequest {
	jobId?: string | null;
	/** Set when the item chose Poll Until Done. */
	poll?: PollSettings;
}

/**
 * Polls the jobs of the items that chose Poll Until Done, all together. Each keeps its own Poll
 * Interval and Max Wait; the status-call budget, one per account, is the smallest any item gives.
 */
export async function pollSubmitted<R>(
	context: IExecuteFunctions,
	submitted: Array<ItemValue<PollRequest>>,
	check: (job: PendingJob) => Promise<CheckOutcome<R>>,
): Promise<Map<number, PollResult<R>>> {
	const jobs: PendingJob[] = [];
	const settings: PollSettings[] = [];
	for (const { itemIndex, value } of submitted) {
		if (!value.poll || !value.jobId) continue;
		const { intervalMs, maxWaitMs } = value.poll;
		jobs.push({ jobId: value.jobId, itemIndex, intervalMs, maxWaitMs });
		settings.push(value.poll);
	}
	if (jobs.length === 0) return new Map();
	const budgets = settings.flatMap(({ callsPerHour }) => (callsPerHour ? [callsPerHour] : []));
	const callsPerHour = budgets.length > 0 ? Math.min(...budgets) : undefined;
	return await pollJobs(context, jobs, check, { ...settings[0], callsPerHour });
}

/**
 * True when the items ask to wait for callbacks. A run waits for callbacks as a whole, so every
 * item must ask for it: mixing it with another wait mode is refused before anything is submitted.
 */
export function waitsForCallbacks(
	context: IExecuteFunctions,
	itemCount: number,
	allowed: readonly WaitMode[],
): boolean {
	// An item whose Wait Mode is not one of `allowed` fails on its own, when it is submitted.
	const modes = Array.from({ length: itemCount }, (_, itemIndex) =>
		context.getNodeParameter('waitMode', itemIndex),
	).filter((mode): mode is WaitMode => allowed.includes(mode as WaitMode));
	const callbacks = modes.filter((mode) => mode === 'callback').length;
	if (callbacks === 0) return false;
	if (callbacks < modes.length) {
		const other = modes.findIndex((mode) => mode !== 'callback');
		throw new NodeOperationError(
			context.getNode(),
			'Wait for Callback must be chosen for every item of the run, or for none',
			{
				itemIndex: other,
				description: `Item ${other} asks for another wait mode. Set Wait Mode to the same value for all items (an expression must not vary it per item).`,
			},
		);
	}
	return true;
}

/**
 * Submits every item with a callback URL that leads back to this execution, then puts the
 * execution to wait for the callbacks (see callback.ts). `submit` creates the job and returns its ID.
 */
export async function submitThenPause(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	provider: CallbackOwner & { waitModes: readonly WaitMode[]; parallelSubmissions: number },
	submit: (itemIndex: number, callbackUrl: string) => Promise<string>,
): Promise<INodeExecutionData[]> {
	const prepared = await provider.prepare?.(context);
	const tokenOf = await callbackTokenSigner(context, provider);
	const run = new ItemRun(context, items.length);
	const submitted = await submitEach(
		context,
		run,
		provider.parallelSubmissions,
		async (itemIndex) => {
			readWaitMode(context, itemIndex, provider.waitModes); // an unknown mode fails its item
			const maxWaitMs = readMaxWaitMs(context, itemIndex);
			const settings = readOutputSettings(context, itemIndex);
			const jobId = await submit(itemIndex, callbackUrlFor(context, tokenOf(itemIndex)));
			const job: CallbackJob = { itemIndex, jobId, tokenItem: itemIndex, settings };
			return { job, maxWaitMs };
		},
	);
	if (submitted.length === 0) return run.output();
	const jobs = submitted.map(({ value }) => value.job);
	const limitMs = Math.max(...submitted.map(({ value }) => value.maxWaitMs));
	return await pauseForCallbacks(context, provider, run.current, jobs, limitMs, prepared);
}

/**
 * How a run waiting for callbacks checks and finishes jobs of a provider with one job per item:
 * `fetchJob` is the status GET, `normalize` reads a job, `endedError` explains a job that ended
 * without a transcript. The output is built as polling builds it. `callbackCarriesJob`: the
 * provider posts the whole finished job (as its GET answers it), so the caller's job needs no GET.
 */
export function perJobCallbacks(
	provider: CallbackOwner & { callbackCarriesJob: boolean },
	fetchJob: (context: IWebhookFunctions, jobId: string, itemIndex: number) => Promise<IDataObject>,
	normalize: (
		context: IWebhookFunctions,
		job: IDataObject,
		itemIndex: number,
	) => NormalizedTranscript,
	endedError: (
		context: IWebhookFunctions,
		jobId: string,
		job: IDataObject,
		itemIndex: number,
	) => Error,
): CallbackProvider<IDataObject> {
	return {
		providerId: provider.providerId,
		providerName: provider.providerName,
		laterOperation: provider.laterOperation,
		credentialType: provider.credentialType,
		fromCallback(context, jobId) {
			if (!provider.callbackCarriesJob) return undefined;
			const body = context.getBodyData();
			try {
				const normalized = normalize(context, body, 0);
				return normalized.jobId === jobId && isFinal(normalized.status) ? body : undefined;
			} catch {
				return undefined; // not a job this node can read: check the job instead
			}
		},
		async check(context, { jobId, itemIndex }) {
			const job = await fetchJob(context, jobId, itemIndex);
			return isFinal(normalize(context, job, itemIndex).status)
				? { done: true, result: job }
				: { done: false };
		},
		async finish(context, jobs, job) {
			const outcomes = new Map<number, ItemOutcome>();
			for (const { itemIndex, jobId, settings } of jobs) {
				const outcome = await settle(context, itemIndex, async () => {
					const normalized = normalize(context, job, itemIndex);
					if (normalized.status !== 'completed') throw endedError(context, jobId, job, itemIndex);
					return await buildTranscriptItem(context, settings, normalized, job);
				});
				outcomes.set(itemIndex, outcome);
			}
			return outcomes;
		},
	};
}
