/** One server-sent event: its type (default "message") and its data lines joined by "\n". */
export interface ServerSentEvent {
	event: string;
	data: string;
	id?: string;
}

/**
 * Reads a text/event-stream body as it arrives, event by event. Chunks may split lines, multi-byte
 * characters and events anywhere; only complete events are yielded, and nothing but the current
 * unfinished line is kept in memory.
 */
export async function* readServerSentEvents(
	body: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<ServerSentEvent> {
	const decoder = new TextDecoder('utf-8');
	let pending = '';
	let event: { type: string; data: string[]; id?: string } = { type: '', data: [] };

	const takeLine = (line: string): ServerSentEvent | undefined => {
		if (line === '') {
			const complete = event.data.length > 0 ? event : undefined;
			event = { type: '', data: [] };
			return complete
				? { event: complete.type || 'message', data: complete.data.join('\n'), id: complete.id }
				: undefined;
		}
		if (line.startsWith(':')) return undefined; // a comment (often a keep-alive)
		const colon = line.indexOf(':');
		const field = colon < 0 ? line : line.slice(0, colon);
		let value = colon < 0 ? '' : line.slice(colon + 1);
		if (value.startsWith(' ')) value = value.slice(1);
		if (field === 'data') event.data.push(value);
		else if (field === 'event') event.type = value;
		else if (field === 'id') event.id = value;
		return undefined;
	};

	for await (const chunk of body) {
		pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
		let newline = /\r\n|\r|\n/.exec(pending);
		// A lone "\r" at the end may be the first half of "\r\n": wait for the next chunk.
		while (newline && !(newline[0] === '\r' && newline.index === pending.length - 1)) {
			const line = pending.slice(0, newline.index);
			pending = pending.slice(newline.index + newline[0].length);
			const complete = takeLine(line);
			if (complete) yield complete;
			newline = /\r\n|\r|\n/.exec(pending);
		}
	}
	pending += decoder.decode();
	for (const line of [...pending.split(/\r\n|\r|\n/), '']) {
		const complete = takeLine(line);
		if (complete) yield complete;
	}
}
