// Engine tests: the STT.ai node in real workflows inside n8n's execution engine, against the STT.ai
// emulator (and the Hispeech emulator for the example workflow) over HTTP on 127.0.0.1.
const path = require('node:path');
const { runWorkflow, readBinary, testCredential, nodesFromWorkflow, setup, cleanup } = require('../harness/engine');
const { startSttAiEmulator, LANGUAGES } = require('../emulators/sttai');
const { startHispeechEmulator } = require('../emulators/hispeech');
const { startTranscribeApiEmulator } = require('../emulators/transcribeapi');
const { startFileServer, sha256 } = require('../support/servers');

let emu;
const creds = (apiKey = 'test-key') => ({
	sttAiApi: { apiKey, baseUrl: emu.url, accountBaseUrl: emu.accountUrl },
});
const onError = { onError: 'continueRegularOutput' };

function audio(name, content = `audio bytes of ${name}`) {
	return { json: { name }, binary: { data: { content, fileName: name, mimeType: 'audio/mpeg' } } };
}

function sttai(resource, operation, parameters = {}, extra = {}) {
	return {
		name: 'STT.ai',
		type: 'sttAi',
		parameters: { resource, operation, ...parameters },
		...extra,
	};
}

async function run(input, nodes, credentials = creds()) {
	const { result } = runWorkflow({
		input,
		nodes: Array.isArray(nodes) ? nodes : [nodes],
		credentials,
	});
	return await result;
}

const calls = (route) => emu.requests.filter((r) => r.path === route);

beforeAll(async () => {
	emu = await startSttAiEmulator({ apiKeys: { 'test-key': { tier: 'paid', credits: 10_000 } } });
});
beforeEach(() => emu.reset());
afterAll(async () => {
	await emu.close();
	cleanup();
});

