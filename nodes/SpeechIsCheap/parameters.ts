import type { IDataObject } from 'n8n-workflow';

import type { ParameterContext } from '../shared/parameters';
import {
	entry,
	parameterError,
	readBoolean,
	readNumber,
	readText,
	readUrl,
} from '../shared/parameters';

/** The documented create parameters, as the API names them. */
export interface CreateParameters {
	can_label_audio?: boolean;
	can_parse_speakers?: boolean;
	can_parse_words?: boolean;
	hotwords?: string;
	is_private?: boolean;
	language?: string;
	minimum_confidence?: number;
	prompt?: string;
	segment_duration?: number;
	user_agent?: string;
	webhook_url?: string;
	can_stream_output?: boolean;
}

/**
 * The create options (the JSON body fields, leaving out what the user did not set), checked before anything is sent. Speech is Cheap's own errors for these
 * ("Invalid \"segment_duration\" parameter") do not say what is allowed, so the node does.
 */
export function readCreateParameters(
	context: ParameterContext,
	itemIndex: number,
	options: IDataObject,
): CreateParameters {
	const parameters: CreateParameters = {};
	const flags: Array<[string, string, keyof CreateParameters]> = [
		['labelAudio', 'Audio Labels', 'can_label_audio'],
		['parseSpeakers', 'Speakers', 'can_parse_speakers'],
		['parseWords', 'Word Timestamps', 'can_parse_words'],
		['isPrivate', 'Private', 'is_private'],
	];
	for (const [option, displayName, field] of flags) {
		const ref = entry(options, option, displayName);
		if (ref.present && readBoolean(context, itemIndex, ref))
			(parameters as IDataObject)[field] = true;
	}
	const texts: Array<[string, string, keyof CreateParameters]> = [
		['hotwords', 'Hotwords', 'hotwords'],
		['prompt', 'Prompt', 'prompt'],
		['userAgent', 'User Agent', 'user_agent'],
	];
	for (const [option, displayName, field] of texts) {
		const value = readText(context, itemIndex, entry(options, option, displayName));
		if (value) (parameters as IDataObject)[field] = value;
	}
	const webhookUrl = readUrl(context, itemIndex, entry(options, 'webhookUrl', 'Webhook URL'));
	if (webhookUrl) parameters.webhook_url = webhookUrl;
	const language = readText(context, itemIndex, entry(options, 'language', 'Language'));
	if (language) {
		if (!/^[a-z]{2}$/i.test(language)) {
			throw parameterError(
				context,
				itemIndex,
				'Language',
				language,
				'must be a two-letter ISO 639-1 code such as "en", or empty to detect the language',
			);
		}
		parameters.language = language.toLowerCase();
	}
	const confidence = entry(options, 'minimumConfidence', 'Minimum Confidence');
	if (confidence.present)
		parameters.minimum_confidence = readNumber(context, itemIndex, confidence, {
			min: 0,
			max: 1,
		});
	const duration = entry(options, 'segmentDuration', 'Segment Duration (Seconds)');
	if (duration.present)
		parameters.segment_duration = readNumber(context, itemIndex, duration, {
			min: 6,
			max: 30,
			unit: 'seconds',
		});
	return parameters;
}
