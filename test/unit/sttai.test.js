// Unit tests for the STT.ai normalizer, the subtitle reader it uses, the dropdown fallbacks and the
// package entry point.
const { normalizeTranscript, mapStatus, readTranscriptPage } = require('../../dist/nodes/SttAi/api');
const { getModels, getLanguages } = require('../../dist/nodes/SttAi/methods/loadOptions');
const { parseSubtitles, renderSubtitles } = require('../../dist/nodes/shared/subtitles');

const context = { getNode: () => ({ id: '1', name: 'STT.ai', type: 'sttAi', typeVersion: 1, position: [0, 0], parameters: {} }) };

describe('STT.ai normalizer', () => {
	test('the documented transcription answer', () => {
		const normalized = normalizeTranscript(
			context,
			{
				text: 'Hello, welcome to the meeting...',
				language: 'en',
				duration: 125.4,
				segments: [
					{
						start: 0.0,
						end: 3.2,
						text: 'Hello, welcome to the meeting.',
						speaker: 'Speaker 1',
						confidence: 0.95,
						words: [
							{ word: 'Hello', start: 0.0, end: 0.4 },
							{ word: 'welcome', start: 0.5, end: 0.9 },
						],
					},
				],
				speakers: ['Speaker 1', 'Speaker 2'],
			},
			0,
		);
		expect(normalized).toEqual({
			provider: 'sttai',
			jobId: null,
			status: 'completed',
			text: 'Hello, welcome to the meeting...',
			language: 'en',
			durationSeconds: 125.4,
			segments: [
				{
					start: 0,
					end: 3.2,
					text: 'Hello, welcome to the meeting.',
					speaker: 'Speaker 1',
					confidence: 0.95,
					words: [
						{ start: 0, end: 0.4, text: 'Hello' },
						{ start: 0.5, end: 0.9, text: 'welcome' },
					],
				},
			],
		});
	});

	test('a stored transcript with string numbers, other field names, no text and a summary', () => {
		const normalized = normalizeTranscript(
			context,
			{
				id: 42,
				status: 'Processing',
				language: 'auto',
				duration_seconds: '61.5',
				summary: 'Short.',
				segments: [
					{ start_time: '1.5', end_time: '2', text: ' One. ', speaker: 2, words: [{ text: 'One.', start: 1.5, end: 2, probability: 0.9 }] },
					{ start: 2, end: 3, text: 'Two.', speaker: null },
				],
			},
			0,
		);
		expect(normalized).toEqual({
			provider: 'sttai',
			jobId: '42',
			status: 'processing',
			text: 'One. Two.',
			language: null,
			durationSeconds: 61.5,
			segments: [
				{ start: 1.5, end: 2, text: ' One. ', speaker: '2', words: [{ start: 1.5, end: 2, text: 'One.', confidence: 0.9 }] },
				{ start: 2, end: 3, text: 'Two.' },
			],
			summary: 'Short.',
		});
	});

	test('absent fields stay null, never invented', () => {
		expect(normalizeTranscript(context, {}, 0)).toEqual({
			provider: 'sttai',
			jobId: null,
			status: 'completed',
			text: null,
			language: null,
			durationSeconds: null,
			segments: [],
		});
	});

	test.each([
		['completed', 'completed'],
		['done', 'completed'],
		['pending', 'queued'],
		['QUEUED', 'queued'],
		['transcribing', 'processing'],
		['failed', 'failed'],
		['cancelled', 'canceled'],
		[undefined, 'completed'],
	])('status %p → %s', (status, expected) => {
		expect(mapStatus(context, status, 0)).toBe(expected);
	});

	test('an unknown status fails clearly', () => {
		expect(() => mapStatus(context, 'teleported', 2)).toThrow('STT.ai reported an unknown transcript status "teleported"');
	});

	test('transcript pages: DRF pagination, a bare list, or other keys', () => {
		expect(readTranscriptPage({ count: 3, next: 'http://x/?page=2', results: [{ id: 1 }] })).toEqual({ results: [{ id: 1 }], hasNext: true });
		expect(readTranscriptPage({ count: 1, next: null, results: [{ id: 1 }] })).toEqual({ results: [{ id: 1 }], hasNext: false });
		expect(readTranscriptPage([{ id: 1 }, { id: 2 }])).toEqual({ results: [{ id: 1 }, { id: 2 }], hasNext: false });
		expect(readTranscriptPage({ transcripts: [{ id: 3 }], has_next: true })).toEqual({ results: [{ id: 3 }], hasNext: true });
		expect(readTranscriptPage({ next: 'more', results: [] })).toEqual({ results: [], hasNext: false });
	});
});