describe('Transcription: Transcribe', () => {
	test('JSON gives the normalized transcript with speakers, words and every form field sent', async () => {
		const content = 'x'.repeat(48_000);
		const result = await run(
			[audio('meeting.mp3', content)],
			sttai('transcription', 'transcribe', { model: 'large-v3', language: 'fr', speakers: 3 }),
		);
		expect(result.status).toBe('success');
		const [item] = result.output('STT.ai');
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			provider: 'sttai',
			status: 'completed',
			text: 'Hello, this is meeting.mp3. The recording has 48000 bytes. Thanks for listening.',
			language: 'fr',
			durationSeconds: 3,
		});
		expect(item.json.segments).toHaveLength(3);
		expect(item.json.segments[0]).toMatchObject({
			start: 0,
			end: 1,
			text: 'Hello, this is meeting.mp3.',
			speaker: 'Speaker 1',
			confidence: 0.95,
		});
		expect(item.json.segments[2].speaker).toBe('Speaker 3');
		expect(item.json.segments[0].words[0]).toEqual({
			start: 0,
			end: expect.any(Number),
			text: 'Hello,',
		});
		const [request] = calls('/v1/transcribe');
		expect(request.headers.authorization).toBe('Bearer test-key');
		expect(request.fields).toEqual({
			model: 'large-v3',
			language: 'fr',
			diarize: 'true',
			speakers: '3',
			response_format: 'json',
		});
		expect(request.files[0]).toMatchObject({
			name: 'file',
			filename: 'meeting.mp3',
			bytes: 48_000,
			sha256: sha256(Buffer.from(content)),
		});
	});

	test('defaults: auto language, diarization on; Raw output is the provider JSON', async () => {
		const result = await run(
			[audio('a.mp3')],
			sttai('transcription', 'transcribe', { output: 'raw' }),
		);
		const [item] = result.output('STT.ai');
		expect(item.json).toMatchObject({
			language: 'en',
			duration: 1,
			speakers: ['Speaker 1', 'Speaker 2'],
		});
		expect(calls('/v1/transcribe')[0].fields).toMatchObject({
			model: 'large-v3-turbo',
			language: 'auto',
			diarize: 'true',
			speakers: '0',
		});
	});

	test('diarization off sends no speaker count and gives segments without speakers', async () => {
		const result = await run(
			[audio('solo.mp3')],
			sttai('transcription', 'transcribe', { diarize: false }),
		);
		expect(calls('/v1/transcribe')[0].fields).toEqual({
			model: 'large-v3-turbo',
			language: 'auto',
			diarize: 'false',
			response_format: 'json',
		});
		expect(
			result.output('STT.ai')[0].json.segments.every((segment) => segment.speaker === undefined),
		).toBe(true);
	});

	test('SRT from a URL input: streamed into the upload, a .srt binary file, cues as segments', async () => {
		const content = 'y'.repeat(32_000);
		const files = await startFileServer({ '/calls/weekly%20sync.mp3': { content } });
		try {
			const result = await run(
				[{ json: {} }],
				sttai('transcription', 'transcribe', {
					inputType: 'url',
					audioUrl: `${files.url}/calls/weekly%20sync.mp3`,
					responseFormat: 'srt',
				}),
			);
			const [item] = result.output('STT.ai');
			expect(calls('/v1/transcribe')[0].files[0]).toMatchObject({ filename: 'weekly sync.mp3', sha256: sha256(Buffer.from(content)) });
			// The default field is `transcript`, not `data` (the field that usually holds the input audio).
			expect(Object.keys(item.binary)).toEqual(['transcript']);
			expect(item.binary.transcript).toMatchObject({ fileName: 'weekly sync.srt', mimeType: 'application/x-subrip', fileExtension: 'srt' });
			const srt = (await readBinary(item.binary.transcript)).toString('utf8');
			expect(srt).toMatch(/^1\n00:00:00,000 --> 00:00:00,670\n\[Speaker 1\] Hello, this is weekly sync.mp3.\n/);
			expect(item.json).toMatchObject({ provider: 'sttai', status: 'completed', subtitles: srt });
			expect(item.json.segments).toHaveLength(3);
			expect(item.json.segments[2]).toMatchObject({
				start: 1.33,
				end: 2,
				text: '[Speaker 1] Thanks for listening.',
			});
			expect(item.json.text).toContain('Thanks for listening.');
		} finally {
			await files.close();
		}
	});

	test('VTT (voice tags become speakers) and TXT files, in a chosen binary field', async () => {
		const vtt = await run(
			[audio('talk.mp3')],
			sttai('transcription', 'transcribe', {
				responseFormat: 'vtt',
				binaryOutputProperty: 'captions',
			}),
		);
		const [vttItem] = vtt.output('STT.ai');
		expect(vttItem.binary.captions).toMatchObject({ fileName: 'talk.vtt', mimeType: 'text/vtt' });
		expect(
			(await readBinary(vttItem.binary.captions))
				.toString('utf8')
				.startsWith('WEBVTT\n\n00:00:00.000 --> '),
		).toBe(true);
		expect(vttItem.json.segments[1]).toMatchObject({
			speaker: 'Speaker 2',
			text: 'The recording has 23 bytes.',
		});

		const txt = await run(
			[audio('talk.mp3')],
			sttai('transcription', 'transcribe', { responseFormat: 'txt' }),
		);
		const [txtItem] = txt.output('STT.ai');
		expect(txtItem.binary.transcript).toMatchObject({ fileName: 'talk.txt', mimeType: 'text/plain' });
		expect((await readBinary(txtItem.binary.transcript)).toString('utf8')).toBe(txtItem.json.text);
		expect(txtItem.json).toMatchObject({ text: 'Hello, this is talk.mp3. The recording has 23 bytes. Thanks for listening.', segments: [] });
	});

	test('JSON with a subtitles file rendered from the segments', async () => {
		const result = await run(
			[audio('sub.mp3')],
			sttai('transcription', 'transcribe', { subtitleFormat: 'vtt' }),
		);
		const [item] = result.output('STT.ai');
		expect(item.binary.subtitles).toMatchObject({
			fileName: 'transcript.vtt',
			mimeType: 'text/vtt',
		});
		expect((await readBinary(item.binary.subtitles)).toString('utf8')).toContain(
			'<v Speaker 1>Hello, this is sub.mp3.',
		);
	});

	test('anonymous use (no API key) sends no Authorization header', async () => {
		const result = await run([audio('anon.mp3')], sttai('transcription', 'transcribe'), creds(''));
		expect(result.output('STT.ai')[0].json.status).toBe('completed');
		expect(calls('/v1/transcribe')[0].headers.authorization).toBeUndefined();
		expect(calls('/v1/transcribe')[0].tier).toBe('anonymous');
	});
});

