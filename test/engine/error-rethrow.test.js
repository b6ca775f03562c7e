// Engine test: every error the nodes throw survives n8n-core's re-throw with its message,
// description (the hint) and HTTP code.
//
// n8n-core's WorkflowExecute.rethrowNodeError (node_modules/n8n-core/dist/execution-engine/
// workflow-execute.js) passes an error on intact only when its `name` is exactly 'NodeOperationError'
// or 'NodeApiError'; anything else is replaced by `new Error(message)`, which has neither
// description nor httpCode. It runs on two paths of runNode():
// - rethrowLastNodeError: the execution's saved `resultData.error` belongs to the node about to run
//   (a failed node is pushed back on the stack with the error saved: running that saved execution on
//   re-raises it);
// - `executionData.metadata.resumeError` (a resumed node whose sub-execution failed).
// This test takes the first path with the errors the transport raises for a 429 (RateLimitError)
// and for an unreachable server (NetworkError): the failed run is saved as JSON, as n8n's database
// keeps it, and run on.
const { runWorkflow, executeRun, cleanup } = require('../harness/engine');
const { startHispeechEmulator } = require('../emulators/hispeech');
const { closedPort } = require('../support/servers');

let emu;

beforeAll(async () => {
	emu = await startHispeechEmulator({ apiKey: 'test-key' });
});
afterAll(async () => {
	await emu.close();
	cleanup();
});

/** Runs a Get Status that fails, then runs its saved execution on, as n8n does with saved data. */
async function failThenRunOn(baseUrl) {
	const run = runWorkflow({
		input: [{ json: { jobId: 'job-1' } }],
		nodes: [
			{
				name: 'Hispeech',
				type: 'hispeech',
				parameters: { resource: 'transcription', operation: 'getStatus' },
			},
		],
		credentials: { hispeechApi: { apiKey: 'test-key', baseUrl } },
	});
	const first = await run.result;
	expect(first.status).toBe('error');
	const saved = JSON.parse(JSON.stringify(first.run.data));
	expect(saved.resultData.lastNodeExecuted).toBe('Hispeech');
	expect(saved.executionData.nodeExecutionStack[0].node.name).toBe('Hispeech');
	const { execution, finished } = await executeRun(run.spec, saved);
	await execution.catch(() => {});
	return { first: first.error, again: (await finished).data.resultData.error };
}

test('a 429 (RateLimitError) keeps its hint and HTTP code through the re-throw', async () => {
	emu.injectFault({
		method: 'GET',
		path: '/api/v1/transcriptions/transcription-status/job-1',
		type: '429',
		retryAfter: 3600,
		times: 2,
	});
	const { first, again } = await failThenRunOn(emu.url);
	expect(first).toMatchObject({ name: 'NodeApiError', httpCode: '429' });
	expect(again).toMatchObject({
		name: 'NodeApiError',
		message: first.message,
		description: first.description,
		httpCode: '429',
	});
	expect(again.description).toContain('60 status checks per hour');
});

test('an unreachable server (NetworkError) keeps its hint through the re-throw', async () => {
	const { first, again } = await failThenRunOn(`http://127.0.0.1:${await closedPort()}`);
	expect(first.message).toMatch(
		/^Could not reach Hispeech at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)$/,
	);
	expect(again).toMatchObject({
		name: 'NodeOperationError',
		message: first.message,
		description:
			'Check the Base URL in your Hispeech credential and that this n8n instance can reach it.',
	});
});
