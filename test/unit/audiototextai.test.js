// Unit tests for the AudioToTextAI normalizer.
const { mapStatus, normalizeTranscription } = require('../../dist/nodes/AudioToTextAi/api');

const context = { getNode: () => ({ id: '1', name: 'A2T', type: 'audioToTextAi', typeVersion: 1, position: [0, 0], parameters: {} }) };

describe('AudioToTextAI status words', () => {
	test.each([
		['pending', 'queued'],
		['processing', 'processing'],
		['completed', 'completed'],
		['failed', 'failed'],
		['COMPLETED', 'completed'],
		['cancelled', 'canceled'],
	])('%s → %s', (status, expected) => expect(mapStatus(status)).toBe(expected));

	test('an unknown status fails clearly; a transcript without a status is finished', () => {
		expect(() => normalizeTranscription(context, { id: 'x', status: 'vanished' })).toThrow(
			'AudioToTextAI reported an unknown job status "vanished"',
		);
		expect(normalizeTranscription(context, { id: 'x', transcript: 'done' }).status).toBe('completed');
	});
});

describe('AudioToTextAI normalizer', () => {
	test("the docs' completed example, summary included", () => {
		const docs = {
			id: '550e8400-e29b-41d4-a716-446655440000',
			status: 'completed',
			transcript: "Hello and welcome to today's podcast...",
			duration_seconds: 1847.5,
			language: 'en',
			credits_used: 31.2,
			speakers: [{ id: 'SPEAKER_00', label: 'Host', speaking_time: 920.5 }],
			summary: 'This podcast discusses the future of AI...',
			topics: ['artificial intelligence'],
			segments: [{ start: 0.0, end: 5.2, text: 'Hello and welcome to today\'s podcast.', speaker: 'Host', confidence: 0.98 }],
		};
		expect(normalizeTranscription(context, docs)).toEqual({
			provider: 'audiototextai',
			jobId: docs.id,
			status: 'completed',
			text: docs.transcript,
			language: 'en',
			durationSeconds: 1847.5,
			segments: [{ start: 0, end: 5.2, text: "Hello and welcome to today's podcast.", speaker: 'Host', confidence: 0.98 }],
			summary: 'This podcast discusses the future of AI...',
		});
	});

	test('the blog post names (uuid, transcript_text), numbers as strings, word timings', () => {
		const normalized = normalizeTranscription(context, {
			uuid: 'u-1',
			status: 'completed',
			transcript_text: 'Hi.',
			duration_seconds: '61.25',
			language: '',
			segments: [{ start: '1.5', end: '2', text: 'Hi.', words: [{ start: '1.5', end: '2', word: ' Hi.', probability: '0.5' }] }],
		});
		expect(normalized).toMatchObject({ jobId: 'u-1', text: 'Hi.', durationSeconds: 61.25, language: null, summary: null });
		expect(normalized.segments).toEqual([{ start: 1.5, end: 2, text: 'Hi.', words: [{ start: 1.5, end: 2, text: 'Hi.', confidence: 0.5 }] }]);
	});

	test('processing (progress kept in Raw only), pending and failed answers', () => {
		expect(normalizeTranscription(context, { id: 'p', status: 'processing', progress: '45' })).toEqual({
			provider: 'audiototextai',
			jobId: 'p',
			status: 'processing',
			text: null,
			language: null,
			durationSeconds: null,
			segments: [],
			summary: null,
		});
		expect(normalizeTranscription(context, { id: 'q', status: 'pending' }).status).toBe('queued');
		expect(normalizeTranscription(context, { id: 'f', status: 'failed', error_message: 'Bad audio' })).toMatchObject({
			status: 'failed',
			error: 'Bad audio',
		});
		expect(normalizeTranscription(context, { id: 'f', status: 'failed' }).error).toBeNull();
	});
});

describe('example workflows', () => {
	const examples = require('node:fs').readdirSync(require('node:path').join(__dirname, '../../examples')).map((file) => file.replace(/\.json$/, ''));
	test.each(examples)('examples/%s.json uses registered node types and valid parameters', (name) => {
		const workflow = require(`../../examples/${name}.json`);
		const index = require('../../index.js');
		const types = Object.fromEntries(Object.values(index.nodes).map((NodeClass) => [`n8n-nodes-transcription.${new NodeClass().description.name}`, new NodeClass().description]));
		const ours = workflow.nodes.filter((node) => node.type.startsWith('n8n-nodes-transcription.'));
		expect(ours.length).toBeGreaterThanOrEqual(1);
		for (const node of ours) {
			const description = types[node.type];
			expect(description).toBeDefined();
			const names = new Set(description.properties.map((property) => property.name));
			for (const parameter of Object.keys(node.parameters)) expect(names.has(parameter)).toBe(true);
		}
		for (const [from, { main }] of Object.entries(workflow.connections)) {
			expect(workflow.nodes.some((node) => node.name === from)).toBe(true);
			for (const target of main.flat()) expect(workflow.nodes.some((node) => node.name === target.node)).toBe(true);
		}
	});
});
