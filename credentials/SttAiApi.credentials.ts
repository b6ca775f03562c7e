import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class SttAiApi implements ICredentialType {
	name = 'sttAiApi';

	displayName = 'STT.ai API';

	icon: Icon = {
		light: 'file:../nodes/SttAi/sttai.svg',
		dark: 'file:../nodes/SttAi/sttai.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-transcription/n8n-nodes-transcription/blob/main/docs/sttai.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The API key from your STT.ai account settings. Leave empty for anonymous use (3 transcriptions a day, files up to 100 MB, no stored transcripts).',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.stt.ai',
			description:
				'Where the transcription and AI API lives (transcribe, summarize, translate…). Change it only for a gateway or a local emulator.',
		},
		{
			displayName: 'Account Base URL',
			name: 'accountBaseUrl',
			type: 'string',
			default: 'https://stt.ai/api/v1',
			description:
				'Where the account REST API lives (stored transcripts, export, chat). Change it only for a gateway or a local emulator.',
		},
	];

	// Anonymous use is allowed, and an empty "Bearer" header would be an invalid key: send the
	// header only when there is a key.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const apiKey = String(credentials.apiKey ?? '').trim();
		if (!apiKey) return requestOptions;
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${apiKey}` },
		};
	}

	// With a key, the account route checks it (401 for a wrong key); without one, the health route
	// checks that the API answers.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.apiKey ? $credentials.accountBaseUrl : $credentials.baseUrl}}',
			url: '={{$credentials.apiKey ? "/account/" : "/health"}}',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'STT.ai rejected the API key. Copy it again from your STT.ai account settings, or leave it empty for anonymous use.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'STT.ai refused this API key (403). Check that the key is active.',
				},
			},
		],
	};
}
