import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { FALLBACK_LANGUAGES, listLanguages } from '../api';

/** The languages AudioToTextAI lists; a static list when it cannot be reached. */
export async function getLanguages(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	let languages = FALLBACK_LANGUAGES;
	try {
		const loaded = await listLanguages(this);
		if (loaded.length > 0) languages = loaded;
	} catch {
		// The credential may not be set yet, or the service unreachable: offer the common languages.
	}
	const options = languages.map((language) => ({
		name: language.name || language.code,
		value: language.code,
	}));
	if (!options.some((option) => option.value === ''))
		options.unshift({ name: 'Auto-detect', value: '' });
	return options;
}
