import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { audioInputFields, outputFields, waitFields } from '../../../shared/descriptions';
import { transcriptItem } from '../../../shared/output';
import { readAudioSource, readPollSettings, readWaitMode } from '../../../shared/readers';
import {
	entry,
	readBoolean,
	readCollection,
	readNumber,
	readText,
} from '../../../shared/parameters';
import type { ItemOutcome } from '../../../shared/items';
import { collectOutput, forItem } from '../../../shared/items';
import type { PendingJob, PollSettings } from '../../../shared/polling';
import { pollUntilDone } from '../../../shared/polling';
import {
	checkJob,
	deleteJob,
	MODELS,
	normalizeJob,
	RECOMMENDED_POLL_SECONDS,
	STATUS_CALLS_PER_HOUR,
	uploadAudio,
} from '../../api';

const show = { resource: ['transcription'], operation: ['transcribe'] };

export const description: INodeProperties[] = [
	...audioInputFields(show),
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [
			{
				name: 'Formal',
				value: MODELS.formal,
				description: 'Best for formal speech and subtitles; informal speech may come out formal',
			},
			{
				name: 'Conversational',
				value: MODELS.conversational,
				description: 'Best for everyday conversation; writes exactly what it hears',
			},
		],
		default: 'model-01052025',
		displayOptions: { show },
	},
	...waitFields(show, ['sync', 'poll', 'none'], {
		mode: 'poll',
		intervalSeconds: RECOMMENDED_POLL_SECONDS,
		minIntervalSeconds: 0.1,
		maxWaitMinutes: 120,
		laterOperation: 'Get Status',
	}),
	{
		displayName: 'Secure Mode',
		name: 'secureMode',
		type: 'boolean',
		default: false,
		description:
			'Whether Hispeech should store nothing: the result is kept in memory, can be read only once, and is deleted after the TTL',
		displayOptions: { show },
	},
	{
		displayName: 'Time to Live (Seconds)',
		name: 'ttlSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 36000 },
		default: 900,
		description: 'How long an unread secure-mode result is kept: 1 to 36000 seconds (10 hours)',
		displayOptions: { show: { ...show, secureMode: [true] } },
	},
	{
		displayName: 'Delete Job After Reading',
		name: 'deleteAfterRead',
		type: 'boolean',
		default: false,
		description:
			'Whether to delete the audio and transcript from Hispeech once the result is read (secure mode never stores them)',
		displayOptions: { show: { ...show, secureMode: [false], waitMode: ['sync', 'poll'] } },
	},
	...outputFields(show, { subtitles: false }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Status Calls per Hour',
				name: 'statusCallsPerHour',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: STATUS_CALLS_PER_HOUR,
				description:
					'Budget for status checks while polling. Hispeech allows 60 per hour; raise it only if your plan allows more.',
			},
			{
				displayName: 'Word Timestamps',
				name: 'wordTimestamps',
				type: 'boolean',
				default: false,
				description:
					'Whether to ask for word timestamps (return_word_timestamps). Not yet in the public docs: Hispeech may ignore it.',
			},
		],
	},
];

interface Submission {
	secureMode: boolean;
	deleteAfterRead: boolean;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const outcomes: ItemOutcome[] = [];
	const pending: PendingJob[] = [];
	const submissions = new Map<number, Submission>();
	const submitted: string[] = [];
	let pollSettings: PollSettings | undefined;
	let budget = Infinity;

	// 1. Submit every item. A failed item stops only itself (with Continue On Fail).
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const waitMode = readWaitMode(this, itemIndex, ['sync', 'poll', 'none'] as const);
			const secureMode = readBoolean(this, itemIndex, {
				name: 'secureMode',
				displayName: 'Secure Mode',
			});
			const ttlSeconds = secureMode ? readTtl(this, itemIndex) : undefined;
			const deleteAfterRead =
				!secureMode &&
				waitMode !== 'none' &&
				readBoolean(
					this,
					itemIndex,
					{ name: 'deleteAfterRead', displayName: 'Delete Job After Reading' },
					false,
				);
			const options = readCollection(this, itemIndex, { name: 'options', displayName: 'Options' });
			const calls = entry(options, 'statusCallsPerHour', 'Status Calls per Hour');
			const wordTimestamps = entry(options, 'wordTimestamps', 'Word Timestamps');
			const callsPerHour = calls.present
				? readNumber(this, itemIndex, calls, { min: 1 })
				: STATUS_CALLS_PER_HOUR;
			const settings =
				waitMode === 'poll'
					? readPollSettings(this, itemIndex, {
							providerName: 'Hispeech',
							laterOperation: 'Get Status',
							minIntervalSeconds: 0.1,
							callsPerHour,
						})
					: undefined;
			const model = readText(
				this,
				itemIndex,
				{ name: 'model', displayName: 'Model' },
				{ required: true, expected: 'a Hispeech model ID' },
			);
			const source = await readAudioSource(this, itemIndex);