describe('Text operations', () => {
	test('Transcribe → Summarize chains without an expression (bullet points)', async () => {
		const result = await run(
			[audio('standup.mp3')],
			[
				sttai('transcription', 'transcribe', {}, { name: 'Transcribe' }),
				sttai('text', 'summarize', { style: 'bullet_points' }, { name: 'Summarize' }),
			],
		);
		const [item] = result.output('Summarize');
		expect(item.json).toEqual({
			summary:
				'- Hello, this is standup.mp3.\n- The recording has 26 bytes.\n- Thanks for listening.',
			style: 'bullet_points',
			model: 'qwen2.5-1.5b-instruct',
		});
		expect(calls('/v1/summarize')[0].json).toEqual({
			text: 'Hello, this is standup.mp3. The recording has 26 bytes. Thanks for listening.',
			style: 'bullet_points',
		});
	});

	test('Translate one text per item, with source language; Raw gives the provider JSON', async () => {
		const input = [{ json: { text: 'Hello world.' } }, { json: { text: 'Good morning.' } }];
		const result = await run(input, sttai('text', 'translate', { target: 'es', source: 'en' }));
		expect(result.output('STT.ai').map((item) => item.json)).toEqual([
			{ translatedText: '[es] Hello world.', sourceLanguage: 'en', targetLanguage: 'es' },
			{ translatedText: '[es] Good morning.', sourceLanguage: 'en', targetLanguage: 'es' },
		]);
		expect(calls('/v1/translate')).toHaveLength(2);
		const raw = await run(
			[{ json: { text: 'Hi.' } }],
			sttai('text', 'translate', { target: 'fr', output: 'raw' }),
		);
		expect(raw.output('STT.ai')[0].json).toEqual({
			translated_text: '[fr] Hi.',
			source_language: 'en',
			target_language: 'fr',
		});
		expect(calls('/v1/translate')[2].json).toEqual({ text: 'Hi.', target: 'fr' });
	});

	test('batch Translate: one request per language pair, each translation paired to its item', async () => {
		const input = [
			{ json: { text: 'one', lang: 'es' } },
			{ json: { text: 'two', lang: 'de' } },
			{ json: { text: '', lang: 'es' } },
			{ json: { text: 'three', lang: 'es' } },
			{ json: { text: 'four', lang: 'de' } },
		];
		const result = await run(
			input,
			sttai('text', 'translate', { batch: true, target: '={{ $json.lang }}' }, onError),
		);
		const output = result.output('STT.ai');
		expect(output.map((item) => item.json.translatedText ?? item.json.error)).toEqual([
			'[es] one',
			'[de] two',
			'The "Text" field is empty',
			'[es] three',
			'[de] four',
		]);
		expect(output.map((item) => item.pairedItem.item)).toEqual([0, 1, 2, 3, 4]);
		expect(output[1].json.targetLanguage).toBe('de');
		expect(calls('/v1/translate').map((r) => r.json)).toEqual([
			{ texts: ['one', 'three'], target: 'es' },
			{ texts: ['two', 'four'], target: 'de' },
		]);
	});

	test('Analyze and Generate', async () => {
		const text = 'We will ship on Friday. Is the budget approved? Thanks, great work.';
		const analyzed = await run(
			[{ json: { text } }],
			sttai('text', 'analyze', { type: 'questions' }),
		);
		expect(analyzed.output('STT.ai')[0].json).toEqual({
			type: 'questions',
			result: ['Is the budget approved?'],
			model: 'qwen2.5-1.5b-instruct',
		});
		const sentiment = await run([{ json: { text } }], sttai('text', 'analyze'));
		expect(sentiment.output('STT.ai')[0].json.result).toEqual({ label: 'positive', score: 0.82 });

		const generated = await run([{ json: { text } }], sttai('text', 'generate'));
		const [notes] = generated.output('STT.ai');
		expect(notes.json.type).toBe('meeting_notes');
		expect(notes.json.content).toContain('# Meeting notes');
		expect(calls('/v1/generate')[0].json).toEqual({ text, type: 'meeting_notes' });
		const raw = await run(
			[{ json: { text } }],
			sttai('text', 'generate', { type: 'quiz', output: 'raw' }),
		);
		expect(raw.output('STT.ai')[0].json).toEqual({
			type: 'quiz',
			content: `quiz: ${text}`,
			model: 'qwen2.5-1.5b-instruct',
		});
	});

	test('Embed sends all item texts in one request and gives each item its 384-number vector', async () => {
		const result = await run(
			[{ json: { text: 'alpha' } }, { json: { text: 'beta' } }, { json: { text: 'alpha' } }],
			sttai('text', 'embed'),
		);
		const output = result.output('STT.ai');
		expect(calls('/v1/embed').map((r) => r.json)).toEqual([{ texts: ['alpha', 'beta', 'alpha'] }]);
		expect(
			output.map((item) => [item.json.text, item.json.dimensions, item.json.embedding.length]),
		).toEqual([
			['alpha', 384, 384],
			['beta', 384, 384],
			['alpha', 384, 384],
		]);
		expect(output[0].json.embedding).toEqual(output[2].json.embedding);
		expect(output[0].json.embedding).not.toEqual(output[1].json.embedding);
	});

	test('a 503 (GPU busy) on a text operation is retried', async () => {
		emu.injectFault({ path: '/v1/summarize', type: 'status', status: 503 });
		const result = await run([{ json: { text: 'Retry me.' } }], sttai('text', 'summarize'));
		expect(result.output('STT.ai')[0].json.summary).toBe('Summary: Retry me.');
		expect(calls('/v1/summarize').map((r) => r.status)).toEqual([503, 200]);
	});
});

