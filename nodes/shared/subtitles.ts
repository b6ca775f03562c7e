import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { TranscriptSegment } from './transcript';

export type SubtitleFormat = 'srt' | 'vtt';

/** Formats seconds as HH:MM:SS,mmm (SRT) or HH:MM:SS.mmm (VTT). */
export function formatTimestamp(seconds: number, format: SubtitleFormat): string {
	const totalMs = Math.max(0, Math.round(seconds * 1000));
	const hours = Math.floor(totalMs / 3_600_000);
	const minutes = Math.floor((totalMs % 3_600_000) / 60_000);
	const secs = Math.floor((totalMs % 60_000) / 1000);
	const ms = totalMs % 1000;
	const pad = (value: number, width = 2) => String(value).padStart(width, '0');
	const separator = format === 'srt' ? ',' : '.';
	return `${pad(hours)}:${pad(minutes)}:${pad(secs)}${separator}${pad(ms, 3)}`;
}

function cueText(segment: TranscriptSegment, format: SubtitleFormat): string {
	const text = segment.text.trim().replace(/\r?\n\s*\r?\n/g, '\n');
	if (!segment.speaker) return text;
	return format === 'vtt' ? `<v ${segment.speaker}>${text}` : `${segment.speaker}: ${text}`;
}

export function renderSubtitles(segments: TranscriptSegment[], format: SubtitleFormat): string {
	const cues = segments
		.filter((segment) => segment.text.trim() !== '')
		.map((segment, index) => {
			const timing = `${formatTimestamp(segment.start, format)} --> ${formatTimestamp(segment.end, format)}`;
			const text = cueText(segment, format);
			return format === 'srt' ? `${index + 1}\n${timing}\n${text}` : `${timing}\n${text}`;
		});
	const body = cues.join('\n\n');
	return format === 'srt' ? `${body}\n` : `WEBVTT\n\n${body}\n`;
}

/** Stores subtitles as an n8n binary file (through n8n's binary storage, not in the JSON). */
export async function subtitleBinary(
	context: IExecuteFunctions,
	segments: TranscriptSegment[],
	format: SubtitleFormat,
	baseName: string,
): Promise<IBinaryData> {
	return await subtitleFile(context, renderSubtitles(segments, format), format, baseName);
}

/** Stores subtitles text (rendered here or by the provider) as an n8n binary file. */
export async function subtitleFile(
	context: IExecuteFunctions,
	content: string,
	format: SubtitleFormat,
	baseName: string,
): Promise<IBinaryData> {
	const mimeType = format === 'srt' ? 'application/x-subrip' : 'text/vtt';
	return await context.helpers.prepareBinaryData(Buffer.from(content, 'utf8'), `${baseName}.${format}`, mimeType);
}
