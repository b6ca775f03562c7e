import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { canceledError, cancelSignal, NetworkError, pause, RateLimitError } from './transport';

export interface PendingJob {
	jobId: string;
	itemIndex: number;
	/** This item's own Poll Interval and Max Wait (each item reads its own); else the shared settings'. */
	intervalMs?: number;
	maxWaitMs?: number;
}

/** What one status check learned: still running, or finished with the response that said so. */
export type CheckOutcome<R> = { done: false } | { done: true; result: R };

export interface PollSettings {
	/** Time between two checks of the same job. */
	intervalMs: number;
	/** Longest time to wait for all jobs, from the start of polling. */
	maxWaitMs: number;
	/** Provider budget for status calls, e.g. 60 per hour; calls are spaced to never exceed it. */
	callsPerHour?: number;
	/** Status calls made at the same moment when no budget forces spacing. */
	concurrency?: number;
	/** Provider name and the operation that finishes a job later, for messages. */
	providerName: string;
	laterOperation: string;
}

export type PollResult<R> = { result: R } | { error: Error };

interface JobState extends PendingJob {
	intervalMs: number;
	maxWaitMs: number;
	deadline: number;
	nextCheckAt: number;
	failures: number;
}

const MAX_CONSECUTIVE_FAILURES = 5;

/**
 * Waits for all pending jobs of an execution at once, so the total wait is about the slowest job.
 * Checks are paced per job (interval with jitter) and globally (call budget, Retry-After), and
 * stop as soon as the execution is canceled. The response that completes a job is the one
 * returned: a result the provider serves only once is never fetched twice.
 */
export async function pollUntilDone<R>(
	context: IExecuteFunctions,
	jobs: PendingJob[],
	check: (job: PendingJob) => Promise<CheckOutcome<R>>,
	settings: PollSettings,
): Promise<Map<string, PollResult<R>>> {
	const poller = new Poller(context, jobs, check, settings);
	await poller.run();
	return poller.results;
}

/** The state of one wait: the jobs still pending, and when the next status call may go out. */
class Poller<R> {
	readonly results = new Map<string, PollResult<R>>();
	private readonly signal: AbortSignal | undefined;
	private readonly pending: JobState[];
	private readonly spacingMs: number;
	private readonly concurrency: number;
	private readonly deadline: number;
	private nextCallAt: number;
	private pausedUntil: number;

	constructor(
		private readonly context: IExecuteFunctions,
		jobs: PendingJob[],
		private readonly check: (job: PendingJob) => Promise<CheckOutcome<R>>,
		private readonly settings: PollSettings,
	) {
		this.signal = cancelSignal(context);
		const start = Date.now();
		this.spacingMs = settings.callsPerHour ? 3_600_000 / settings.callsPerHour : 0;
		this.concurrency = this.spacingMs > 0 ? 1 : (settings.concurrency ?? 10);
		this.nextCallAt = start;
		this.pausedUntil = start;
		this.pending = jobs.map((job) => {
			const intervalMs = job.intervalMs ?? settings.intervalMs;
			const maxWaitMs = job.maxWaitMs ?? settings.maxWaitMs;
			assertTimes(intervalMs, maxWaitMs, this.spacingMs);
			// A Poll Interval longer than Max Wait still gets one check, at Max Wait.
			return {
				...job,
				intervalMs,
				maxWaitMs,
				deadline: start + maxWaitMs,
				nextCheckAt: 0,
				failures: 0,
			};
		});
		for (const job of this.pending) job.nextCheckAt = nextCheck(job, start, job.intervalMs);
		this.deadline = Math.max(...this.pending.map((job) => job.deadline));
	}

	async run(): Promise<void> {
		while (this.pending.length > 0) {
			if (this.signal?.aborted) throw canceledError(this.context);
			const batch = this.dueJobs(Date.now());
			if (batch.length > 0) await this.checkAll(batch);
			else if (!(await this.sleepUntilDue())) break;
		}
		if (this.signal?.aborted) throw canceledError(this.context);
		for (const job of this.pending) {
			const error = timeoutError(this.context, job, this.settings, job.maxWaitMs);
			this.results.set(job.jobId, { error });
		}
	}