describe('subtitle reader', () => {
	const segments = [
		{ start: 0, end: 1.5, text: 'Hello there.', speaker: 'Speaker 1' },
		{ start: 1.5, end: 3723.004, text: 'Second line.' },
	];

	test('reads back what the renderer writes (VTT voice tags as speakers)', () => {
		expect(parseSubtitles(renderSubtitles(segments, 'vtt'))).toEqual(segments);
		expect(parseSubtitles(renderSubtitles(segments, 'srt'))).toEqual([
			{ start: 0, end: 1.5, text: 'Speaker 1: Hello there.' },
			{ start: 1.5, end: 3723.004, text: 'Second line.' },
		]);
	});

	test('CRLF, cue settings, short MM:SS timings and blocks without timing', () => {
		const vtt = 'WEBVTT\r\n\r\nNOTE a comment\r\n\r\nintro\r\n00:01.250 --> 00:02.000 align:start\r\n<v.loud Ann>Hi</v>\r\n';
		expect(parseSubtitles(vtt)).toEqual([{ start: 1.25, end: 2, text: 'Hi', speaker: 'Ann' }]);
	});
});

describe('dropdowns', () => {
	const failing = {
		getCredentials: async () => ({ apiKey: '', baseUrl: 'http://127.0.0.1:1' }),
		getNode: context.getNode,
		helpers: {
			httpRequestWithAuthentication: async () => ({ statusCode: 401, headers: {}, body: { error: 'Invalid or missing API key' } }),
		},
	};
	const answering = (body) => ({
		...failing,
		helpers: { httpRequestWithAuthentication: async () => ({ statusCode: 200, headers: {}, body }) },
	});

	test('models and languages from the API', async () => {
		const models = await getModels.call(answering({ models: [{ id: 'large-v3', name: 'Whisper Large V3', speed: 'very_fast' }] }));
		expect(models).toEqual([{ name: 'Whisper Large V3', value: 'large-v3', description: 'Speed: very fast' }]);
		const languages = await getLanguages.call(answering({ languages: [{ code: 'es', name: 'spanish' }, { code: 'de', name: 'german' }] }));
		expect(languages).toEqual([
			{ name: 'Auto-Detect', value: 'auto' },
			{ name: 'German', value: 'de' },
			{ name: 'Spanish', value: 'es' },
		]);
	});

	test('a static list when the API refuses to answer', async () => {
		const models = await getModels.call(failing);
		expect(models.map((model) => model.value)).toEqual(['large-v3-turbo', 'large-v3', 'medium', 'small']);
		const languages = await getLanguages.call(failing);
		expect(languages[0]).toEqual({ name: 'Auto-Detect', value: 'auto' });
		expect(languages.map((language) => language.value)).toContain('hy');
	});
});

describe('package entry point', () => {
	test('index.js and package.json register the STT.ai node and credential', () => {
		const entry = require('../../index.js');
		expect(new entry.nodes.SttAi().description.name).toBe('sttAi');
		expect(new entry.credentials.SttAiApi().name).toBe('sttAiApi');
		const pkg = require('../../package.json');
		expect(pkg.n8n.nodes).toContain('dist/nodes/SttAi/SttAi.node.js');
		expect(pkg.n8n.credentials).toContain('dist/credentials/SttAiApi.credentials.js');
	});
});
