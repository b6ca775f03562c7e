import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

type Show = Record<string, string[]>;

/** The Job ID parameter; its default picks up the job of a "Don't Wait" result. */
export function jobIdField(show: Show, description: string, placeholder: string): INodeProperties {
	return {
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '={{ $json.jobId ?? $json.job_id }}',
		required: true,
		placeholder,
		description,
		displayOptions: { show },
	};
}

export function readJobId(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter('jobId', itemIndex) as unknown;
	if ((typeof value !== 'string' && typeof value !== 'number') || String(value).trim() === '') {
		throw new NodeOperationError(context.getNode(), 'The job ID is empty', {
			itemIndex,
			description:
				'Map the "jobId" field of a Transcribe result run with "Don\'t Wait", or paste the job ID.',
		});
	}
	return String(value).trim();
}
