import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { webhookOptionConflict } from '../../../shared/callback';
import {
	audioInputFields,
	outputFields,
	parallelSubmissionsOption,
	waitFields,
} from '../../../shared/descriptions';
import type { ItemValue } from '../../../shared/items';
import { ItemRun } from '../../../shared/items';
import {
	perJobCallbacks,
	pollSubmitted,
	submitEach,
	submitThenPause,
	waitsForCallbacks,
} from '../../../shared/jobs';
import { transcriptItem } from '../../../shared/output';
import { readCollection } from '../../../shared/parameters';
import type { PollResult, PollSettings } from '../../../shared/polling';
import {
	readAudioInput,
	readOutputSettings,
	readPollSettings,
	readWaitMode,
} from '../../../shared/readers';
import { readText } from '../../../shared/transcript';
import {
	asJob,
	checkJob,
	createJob,
	getJob,
	jobEndedError,
	normalizeJob,
	noJobIdError,
} from '../../api';
import { LANGUAGE_OPTIONS } from '../../languages';
import { readCreateParameters } from '../../parameters';
import { readJobStream } from '../../stream';

const show = { resource: ['job'], operation: ['create'] };

/** Jobs submitted at the same time by default (Speech is Cheap documents no limit; a 429 slows all down). */
const PARALLEL_SUBMISSIONS = 4;

/** Where the audio fields differ from the shared ones: Speech is Cheap downloads URLs itself. */
const AUDIO_FIELD_CHANGES: Record<string, Partial<INodeProperties>> = {
	audioUrl: {
		description:
			'Public URL of the audio or video file (6 seconds to 24 hours). Speech is Cheap downloads it itself.',
	},
	inputType: { default: 'url' },
};

export const description: INodeProperties[] = [
	...audioInputFields(show).map((field) => ({ ...field, ...AUDIO_FIELD_CHANGES[field.name] })),
	...waitFields(show, ['poll', 'callback', 'none', 'stream'], {
		mode: 'poll',
		intervalSeconds: 10,
		minIntervalSeconds: 0.1,
		maxWaitMinutes: 180,
		laterOperation: 'Get',
	}),
	...outputFields(show, { subtitles: true }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Audio Labels',
				name: 'labelAudio',
				type: 'boolean',
				default: false,
				description:
					'Whether to add an audio classification label (such as "music") to each segment. A paid add-on.',
			},
			{
				displayName: 'Hotwords',
				name: 'hotwords',
				type: 'string',
				default: '',
				placeholder: 'AI, ML, Neural Networks',
				description: 'Words or phrases that help the transcription get names and terms right',
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'options',
				options: LANGUAGE_OPTIONS,
				default: '',
				description:
					'The language of the audio. Auto-Detect detects it from the first segment. Any other two-letter ISO 639-1 code can be given as an expression.',
			},
			{
				displayName: 'Minimum Confidence',
				name: 'minimumConfidence',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
				default: 0.5,
				description:
					'Segments below this confidence are left out (also non-speech labels when Audio Labels is on)',
			},
			parallelSubmissionsOption(PARALLEL_SUBMISSIONS),
			{
				displayName: 'Private',
				name: 'isPrivate',
				type: 'boolean',
				default: false,
				description:
					'Whether Speech is Cheap should redact the input URL (this limits its ability to troubleshoot)',
			},
			{
				displayName: 'Prompt',
				name: 'prompt',
				type: 'string',
				default: '',
				description:
					'A custom prompt that sets the transcription style. Write it in the language of the audio.',
			},
			{
				displayName: 'Segment Duration (Seconds)',
				name: 'segmentDuration',
				type: 'number',
				typeOptions: { minValue: 6, maxValue: 30 },
				default: 30,
				description: 'Length of each transcription segment: 6 to 30 seconds',
			},
			{
				displayName: 'Speakers',
				name: 'parseSpeakers',
				type: 'boolean',
				default: false,
				description: 'Whether to tell speakers apart (speaker_id on each segment). A paid add-on.',
			},
			{
				displayName: 'User Agent',
				name: 'userAgent',
				type: 'string',
				default: '',
				description: 'User-Agent header Speech is Cheap uses to download the input URL',
			},
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'https://n8n.example.com/webhook/…/callback?token=…',
				description:
					'Where Speech is Cheap posts the result. Use a Speech is Cheap Trigger production URL with ?token=your secret.',
			},
			{
				displayName: 'Word Timestamps',
				name: 'parseWords',
				type: 'boolean',
				default: false,
				description: 'Whether to include a timecode for every word. A paid add-on.',
			},
		],
	},
];

const PROVIDER = {
	providerId: 'speechischeap',
	providerName: 'Speech is Cheap',
	laterOperation: 'Get',
	credentialType: 'speechIsCheapApi',
	waitModes: ['poll', 'callback', 'none', 'stream'] as const,
	parallelSubmissions: PARALLEL_SUBMISSIONS,
};
type CreateWaitMode = (typeof PROVIDER.waitModes)[number];
const POLL = { ...PROVIDER, minIntervalSeconds: 0.1 };

