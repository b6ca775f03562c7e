import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { WaitMode } from './descriptions';
import type { ItemOutcome } from './items';
import { collectOutput, forItem } from './items';
import type { CheckOutcome, PendingJob, PollSettings } from './polling';
import { pollUntilDone } from './polling';

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
	context: IExecuteFunctions,
	itemIndex: number,
	build: () => Promise<INodeExecutionData>,
): Promise<ItemOutcome> {
	try {
		return { output: [await build()] };
	} catch (error) {
		return { error: forItem(context, error, itemIndex) };
	}
}

/** Polls all jobs together; each finished job goes to `finish`, each failed one becomes its item's error. */
export async function pollJobs<R>(
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
		outcomes.set(itemIndex, 'error' in result ? { error: forItem(context, result.error, itemIndex) } : await finish(itemIndex, result.result));
	}
}