describe('Audio operations', () => {
	test('Enhance returns a WAV binary named after the input', async () => {
		const result = await run([audio('noisy.mp3', 'n'.repeat(10_000))], sttai('audio', 'enhance'));
		const [item] = result.output('STT.ai');
		expect(item.binary.data).toMatchObject({
			fileName: 'noisy-enhanced.wav',
			mimeType: 'audio/wav',
		});
		const wav = await readBinary(item.binary.data);
		expect(wav.subarray(0, 4).toString()).toBe('RIFF');
		expect(wav.length).toBe(44 + 10_000);
		expect(item.json).toMatchObject({
			fileName: 'noisy-enhanced.wav',
			mimeType: 'audio/wav',
			sourceFileName: 'noisy.mp3',
		});
		expect(calls('/v1/enhance-audio')[0].files[0]).toMatchObject({ name: 'file', bytes: 10_000 });
	});

	test('Text to Speech sends the reference clip and text, and returns a WAV with its duration', async () => {
		const result = await run(
			[audio('voice.wav', 'v'.repeat(5000))],
			sttai('audio', 'textToSpeech', {
				speechText: 'Welcome to the weekly meeting',
				binaryOutputProperty: 'speech',
			}),
		);
		const [item] = result.output('STT.ai');
		expect(item.binary.speech).toMatchObject({ fileName: 'speech.wav', mimeType: 'audio/wav' });
		expect(item.json).toMatchObject({ durationSeconds: 2, generationTimeSeconds: 0.42 });
		expect((await readBinary(item.binary.speech)).length).toBe(44 + 2 * 16000 * 2);
		const [request] = calls('/v1/tts');
		expect(request.fields).toEqual({ text: 'Welcome to the weekly meeting' });
		expect(request.files[0]).toMatchObject({
			name: 'reference',
			filename: 'voice.wav',
			bytes: 5000,
		});
	});
});

