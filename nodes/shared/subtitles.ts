import type { IBinaryData, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

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
	context: IExecuteFunctions | IWebhookFunctions,
	segments: TranscriptSegment[],
	format: SubtitleFormat,
	baseName: string,
): Promise<IBinaryData> {
	return await subtitleFile(context, renderSubtitles(segments, format), format, baseName);
}

/** Stores subtitles text (rendered here or by the provider) as an n8n binary file. */
export async function subtitleFile(
	context: IExecuteFunctions | IWebhookFunctions,
	content: string,
	format: SubtitleFormat,
	baseName: string,
): Promise<IBinaryData> {
	const mimeType = format === 'srt' ? 'application/x-subrip' : 'text/vtt';
	return await context.helpers.prepareBinaryData(
		Buffer.from(content, 'utf8'),
		`${baseName}.${format}`,
		mimeType,
	);
}

/** Reads "HH:MM:SS,mmm", "HH:MM:SS.mmm" or "MM:SS.mmm" as seconds. */
function parseTimestamp(value: string): number {
	const [clock, fraction, ...rest] = value.trim().replace(',', '.').split('.');
	if (rest.length > 0) return NaN;
	const seconds = clock
		.split(':')
		.map(Number)
		.reduce((total, part) => total * 60 + part, 0);
	// Whole seconds plus the fraction on its own, so "05:35.857" reads as 335.857 (not 335.85699999999997).
	return fraction === undefined ? seconds : seconds + Number(fraction) / 10 ** fraction.length;
}

export interface SubtitleReading {
	/**
	 * The line breaks may come escaped, as the two characters `\n` (TranscribeAPI's documented
	 * answers show the VTT so): read them as line breaks.
	 */
	escapedLineBreaks?: boolean;
}

/**
 * Reads SRT or VTT subtitles back into timed segments (cue text, VTT voice tags as speakers), for
 * providers that answer with a subtitles file. Cues without a valid timing line are skipped.
 */
export function parseSubtitles(
	content: string,
	reading: SubtitleReading = {},
): TranscriptSegment[] {
	const segments: TranscriptSegment[] = [];
	const source = reading.escapedLineBreaks ? content.replace(/\\n/g, '\n') : content;
	for (const block of source.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
		const lines = block.split('\n').filter((line) => line.trim() !== '');
		const timingIndex = lines.findIndex((line) => line.includes('-->'));
		if (timingIndex < 0) continue;
		const [from, to] = lines[timingIndex].split('-->');
		const start = parseTimestamp(from);
		const end = parseTimestamp(to.trim().split(/\s+/)[0]);
		if (!Number.isFinite(start) || !Number.isFinite(end)) continue;
		let text = lines
			.slice(timingIndex + 1)
			.join('\n')
			.trim();
		const voice = /^<v(?:\.[^\s>]*)?\s+([^>]+)>/.exec(text);
		const segment: TranscriptSegment = { start, end, text };
		if (voice) {
			text = text.slice(voice[0].length).replace(/<\/v>/g, '').trim();
			Object.assign(segment, { text, speaker: voice[1].trim() });
		}
		segments.push(segment);
	}
	return segments;
}
