import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	audioInputFields,
	outputFields,
	parallelSubmissionsOption,
	waitFields,
} from '../../../shared/descriptions';
import { transcriptItem } from '../../../shared/output';
import { readAudioSource, readPollSettings, readWaitMode } from '../../../shared/readers';
import {
	entry,
	readBoolean,
	readCollection,
	readNumber,
	readText,
} from '../../../shared/parameters';
import { ItemRun } from '../../../shared/items';
import { pollSubmitted, submitEach } from '../../../shared/jobs';
import type { PendingJob, PollResult, PollSettings } from '../../../shared/polling';
import type { UploadSource } from '../../../shared/upload';
import type { UploadOptions } from '../../api';
import {
	checkJob,
	deleteJobQuietly,
	MODELS,
	normalizeJob,
	RECOMMENDED_POLL_SECONDS,
	STATUS_CALLS_PER_HOUR,
	uploadAudio,
} from '../../api';

const show = { resource: ['transcription'], operation: ['transcribe'] };

/** Uploads at the same time by default (Hispeech documents no limit; 429 answers slow all down). */
const PARALLEL_SUBMISSIONS = 4;

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
			parallelSubmissionsOption(PARALLEL_SUBMISSIONS),
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

/** What one item asked for, read (and checked) before anything of it is uploaded. */
interface ItemSettings {
	source: UploadSource;
	upload: UploadOptions;
	deleteAfterRead: boolean;
	/** Set when the item polls: its own interval and Max Wait, and the status-call budget it gives. */
	poll?: PollSettings;
}

/** An item submitted with Poll: its job, waited for with the others (its audio is let go). */
interface WaitingJob {
	jobId: string;
	poll: PollSettings;
	secureMode: boolean;
	deleteAfterRead: boolean;
}

/** A submitted item: its output when it asked not to poll (or was answered at once), else its job. */
type Submitted = { output: INodeExecutionData[]; jobId?: never } | WaitingJob;

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const run = new ItemRun(this, items.length);
	const jobIds: string[] = [];
	// 1. Read and submit the items, a few at once. An item that stops the node names the jobs already running.
	const submitted = await submitEach(
		this,
		run,
		PARALLEL_SUBMISSIONS,
		async (itemIndex) =>
			await submit(this, itemIndex, await readItemSettings(this, itemIndex), jobIds),
		(error) => withSubmittedJobs(error, jobIds),
	);
	// 2. Wait for all polled jobs together, within one shared status-call budget.
	const secureMode = new Map(
		submitted.map(({ itemIndex, value }) => [itemIndex, 'poll' in value && value.secureMode]),
	);
	const check = async ({ jobId, itemIndex }: PendingJob) =>
		await checkJob(this, jobId, itemIndex, secureMode.get(itemIndex)!);
	const polled = await pollSubmitted(this, submitted, check);
	// 3. Build the outputs: items answered at once already have theirs.
	for (const { itemIndex, value } of submitted) {
		if ('output' in value) run.succeed(itemIndex, value.output);
		else
			await run.settle(itemIndex, async () => await polledOutput(this, itemIndex, value, polled));
	}
	return run.output();
}

/** The item's parameters, in the order they have always been checked; the audio is read last. */
async function readItemSettings(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<ItemSettings> {
	const waitMode = readWaitMode(context, itemIndex, ['sync', 'poll', 'none'] as const);
	const secureMode = readBoolean(context, itemIndex, {
		name: 'secureMode',
		displayName: 'Secure Mode',
	});
	const ttlSeconds = secureMode ? readTtl(context, itemIndex) : undefined;
	const deleteAfterRead =
		!secureMode &&
		waitMode !== 'none' &&
		readBoolean(
			context,
			itemIndex,
			{ name: 'deleteAfterRead', displayName: 'Delete Job After Reading' },
			false,
		);
	const options = readCollection(context, itemIndex, { name: 'options', displayName: 'Options' });
	const calls = entry(options, 'statusCallsPerHour', 'Status Calls per Hour');
	const wordTimestamps = entry(options, 'wordTimestamps', 'Word Timestamps');
	const callsPerHour = calls.present
		? readNumber(context, itemIndex, calls, { min: 1 })
		: STATUS_CALLS_PER_HOUR;
	const poll =
		waitMode === 'poll'
			? readPollSettings(context, itemIndex, {
					providerName: 'Hispeech',
					laterOperation: 'Get Status',
					minIntervalSeconds: 0.1,
					callsPerHour,
				})
			: undefined;
	const model = readText(
		context,
		itemIndex,
		{ name: 'model', displayName: 'Model' },
		{ required: true, expected: 'a Hispeech model ID' },
	);
	const source = await readAudioSource(context, itemIndex);
	const upload: UploadOptions = {
		model,
		waitForResult: waitMode === 'sync',
		secureMode,
		ttlSeconds,
		wordTimestamps: wordTimestamps.present
			? readBoolean(context, itemIndex, wordTimestamps)
			: undefined,
	};
	return { source, upload, deleteAfterRead, poll };
}

/**
 * Uploads the item's audio. An item that does not poll gets its output here (Wait for Result
 * answers with the transcript, Don't Wait with the job), before the next item is uploaded.
 */
async function submit(
	context: IExecuteFunctions,
	itemIndex: number,
	settings: ItemSettings,
	jobIds: string[],
): Promise<Submitted> {
	const data = await uploadAudio(context, itemIndex, settings.source, settings.upload);
	const jobId = String(data.job_id ?? '');
	if (jobId) jobIds.push(`item ${itemIndex}: ${jobId}`);
	const { poll, deleteAfterRead } = settings;
	if (!poll)
		return { output: [await readOutput(context, itemIndex, jobId, deleteAfterRead, data)] };
	if (!jobId)
		throw new NodeOperationError(context.getNode(), 'Hispeech returned no job ID', { itemIndex });
	return { jobId, poll, secureMode: settings.upload.secureMode, deleteAfterRead };
}

/** A polled item's transcript, or the error that ended its wait. */
async function polledOutput(
	context: IExecuteFunctions,
	itemIndex: number,
	{ jobId, deleteAfterRead }: WaitingJob,
	polled: Map<number, PollResult<IDataObject>>,
): Promise<INodeExecutionData> {
	const result = polled.get(itemIndex)!;
	if ('error' in result) throw result.error;
	return await readOutput(context, itemIndex, jobId, deleteAfterRead, result.result);
}

/** The item's transcript, once read: the job is deleted first when the item asked for it. */
async function readOutput(
	context: IExecuteFunctions,
	itemIndex: number,
	jobId: string,
	deleteAfterRead: boolean,
	data: IDataObject,
): Promise<INodeExecutionData> {
	if (deleteAfterRead && jobId) await deleteJobQuietly(context, jobId, itemIndex);
	return await transcriptItem(context, itemIndex, normalizeJob(context, data, itemIndex), data);
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

/** When one item stops the node, name the jobs already running so nothing is submitted twice. */
function withSubmittedJobs(error: Error, submitted: string[]): Error {
	if (submitted.length === 0) return error;
	const list = submitted.join(', ');
	const withDescription = error as { description?: string | null };
	withDescription.description =
		`${withDescription.description ?? ''} Jobs already submitted by other items (${list}) keep running at Hispeech: use Get Status with their IDs instead of re-running them.`.trim();
	return error;
}
