// A 512 MiB stored binary goes through the Transcribe operation with constant memory: the engine
// process grows by less than 96 MiB while the emulator receives every byte.
const { execFile } = require('node:child_process');
const path = require('node:path');

test('uploading a 512 MiB stored binary keeps peak RSS growth under 96 MiB', async () => {
	const stdout = await new Promise((resolve, reject) =>
		execFile(process.execPath, ['--expose-gc', path.join(__dirname, 'upload-child.js'), '512'], { maxBuffer: 1 << 20 }, (error, out, err) =>
			error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
		),
	);
	const report = JSON.parse(stdout.trim().split('\n').pop());
	console.log(`512 MiB upload: peak RSS growth ${report.peakGrowthMiB} MiB in ${report.seconds} s`);
	expect(report.status).toBe('success');
	expect(report.receivedBytes).toBe(512 * 1024 * 1024);
	expect(report.hashMatches).toBe(true);
	expect(report.text).toBe(`Transcript of large-audio.wav (${512 * 1024 * 1024} bytes)`);
	expect(report.peakGrowthMiB).toBeLessThan(96);
}, 180_000);