			const data = await uploadAudio(this, itemIndex, source, {
				model,
				waitForResult: waitMode === 'sync',
				secureMode,
				ttlSeconds,
				wordTimestamps: wordTimestamps.present
					? readBoolean(this, itemIndex, wordTimestamps)
					: undefined,
			});
			const jobId = String(data.job_id ?? '');
			if (jobId) submitted.push(`item ${itemIndex}: ${jobId}`);
			if (waitMode === 'poll') {
				if (!jobId)
					throw new NodeOperationError(this.getNode(), 'Hispeech returned no job ID', {
						itemIndex,
					});
				// One wait serves all items: each keeps its own interval and Max Wait, and the status-call
				// budget (one per account) is the smallest any item gives.
				budget = Math.min(budget, callsPerHour);
				pollSettings = { ...(pollSettings ?? settings!), callsPerHour: budget };
				pending.push({
					jobId,
					itemIndex,
					intervalMs: settings!.intervalMs,
					maxWaitMs: settings!.maxWaitMs,
				});
				submissions.set(itemIndex, { secureMode, deleteAfterRead });
				outcomes.push({ output: [] });
				continue;
			}
			if (deleteAfterRead && jobId) await deleteQuietly(this, jobId, itemIndex);
			outcomes.push({
				output: [await transcriptItem(this, itemIndex, normalizeJob(this, data, itemIndex), data)],
			});
		} catch (error) {
			if (!this.continueOnFail())
				throw withSubmittedJobs(forItem(this, error, itemIndex), submitted);
			outcomes.push({ error: forItem(this, error, itemIndex) });
		}
	}

	// 2. Wait for all submitted jobs together, within one shared status-call budget.
	if (pending.length > 0 && pollSettings) {
		const results = await pollUntilDone(
			this,
			pending,
			async (job) =>
				await checkJob(this, job.jobId, job.itemIndex, submissions.get(job.itemIndex)!.secureMode),
			pollSettings,
		);
		for (const { jobId, itemIndex } of pending) {
			const result = results.get(jobId)!;
			if ('error' in result) {
				outcomes[itemIndex] = { error: forItem(this, result.error, itemIndex) };
				continue;
			}
			try {
				if (submissions.get(itemIndex)!.deleteAfterRead)
					await deleteQuietly(this, jobId, itemIndex);
				const normalized = normalizeJob(this, result.result, itemIndex);
				outcomes[itemIndex] = {
					output: [await transcriptItem(this, itemIndex, normalized, result.result)],
				};
			} catch (error) {
				outcomes[itemIndex] = { error: forItem(this, error, itemIndex) };
			}
		}
	}

	return collectOutput(this, outcomes);
}

function readTtl(context: IExecuteFunctions, itemIndex: number): number {
	const ttl = context.getNodeParameter('ttlSeconds', itemIndex) as unknown;
	if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > 36000) {
		throw new NodeOperationError(
			context.getNode(),
			`Time to Live must be a whole number from 1 to 36000 seconds, not ${JSON.stringify(ttl)}`,
			{
				itemIndex,
				description: 'Set "Time to Live (Seconds)" between 1 and 36000 (10 hours).',
			},
		);
	}
	return ttl;
}

/** Cleanup must not cost the user a transcript already in hand: a failure is only logged. */
async function deleteQuietly(
	context: IExecuteFunctions,
	jobId: string,
	itemIndex: number,
): Promise<void> {
	try {
		await deleteJob(context, jobId, itemIndex);
	} catch (error) {
		context.logger.warn(
			`Hispeech job ${jobId} was read but could not be deleted: ${(error as Error).message}`,
		);
	}
}

/** When one item stops the node, name the jobs already running so nothing is submitted twice. */
function withSubmittedJobs(error: Error, submitted: string[]): Error {
	if (submitted.length === 0) return error;
	const list = submitted.join(', ');
	const withDescription = error as { description?: string | null };
	withDescription.description =
		`${withDescription.description ?? ''} Jobs already submitted before this error (${list}) keep running at Hispeech: use Get Status with their IDs instead of re-running them.`.trim();
	return error;
}
