import type { IExecuteFunctions } from 'n8n-workflow';

import type { ParameterRef } from '../../../shared/parameters';
import { entry, readBoolean, readCollection, readText, readUrl } from '../../../shared/parameters';
import type { TranscribeOptions } from '../../api';

/** The Transcribe fields as AudioToTextAI names them, checked before anything is sent. */
export function readTranscribeOptions(
	context: IExecuteFunctions,
	itemIndex: number,
): TranscribeOptions {
	const options = readCollection(context, itemIndex, { name: 'options', displayName: 'Options' });
	// Model and language are catalogues AudioToTextAI may extend: any text passes, its error shows.
	const language = readText(context, itemIndex, {
		name: 'language',
		displayName: 'Language Name or ID',
	});
	const vocabulary = readVocabulary(context, itemIndex, entry(options, 'vocabulary', 'Vocabulary'));
	const webhookUrl = readUrl(context, itemIndex, entry(options, 'webhookUrl', 'Webhook URL'));
	const result: TranscribeOptions = {
		model: readText(
			context,
			itemIndex,
			{ name: 'model', displayName: 'Model' },
			{ required: true, expected: 'an AudioToTextAI model ID' },
		),
	};
	if (language) result.language = language;
	for (const [option, displayName, field] of [
		['diarization', 'Speaker Diarization', 'diarization'],
		['timestamps', 'Timestamps', 'timestamps'],
		['wordTimestamps', 'Word Timestamps', 'word_timestamps'],
		['summary', 'Summary', 'summary'],
	] as const) {
		const ref = entry(options, option, displayName);
		if (ref.present) result[field] = readBoolean(context, itemIndex, ref);
	}
	if (vocabulary.length > 0) result.vocabulary = vocabulary;
	if (webhookUrl) result.webhook_url = webhookUrl;
	return result;
}

/** Words separated by commas, or (from an expression) a list of words. */
function readVocabulary(
	context: IExecuteFunctions,
	itemIndex: number,
	ref: ParameterRef,
): string[] {
	const words = Array.isArray(ref.value)
		? ref.value.map((word, index) =>
				readText(
					context,
					itemIndex,
					{ ...ref, value: word },
					{ expected: `a word (entry ${index})` },
				),
			)
		: readText(context, itemIndex, ref, { expected: 'words separated by commas' }).split(',');
	return words.map((word) => word.trim()).filter(Boolean);
}
