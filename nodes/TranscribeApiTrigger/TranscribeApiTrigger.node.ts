import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { outputField } from '../shared/descriptions';
import { readText } from '../shared/transcript';
import {
	acknowledgeOnly,
	DELIVERY_MEMORY_MS,
	isFirstDelivery,
	parseJsonObject,
	rejectCall,
} from '../shared/webhook';
import {
	failureMessage,
	hasFileErrors,
	mapStatus,
	normalizeTranscript,
	rawStatusOf,
} from '../TranscribeApi/api';
import { downloadResult, splitResult } from '../TranscribeApi/result';
import { checkSignedCall } from '../TranscribeApi/signature';

type EventName = 'completed' | 'completed_with_errors' | 'failed';

function eventOf(rawStatus: string | null): EventName | undefined {
	const state = mapStatus(rawStatus);
	if (state === 'completed')
		return hasFileErrors(rawStatus) ? 'completed_with_errors' : 'completed';
	if (state === 'failed' || state === 'canceled') return 'failed';
	return undefined;
}

export class TranscribeApiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'TranscribeAPI Trigger',
		name: 'transcribeApiTrigger',
		icon: {
			light: 'file:../TranscribeApi/transcribeapi.svg',
			dark: 'file:../TranscribeApi/transcribeapi.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description:
			'Starts the workflow when TranscribeAPI reports a finished job (signed webhooks only)',
		defaults: { name: 'TranscribeAPI Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'transcribeApiApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					'Put this node\'s Production URL into the "Webhook URL" option of the TranscribeAPI node. Only calls signed with TranscribeAPI\'s published Ed25519 key start the workflow.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{
						name: 'Completed',
						value: 'completed',
						description: 'The job finished (completed, result_available)',
					},
					{
						name: 'Completed With Errors',
						value: 'completed_with_errors',
						description: 'A batch finished, with some files failed',
					},
					{ name: 'Failed', value: 'failed', description: 'The job failed (failed_*)' },
				],
				default: ['completed', 'completed_with_errors', 'failed'],
				description: 'Which job outcomes start the workflow. Others are acknowledged and ignored.',
			},
			{
				displayName: 'Download Result',
				name: 'downloadResult',
				type: 'boolean',
				default: true,
				description:
					'Whether to download the transcript from the result URL and output it: one item per file for batch jobs',
			},
			outputField("TranscribeAPI's own JSON, unchanged"),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Timestamp Tolerance (Seconds)',
						name: 'toleranceSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 300,
						description:
							'Calls signed longer ago than this are rejected, so a captured call cannot be replayed later',
					},
				],
			},
		],
	};

	// TranscribeAPI takes the webhook URL with each job, so there is nothing to register with it.
	// Deactivating the workflow forgets the cached signing keys.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				delete staticData.signingKeys;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const toleranceSeconds = Number(options.toleranceSeconds ?? 300) || 300;
		const checked = await checkSignedCall(this, toleranceSeconds);
		if ('refused' in checked) return checked.refused;
		const { raw, signature } = checked;

		const staticData = this.getWorkflowStaticData('node');
		const keepMs = toleranceSeconds * 2000;
		if (!isFirstDelivery(staticData, `signature:${signature}`, Date.now(), keepMs)) {
			return rejectCall(this, 403, 'This delivery was already received');
		}
		const body = parseJsonObject(raw);
		if (!body) return rejectCall(this, 400, 'The body is not a JSON object');

		const rawStatus = rawStatusOf(body);
		const event = eventOf(rawStatus);
		const accepted = this.getNodeParameter('events', []) as string[];
		if (!event || !accepted.includes(event))
			return acknowledgeOnly(this, `event "${rawStatus ?? 'unknown'}" not selected`);
		const jobId = readText(body.job_id) ?? '';
		// A provider may deliver the same outcome again (with a new signature): one run is enough.
		if (!isFirstDelivery(staticData, `job:${jobId}:${rawStatus}`, Date.now(), DELIVERY_MEMORY_MS)) {
			return acknowledgeOnly(this, 'duplicate delivery');
		}

		return { workflowData: [await outputItems(this, body, event, jobId)] };
	}
}

async function outputItems(
	context: IWebhookFunctions,
	body: IDataObject,
	event: EventName,
	jobId: string,
): Promise<INodeExecutionData[]> {
	const mode = context.getNodeParameter('output', 'simplified') as string;
	const rawStatus = rawStatusOf(body);
	const summary: IDataObject = {
		event,
		jobId,
		status: rawStatus,
		resultUrl: readText(body.result_url),
		expiresAt: readText(body.expires_at),
	};
	if (event === 'failed') summary.error = failureMessage(context, jobId, body);

	const resultUrl = readText(body.result_url);
	if (
		event === 'failed' ||
		!resultUrl ||
		!(context.getNodeParameter('downloadResult', true) as boolean)
	) {
		return [{ json: mode === 'raw' ? body : summary }];
	}
	const result = await downloadResult(context, resultUrl, 0);
	if (mode === 'raw') return [{ json: { ...body, result: result as IDataObject } }];
	return splitResult(result).map((file) => {
		const json: IDataObject = file.error
			? { provider: 'transcribeapi', jobId, status: 'failed', error: file.error }
			: (normalizeTranscript(file.body, jobId) as unknown as IDataObject);
		if (file.referenceId) json.referenceId = file.referenceId;
		json.event = event;
		return { json };
	});
}
