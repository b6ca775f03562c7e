import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { webhookOptionConflict } from '../../../shared/callback';
import { audioInputFields, outputFields, waitFields } from '../../../shared/descriptions';
import { transcriptItem } from '../../../shared/output';
import {
	readAudioInput,
	readOutputSettings,
	readWaitMode,
	readPollSettings,
} from '../../../shared/readers';
import type { ItemOutcome } from '../../../shared/items';
import type { Submission } from '../../../shared/jobs';
import {
	perJobCallbacks,
	pollJobsInto,
	settle,
	submitThenPause,
	submitThenWait,
	waitsForCallbacks,
} from '../../../shared/jobs';
import type { ParameterRef } from '../../../shared/parameters';
import { entry, readBoolean, readCollection, readText, readUrl } from '../../../shared/parameters';
import type { PendingJob, PollSettings } from '../../../shared/polling';
import { readText as textOf } from '../../../shared/transcript';
import type { TranscribeOptions } from '../../api';
import {
	checkTranscription,
	getTranscription,
	jobFailedError,
	normalizeTranscription,
	transcribe,
} from '../../api';

const show = { resource: ['transcription'], operation: ['transcribe'] };

export const description: INodeProperties[] = [
	...audioInputFields(show).map((field) =>
		field.name === 'audioUrl'
			? {
					...field,
					placeholder: 'https://www.youtube.com/watch?v=…',
					description:
						'A direct audio or video URL, or a YouTube link. AudioToTextAI downloads it itself.',
				}
			: field,
	),
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
};
const WAIT_MODES = ['poll', 'callback', 'none'] as const;

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (waitsForCallbacks(this, items.length, WAIT_MODES)) {
		const provider = { ...PROVIDER, waitModes: WAIT_MODES };
		return await submitThenPause(this, items, provider, async (itemIndex, callbackUrl) => {
			const options = readOptions(this, itemIndex);
			if (options.webhook_url) throw webhookOptionConflict(this, itemIndex);
			options.webhook_url = callbackUrl;
			return readJobId(
				this,
				await transcribe(this, itemIndex, await readAudioInput(this, itemIndex), options),
				itemIndex,
			);
		});
	}
	let pollSettings: PollSettings | undefined;
	const itemPolls = new Map<number, PollSettings>();
	const submit = async (itemIndex: number): Promise<Submission<IDataObject>> => {
		const waitMode = readWaitMode(this, itemIndex, WAIT_MODES);
		if (waitMode === 'poll') {
			// One wait serves all items; each keeps its own Poll Interval and Max Wait.
			const settings = readPollSettings(this, itemIndex, {
				providerName: 'AudioToTextAI',
				laterOperation: 'Get',
				minIntervalSeconds: 0.1,
			});
			itemPolls.set(itemIndex, settings);
			pollSettings ??= settings;
		}
		const options = readOptions(this, itemIndex);
		readOutputSettings(this, itemIndex); // checked before a job is paid for
		const answer = await transcribe(
			this,
			itemIndex,
			await readAudioInput(this, itemIndex),
			options,
		);
		return { itemIndex, waitMode, jobId: readJobId(this, answer, itemIndex), answer };
	};
	return await submitThenWait(this, items, submit, async (submissions, outcomes) => {
		await waitForJobs(this, submissions, outcomes, pollSettings, itemPolls);
	});
}

/** The one place that decides how a submitted job is waited for, per wait mode. */
async function waitForJobs(
	context: IExecuteFunctions,
	submissions: Array<Submission<IDataObject>>,
	outcomes: Map<number, ItemOutcome>,
	pollSettings: PollSettings | undefined,
	itemPolls: Map<number, PollSettings>,
): Promise<void> {
	const finish = async (itemIndex: number, job: IDataObject) =>
		await settle(context, itemIndex, async () => {
			const normalized = normalizeTranscription(context, job, itemIndex);
			return await transcriptItem(context, itemIndex, normalized, job);
		});
	const polled: PendingJob[] = [];
	for (const { itemIndex, waitMode, jobId, answer } of submissions) {
		if (waitMode === 'none') outcomes.set(itemIndex, await finish(itemIndex, answer));
		else {
			const { intervalMs, maxWaitMs } = itemPolls.get(itemIndex)!;
			polled.push({ jobId: jobId!, itemIndex, intervalMs, maxWaitMs });
		}
	}
	const check = async (job: PendingJob) =>
		await checkTranscription(context, job.jobId, job.itemIndex);
	await pollJobsInto(context, polled, check, pollSettings, outcomes, finish);
}

function readJobId(context: IExecuteFunctions, answer: IDataObject, itemIndex: number): string {
	const jobId = textOf(answer.id ?? answer.uuid);
	if (!jobId)
		throw new NodeOperationError(context.getNode(), 'AudioToTextAI returned no job ID', {
			itemIndex,
		});
	return jobId;
}

/** How a run waiting for AudioToTextAI callbacks checks and finishes its jobs. */
// AudioToTextAI's callback leaves out the segments: each job is read with GET.
export const callbacks = perJobCallbacks(
	{ ...PROVIDER, callbackCarriesJob: false },
	async (context, jobId, itemIndex) => await getTranscription(context, jobId, itemIndex),
	normalizeTranscription,
	jobFailedError,
);

function readOptions(context: IExecuteFunctions, itemIndex: number): TranscribeOptions {
	const options = readCollection(context, itemIndex, { name: 'options', displayName: 'Options' });
	// Model and language are catalogues AudioToTextAI may extend: any text passes, its error shows.
	const language = readText(context, itemIndex, {
		name: 'language',
		displayName: 'Language Name or ID',
	});
	const vocabulary = readVocabulary(context, itemIndex, entry(options, 'vocabulary', 'Vocabulary'));
	const webhookUrl = readUrl(context, itemIndex, entry(options, 'webhookUrl', 'Webhook URL'));
	const result: TranscribeOptions = {
		model: readText(
			context,
			itemIndex,
			{ name: 'model', displayName: 'Model' },
			{ required: true, expected: 'an AudioToTextAI model ID' },
		),
	};
	if (language) result.language = language;
	for (const [option, displayName, field] of [
		['diarization', 'Speaker Diarization', 'diarization'],
		['timestamps', 'Timestamps', 'timestamps'],
		['wordTimestamps', 'Word Timestamps', 'word_timestamps'],
		['summary', 'Summary', 'summary'],
	] as const) {
		const ref = entry(options, option, displayName);
		if (ref.present) result[field] = readBoolean(context, itemIndex, ref);
	}
	if (vocabulary.length > 0) result.vocabulary = vocabulary;
	if (webhookUrl) result.webhook_url = webhookUrl;
	return result;
}

/** Words separated by commas, or (from an expression) a list of words. */
function readVocabulary(
	context: IExecuteFunctions,
	itemIndex: number,
	ref: ParameterRef,
): string[] {
	const words = Array.isArray(ref.value)
		? ref.value.map((word, index) =>
				readText(
					context,
					itemIndex,
					{ ...ref, value: word },
					{ expected: `a word (entry ${index})` },
				),
			)
		: readText(context, itemIndex, ref, { expected: 'words separated by commas' }).split(',');
	return words.map((word) => word.trim()).filter(Boolean);
}
