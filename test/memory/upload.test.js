// A 512 MiB stored binary goes through each upload path with constant memory: the engine process
// grows by less than 96 MiB while the emulator receives every byte.
const { execFile } = require('node:child_process');
const path = require('node:path');

const SIZE = 512 * 1024 * 1024;

function measure(provider) {
	return new Promise((resolve, reject) =>
		execFile(
			process.execPath,
			['--expose-gc', path.join(__dirname, 'upload-child.js'), provider, '512'],
			{ maxBuffer: 1 << 20 },
			(error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(JSON.parse(out.trim().split('\n').pop()))),
		),
	);
}

test('Hispeech: a 512 MiB stored binary keeps peak RSS growth under 96 MiB', async () => {
	const report = await measure('hispeech');
	console.log(`Hispeech 512 MiB upload: peak RSS growth ${report.peakGrowthMiB} MiB in ${report.seconds} s`);
	expect(report.status).toBe('success');
	expect(report.receivedBytes).toBe(SIZE);
	expect(report.hashMatches).toBe(true);
	expect(report.output.text).toBe(`Transcript of large-audio.wav (${SIZE} bytes)`);
	expect(report.peakGrowthMiB).toBeLessThan(96);
}, 180_000);

test('TranscribeAPI: a 512 MiB big-file multipart upload keeps peak RSS growth under 96 MiB', async () => {
	const report = await measure('transcribeapi');
	console.log(`TranscribeAPI 512 MiB ${report.uploadType}: peak RSS growth ${report.peakGrowthMiB} MiB in ${report.seconds} s`);
	expect(report.status).toBe('success');
	expect(report.uploadType).toMatch(/^multipart upload in \d+ parts$/);
	expect(report.receivedBytes).toBe(SIZE);
	expect(report.hashMatches).toBe(true);
	expect(report.output).toMatchObject({ provider: 'transcribeapi', status: 'queued' });
	expect(report.peakGrowthMiB).toBeLessThan(96);
}, 180_000);