	/** The jobs whose check is due, earliest first, as many as may go out together. */
	private dueJobs(now: number): JobState[] {
		if (now < Math.max(this.nextCallAt, this.pausedUntil)) return [];
		const due = this.pending.filter((job) => job.nextCheckAt <= now);
		const batch = due.sort((a, b) => a.nextCheckAt - b.nextCheckAt).slice(0, this.concurrency);
		if (batch.length > 0) this.nextCallAt = now + this.spacingMs * batch.length;
		return batch;
	}

	/** Sleeps until the next check may go out; false when that would be past every Max Wait. */
	private async sleepUntilDue(): Promise<boolean> {
		const readyAt = Math.max(this.nextCallAt, this.pausedUntil);
		const earliestJob = Math.min(...this.pending.map((job) => job.nextCheckAt));
		const wakeAt = Math.max(readyAt, earliestJob);
		// `!(<=)` also ends the wait should a time ever be NaN: a wait always ends by Max Wait.
		if (!(wakeAt <= this.deadline)) return false;
		await pause(wakeAt - Date.now(), this.signal);
		return true;
	}

	private async checkAll(batch: JobState[]): Promise<void> {
		await Promise.all(
			batch.map(async (job) => {
				try {
					const outcome = await this.check(job);
					job.failures = 0;
					if (outcome.done) this.end(job, { result: outcome.result });
					else job.nextCheckAt = nextCheck(job, Date.now(), job.intervalMs);
				} catch (error) {
					if (!this.signal?.aborted) this.failedCheck(job, error);
				}
			}),
		);
	}

	private failedCheck(job: JobState, error: unknown): void {
		if (error instanceof RateLimitError) {
			// The limit is per account: hold every job until the provider is ready again.
			const waitMs = error.retryAfterMs ?? Math.max(job.intervalMs, this.spacingMs, 1000);
			this.pausedUntil = Math.max(this.pausedUntil, Date.now() + waitMs);
			return;
		}
		job.failures++;
		if (!isTransient(error) || job.failures >= MAX_CONSECUTIVE_FAILURES) {
			this.end(job, { error: error as Error });
			return;
		}
		job.nextCheckAt = nextCheck(job, Date.now(), job.intervalMs * 2 ** job.failures);
	}

	private end(job: JobState, result: PollResult<R>): void {
		this.results.set(job.jobId, result);
		this.pending.splice(this.pending.indexOf(job), 1);
	}
}

/**
 * When to check a job next: after its interval, but never after its Max Wait; a job checked at or
 * past its Max Wait is not checked again (Infinity ends the wait for it).
 */
function nextCheck(job: JobState, now: number, intervalMs: number): number {
	if (now >= job.deadline) return Infinity;
	return Math.min(now + withJitter(intervalMs), job.deadline);
}

/** The readers in parameters.ts keep user values finite; this guards against any other caller. */
function assertTimes(intervalMs: number, maxWaitMs: number, spacingMs: number): void {
	if (
		!Number.isFinite(intervalMs) ||
		intervalMs < 0 ||
		!Number.isFinite(maxWaitMs) ||
		maxWaitMs <= 0 ||
		!Number.isFinite(spacingMs) ||
		spacingMs < 0
	) {
		throw new Error(
			`Polling needs finite, positive times (interval ${intervalMs} ms, max wait ${maxWaitMs} ms, spacing ${spacingMs} ms)`,
		);
	}
}

function withJitter(ms: number): number {
	return Math.round(ms * (1 + Math.random() * 0.1));
}

/** Network trouble and server errors may pass; a 4xx or a failed job will not. */
function isTransient(error: unknown): boolean {
	if (error instanceof NetworkError) return true;
	return error instanceof NodeApiError && Number(error.httpCode) >= 500;
}

function timeoutError(
	context: IExecuteFunctions,
	job: PendingJob,
	settings: PollSettings,
	maxWaitMs: number,
): Error {
	const waited =
		maxWaitMs < 60_000
			? `${Number((maxWaitMs / 1000).toFixed(1))} seconds`
			: `${Number((maxWaitMs / 60_000).toFixed(1))} minutes`;
	return new NodeOperationError(
		context.getNode(),
		`${settings.providerName} job ${job.jobId} did not finish within ${waited}`,
		{
			itemIndex: job.itemIndex,
			description: `The job may still finish. Use the "${settings.laterOperation}" operation later with job ID ${job.jobId}, or raise "Max Wait".`,
		},
	);
}
