import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { ParameterRef } from '../../../shared/parameters';
import {
	entry,
	parameterError,
	readBoolean,
	readCollection,
	readNumber,
	readOption,
	readText,
} from '../../../shared/parameters';
import {
	accountRequest,
	LIST_QUERY,
	normalizeTranscript,
	PATHS,
	readTranscriptPage,
} from '../../api';
import { isRaw, simplifyField } from '../fields';

const show = { resource: ['transcript'], operation: ['getMany'] };

/** The page size asked for; the service may answer with smaller pages. */
const PAGE_SIZE = 100;
/** A service that always says "there is more" must not keep the node busy forever. */
const MAX_PAGES = 10_000;

export const description: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...show, returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Created After',
				name: 'createdAfter',
				type: 'dateTime',
				default: '',
				description: 'Only transcripts created at or after this time',
			},
			{
				displayName: 'Created Before',
				name: 'createdBefore',
				type: 'dateTime',
				default: '',
				description: 'Only transcripts created before this time',
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'string',
				default: '',
				placeholder: 'en',
				description: 'Only transcripts in this language (ISO 639-1 code)',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'Pending', value: 'pending' },
					{ name: 'Processing', value: 'processing' },
				],
				default: 'completed',
			},
		],
	},
	simplifyField(show, 'Each transcript in the same shape as a transcription result'),
];

export async function executeItem(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const limit = readLimit(this, itemIndex);
	const qs = readFilters(this, itemIndex);
	const raw = isRaw(this, itemIndex);
	const transcripts = await fetchTranscripts(this, itemIndex, qs, limit);
	return transcripts.map((transcript) => ({
		json: raw
			? transcript
			: (normalizeTranscript(this, transcript, itemIndex) as unknown as IDataObject),
	}));
}

/** Return All means no limit. */
function readLimit(context: IExecuteFunctions, itemIndex: number): number {
	const returnAll = readBoolean(context, itemIndex, {
		name: 'returnAll',
		displayName: 'Return All',
	});
	if (returnAll) return Infinity;
	const ref = { name: 'limit', displayName: 'Limit' };
	return readNumber(context, itemIndex, ref, { min: 1, integer: true });
}

/** The stored transcripts, page by page, up to the limit. */
async function fetchTranscripts(
	context: IExecuteFunctions,
	itemIndex: number,
	qs: IDataObject,
	limit: number,
): Promise<IDataObject[]> {
	// Page numbers count in pages of one size: a smaller last page would shift the offset (page 2
	// of size 50 is items 51–100), so the size stays fixed and the list is cut at the limit.
	qs[LIST_QUERY.pageSize] = Math.min(PAGE_SIZE, limit);
	const transcripts: IDataObject[] = [];
	for (let page = 1; page <= MAX_PAGES && transcripts.length < limit; page++) {
		qs[LIST_QUERY.page] = page;
		const response = await accountRequest(context, 'GET', PATHS.transcripts, itemIndex, { qs });
		const { results, hasNext } = readTranscriptPage(response.body);
		transcripts.push(...results);
		if (!hasNext) break;
	}
	return transcripts.slice(0, limit);
}

/** The filters as query values: scalars only (a nested object would become `created_after[a]=1`). */
function readFilters(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const filters = readCollection(context, itemIndex, { name: 'filters', displayName: 'Filters' });
	const qs: IDataObject = {};
	const status = entry(filters, 'status', 'Status');
	if (status.present)
		qs[LIST_QUERY.status] = readOption(context, itemIndex, status, [
			'completed',
			'failed',
			'pending',
			'processing',
		]);
	const language = readText(context, itemIndex, entry(filters, 'language', 'Language'), {
		expected: 'a language code such as "en"',
	});
	if (language) qs[LIST_QUERY.language] = language;
	for (const [key, displayName] of [
		['createdAfter', 'Created After'],
		['createdBefore', 'Created Before'],
	] as const) {
		const date = readDate(context, itemIndex, entry(filters, key, displayName));
		if (date) qs[LIST_QUERY[key]] = date;
	}
	return qs;
}

/** A date as given (ISO text), or a Luxon DateTime / Date from an expression, as ISO text. */
function readDate(context: IExecuteFunctions, itemIndex: number, ref: ParameterRef): string {
	const value = ref.value as { toISO?: () => string } | undefined;
	if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
	if (value && typeof value === 'object' && typeof value.toISO === 'function') {
		const iso = value.toISO();
		if (iso) return iso;
	}
	const expected = 'a date such as "2026-01-31" or "2026-01-31T12:00:00Z"';
	const text = readText(context, itemIndex, ref, { expected });
	if (text !== '' && Number.isNaN(Date.parse(text)))
		throw parameterError(context, itemIndex, ref.displayName, text, `must be ${expected}`);
	return text;
}
