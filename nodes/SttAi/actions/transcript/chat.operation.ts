import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readText as readParameterText } from '../../../shared/parameters';
import { readText } from '../../../shared/transcript';
import { PATHS, requestObject } from '../../api';
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

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const id = readTranscriptId(this, itemIndex);
	const question = readInputText(this, itemIndex, 'question', 'Question');
	const sessionId = readParameterText(this, itemIndex, {
		name: 'sessionId',
		displayName: 'Session ID',
	});
	const raw = isRaw(this, itemIndex);
	const data = await requestObject(this, {
		method: 'POST',
		path: PATHS.chat(id),
		body: sessionId ? { question, session_id: sessionId } : { question },
		account: true,
		idempotent: false,
		itemIndex,
	});
	if (raw) return [{ json: data }];
	const answer = {
		transcriptId: id,
		answer: readText(data.answer),
		sources: Array.isArray(data.sources) ? data.sources : [],
		sessionId: readText(data.session_id) ?? (sessionId || null),
	};
	return [{ json: answer }];
}