describe('Transcript operations (account API)', () => {
	test('Get Many: Return All walks every page; Limit stops early', async () => {
		emu.seedTranscripts(
			'test-key',
			Array.from({ length: 230 }, () => ({})),
		);
		const all = await run([{ json: {} }], sttai('transcript', 'getMany', { returnAll: true }));
		const output = all.output('STT.ai');
		expect(output).toHaveLength(230);
		expect(new Set(output.map((item) => item.json.jobId)).size).toBe(230);
		expect(output[0].json).toMatchObject({
			provider: 'sttai',
			status: 'completed',
			language: 'en',
			durationSeconds: 30,
			segments: [],
		});
		expect(output.every((item) => item.pairedItem.item === 0)).toBe(true);
		expect(calls('/api/v1/transcripts/').map((r) => [r.query.page, r.query.page_size])).toEqual([
			['1', '100'],
			['2', '100'],
			['3', '100'],
		]);

		emu.requests.length = 0;
		const limited = await run([{ json: {} }], sttai('transcript', 'getMany', { limit: 120 }));
		expect(limited.output('STT.ai')).toHaveLength(120);
		// One page size throughout (a smaller last page would shift the offset), cut at the limit.
		expect(calls('/api/v1/transcripts/').map((r) => [r.query.page, r.query.page_size])).toEqual([
			['1', '100'],
			['2', '100'],
		]);
	});

	test('Get Many with a Limit over 100 that is not a multiple of 100: the first N, no duplicates, none skipped', async () => {
		const seeded = emu.seedTranscripts(
			'test-key',
			Array.from({ length: 230 }, () => ({})),
		);
		const all = await run(
			[{ json: {} }],
			sttai('transcript', 'getMany', { returnAll: true, output: 'raw' }),
		);
		const order = all.output('STT.ai').map((item) => String(item.json.id));
		expect(new Set(order).size).toBe(seeded.length);
		for (const limit of [150, 230, 7]) {
			const limited = await run(
				[{ json: {} }],
				sttai('transcript', 'getMany', { limit, output: 'raw' }),
			);
			expect(limited.output('STT.ai').map((item) => String(item.json.id))).toEqual(
				order.slice(0, limit),
			);
		}
	});

	test('Get Many filters by status, language and date; Raw gives the list entries', async () => {
		const now = Date.now();
		emu.seedTranscripts('test-key', [
			{ language: 'en', createdAt: new Date(now - 3 * 86400_000).toISOString() },
			{ language: 'de', createdAt: new Date(now - 3600_000).toISOString() },
			{ language: 'de', status: 'failed', createdAt: new Date(now - 60_000).toISOString() },
			{ language: 'de', createdAt: new Date(now - 5 * 86400_000).toISOString() },
		]);
		const after = new Date(now - 86400_000).toISOString();
		const result = await run(
			[{ json: {} }],
			sttai('transcript', 'getMany', {
				returnAll: true,
				filters: { status: 'completed', language: 'de', createdAfter: after },
				output: 'raw',
			}),
		);
		const output = result.output('STT.ai');
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({
			language: 'de',
			status: 'completed',
			title: expect.any(String),
			created_at: expect.any(String),
		});
		expect(calls('/api/v1/transcripts/')[0].query).toMatchObject({
			status: 'completed',
			language: 'de',
			created_after: after,
		});
	});

	test('a transcription is stored; Get returns it with segments and SRT; Delete removes it', async () => {
		await run([audio('stored.mp3', 's'.repeat(32_000))], sttai('transcription', 'transcribe'));
		const id = calls('/v1/transcribe')[0].transcriptId;
		const got = await run(
			[{ json: { jobId: id } }],
			sttai('transcript', 'get', { subtitleFormat: 'srt' }),
		);
		const [item] = got.output('STT.ai');
		expect(item.json).toMatchObject({
			provider: 'sttai',
			jobId: String(id),
			status: 'completed',
			language: 'en',
			durationSeconds: 2,
		});
		expect(item.json.segments).toHaveLength(3);
		expect(item.binary.subtitles).toMatchObject({
			fileName: `transcript-${id}.srt`,
			mimeType: 'application/x-subrip',
		});

		const deleted = await run([{ json: { id } }], sttai('transcript', 'delete'));
		expect(deleted.output('STT.ai')[0].json).toEqual({ id: String(id), deleted: true });
		const again = await run([{ json: { id } }], sttai('transcript', 'get'));
		expect(again.error.message).toBe('STT.ai: Not found.');
		expect(again.error.description).toContain('check the transcript ID');
	});

	test.each([
		['txt', 'text/plain', (b) => expect(b.toString()).toContain('Stored transcript 1.')],
		['srt', 'application/x-subrip', (b) => expect(b.toString()).toMatch(/^1\n00:00:00,000 --> /)],
		['vtt', 'text/vtt', (b) => expect(b.toString().startsWith('WEBVTT')).toBe(true)],
		['json', 'application/json', (b) => expect(JSON.parse(b.toString()).segments).toHaveLength(3)],
		[
			'csv',
			'text/csv',
			(b) => expect(b.toString().startsWith('start,end,speaker,text\n')).toBe(true),
		],
		[
			'docx',
			'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
			(b) => expect(b.subarray(0, 2).toString()).toBe('PK'),
		],
		['pdf', 'application/pdf', (b) => expect(b.subarray(0, 5).toString()).toBe('%PDF-')],
	])('Export as %s gives a binary file with MIME type %s', async (format, mimeType, check) => {
		const [stored] = emu.seedTranscripts('test-key', [{}]);
		const result = await run(
			[{ json: { jobId: stored.id } }],
			sttai('transcript', 'export', { format }),
		);
		const [item] = result.output('STT.ai');
		expect(item.binary.data).toMatchObject({
			fileName: `transcript-${stored.id}.${format}`,
			mimeType,
		});
		expect(item.json).toMatchObject({
			id: String(stored.id),
			format,
			fileName: `transcript-${stored.id}.${format}`,
			mimeType,
		});
		check(await readBinary(item.binary.data));
		expect(calls(`/api/v1/transcripts/${stored.id}/export/${format}/`)).toHaveLength(1);
	});

	test('Chat answers with sources, and continues a session', async () => {
		const [stored] = emu.seedTranscripts('test-key', [
			{ text: 'We agreed on the budget. Anna will send the contract. See you Monday.' },
		]);
		const first = await run(
			[{ json: { jobId: stored.id } }],
			sttai('transcript', 'chat', { question: 'Who will send the contract?' }),
		);
		const answer = first.output('STT.ai')[0].json;
		expect(answer.answer).toContain('Anna will send the contract.');
		expect(answer.sources[0]).toMatchObject({
			segment_order: 1,
			text: 'Anna will send the contract.',
		});
		expect(answer.sessionId).toEqual(expect.any(String));
		expect(answer.transcriptId).toBe(String(stored.id));

		await run(
			[{ json: { jobId: stored.id } }],
			sttai('transcript', 'chat', { question: 'When do we meet?', sessionId: answer.sessionId }),
		);
		const chats = calls(`/api/v1/transcripts/${stored.id}/chat/`);
		expect(chats.map((r) => r.json)).toEqual([
			{ question: 'Who will send the contract?' },
			{ question: 'When do we meet?', session_id: answer.sessionId },
		]);
	});

	test('stored transcripts need an API key: anonymous gets a clear 401', async () => {
		const result = await run([{ json: {} }], sttai('transcript', 'getMany'), creds(''));
		expect(result.error.message).toBe('STT.ai: Authentication credentials were not provided.');
		// Not "leave it empty for anonymous use": it is empty, and stored transcripts need a key.
		expect(result.error.description).toBe(
			'Stored transcripts need an STT.ai API key: add the key from your STT.ai account settings to the credential. Without a key, only the Transcription, Text, Audio and Service operations work.',
		);
		const wrong = await run(
			[{ json: { jobId: '1' } }],
			sttai('transcript', 'get'),
			creds('wrong-key'),
		);
		expect(wrong.error.description).toBe(
			'Check the API key in your STT.ai credential: stored transcripts need a valid key.',
		);
	});
});

