import { createHmac } from 'crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OutputSettings } from './readers';
import type { ItemOutcome } from './items';
import type { CheckOutcome, PendingJob } from './polling';
import { acknowledgeOnly, rejectCall, secretsMatch } from './webhook';

/**
 * "Wait for Callback": the node submits its jobs with a callback URL that leads back to this very
 * execution (n8n's resume URL), puts the execution to wait and ends; n8n persists it. When the
 * provider calls back, n8n runs the node's `webhook()` with the saved execution, and what it returns
 * becomes the node's output. Nothing polls while the run waits, and no process memory is involved:
 * the jobs the run waits for are written into the execution itself (see `pauseForCallbacks`).
 */

/** The webhook every node with this wait mode declares: n8n routes resume calls to it. */
export const RESUME_WEBHOOK: IWebhookDescription = {
	name: 'default',
	httpMethod: 'POST',
	responseMode: 'onReceived',
	path: '',
	restartWebhook: true,
	isFullPath: true,
};

/**
 * Where the waiting state travels in the execution: under this key of each waiting item, beside its
 * `json` (not in it). When Max Wait passes, n8n passes these items on as the node's output, and
 * their `json` must then be exactly what the README promises. No secret is kept in it: callback tokens
 * are derived again when a callback comes (see `callbackTokenSigner`).
 */
const STATE_KEY = 'waitForCallback';

/** A submitted job that will call back, and how its item's output is to be built. */
export interface CallbackJob {
	itemIndex: number;
	jobId: string;
	/** The item the secret of the job's callback URL was derived for (a batch: its first item). */
	tokenItem: number;
	/** Where one job serves several items (a batch): which file of the job is this item's. */
	reference?: string;
	/** The output parameters of this item, read before the run waited. */
	settings: OutputSettings;
}

interface ItemState {
	job?: CallbackJob;
	error?: { message: string; description?: string };
	/** What the provider prepared for its callbacks before the run waited (see `prepare`). */
	prepared?: IDataObject;
}

/** Who the jobs of a waiting run belong to: the provider's ID (as in transcripts) and names. */
export interface CallbackOwner {
	providerId: string;
	providerName: string;
	laterOperation: string;
	/** The credential whose API key keys the callback tokens. */
	credentialType: string;
	/**
	 * Reads what every callback will need (a signing key document), before any job is submitted (a
	 * callback may come as soon as a job exists): kept in the execution, it is not fetched again
	 * for each callback. Its result is handed to `pauseForCallbacks`.
	 */
	prepare?: (context: IExecuteFunctions) => Promise<IDataObject | undefined>;
}

/**
 * Makes the secret of an item's callback URL: an HMAC of the execution ID and item index, keyed with
 * the credential's API key. Derived, not drawn at random, so the waiting run keeps no secret (n8n
 * passes the saved items on when Max Wait passes); only a holder of the key can make one.
 */
export async function callbackTokenSigner(
	context: IExecuteFunctions | IWebhookFunctions,
	owner: Pick<CallbackOwner, 'credentialType'>,
): Promise<(itemIndex: number) => string> {
	const credentials = await context.getCredentials(owner.credentialType);
	const key = `n8n-nodes-transcription callback ${String(credentials.apiKey ?? '')}`;
	const executionId = context.getExecutionId();
	return (itemIndex) =>
		createHmac('sha256', key).update(`${executionId}/${itemIndex}`).digest('hex').slice(0, 48);
}

/** This execution's resume URL, carrying the job's secret. */
export function callbackUrlFor(context: IExecuteFunctions, token: string): string {
	const url = new URL(String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0)));
	url.searchParams.set('token', token);
	return url.toString();
}

/**
 * Puts the execution to wait for the jobs' callbacks, at most `limitMs`.
 *
 * n8n resumes a waiting node without running it again: after a callback it outputs what `webhook()`
 * returned, and when the limit passes it outputs the items it was given as input. So the node
 * replaces its saved input with one item per input item that holds the job to wait for (read back by
 * `webhook()`), and that also says, should the limit pass, which job did not call back in time.
 */
