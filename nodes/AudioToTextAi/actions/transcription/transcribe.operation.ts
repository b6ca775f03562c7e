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
import { ItemRun } from '../../../shared/items';
import {
	perJobCallbacks,
	pollSubmitted,
	submitEach,
	submitThenPause,
	waitsForCallbacks,
} from '../../../shared/jobs';
import { transcriptItem } from '../../../shared/output';
import type { PollResult, PollSettings } from '../../../shared/polling';
import {
	readAudioInput,
	readOutputSettings,
	readPollSettings,
	readWaitMode,
} from '../../../shared/readers';
import type { TranscribeOptions } from '../../api';
import {
	checkTranscription,
	getTranscription,
	jobFailedError,
	jobIdOf,
	normalizeTranscription,
	transcribe,
} from '../../api';
import { readTranscribeOptions } from './options';

const show = { resource: ['transcription'], operation: ['transcribe'] };

/** Jobs submitted at the same time by default (AudioToTextAI documents no limit; a 429 slows all down). */
const PARALLEL_SUBMISSIONS = 4;

/** Where the audio fields differ from the shared ones: AudioToTextAI downloads URLs, YouTube too. */
const AUDIO_FIELD_CHANGES: Record<string, Partial<INodeProperties>> = {
	audioUrl: {
		placeholder: 'https://www.youtube.com/watch?v=…',
		description:
			'A direct audio or video URL, or a YouTube link. AudioToTextAI downloads it itself.',
	},
};

export const description: INodeProperties[] = [
	...audioInputFields(show).map((field) => ({ ...field, ...AUDIO_FIELD_CHANGES[field.name] })),
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [
			{
				name: 'Whisper Large V3',
				value: 'whisper-large-v3',
				description: 'The most accurate (default)',
			},
			{
				name: 'Whisper Turbo',
				value: 'whisper-turbo',
				description: 'Faster, slightly less accurate',
			},
		],
		default: 'whisper-large-v3',
		displayOptions: { show },
	},
	{
		displayName: 'Language Name or ID',
		name: 'language',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getLanguages' },
		default: '',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Auto-detect leaves the language to AudioToTextAI. An expression gives an ISO 639-1 code such as "en".',
		displayOptions: { show },
	},
	...waitFields(show, ['poll', 'callback', 'none'], {
		mode: 'poll',
		intervalSeconds: 5,
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
			parallelSubmissionsOption(PARALLEL_SUBMISSIONS),
			{
				displayName: 'Speaker Diarization',
				name: 'diarization',
				type: 'boolean',
				default: false,
				description: 'Whether to tell speakers apart (a speaker on each segment)',
			},
			{
				displayName: 'Summary',
				name: 'summary',
				type: 'boolean',
				default: false,
				description: 'Whether to generate an AI summary (in the "summary" field)',
			},
			{
				displayName: 'Timestamps',
				name: 'timestamps',
				type: 'boolean',
				default: true,
				description: 'Whether segments carry start and end times',
			},
			{
				displayName: 'Vocabulary',
				name: 'vocabulary',
				type: 'string',
				default: '',
				placeholder: 'n8n, AudioToTextAI, Kubernetes',
				description: 'Words and names that help accuracy, separated by commas',
			},
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'https://n8n.example.com/webhook/…/callback?token=…',
				description:
					'Where AudioToTextAI posts the result. Use an AudioToTextAI Trigger production URL with ?token=your secret.',
			},
			{
				displayName: 'Word Timestamps',
				name: 'wordTimestamps',
				type: 'boolean',
				default: false,
				description: 'Whether to include the timing of every word',
			},
		],
	},
];

const PROVIDER = {
	providerId: 'audiototextai',
	providerName: 'AudioToTextAI',
	laterOperation: 'Get',
	credentialType: 'audioToTextAiApi',
	waitModes: ['poll', 'callback', 'none'] as const,
	parallelSubmissions: PARALLEL_SUBMISSIONS,
};
const POLL = { ...PROVIDER, minIntervalSeconds: 0.1 };

/** A job one item created, and (Poll Until Done) how that item polls it. */
interface Submitted {
	job: IDataObject;
	jobId: string;
	poll?: PollSettings;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (waitsForCallbacks(this, items.length, PROVIDER.waitModes)) {
		const submitOne = async (itemIndex: number, callbackUrl: string) =>
			await submitForCallback(this, itemIndex, callbackUrl);
		return await submitThenPause(this, items, PROVIDER, submitOne);
	}
	const run = new ItemRun(this, items.length);
	const submitted = await submitEach(
		this,
		run,
		PROVIDER.parallelSubmissions,
		async (itemIndex) => await submit(this, itemIndex),
	);
	const finished = await pollSubmitted(
		this,
		submitted,
		async ({ jobId, itemIndex }) => await checkTranscription(this, jobId, itemIndex),
	);
	for (const { itemIndex, value } of submitted) {
		const result = finished.get(itemIndex) ?? { result: value.job }; // Don't Wait: the job as created
		await run.settle(itemIndex, async () => await outputOf(this, itemIndex, result));
	}
	return run.output();
}

/** Poll Until Done or Don't Wait: reads the item's settings, then creates its job. */
async function submit(context: IExecuteFunctions, itemIndex: number): Promise<Submitted> {
	const waitMode = readWaitMode(context, itemIndex, PROVIDER.waitModes);
	const poll = waitMode === 'poll' ? readPollSettings(context, itemIndex, POLL) : undefined;
	const options = readTranscribeOptions(context, itemIndex);
	readOutputSettings(context, itemIndex); // checked before a job is paid for
	return { ...(await createJob(context, itemIndex, options)), poll };
}

/** Wait for Callback: the job is created with this execution's callback URL as its webhook. */
async function submitForCallback(
	context: IExecuteFunctions,
	itemIndex: number,
	callbackUrl: string,
): Promise<string> {
	const options = readTranscribeOptions(context, itemIndex);
	if (options.webhook_url) throw webhookOptionConflict(context, itemIndex);
	const { jobId } = await createJob(context, itemIndex, { ...options, webhook_url: callbackUrl });
	return jobId;
}

/** Sends the item's audio with its options; the answer must name the job. */
async function createJob(
	context: IExecuteFunctions,
	itemIndex: number,
	options: TranscribeOptions,
): Promise<{ job: IDataObject; jobId: string }> {
	const job = await transcribe(
		context,
		itemIndex,
		await readAudioInput(context, itemIndex),
		options,
	);
	return { job, jobId: jobIdOf(context, job, itemIndex) };
}

/** The item's transcript: the finished job, or (Don't Wait) the job as created. */
async function outputOf(
	context: IExecuteFunctions,
	itemIndex: number,
	finished: PollResult<IDataObject>,
): Promise<INodeExecutionData> {
	if ('error' in finished) throw finished.error;
	const job = finished.result;
	return await transcriptItem(
		context,
		itemIndex,
		normalizeTranscription(context, job, itemIndex),
		job,
	);
}

/** How a run waiting for AudioToTextAI callbacks checks and finishes its jobs. */
// AudioToTextAI's callback leaves out the segments: each job is read with GET.
export const callbacks = perJobCallbacks(
	{ ...PROVIDER, callbackCarriesJob: false },
	async (context, jobId, itemIndex) => await getTranscription(context, jobId, itemIndex),
	normalizeTranscription,
	jobFailedError,
);