describe('Service operations', () => {
	test('Models and Languages give one item each; Health needs no key', async () => {
		const models = await run([{ json: {} }], sttai('service', 'models'));
		expect(models.output('STT.ai').map((item) => item.json.id)).toEqual([
			'large-v3-turbo',
			'large-v3',
			'medium',
			'small',
		]);
		const languages = await run([{ json: {} }], sttai('service', 'languages'));
		expect(languages.output('STT.ai')[0].json).toEqual({ code: 'en', name: 'english' });
		const health = await run([{ json: {} }], sttai('service', 'health'), creds(''));
		expect(health.output('STT.ai')[0].json).toEqual({
			status: 'ok',
			gpu_available: true,
			gpu_name: 'NVIDIA A100',
			gpu_memory_mb: 8188,
		});
	});
});

describe('Translate language dropdowns', () => {
	test('Target and Source load the languages STT.ai lists, with a static fallback when it cannot be reached', async () => {
		const { loader } = await setup();
		const { getTargetLanguages, getSourceLanguages } = loader.getNode('sttAi').type.methods.loadOptions;
		const { closedPort } = require('../support/servers');
		// A load-options context as n8n gives one: credentials, and requests with the credential applied.
		const context = (baseUrl) => ({
			getNode: () => ({ name: 'STT.ai', type: 'n8n-nodes-transcription.sttAi' }),
			getCredentials: async () => ({ apiKey: 'test-key', baseUrl, accountBaseUrl: emu.accountUrl }),
			helpers: {
				httpRequestWithAuthentication: async (_type, options) => {
					const response = await fetch(options.url, { method: options.method, headers: { ...options.headers, Authorization: 'Bearer test-key' } });
					return { statusCode: response.status, headers: {}, body: await response.json() };
				},
			},
		});
		const target = await getTargetLanguages.call(context(emu.url));
		expect(target.map((o) => o.value).sort()).toEqual(LANGUAGES.map((l) => l.code).sort());
		expect(target.find((o) => o.value === 'sv')).toEqual({ name: 'Swedish', value: 'sv' });
		expect(target.map((o) => o.name)).toEqual([...target.map((o) => o.name)].sort((a, b) => a.localeCompare(b)));
		expect(calls('/v1/languages')).toHaveLength(1);
		const source = await getSourceLanguages.call(context(emu.url));
		expect(source[0]).toEqual({ name: 'Default (English)', value: '' });
		expect(source.slice(1)).toEqual(target);

		const offline = await getTargetLanguages.call(context(`http://127.0.0.1:${await closedPort()}`));
		expect(offline.map((o) => o.value)).toEqual(expect.arrayContaining(['en', 'es', 'hy', 'zh']));
		expect(offline.map((o) => o.value)).not.toContain('sv'); // the static list, not the emulator's
	});
});

