import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Typed readers for node parameters. An expression can give a parameter any value (text where a
 * number belongs, an object where text belongs, a misspelt option), and n8n passes it on as it is.
 * Every node reads its parameters through these, so a wrong value becomes an item-level error that
 * names the parameter and says what is valid, instead of a request the user did not ask for.
 *
 * Conversions that cannot change the meaning are made: a numeric string ("30") is read as a number,
 * the strings "true"/"false" as booleans, a number given to a text parameter as its text. Nothing
 * else is converted.
 */

/** Where a value comes from: a top-level parameter, or an option inside a collection. */
export interface ParameterRef {
	/** The parameter's name; for an option inside a collection, its name inside the collection. */
	name: string;
	displayName: string;
	/** The value itself, when it was read from a collection already. */
	value?: unknown;
	/** For a collection option: whether it is set at all. */
	present?: boolean;
}

export type ParameterContext = Pick<IExecuteFunctions, 'getNode' | 'getNodeParameter'>;

function raw(
	context: ParameterContext,
	itemIndex: number,
	ref: ParameterRef,
	fallback?: unknown,
): unknown {
	// An option left out of its collection reads as the fallback (its default).
	if ('value' in ref) return ref.present === false ? fallback : ref.value;
	return context.getNodeParameter(ref.name, itemIndex, fallback);
}

export function parameterError(
	context: Pick<IExecuteFunctions, 'getNode'>,
	itemIndex: number,
	displayName: string,
	value: unknown,
	valid: string,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), `"${displayName}" is invalid: ${valid}`, {
		itemIndex,
		description: `Item ${itemIndex} gives ${describe(value)}. ${valid[0].toUpperCase()}${valid.slice(1)}.`,
	});
}

/** A short, safe picture of a value for a message. */
function describe(value: unknown): string {
	if (value === undefined) return 'no value (undefined)';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') {
		const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
		return value === '' ? 'an empty text' : `the text "${shown}"`;
	}
	return `${typeof value} ${String(value)}`;
}

export interface NumberRules {
	min?: number;
	max?: number;
	/** The minimum itself is not allowed (e.g. a wait must be more than 0). */
	exclusiveMin?: boolean;
	integer?: boolean;
	/** Unit shown in the message, e.g. "minutes". */
	unit?: string;
}

function numberRange(rules: NumberRules): string {
	const kind = rules.integer ? 'a whole number' : 'a number';
	const unit = rules.unit ? ` (${rules.unit})` : '';
	const { min, max } = rules;
	if (min !== undefined && max !== undefined)
		return rules.exclusiveMin
			? `must be ${kind} greater than ${min} and at most ${max}${unit}`
			: `must be ${kind} from ${min} to ${max}${unit}`;
	if (min !== undefined)
		return `must be ${kind} ${rules.exclusiveMin ? 'greater than' : 'of at least'} ${min}${unit}`;
	if (max !== undefined) return `must be ${kind} of at most ${max}${unit}`;
	return `must be ${kind}${unit}`;
}

/** A number within its range. Numeric strings ("30") are accepted; text, empty, NaN, ±Infinity are not. */
export function readNumber(
	context: ParameterContext,
	itemIndex: number,
	ref: ParameterRef,
	rules: NumberRules = {},
	fallback?: number,
): number {
	const value = raw(context, itemIndex, ref, fallback);
	const number =
		typeof value === 'number'
			? value
			: typeof value === 'string' && value.trim() !== ''
				? Number(value.trim())
				: NaN;
	const { min, max } = rules;
	const valid =
		Number.isFinite(number) &&
		(min === undefined || (rules.exclusiveMin ? number > min : number >= min)) &&
		(max === undefined || number <= max) &&
		(!rules.integer || Number.isInteger(number));
	if (!valid) throw parameterError(context, itemIndex, ref.displayName, value, numberRange(rules));
	return number;
}

/** true or false; the strings "true" and "false" are read as such, anything else is an error. */
export function readBoolean(
	context: ParameterContext,
	itemIndex: number,
	ref: ParameterRef,
	fallback?: boolean,
): boolean {
	const value = raw(context, itemIndex, ref, fallback);
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw parameterError(context, itemIndex, ref.displayName, value, 'must be true or false');
}

