import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { audioInputFields, outputFields } from '../../../shared/descriptions';
import { transcriptItem } from '../../../shared/output';
import { readAudioSource } from '../../../shared/readers';
import { normalizeOpenAi, transcribeOpenAiCompatible } from '../../api';

const show = { resource: ['transcription'], operation: ['transcribeOpenAi'] };

export const description: INodeProperties[] = [
	...audioInputFields(show),
	...outputFields(show, { subtitles: true }),
];

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const source = await readAudioSource(this, itemIndex);
	const data = await transcribeOpenAiCompatible(this, itemIndex, source, {});
	return [await transcriptItem(this, itemIndex, normalizeOpenAi(data), data)];
}