describe('bad input and account limits give clear item-level errors', () => {
	test('missing text, invalid and unknown language codes: the other items still succeed', async () => {
		const input = [
			{ json: { text: 'Fine.', lang: 'es' } },
			{ json: { lang: 'es' } },
			{ json: { text: 'Bad code.', lang: 'spanish!' } },
			{ json: { text: 'Unknown code.', lang: 'xx' } },
		];
		const result = await run(
			input,
			sttai('text', 'translate', { target: '={{ $json.lang }}' }, onError),
		);
		const output = result.output('STT.ai');
		expect(output[0].json.translatedText).toBe('[es] Fine.');
		expect(output[1].json).toEqual({
			error: 'The "Text" field is empty',
			details: expect.stringContaining('{{ $json.text }}'),
		});
		expect(output[2].json).toEqual({
			error: '"spanish!" is not a language code (Target Language Name or ID)',
			details: expect.stringContaining('ISO 639'),
		});
		expect(output[3].json.error).toBe('STT.ai: Unsupported target language "xx"');
		expect(output[3].json.details).toContain('language codes');
		expect(calls('/v1/translate')).toHaveLength(2);
	});

	test('an unknown transcription language and an empty file fail only their items', async () => {
		const input = [
			{ ...audio('a.mp3'), json: { lang: 'zz' } },
			audio('empty.mp3', ''),
			audio('ok.mp3'),
		];
		const result = await run(
			input,
			sttai('transcription', 'transcribe', { language: '={{ $json.lang ?? "auto" }}' }, onError),
		);
		const output = result.output('STT.ai');
		expect(output[0].json.error).toBe(
			'STT.ai: Unsupported language "zz". Use an ISO 639-1 code or "auto".',
		);
		expect(output[1].json).toEqual({
			error: 'The file in "data" is empty',
			details: expect.stringContaining('holds no bytes'),
		});
		expect(output[2].json.status).toBe('completed');
		expect(output.map((item) => item.pairedItem.item)).toEqual([0, 1, 2]);
	});

	test('402 when credits run out: a clear top-up hint, and the item that fits still succeeds', async () => {
		await emu.close();
		emu = await startSttAiEmulator({
			apiKeys: { 'test-key': { tier: 'free', credits: 1 } },
			audioDuration: (u) => (u.filename.startsWith('long') ? 150 : 30),
		});
		const result = await run(
			[audio('long.mp3'), audio('short.mp3')],
			sttai('transcription', 'transcribe', {}, onError),
		);
		const output = result.output('STT.ai');
		expect(output[0].json.error).toBe('STT.ai: No credits remaining. Upgrade your plan.');
		expect(output[0].json.details).toContain('top up or upgrade');
		expect(output[1].json).toMatchObject({ status: 'completed', durationSeconds: 30 });
		expect(calls('/v1/transcribe').map((r) => r.status)).toEqual([402, 200]);
	});

	test('429 after the anonymous daily limit: not retried for a day, other items done', async () => {
		const input = ['1', '2', '3', '4'].map((n) => audio(`anon${n}.mp3`));
		const result = await run(input, sttai('transcription', 'transcribe', {}, onError), creds(''));
		const output = result.output('STT.ai');
		expect(output.slice(0, 3).map((item) => item.json.status)).toEqual([
			'completed',
			'completed',
			'completed',
		]);
		expect(output[3].json.error).toBe(
			'STT.ai: Anonymous limit reached: 3 transcriptions per day. Sign up for an API key.',
		);
		expect(output[3].json.details).toContain('rate limit');
		expect(calls('/v1/transcribe').map((r) => r.status)).toEqual([200, 200, 200, 429]);
	});

	test('a short 429 with Retry-After is waited out and the upload sent again', async () => {
		emu.injectFault({ path: '/v1/transcribe', type: '429', retryAfter: 1 });
		const result = await run([audio('again.mp3')], sttai('transcription', 'transcribe'));
		expect(result.output('STT.ai')[0].json.status).toBe('completed');
		const [limited, ok] = calls('/v1/transcribe');
		expect([limited.status, ok.status]).toEqual([429, 200]);
		// The wait itself (Retry-After in full) is checked on a fake clock: test/unit/shared.test.js.
	});

	test('a file over the tier size limit answers 413 with a hint', async () => {
		await emu.close();
		emu = await startSttAiEmulator({ tiers: { anonymous: { maxBytes: 1000, concurrent: 1 } } });
		const result = await run(
			[audio('big.mp3', 'b'.repeat(2000))],
			sttai('transcription', 'transcribe', {}, onError),
			creds(''),
		);
		expect(result.output('STT.ai')[0].json).toEqual({
			error: 'STT.ai: File too large: the anonymous tier allows files up to 1000 bytes',
			details: expect.stringContaining('add an API key or upgrade'),
		});
	});

	test('a wrong API key (401) says to check the credential, without the key', async () => {
		const result = await run(
			[{ json: { text: 'x' } }],
			sttai('text', 'summarize', {}, onError),
			creds('wrong'),
		);
		const [item] = result.output('STT.ai');
		expect(item.json.error).toBe('STT.ai: Invalid or missing API key');
		expect(item.json.details).toContain('Check the API key in your STT.ai credential');
		expect(JSON.stringify(item)).not.toContain('wrong');
	});

	test('without Continue On Fail, the node stops naming the item', async () => {
		const result = await run(
			[{ json: { text: 'ok' } }, { json: { text: '  ' } }],
			sttai('text', 'summarize'),
		);
		expect(result.status).toBe('error');
		expect(result.error.message).toBe('The "Text" field is empty');
		expect(result.error.context.itemIndex).toBe(1);
	});
});

