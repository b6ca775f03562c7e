// Unit tests for the Speech is Cheap normalizer and the shared event-stream reader it uses.
const { mapStatus, normalizeJob, readCreateParameters } = require('../../dist/nodes/SpeechIsCheap/api');
const { readServerSentEvents } = require('../../dist/nodes/shared/sse');

const context = { getNode: () => ({ id: '1', name: 'SIC', type: 'speechIsCheap', typeVersion: 1, position: [0, 0], parameters: {} }) };

const DOCS_COMPLETED = {
	id: '00000000-1111-7222-b333-444444444444-sic',
	output: {
		segments: [
			{
				confidence: 0.987,
				end: 12.345,
				id: 1,
				language: 'en (99.95%)',
				processing_duration_in_s: 0.321,
				seek: 1234.5,
				start: 1.234,
				text: 'This is an example of some transcribed text output.',
				words: null,
			},
		],
	},
	status: 'COMPLETED',
};

describe('Speech is Cheap status words', () => {
	test.each([
		['PENDING', 'queued'],
		['COMPLETED', 'completed'],
		['FAILED', 'failed'],
		['CANCELED', 'canceled'],
		['cancelled', 'canceled'],
		['completed', 'completed'],
		['processing', 'processing'],
	])('%s → %s', (status, expected) => expect(mapStatus(status)).toBe(expected));

	test('an unknown status fails clearly', () => {
		expect(() => normalizeJob(context, { id: 'x', status: 'MELTED', output: {} }, 2)).toThrow(
			'Speech is Cheap reported an unknown job status "MELTED"',
		);
	});
});

describe('Speech is Cheap normalizer', () => {
	test("the docs' completed example", () => {
		expect(normalizeJob(context, DOCS_COMPLETED)).toEqual({
			provider: 'speechischeap',
			jobId: DOCS_COMPLETED.id,
			status: 'completed',
			text: 'This is an example of some transcribed text output.',
			language: 'en',
			durationSeconds: null,
			segments: [{ start: 1.234, end: 12.345, text: 'This is an example of some transcribed text output.', confidence: 0.987 }],
		});
	});

	test('add-ons: speakers (speaker_id, or "" for no speech), words, labels; numbers as strings; output as a JSON string', () => {
		const output = {
			duration: '30.5',
			segments: [
				{ start: '0', end: '2.5', text: ' hi there ', speaker_id: 'A', confidence: '0.9', words: [{ start: '0', end: '1', text: 'hi' }, { start: 1, end: 2.5, word: 'there' }] },
				{ start: 2.5, end: 4, text: '', speaker_id: '', label: 'music', confidence: 0.7, words: null },
				{ start: 4, end: 6, text: 'bye', speaker: 'B' },
			],
		};
		const normalized = normalizeJob(context, { id: 'j-sic', status: 'COMPLETED', output: JSON.stringify(output) });
		expect(normalized).toMatchObject({ durationSeconds: 30.5, text: 'hi there bye', language: null });
		expect(normalized.segments).toEqual([
			{ start: 0, end: 2.5, text: 'hi there', speaker: 'A', confidence: 0.9, words: [{ start: 0, end: 1, text: 'hi' }, { start: 1, end: 2.5, text: 'there' }] },
			{ start: 2.5, end: 4, text: '', confidence: 0.7 },
			{ start: 4, end: 6, text: 'bye', speaker: 'B' },
		]);
	});

	test('pending, failed (with and without the error text) and canceled jobs', () => {
		expect(normalizeJob(context, { id: 'p', output: {}, status: 'PENDING' })).toEqual({
			provider: 'speechischeap',
			jobId: 'p',
			status: 'queued',
			text: null,
			language: null,
			durationSeconds: null,
			segments: [],
		});
		expect(normalizeJob(context, { id: 'f', output: { error: 'Some error message' }, status: 'FAILED' })).toMatchObject({
			status: 'failed',
			error: 'Some error message',
		});
		expect(normalizeJob(context, { id: 'f', output: {}, status: 'FAILED' }).error).toBeNull();
		expect(normalizeJob(context, { id: 'c', output: {}, status: 'CANCELED' })).toMatchObject({ status: 'canceled', text: null });
		expect(normalizeJob(context, { job_id: 'alt', status: 'PENDING' }).jobId).toBe('alt');
	});

	test('create options map to the documented fields; unset ones are left out', () => {
		// The readers take the node context for their errors; options are passed in already read.
		const context = { getNode: () => ({ name: 'Speech is Cheap' }), getNodeParameter: () => undefined };
		expect(readCreateParameters(context, 0, {})).toEqual({});
		expect(
			readCreateParameters(context, 0, { parseSpeakers: true, parseWords: 'true', labelAudio: false, isPrivate: true, language: ' en ', minimumConfidence: '0', segmentDuration: 15, hotwords: '' }),
		).toEqual({ can_parse_speakers: true, can_parse_words: true, is_private: true, language: 'en', minimum_confidence: 0, segment_duration: 15 });
	});
});

describe('readServerSentEvents', () => {
	async function* chunks(...parts) {
		for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
	}
	const collect = async (iterable) => {
		const events = [];
		for await (const event of readServerSentEvents(iterable)) events.push(event);
		return events;
	};

	test('events split anywhere (even inside a UTF-8 character or a CRLF) come out whole', async () => {
		const text = 'data: {"type":"initial","id":"j"}\r\n\r\n: keep-alive\n\nevent: note\ndata: Ողջույն\ndata: second line\n\ndata: {"type":"final"}\n\n';
		const bytes = Buffer.from(text);
		const pieces = [];
		for (let i = 0; i < bytes.length; i += 3) pieces.push(bytes.subarray(i, i + 3));
		expect(await collect(chunks(...pieces))).toEqual([
			{ event: 'message', data: '{"type":"initial","id":"j"}', id: undefined },
			{ event: 'note', data: 'Ողջույն\nsecond line', id: undefined },
			{ event: 'message', data: '{"type":"final"}', id: undefined },
		]);
	});

	test('a last event without its blank line is still read; a lone CR ends a line', async () => {
		expect(await collect(chunks('id: 7\rdata: a\r', '\rdata: b'))).toEqual([
			{ event: 'message', data: 'a', id: '7' },
			{ event: 'message', data: 'b', id: undefined },
		]);
	});
});