export async function pauseForCallbacks(
	context: IExecuteFunctions,
	owner: CallbackOwner,
	outcomes: ItemOutcome[],
	jobs: CallbackJob[],
	limitMs: number,
	prepared?: IDataObject,
): Promise<INodeExecutionData[]> {
	const { providerId, providerName, laterOperation } = owner;
	const minutes = Math.round((limitMs / 60_000) * 100) / 100;
	const waiting: INodeExecutionData[] = outcomes.map((outcome, itemIndex) => {
		const job = jobs.find((candidate) => candidate.itemIndex === itemIndex);
		if (job) {
			const state: ItemState = { job, prepared };
			// Read only if Max Wait passes. Whether this job called back is not known then (a callback
			// that does not resume the run changes nothing in it), so the message says what is known.
			return {
				json: {
					provider: providerId,
					jobId: job.jobId,
					status: 'waiting',
					error: `The run stopped waiting for ${providerName} after ${minutes} minutes, before all of its jobs had finished, so the result of job ${job.jobId} was not collected. The job may have finished since or may still finish: use ${laterOperation} with this job ID.`,
				},
				pairedItem: { item: itemIndex },
				[STATE_KEY]: state as unknown as IDataObject,
			};
		}
		const error = 'error' in outcome ? outcome.error : new Error('The item was not submitted');
		const description = (error as { description?: string | null }).description ?? undefined;
		const state: ItemState = { error: { message: error.message, description } };
		const json: IDataObject = { error: error.message };
		if (description) json.details = description;
		return { json, pairedItem: { item: itemIndex }, [STATE_KEY]: state as unknown as IDataObject };
	});
	// A copy: n8n empties the returned array in place when it sorts items for an error output.
	context.getExecuteData().data.main = [[...waiting]];
	await context.putExecutionToWait(new Date(Date.now() + limitMs));
	return waiting;
}

/** What a node that waits for callbacks knows about its provider. */
export interface CallbackProvider<R> extends CallbackOwner {
	/**
	 * Checks a signed provider's signature; answers (and stops) the call when it is not authentic.
	 * `prepared` is what `prepare` read before the run waited.
	 */
	authenticate?: (
		context: IWebhookFunctions,
		prepared: IDataObject | undefined,
	) => Promise<IWebhookResponseData | undefined>;
	/**
	 * The caller's job as an authenticated callback reports it, when the callback alone is proof
	 * enough (a signed body in a final state); otherwise the job is checked like the others.
	 */
	fromCallback?(context: IWebhookFunctions, jobId: string): R | undefined;
	/** One status check of a job; a job in a final state (failed included) is done. */
	check(context: IWebhookFunctions, job: PendingJob): Promise<CheckOutcome<R>>;
	/** Builds the outcome of every item the finished job serves. */
	finish(
		context: IWebhookFunctions,
		jobs: CallbackJob[],
		result: R,
	): Promise<Map<number, ItemOutcome>>;
}

/** Hands a callback to the waiting operation (only operations that wait for callbacks have one). */
export async function routeCallback(
	context: IWebhookFunctions,
	providers: Record<string, CallbackProvider<unknown>>,
): Promise<IWebhookResponseData> {
	const provider = providers[context.getNodeParameter('operation', '') as string];
	if (!provider) return rejectCall(context, 404, 'This operation does not wait for callbacks');
	return await resumeOnCallback(context, provider);
}

/**
 * A node's `webhook` method for Wait for Callback: each callback goes to the operation that is
 * waiting for it, keyed by operation name.
 */
export function callbackWebhook(
	providers: Record<string, CallbackProvider<unknown>>,
): (this: IWebhookFunctions) => Promise<IWebhookResponseData> {
	return async function (this: IWebhookFunctions) {
		return await routeCallback(this, providers);
	};
}

/** The Webhook URL option and Wait for Callback both set the job's callback: only one may. */
export function webhookOptionConflict(
	context: IExecuteFunctions,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		'The Webhook URL option cannot be used with Wait for Callback',
		{
			itemIndex,
			description:
				'Wait for Callback gives the provider its own URL. Remove the Webhook URL option, or choose another wait mode.',
		},
	);
}

/**
 * Handles a callback to a waiting run. An unauthentic call is refused and changes nothing. An
 * authentic one resumes the run only when every job of it has reached a final state (checked with
 * the provider, the only place that state lives); until then it is answered 200 and the run waits.
 */
