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
	readPollSettings,
	readWaitMode,
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
import { readCollection } from '../../../shared/parameters';
import type { PendingJob, PollSettings } from '../../../shared/polling';
import { readText } from '../../../shared/transcript';
import {
	asJob,
	checkJob,
	createJob,
	getJob,
	jobEndedError,
	normalizeJob,
	readCreateParameters,
	readJobStream,
} from '../../api';
import { LANGUAGE_OPTIONS } from '../../languages';

const show = { resource: ['job'], operation: ['create'] };

export const description: INodeProperties[] = [
	...audioInputFields(show).map((field) =>
		field.name === 'audioUrl'
			? {
					...field,
					description:
						'Public URL of the audio or video file (6 seconds to 24 hours). Speech is Cheap downloads it itself.',
				}
			: field.name === 'inputType'
				? { ...field, default: 'url' }
				: field,
	),
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
};
const WAIT_MODES = ['poll', 'callback', 'none', 'stream'] as const;

function readOptions(context: IExecuteFunctions, itemIndex: number) {
	return readCreateParameters(
		context,
		itemIndex,
		readCollection(context, itemIndex, { name: 'options', displayName: 'Options' }),
	);
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (waitsForCallbacks(this, items.length, WAIT_MODES)) {
		const provider = { ...PROVIDER, waitModes: WAIT_MODES };
		return await submitThenPause(this, items, provider, async (itemIndex, callbackUrl) => {
			const parameters = readOptions(this, itemIndex);
			if (parameters.webhook_url) throw webhookOptionConflict(this, itemIndex);
			parameters.webhook_url = callbackUrl;
			const body = await createJob(
				this,
				itemIndex,
				await readAudioInput(this, itemIndex),
				parameters,
			);
			const jobId = readText(asJob(this, body, itemIndex).id);
			if (!jobId)
				throw new NodeOperationError(this.getNode(), 'Speech is Cheap returned no job ID', {
					itemIndex,
				});
			return jobId;
		});
	}
	let pollSettings: PollSettings | undefined;
	const itemPolls = new Map<number, PollSettings>();
	const submit = async (itemIndex: number): Promise<Submission<Answer>> => {
		const waitMode = readWaitMode(this, itemIndex, WAIT_MODES);
		if (waitMode === 'poll') {
			// One wait serves all items; each keeps its own Poll Interval and Max Wait.
			const settings = readPollSettings(this, itemIndex, {
				providerName: 'Speech is Cheap',
				laterOperation: 'Get',
				minIntervalSeconds: 0.1,
			});
			itemPolls.set(itemIndex, settings);
			pollSettings ??= settings;
		}
		const parameters = readOptions(this, itemIndex);
		readOutputSettings(this, itemIndex); // checked before a job is paid for
		if (waitMode === 'stream') parameters.can_stream_output = true;
		const body = await createJob(
			this,
			itemIndex,
			await readAudioInput(this, itemIndex),
			parameters,
		);
		if (waitMode === 'stream') {
			// Each stream is read at once, so every item's stream is consumed while the others run.
			const reading = readJobStream(this, body, itemIndex);
			reading.catch(() => undefined);
			return { itemIndex, waitMode, jobId: null, answer: reading };
		}
		const job = asJob(this, body, itemIndex);
		return { itemIndex, waitMode, jobId: readText(job.id) ?? null, answer: job };
	};
	return await submitThenWait(this, items, submit, async (submissions, outcomes) => {
		await waitForJobs(this, submissions, outcomes, pollSettings, itemPolls);
	});
}

/** A job as created, or (Stream) the job being read from its event stream. */
type Answer = IDataObject | Promise<IDataObject>;

/** The one place that decides how a submitted job is waited for, per wait mode. */
async function waitForJobs(
	context: IExecuteFunctions,
	submissions: Array<Submission<Answer>>,
	outcomes: Map<number, ItemOutcome>,
	pollSettings: PollSettings | undefined,
	itemPolls: Map<number, PollSettings>,
): Promise<void> {
	const finish = async (itemIndex: number, job: IDataObject, expectDone: boolean) =>
		await settle(context, itemIndex, async () => {
			const normalized = normalizeJob(context, job, itemIndex);
			if (expectDone && normalized.status !== 'completed') {
				throw jobEndedError(context, String(normalized.jobId ?? ''), job, itemIndex);
			}
			return await transcriptItem(context, itemIndex, normalized, job);
		});

	const polled: PendingJob[] = [];
	const streamed: Array<Promise<void>> = [];
	for (const { itemIndex, waitMode, jobId, answer } of submissions) {
		if (waitMode === 'none') outcomes.set(itemIndex, await finish(itemIndex, await answer, false));
		else if (waitMode === 'stream') {
			streamed.push(
				(async () => {
					const job = await settle(context, itemIndex, async () => ({ json: await answer }));
					outcomes.set(
						itemIndex,
						'error' in job ? job : await finish(itemIndex, job.output[0].json, true),
					);
				})(),
			);
		} else if (jobId) {
			const { intervalMs, maxWaitMs } = itemPolls.get(itemIndex)!;
			polled.push({ jobId, itemIndex, intervalMs, maxWaitMs });
		} else {
			outcomes.set(itemIndex, {
				error: new NodeOperationError(context.getNode(), 'Speech is Cheap returned no job ID', {
					itemIndex,
				}),
			});
		}
	}
	const check = async (job: PendingJob) => await checkJob(context, job.jobId, job.itemIndex);
	const polling = pollJobsInto(
		context,
		polled,
		check,
		pollSettings,
		outcomes,
		async (itemIndex, job) => await finish(itemIndex, job, true),
	);
	await Promise.all([...streamed, polling]);
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
