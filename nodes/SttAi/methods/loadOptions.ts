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

/** Auto-detect, then the languages STT.ai lists (a common set when the list cannot be loaded). */
export async function getLanguages(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	let languages: Array<{ code?: unknown; name?: unknown }> = [];
	try {
		languages = await listLanguages(this);
	} catch {
		languages = [];
	}
	if (languages.length === 0) languages = FALLBACK_LANGUAGES;
	const options = languages
		.filter(
			(language) =>
				typeof language.code === 'string' && language.code !== '' && language.code !== 'auto',
		)
		.map((language) => ({
			name: capitalize(String(language.name ?? language.code)),
			value: language.code as string,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
	return [{ name: 'Auto-Detect', value: 'auto' }, ...options];
}
