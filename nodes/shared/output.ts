import type { IExecuteFunctions, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import type { OutputSettings } from './readers';
import { readOutputSettings } from './readers';
import { subtitleBinary } from './subtitles';
import type { NormalizedTranscript } from './transcript';
import { toOutputJson } from './transcript';

/** Builds one output item from a finished transcript, honouring the output fields. */
export async function transcriptItem(
	context: IExecuteFunctions,
	itemIndex: number,
	normalized: NormalizedTranscript,
	raw: unknown,
): Promise<INodeExecutionData> {
	return await buildTranscriptItem(
		context,
		readOutputSettings(context, itemIndex),
		normalized,
		raw,
	);
}

export async function buildTranscriptItem(
	context: IExecuteFunctions | IWebhookFunctions,
	settings: OutputSettings,
	normalized: NormalizedTranscript,
	raw: unknown,
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: toOutputJson(settings.output, normalized, raw) };
	if (settings.subtitleFormat !== 'none' && normalized.segments.length > 0) {
		const baseName = normalized.jobId ? `transcript-${normalized.jobId}` : 'transcript';
		item.binary = {
			[settings.subtitleBinaryProperty]: await subtitleBinary(
				context,
				normalized.segments,
				settings.subtitleFormat,
				baseName,
			),
		};
	}
	return item;
}
