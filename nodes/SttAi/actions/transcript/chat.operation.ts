import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runForEachItem } from '../../../shared/items';
import { readText as readParameterText } from '../../../shared/parameters';
import { readText } from '../../../shared/transcript';
import { asObject, PATHS, sttAiRequest } from '../../api';
import { isRaw, readInputText, simplifyField } from '../fields';
import { readTranscriptId, transcriptIdField } from './transcriptId';

const show = { resource: ['transcript'], operation: ['chat'] };

export const description: INodeProperties[] = [
	transcriptIdField(show, 'The stored transcript to ask about'),
	{
		displayName: 'Question',
		name: 'question',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'What were the action items?',
		displayOptions: { show },
	},
	{
		displayName: 'Session ID',
		name: 'sessionId',
		type: 'string',
		default: '',
		description: 'Continue an earlier conversation about this transcript. Empty starts a new one.',
		displayOptions: { show },
	},
	simplifyField(show, 'The answer, its sources and the session: { answer, sources, sessionId }'),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runForEachItem(this, items, async (itemIndex) => {
		const id = readTranscriptId(this, itemIndex);
		const question = readInputText(this, itemIndex, 'question', 'Question');
		const sessionId = readParameterText(this, itemIndex, {
			name: 'sessionId',
			displayName: 'Session ID',
		});
		const raw = isRaw(this, itemIndex);
		const response = await sttAiRequest<unknown>(this, {
			method: 'POST',
			path: PATHS.chat(id),
			body: sessionId ? { question, session_id: sessionId } : { question },
			account: true,
			idempotent: false,
			itemIndex,
		});
		const data = asObject(this, response.body, itemIndex);
		if (raw) return [{ json: data }];
		return [
			{
				json: {
					transcriptId: id,
					answer: readText(data.answer),
					sources: Array.isArray(data.sources) ? data.sources : [],
					sessionId: readText(data.session_id) ?? (sessionId || null),
				},
			},
		];
	});
}