describe('credential test', () => {
	test('a key is checked on the account API; without a key the API health is checked', async () => {
		const ok = { status: 'OK', message: 'Connection successful!' };
		expect(await testCredential('sttAiApi', creds().sttAiApi)).toEqual(ok);
		expect(calls('/api/v1/account/')).toHaveLength(1);
		const wrong = await testCredential('sttAiApi', creds('nope').sttAiApi);
		expect(wrong).toEqual({
			status: 'Error',
			message: expect.stringContaining('rejected the API key'),
		});
		emu.requests.length = 0;
		expect(await testCredential('sttAiApi', creds('').sttAiApi)).toEqual(ok);
		expect(emu.requests.map((r) => r.path)).toEqual(['/health']);
	});
});

describe('example workflows', () => {
	test('Hispeech transcribe → STT.ai summarize (bullet points) → STT.ai translate runs end to end', async () => {
		const hispeech = await startHispeechEmulator({ apiKey: 'hispeech-key' });
		try {
			const workflow = require(
				path.join(__dirname, '../../examples/hispeech-summarize-translate.json'),
			);
			const nodes = nodesFromWorkflow(workflow);
			expect(nodes.map((node) => node.name)).toEqual([
				'Hispeech Transcribe',
				'STT.ai Summarize',
				'STT.ai Translate',
			]);
			const { result } = runWorkflow({
				input: [audio('meeting.mp3', 'm'.repeat(16_000))],
				nodes,
				credentials: {
					hispeechApi: { apiKey: 'hispeech-key', baseUrl: hispeech.url },
					sttAiApi: { apiKey: 'test-key', baseUrl: emu.url, accountBaseUrl: emu.accountUrl },
				},
			});
			const run = await result;
			expect(run.status).toBe('success');
			expect(run.output('Hispeech Transcribe')[0].json.text).toBe(
				'Transcript of meeting.mp3 (16000 bytes)',
			);
			expect(calls('/v1/summarize')[0].json).toEqual({
				text: 'Transcript of meeting.mp3 (16000 bytes)',
				style: 'bullet_points',
			});
			expect(run.output('STT.ai Summarize')[0].json.summary).toBe(
				'- Transcript of meeting.mp3 (16000 bytes)',
			);
			const [translated] = run.output('STT.ai Translate');
			expect(translated.json).toEqual({
				translatedText: '[en] - Transcript of meeting.mp3 (16000 bytes)',
				sourceLanguage: 'hy',
				targetLanguage: 'en',
			});
			expect(translated.pairedItem).toEqual({ item: 0 });
			expect(hispeech.uploads).toHaveLength(1);
		} finally {
			await hispeech.close();
		}
	});

	test('TranscribeAPI batch → STT.ai generate meeting notes runs end to end, one set of notes per recording', async () => {
		const transcribeApi = await startTranscribeApiEmulator({
			apiKey: 'transcribeapi-key',
			processingDelayMs: 50,
		});
		try {
			const workflow = require(
				path.join(__dirname, '../../examples/transcribeapi-batch-meeting-notes.json'),
			);
			const nodes = nodesFromWorkflow(workflow);
			expect(nodes.map((node) => [node.type, node.parameters.operation])).toEqual([
				['n8n-nodes-transcription.transcribeApi', 'transcribeBatch'],
				['n8n-nodes-transcription.sttAi', 'generate'],
			]);
			const { result } = runWorkflow({
				input: [audio('standup.mp3', 's'.repeat(9000)), audio('retro.mp3', 'r'.repeat(7000))],
				nodes,
				credentials: {
					transcribeApiApi: { apiKey: 'transcribeapi-key', baseUrl: transcribeApi.url },
					sttAiApi: { apiKey: 'test-key', baseUrl: emu.url, accountBaseUrl: emu.accountUrl },
				},
			});
			const run = await result;
			expect(run.status).toBe('success');
			const transcripts = run.output('TranscribeAPI Batch');
			expect(transcripts.map((item) => item.json.text)).toEqual([
				expect.stringContaining('It has 9000 bytes'),
				expect.stringContaining('It has 7000 bytes'),
			]);
			expect(transcribeApi.jobs.size).toBe(1);
			const generated = calls('/v1/generate');
			expect(generated.map((call) => call.json)).toEqual([
				expect.objectContaining({ text: transcripts[0].json.text, type: 'meeting_notes' }),
				expect.objectContaining({ text: transcripts[1].json.text, type: 'meeting_notes' }),
			]);
			expect(run.output('STT.ai Meeting Notes').map((item) => item.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 1 },
			]);
		} finally {
			await transcribeApi.close();
		}
	}, 30_000);
});
