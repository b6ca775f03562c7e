import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { FALLBACK_LANGUAGES, FALLBACK_MODELS, listLanguages, listModels } from '../api';

const capitalize = (value: string) => value.replace(/\b\p{L}/gu, (letter) => letter.toUpperCase());

/** The models STT.ai lists; the documented four when the list cannot be loaded. */
export async function getModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	let models: Array<{ id?: unknown; name?: unknown; speed?: unknown }> = [];
	try {
		models = await listModels(this);
	} catch {
		models = [];
	}
	if (models.length === 0) models = FALLBACK_MODELS;
	return models
		.filter((model) => typeof model.id === 'string' && model.id !== '')
		.map((model) => ({
			name: String(model.name ?? model.id),
			value: model.id as string,
			description:
				typeof model.speed === 'string' ? `Speed: ${model.speed.replace(/_/g, ' ')}` : undefined,
		}));
}

/** The languages STT.ai lists, by name (a common set when the list cannot be loaded). */
async function listedLanguages(context: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	let languages: Array<{ code?: unknown; name?: unknown }> = [];
	try {
		languages = await listLanguages(context);
	} catch {
		languages = [];
	}
	if (languages.length === 0) languages = FALLBACK_LANGUAGES;
	return languages
		.filter(
			(language) =>
				typeof language.code === 'string' && language.code !== '' && language.code !== 'auto',
		)
		.map((language) => ({
			name: capitalize(String(language.name ?? language.code)),
			value: language.code as string,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** Auto-detect, then the languages STT.ai lists (transcription). */
export async function getLanguages(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return [{ name: 'Auto-Detect', value: 'auto' }, ...(await listedLanguages(this))];
}

/** Translate's target: the languages STT.ai lists (any other code as an expression). */
export async function getTargetLanguages(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return await listedLanguages(this);
}

/** Translate's source: STT.ai's default (English, the parameter is not sent), then the listed languages. */
export async function getSourceLanguages(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return [{ name: 'Default (English)', value: '' }, ...(await listedLanguages(this))];
}
