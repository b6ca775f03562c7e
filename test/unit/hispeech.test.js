// Unit tests for the Hispeech normalizers and the package entry point.
const { mapStatus, normalizeJob, normalizeOpenAi } = require('../../dist/nodes/Hispeech/api');

const context = { getNode: () => ({ id: '1', name: 'Hispeech', type: 'hispeech', typeVersion: 1, position: [0, 0], parameters: {} }) };

describe('Hispeech status words', () => {
	test.each([
		[{ status: 'completed', transcription: 'x' }, 'completed'],
		[{ status: 'Processing' }, 'processing'],
		[{ status: 'pending' }, 'queued'],
		[{ status: 'failed' }, 'failed'],
		[{ status: 200, transcription: 'sync answer' }, 'completed'],
		[{ status: '200', transcription: 'sync answer as string' }, 'completed'],
		[{ success: 'true', job_id: 'j' }, 'queued'],
	])('%j → %s', (data, expected) => {
		expect(mapStatus(context, data, 0)).toBe(expected);
	});

	test('an unknown status fails clearly instead of being guessed', () => {
		expect(() => mapStatus(context, { status: 'teleported' }, 3)).toThrow('Hispeech reported an unknown job status "teleported"');
	});
});

describe('Hispeech normalizers', () => {
	test('the docs example with string values ("null", "false") reads as absent and false', () => {
		const normalized = normalizeJob(
			context,
			{ job_id: 'c9bc', error: 'null', success: 'true', secure_mode: 'false', status: 'completed', audio_duration: '10', transcription: 'Ողջույն' },
			0,
		);
		expect(normalized).toEqual({
			provider: 'hispeech',
			jobId: 'c9bc',
			status: 'completed',
			text: 'Ողջույն',
			language: null,
			durationSeconds: 10,
			segments: [],
		});
	});

	test('OpenAI-compatible answers give timed segments; language "auto" is unknown, not a language', () => {
		const normalized = normalizeOpenAi({
			duration: 7,
			language: 'auto',
			segments: [{ id: 0, start: 0, end: 7, text: 'Ողջույն' }],
			task: 'transcribe',
			text: 'Ողջույն',
		});
		expect(normalized).toMatchObject({ status: 'completed', language: null, durationSeconds: 7, segments: [{ start: 0, end: 7, text: 'Ողջույն' }] });
	});
});

describe('package entry point', () => {
	test('index.js exports the built node and credential classes', () => {
		const entry = require('../../index.js');
		expect(new entry.nodes.Hispeech().description.name).toBe('hispeech');
		expect(new entry.credentials.HispeechApi().name).toBe('hispeechApi');
		const pkg = require('../../package.json');
		expect(pkg.n8n.nodes).toContain('dist/nodes/Hispeech/Hispeech.node.js');
		expect(pkg.dependencies).toBeUndefined();
		// Every class n8n loads from package.json is also exported by index.js, under its class name.
		for (const [kind, paths] of [['nodes', pkg.n8n.nodes], ['credentials', pkg.n8n.credentials]]) {
			for (const path of paths) {
				const className = path.split('/').pop().split('.')[0];
				expect(entry[kind][className]).toBe(require(`../../${path}`)[className]);
			}
		}
	});
});