/** One value of a fixed list; anything else is an error listing the allowed values. */
export function readOption<T extends string>(
	context: ParameterContext,
	itemIndex: number,
	ref: ParameterRef,
	allowed: readonly T[],
	fallback?: T,
): T {
	const value = raw(context, itemIndex, ref, fallback);
	if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
		return value as T;
	throw parameterError(
		context,
		itemIndex,
		ref.displayName,
		value,
		`must be one of ${allowed.map((option) => `"${option}"`).join(', ')}`,
	);
}

/**
 * An options parameter, checked against the values its own description lists (so the list and
 * the check can never disagree).
 */
export function readListedOption(
	context: ParameterContext,
	itemIndex: number,
	properties: INodeProperties[],
	name: string,
): string {
	const property = properties.find((candidate) => candidate.name === name);
	if (!property) throw new Error(`No parameter "${name}" in the operation's description`);
	const allowed = (property.options ?? []).flatMap((option) =>
		'value' in option && typeof option.value === 'string' ? [option.value] : [],
	);
	return readOption(context, itemIndex, property, allowed, property.default as string);
}

export interface TextRules {
	/** An empty text is an error (after trimming). */
	required?: boolean;
	/** What the text is, for the message, e.g. "a language code such as en". */
	expected?: string;
	/** Keep surrounding spaces (texts sent as they are, such as prompts); trimmed otherwise. */
	keepSpaces?: boolean;
}

/**
 * Text. A number becomes its text (harmless: "42" is what the user meant); an object, a list, a
 * boolean or NaN is an error. Undefined and null read as empty text.
 */
export function readText(
	context: ParameterContext,
	itemIndex: number,
	ref: ParameterRef,
	rules: TextRules = {},
	fallback?: string,
): string {
	const value = raw(context, itemIndex, ref, fallback);
	const expected = rules.expected ?? 'text';
	let text: string | undefined;
	if (value === undefined || value === null) text = '';
	else if (typeof value === 'string') text = value;
	else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
	if (text === undefined) {
		throw parameterError(context, itemIndex, ref.displayName, value, `must be ${expected}`);
	}
	if (!rules.keepSpaces) text = text.trim();
	if (rules.required && text.trim() === '') {
		throw parameterError(
			context,
			itemIndex,
			ref.displayName,
			value,
			`must be ${expected}, not empty`,
		);
	}
	return text;
}

/** A full http(s) URL, or '' when empty and not required. */
export function readUrl(
	context: ParameterContext,
	itemIndex: number,
	ref: ParameterRef,
	rules: { required?: boolean } = {},
): string {
	const expected = 'a full http:// or https:// URL';
	const text = readText(context, itemIndex, ref, { required: rules.required, expected });
	if (text === '') return text;
	let protocol = '';
	try {
		protocol = new URL(text).protocol;
	} catch {
		// not a URL at all: reported below
	}
	if (protocol !== 'http:' && protocol !== 'https:') {
		throw parameterError(context, itemIndex, ref.displayName, text, `must be ${expected}`);
	}
	return text;
}

/** The name of a binary or JSON field (input or output): a non-empty text. */
export function readFieldName(
	context: ParameterContext,
	itemIndex: number,
	ref: ParameterRef,
	fallback?: string,
): string {
	return readText(
		context,
		itemIndex,
		ref,
		{ required: true, expected: 'a field name such as "data"' },
		fallback,
	);
}

/** A collection parameter ("Options", "Filters"): an object, read once, whose entries are checked one by one. */
export function readCollection(
	context: ParameterContext,
	itemIndex: number,
	ref: ParameterRef,
): IDataObject {
	const value = raw(context, itemIndex, ref, {});
	if (value === undefined || value === null) return {};
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw parameterError(context, itemIndex, ref.displayName, value, 'must be a set of options');
	}
	return value as IDataObject;
}

/** An entry of a collection read by readCollection, for the readers above. */
export function entry(
	collection: IDataObject,
	name: string,
	displayName: string,
): ParameterRef & { present: boolean } {
	return { name, displayName, value: collection[name], present: name in collection };
}
