// What the user sees: the parameter blocks the operations share. Their readers are in readers.ts.
import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

type Show = NonNullable<IDisplayOptions['show']>;

const withShow = (show: Show, extra: Show = {}): IDisplayOptions => ({
	show: { ...show, ...extra },
});

/**
 * The option for how many items are submitted at the same time. `defaultCount` is safe for the
 * provider's documented limits; its 429 answers slow every submission down (see transport.ts).
 */
export function parallelSubmissionsOption(defaultCount: number): INodeProperties {
	return {
		displayName: 'Parallel Submissions',
		name: 'parallelSubmissions',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_PARALLEL_SUBMISSIONS },
		default: defaultCount,
		description: `How many items are uploaded or submitted at the same time, 1 to ${MAX_PARALLEL_SUBMISSIONS}. The output keeps the input order.`,
	};
}

export const MAX_PARALLEL_SUBMISSIONS = 16;

/** Audio from a binary property (default "data") or from a public URL. */
export function audioInputFields(show: Show): INodeProperties[] {
	return [
		{
			displayName: 'Audio Source',
			name: 'inputType',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Binary File',
					value: 'binary',
					description: 'A file from a previous node, such as Read Files From Disk or Google Drive',
				},
				{
					name: 'URL',
					value: 'url',
					description: 'A public link to the audio or video file',
				},
			],
			default: 'binary',
			displayOptions: withShow(show),
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the input binary field containing the audio or video file',
			displayOptions: withShow(show, { inputType: ['binary'] }),
		},
		{
			displayName: 'Audio URL',
			name: 'audioUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/recording.mp3',
			description: 'Public URL of the audio or video file. It is streamed to the provider.',
			displayOptions: withShow(show, { inputType: ['url'] }),
		},
	];
}

export type WaitMode = 'sync' | 'poll' | 'none' | 'stream' | 'callback';

export const WAIT_MODE_OPTIONS: Record<WaitMode, INodePropertyOptions> = {
	sync: {
		name: 'Synchronous Request',
		value: 'sync',
		description: 'Keep the request open until the transcript is ready. Best for short files.',
	},
	poll: {
		name: 'Poll Until Done',
		value: 'poll',
		description:
			'Submit the job, then check its status until it finishes. All items wait together.',
	},
	none: {
		name: "Don't Wait",
		value: 'none',
		// waitFields() names the node's own operation that finishes the job.
		description: 'Return the job at once; finish it later with the status operation',
	},
	stream: {
		name: 'Stream',
		value: 'stream',
		description: 'Read the result as the provider streams it',
	},
	callback: {
		name: 'Wait for Callback',
		value: 'callback',
		description: 'Pause the workflow until the provider calls back',
	},
};

export interface WaitDefaults {
	mode: WaitMode;
	intervalSeconds: number;
	minIntervalSeconds: number;
	maxWaitMinutes: number;
	/** The display name of the operation that finishes a job later (named in "Don't Wait"). */
	laterOperation: string;
}

/** How to wait for an asynchronous job, and the polling limits. */
export function waitFields(
	show: Show,
	modes: WaitMode[],
	defaults: WaitDefaults,
): INodeProperties[] {
	const pollOnly = withShow(show, { waitMode: ['poll'] });
	const { mode, intervalSeconds, minIntervalSeconds, maxWaitMinutes, laterOperation } = defaults;
	const option = (wait: WaitMode): INodePropertyOptions =>
		wait === 'none'
			? {
					...WAIT_MODE_OPTIONS.none,
					description: `Return the job at once; finish it later with the ${laterOperation} operation`,
				}
			: WAIT_MODE_OPTIONS[wait];
	return [
		{
			displayName: 'Wait Mode',
			name: 'waitMode',
			type: 'options',
			options: modes.map(option),
			default: mode,
			description: 'How the node waits for the transcript',
			displayOptions: withShow(show),
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollIntervalSeconds',
			type: 'number',
			typeOptions: { minValue: minIntervalSeconds, numberPrecision: 2 },
			default: intervalSeconds,
			description: 'Time between two status checks of the same job',
			displayOptions: pollOnly,
		},
		{
			displayName: 'Max Wait (Minutes)',
			name: 'maxWaitMinutes',
			type: 'number',
			typeOptions: { minValue: 0.01, numberPrecision: 2 },
			default: maxWaitMinutes,
			description:
				'Give up waiting after this long. The job keeps running at the provider; its ID is in the error.',
			displayOptions: withShow(show, {
				waitMode: modes.includes('callback') ? ['poll', 'callback'] : ['poll'],
			}),
		},
		...(modes.includes('callback')
			? [
					{
						displayName:
							'The provider must be able to reach this n8n: set <code>WEBHOOK_URL</code> to its public address. The run waits (no worker is held, nothing polls) until every job has called back; after Max Wait it goes on with an error item naming each job that did not call back.',
						name: 'callbackNotice',
						type: 'notice',
						default: '',
						displayOptions: withShow(show, { waitMode: ['callback'] }),
					} as INodeProperties,
				]
			: []),
	];
}

