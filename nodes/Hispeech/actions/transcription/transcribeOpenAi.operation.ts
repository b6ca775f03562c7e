import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { audioInputFields, outputFields } from '../../../shared/descriptions';
import { transcriptItem } from '../../../shared/output';
import { readAudioSource } from '../../../shared/readers';
import { runForEachItem } from '../../../shared/items';
import { normalizeOpenAi, transcribeOpenAiCompatible } from '../../api';

const show = { resource: ['transcription'], operation: ['transcribeOpenAi'] };

export const description: INodeProperties[] = [
	...audioInputFields(show),
	...outputFields(show, { subtitles: true }),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const source = await readAudioSource(this, itemIndex);
		const data = await transcribeOpenAiCompatible(this, itemIndex, source, {});
		return [await transcriptItem(this, itemIndex, normalizeOpenAi(data), data)];
	});
}
