import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readText } from '../../../shared/parameters';

export function transcriptIdField(
	show: Record<string, string[]>,
	description: string,
): INodeProperties {
	return {
		displayName: 'Transcript ID',
		name: 'transcriptId',
		type: 'string',
		default: '={{ $json.jobId ?? $json.id }}',
		required: true,
		placeholder: '1842',
		description,
		displayOptions: { show },
	};
}

export function readTranscriptId(context: IExecuteFunctions, itemIndex: number): string {
	const value = readText(
		context,
		itemIndex,
		{ name: 'transcriptId', displayName: 'Transcript ID' },
		{
			expected: 'a transcript ID',
		},
	);
	if (value === '') {
		throw new NodeOperationError(context.getNode(), 'The transcript ID is empty', {
			itemIndex,
			description:
				'Map the "jobId" field of a Get Many result, or paste the ID from your STT.ai dashboard.',
		});
	}
	return value;
}