/**
 * The longest Max Wait: 30 days. A waiting run's resume time must be a real date, and a wait that
 * long already outlives any job these providers keep.
 */
export const MAX_WAIT_LIMIT_MINUTES = 43_200;

/** Simplified or Raw; `rawDescription` says what Raw holds. */
export function outputField(rawDescription: string): INodeProperties {
	return {
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'Simplified',
				value: 'simplified',
				description:
					'The same transcript shape for every provider: text, language, duration, segments',
			},
			{ name: 'Raw', value: 'raw', description: rawDescription },
		],
		default: 'simplified',
	};
}

/** Simplified or Raw output, and subtitles as a binary file when the transcript has segments. */
export function outputFields(show: Show, options: { subtitles: boolean }): INodeProperties[] {
	const fields: INodeProperties[] = [
		{ ...outputField("The provider's own JSON, unchanged"), displayOptions: withShow(show) },
	];
	if (options.subtitles) {
		fields.push(
			{
				displayName: 'Subtitles File',
				name: 'subtitleFormat',
				type: 'options',
				options: [
					{ name: 'None', value: 'none' },
					{ name: 'SRT', value: 'srt', description: 'SubRip subtitles, as a binary file' },
					{ name: 'VTT', value: 'vtt', description: 'WebVTT subtitles, as a binary file' },
				],
				default: 'none',
				description: 'Also return subtitles built from the timed segments',
				displayOptions: withShow(show),
			},
			{
				displayName: 'Put Subtitles in Field',
				name: 'subtitleBinaryProperty',
				type: 'string',
				default: 'subtitles',
				hint: 'The name of the output binary field for the subtitles file',
				displayOptions: withShow(show, { subtitleFormat: ['srt', 'vtt'] }),
			},
		);
	}
	return fields;
}

/**
 * The fields of a trigger for providers that do not sign callbacks: the notice telling which URL to
 * give the provider, the secret token it must carry, the statuses that start a run, and the output.
 */
export function tokenTriggerFields(
	providerName: string,
	statuses: INodePropertyOptions[],
): INodeProperties[] {
	return [
		{
			displayName: `${providerName} does not sign its callbacks, so this trigger only accepts calls that carry your Secret Token. Give ${providerName} this node's Production URL (shown above, under Webhook URLs) followed by <code>?token=</code> and your Secret Token, e.g. <code>https://n8n.example.com/webhook/…/callback?token=YOUR_SECRET</code>, as the job's Webhook URL.`,
			name: 'callbackUrlNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Secret Token',
			name: 'secretToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A long random string you choose. Calls without it get 401, calls with another token get 403, and neither starts a run.',
		},
		{
			displayName: 'Statuses',
			name: 'statuses',
			type: 'multiOptions',
			options: statuses,
			default: ['completed', 'failed'],
			description:
				'Job statuses that start a run. Callbacks with other statuses are answered 200 and ignored.',
		},
		outputField('The callback body (or the fetched job), unchanged'),
	];
}

/** The ID of an existing job; by default taken from the incoming item (a "Don't Wait" result). */
export function jobIdField(
	show: Show,
	description: string,
	placeholder = 'c9bc1860-2279-11f0-8545-24e1ac00d517',
): INodeProperties {
	return {
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '={{ $json.jobId ?? $json.job_id ?? $json.id }}',
		required: true,
		placeholder,
		description,
		displayOptions: { show },
	};
}
