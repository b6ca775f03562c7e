import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { WaitMode } from '../../../shared/descriptions';
import {
	audioInputFields,
	outputFields,
	readAudioInput,
	readPollSettings,
	transcriptItem,
	waitFields,
} from '../../../shared/descriptions';
import type { ItemOutcome } from '../../../shared/items';
import { collectOutput, forItem } from '../../../shared/items';
import type { PendingJob, PollSettings } from '../../../shared/polling';
import { pollUntilDone } from '../../../shared/polling';
import {
	asJob,
	checkJob,
	createJob,
	jobEndedError,
	normalizeJob,
	readCreateParameters,
	readJobStream,
} from '../../api';

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
	...waitFields(show, ['poll', 'none', 'stream'], {
		mode: 'poll',
		intervalSeconds: 10,
		minIntervalSeconds: 0.1,
		maxWaitMinutes: 180,
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
				description: 'Whether to add an audio classification label (such as "music") to each segment. A paid add-on.',
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
				type: 'string',
				default: '',
				placeholder: 'en',
				description: 'Two-letter ISO 639-1 code. Leave empty to detect the language from the first segment.',
			},
			{
				displayName: 'Minimum Confidence',
				name: 'minimumConfidence',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
				default: 0.5,
				description: 'Segments below this confidence are left out (also non-speech labels when Audio Labels is on)',
			},
			{
				displayName: 'Private',
				name: 'isPrivate',
				type: 'boolean',
				default: false,
				description: 'Whether Speech is Cheap should redact the input URL (this limits its ability to troubleshoot)',
			},
			{
				displayName: 'Prompt',
				name: 'prompt',
				type: 'string',
				default: '',
				description: 'A custom prompt that sets the transcription style. Write it in the language of the audio.',
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

interface Submission {
	itemIndex: number;
	waitMode: WaitMode;
	jobId: string | null;
	/** The creation answer: a job, or (Stream) the event stream being read. */
	answer: IDataObject | Promise<IDataObject>;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const outcomes: ItemOutcome[] = [];
	const submissions: Submission[] = [];
	let pollSettings: PollSettings | undefined;

	// 1. Submit every item; a failed item stops only itself (with Continue On Fail).
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const waitMode = this.getNodeParameter('waitMode', itemIndex) as WaitMode;
			if (waitMode === 'poll') {
				// One wait serves all items, so its interval and limit come from the first polling item.
				pollSettings ??= readPollSettings(this, itemIndex, {
					providerName: 'Speech is Cheap',
					laterOperation: 'Get',
					minIntervalSeconds: 0.1,
				});
			}
			const parameters = readCreateParameters(this.getNodeParameter('options', itemIndex, {}) as IDataObject);
			if (waitMode === 'stream') parameters.can_stream_output = true;
			const input = await readAudioInput(this, itemIndex);
			const body = await createJob(this, itemIndex, input, parameters);
			// A stream is read at once, so every item's stream is consumed while the others run.
			const answer = waitMode === 'stream' ? readJobStream(this, body, itemIndex) : asJob(this, body, itemIndex);
			if (answer instanceof Promise) answer.catch(() => undefined);
			const jobId = answer instanceof Promise ? null : String(answer.id ?? '') || null;
			submissions.push({ itemIndex, waitMode, jobId, answer });
			outcomes.push({ output: [] });
		} catch (error) {
			if (!this.continueOnFail()) throw forItem(this, error, itemIndex);
			outcomes.push({ error: forItem(this, error, itemIndex) });
		}
	}

	// 2. Wait for the jobs the way each item asked.
	for (const [itemIndex, outcome] of await waitForJobs(this, submissions, pollSettings)) {
		outcomes[itemIndex] = outcome;
	}
	return collectOutput(this, outcomes);
}

/** The one place that decides how a submitted job is waited for, per wait mode. */
async function waitForJobs(
	context: IExecuteFunctions,
	submissions: Submission[],
	pollSettings: PollSettings | undefined,
): Promise<Map<number, ItemOutcome>> {
	const outcomes = new Map<number, ItemOutcome>();
	const finish = async (itemIndex: number, job: IDataObject, expectDone: boolean) => {
		try {
			const normalized = normalizeJob(context, job, itemIndex);
			if (expectDone && normalized.status !== 'completed') {
				throw jobEndedError(context, String(normalized.jobId ?? ''), job, itemIndex);
			}
			outcomes.set(itemIndex, { output: [await transcriptItem(context, itemIndex, normalized, job)] });
		} catch (error) {
			outcomes.set(itemIndex, { error: forItem(context, error, itemIndex) });
		}
	};

	const polled: PendingJob[] = [];
	for (const submission of submissions) {
		const { itemIndex, waitMode, jobId, answer } = submission;
		if (waitMode === 'none') await finish(itemIndex, answer as IDataObject, false);
		else if (waitMode === 'poll') {
			if (jobId) polled.push({ jobId, itemIndex });
			else outcomes.set(itemIndex, { error: new NodeOperationError(context.getNode(), 'Speech is Cheap returned no job ID', { itemIndex }) });
		}
	}

	const streamed = submissions
		.filter((submission) => submission.waitMode === 'stream')
		.map(async ({ itemIndex, answer }) => {
			try {
				await finish(itemIndex, await answer, true);
			} catch (error) {
				outcomes.set(itemIndex, { error: forItem(context, error, itemIndex) });
			}
		});

	const polling = async () => {
		if (polled.length === 0 || !pollSettings) return;
		const results = await pollUntilDone(context, polled, async (job) => await checkJob(context, job.jobId, job.itemIndex), pollSettings);
		for (const { jobId, itemIndex } of polled) {
			const result = results.get(jobId)!;
			if ('error' in result) outcomes.set(itemIndex, { error: forItem(context, result.error, itemIndex) });
			else await finish(itemIndex, result.result, true);
		}
	};

	await Promise.all([...streamed, polling()]);
	return outcomes;
}