/** What one item created: the job as created, or (Stream) the job being read from its event stream. */
interface Created {
	waitMode: CreateWaitMode;
	job: IDataObject | Promise<IDataObject>;
	jobId?: string | null;
	poll?: PollSettings;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (waitsForCallbacks(this, items.length, PROVIDER.waitModes)) {
		const submitOne = async (itemIndex: number, callbackUrl: string) =>
			await createForCallback(this, itemIndex, callbackUrl);
		return await submitThenPause(this, items, PROVIDER, submitOne);
	}
	const run = new ItemRun(this, items.length);
	const created = await submitEach(
		this,
		run,
		PROVIDER.parallelSubmissions,
		async (itemIndex) => await create(this, itemIndex),
	);
	// Streams are read meanwhile: each was opened when its job was created.
	const polled = await pollSubmitted(
		this,
		created,
		async ({ jobId, itemIndex }) => await checkJob(this, jobId, itemIndex),
	);
	for (const job of created) {
		await run.settle(job.itemIndex, async () => await outputOf(this, job, polled));
	}
	return run.output();
}

/** Poll Until Done, Stream or Don't Wait: reads the item's settings, then creates its job. */
async function create(context: IExecuteFunctions, itemIndex: number): Promise<Created> {
	const waitMode = readWaitMode(context, itemIndex, PROVIDER.waitModes);
	const poll = waitMode === 'poll' ? readPollSettings(context, itemIndex, POLL) : undefined;
	const parameters = readOptions(context, itemIndex);
	readOutputSettings(context, itemIndex); // checked before a job is paid for
	if (waitMode === 'stream') parameters.can_stream_output = true;
	const body = await createJob(
		context,
		itemIndex,
		await readAudioInput(context, itemIndex),
		parameters,
	);
	if (waitMode !== 'stream') {
		const job = asJob(context, body, itemIndex);
		return { waitMode, job, jobId: readText(job.id), poll };
	}
	// Each stream is read at once, so every item's stream is consumed while the others run.
	const reading = readJobStream(context, body, itemIndex);
	reading.catch(() => undefined); // its error is the item's, when its output is built
	return { waitMode, job: reading };
}

/** Wait for Callback: the job is created with this execution's callback URL as its webhook. */
async function createForCallback(
	context: IExecuteFunctions,
	itemIndex: number,
	callbackUrl: string,
): Promise<string> {
	const parameters = readOptions(context, itemIndex);
	if (parameters.webhook_url) throw webhookOptionConflict(context, itemIndex);
	parameters.webhook_url = callbackUrl;
	const body = await createJob(
		context,
		itemIndex,
		await readAudioInput(context, itemIndex),
		parameters,
	);
	const jobId = readText(asJob(context, body, itemIndex).id);
	if (!jobId) throw noJobIdError(context, itemIndex);
	return jobId;
}

/** The item's transcript, from the job as created (Don't Wait), streamed, or polled to its end. */
async function outputOf(
	context: IExecuteFunctions,
	{ itemIndex, value: created }: ItemValue<Created>,
	polled: Map<number, PollResult<IDataObject>>,
): Promise<INodeExecutionData> {
	if (created.waitMode === 'none')
		return await jobItem(context, itemIndex, await created.job, false);
	if (created.waitMode === 'stream')
		return await jobItem(context, itemIndex, await created.job, true);
	const result = polled.get(itemIndex);
	if (!result) throw noJobIdError(context, itemIndex);
	if ('error' in result) throw result.error;
	return await jobItem(context, itemIndex, result.result, true);
}

/** A job's output item; `mustBeDone`: a job that ended another way fails the item. */
async function jobItem(
	context: IExecuteFunctions,
	itemIndex: number,
	job: IDataObject,
	mustBeDone: boolean,
): Promise<INodeExecutionData> {
	const normalized = normalizeJob(context, job, itemIndex);
	if (mustBeDone && normalized.status !== 'completed') {
		throw jobEndedError(context, String(normalized.jobId ?? ''), job, itemIndex);
	}
	return await transcriptItem(context, itemIndex, normalized, job);
}

function readOptions(context: IExecuteFunctions, itemIndex: number) {
	return readCreateParameters(
		context,
		itemIndex,
		readCollection(context, itemIndex, { name: 'options', displayName: 'Options' }),
	);
}

/** How a run waiting for Speech is Cheap callbacks checks and finishes its jobs. */
// Speech is Cheap posts the finished job itself (and only its webhook says why a job failed).
export const callbacks = perJobCallbacks(
	{ ...PROVIDER, callbackCarriesJob: true },
	async (context, jobId, itemIndex) =>
		asJob(context, await getJob(context, jobId, itemIndex), itemIndex),
	normalizeJob,
	jobEndedError,
);
