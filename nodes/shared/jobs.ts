import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import type { CallbackJob, CallbackOwner, CallbackProvider } from './callback';
import { callbackTokenSigner, callbackUrlFor, pauseForCallbacks } from './callback';
import type { WaitMode } from './descriptions';
import { buildTranscriptItem } from './output';
import { readMaxWaitMs, readOutputSettings, readWaitMode } from './readers';
import type { ItemOutcome } from './items';
import { collectOutput, forItem, ItemRun } from './items';
import { isFinal } from './answers';
import type { CheckOutcome, PendingJob, PollResult, PollSettings } from './polling';
import { pollUntilDone } from './polling';
import type { NormalizedTranscript } from './transcript';

/** A job one input item created, and how that item asked to wait for it. */
export interface Submission<A> {
	itemIndex: number;
	waitMode: WaitMode;
	jobId: string | null;
	/** The creation answer (or whatever the wait mode needs, such as a stream being read). */
	answer: A;
}

/**
 * Submits every item, then hands all submissions to `wait`, which settles each item's outcome:
 * the one place a node decides how each wait mode waits. A failed submission stops only its own
 * item (with Continue On Fail); the output stays in input order and paired to the inputs.
 */
export async function submitThenWait<A>(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	submit: (itemIndex: number) => Promise<Submission<A>>,
	wait: (submissions: Array<Submission<A>>, outcomes: Map<number, ItemOutcome>) => Promise<void>,
): Promise<INodeExecutionData[]> {
	const outcomes: ItemOutcome[] = [];
	const submissions: Array<Submission<A>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			submissions.push(await submit(itemIndex));
			outcomes.push({ output: [] });
		} catch (error) {
			if (!context.continueOnFail()) throw forItem(context, error, itemIndex);
			outcomes.push({ error: forItem(context, error, itemIndex) });
		}
	}
	const settled = new Map<number, ItemOutcome>();
	await wait(submissions, settled);
	for (const [itemIndex, outcome] of settled) outcomes[itemIndex] = outcome;
	return collectOutput(context, outcomes);
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

/** Deprecated: being replaced by `pollJobs` with an `ItemRun`. */
export async function pollJobsInto<R>(
	context: IExecuteFunctions,
	jobs: PendingJob[],
	check: (job: PendingJob) => Promise<CheckOutcome<R>>,
	settings: PollSettings | undefined,
	outcomes: Map<number, ItemOutcome>,
	finish: (itemIndex: number, result: R) => Promise<ItemOutcome>,
): Promise<void> {
	if (jobs.length === 0 || !settings) return;
	const results = await pollUntilDone(context, jobs, check, settings);
	for (const { jobId, itemIndex } of jobs) {
		const result = results.get(jobId)!;
		outcomes.set(
			itemIndex,
			'error' in result
				? { error: forItem(context, result.error, itemIndex) }
				: await finish(itemIndex, result.result),
		);
	}
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
	provider: CallbackOwner & { waitModes: readonly WaitMode[] },
	submit: (itemIndex: number, callbackUrl: string) => Promise<string>,
): Promise<INodeExecutionData[]> {
	const prepared = await provider.prepare?.(context);
	const tokenOf = await callbackTokenSigner(context, provider);
	const run = new ItemRun(context, items.length);
	const submitted = await run.each(async (itemIndex) => {
		readWaitMode(context, itemIndex, provider.waitModes); // an unknown mode fails its item
		const maxWaitMs = readMaxWaitMs(context, itemIndex);
		const settings = readOutputSettings(context, itemIndex);
		const jobId = await submit(itemIndex, callbackUrlFor(context, tokenOf(itemIndex)));
		const job: CallbackJob = { itemIndex, jobId, tokenItem: itemIndex, settings };
		return { job, maxWaitMs };
	});
	if (submitted.length === 0) return run.output();
	const jobs = submitted.map(({ value }) => value.job);
	const limitMs = Math.max(...submitted.map(({ value }) => value.maxWaitMs));
	return await pauseForCallbacks(context, provider, run.current, jobs, limitMs, prepared);
}

// Deprecated here: import it from answers.ts.
export { isFinal } from './answers';

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