export async function resumeOnCallback<R>(
	context: IWebhookFunctions,
	provider: CallbackProvider<R>,
): Promise<IWebhookResponseData> {
	const states = readWaitingStates(context);
	const query = context.getQueryData() as IDataObject;
	const token = typeof query.token === 'string' ? query.token : '';
	if (!token) return rejectCall(context, 401, 'The callback URL carries no token');
	const tokenOf = await callbackTokenSigner(context, provider);
	const caller = states.find(({ job }) => job && secretsMatch(token, tokenOf(job.tokenItem)))?.job;
	if (!caller)
		return rejectCall(context, 403, 'The callback token does not match a job of this run');
	if (provider.authenticate) {
		const prepared = states.find((state) => state.prepared)?.prepared;
		const refused = await provider.authenticate(context, prepared);
		if (refused) return refused;
	}

	const byJob = new Map<string, CallbackJob[]>();
	for (const state of states) {
		if (state.job) byJob.set(state.job.jobId, [...(byJob.get(state.job.jobId) ?? []), state.job]);
	}
	// The caller's job first, then the others from a random place on: the check stops at the first
	// job still running, and a random start finds one in few calls whatever order jobs finish in.
	const others = [...byJob.keys()].filter((jobId) => jobId !== caller.jobId);
	const start = Math.floor(Math.random() * others.length);
	const order = [caller.jobId, ...others.slice(start), ...others.slice(0, start)];
	const finished = new Map<string, R>();
	const announced = provider.fromCallback?.(context, caller.jobId);
	if (announced !== undefined) finished.set(caller.jobId, announced);
	for (const jobId of order) {
		if (finished.has(jobId)) continue;
		const outcome = await provider.check(context, {
			jobId,
			itemIndex: byJob.get(jobId)![0].itemIndex,
		});
		if (!outcome.done) return acknowledgeOnly(context, `the run still waits for job ${jobId}`);
		finished.set(jobId, outcome.result);
	}

	const outcomes = new Map<number, ItemOutcome>();
	for (const [jobId, result] of finished) {
		for (const [index, outcome] of await provider.finish(context, byJob.get(jobId)!, result)) {
			outcomes.set(index, outcome);
		}
	}
	return { workflowData: resumedOutput(context, states, outcomes) };
}

/** The waiting state written by `pauseForCallbacks`, read back from the saved execution. */
function readWaitingStates(context: IWebhookFunctions): ItemState[] {
	const items = context.evaluateExpression('{{ $input.all() }}') as unknown;
	if (!Array.isArray(items)) return [];
	return items.map((item) => {
		const saved = item as INodeExecutionData | undefined;
		// Runs paused by an earlier version of this package kept the state inside `json`.
		const state = saved?.[STATE_KEY] ?? saved?.json?.[STATE_KEY];
		return ((state as IDataObject | undefined) ?? {}) as unknown as ItemState;
	});
}

/**
 * The resumed node's output: one entry per input item, in order. A resumed node cannot fail any
 * more (n8n does not run it again), so a failed item becomes an error item, which n8n moves to the
 * error output when the node has one.
 */
function resumedOutput(
	context: IWebhookFunctions,
	states: ItemState[],
	outcomes: Map<number, ItemOutcome>,
): INodeExecutionData[][] {
	const output: INodeExecutionData[] = [];
	states.forEach((state, itemIndex) => {
		const outcome: ItemOutcome =
			outcomes.get(itemIndex) ??
			(state.error
				? {
						error: Object.assign(new Error(state.error.message), {
							description: state.error.description,
						}),
					}
				: {
						error: new NodeOperationError(context.getNode(), 'The job of this item is unknown', {
							itemIndex,
						}),
					});
		if ('error' in outcome) {
			const json: IDataObject = { error: outcome.error.message };
			const description = (outcome.error as { description?: string | null }).description;
			if (description) json.details = description;
			output.push({ json, pairedItem: { item: itemIndex } });
			return;
		}
		for (const item of outcome.output) output.push({ ...item, pairedItem: { item: itemIndex } });
	});
	return [output];
}
