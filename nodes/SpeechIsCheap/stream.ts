import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readServerSentEvents } from '../shared/sse';
import { readText } from '../shared/transcript';
import { asJob, jobOutput, safeParse } from './api';

/**
 * Reads a job's event stream to its end: `initial` (id, duration), `progress`, one `segment` per
 * segment, then `final`. Returns the job in the shape GET answers, built from what was streamed.
 * A service that answered plain JSON instead (no streaming) gives that job back unchanged.
 */
export async function readJobStream(
	context: IExecuteFunctions,
	body: unknown,
	itemIndex: number,
): Promise<IDataObject> {
	if (!body || typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] !== 'function') {
		return asJob(context, body, itemIndex);
	}
	let jobId: string | null = null;
	let duration: unknown;
	let final: IDataObject | undefined;
	const segments: IDataObject[] = [];
	const plain: string[] = [];
	for await (const event of readServerSentEvents(body as AsyncIterable<Uint8Array>)) {
		const data = safeParse(event.data) as IDataObject | undefined;
		if (!data || typeof data !== 'object') {
			plain.push(event.data);
			continue;
		}
		const type = readText(data.type) ?? event.event;
		if (type === 'initial') {
			jobId = readText(data.id) ?? jobId;
			duration = data.duration ?? duration;
		} else if (type === 'segment') {
			const segment = (data.segment ?? data) as IDataObject;
			segments.push(segment);
		} else if (type === 'final') {
			final = data;
		} else if (type !== 'progress' && data.status !== undefined) {
			final = data; // a plain job object
		}
	}
	if (!final) {
		// Not an event stream after all: a JSON body read through the stream.
		const job = plain.length === 0 ? undefined : safeParse(plain.join('\n'));
		if (job && typeof job === 'object') return asJob(context, job, itemIndex);
		throw new NodeOperationError(
			context.getNode(),
			'The Speech is Cheap stream ended before the job finished',
			{
				itemIndex,
				description: jobId
					? `The job ${jobId} may still finish: use the Get operation with this job ID.`
					: 'Check the Base URL in the credential, or use Poll Until Done.',
			},
		);
	}
	const output = { ...jobOutput(final) };
	if (!Array.isArray(output.segments)) output.segments = segments;
	if (output.duration === undefined && duration !== undefined) output.duration = duration as number;
	const rest: IDataObject = { ...final };
	delete rest.type;
	return { ...rest, id: rest.id ?? jobId, status: rest.status ?? 'COMPLETED', output };
}
