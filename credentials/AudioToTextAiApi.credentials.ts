import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AudioToTextAiApi implements ICredentialType {
	name = 'audioToTextAiApi';

	displayName = 'AudioToTextAI API';

	icon: Icon = {
		light: 'file:../nodes/AudioToTextAi/audiototextai.svg',
		dark: 'file:../nodes/AudioToTextAi/audiototextai.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-transcription/n8n-nodes-transcription/blob/main/docs/audiototextai.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API key from your AudioToTextAI Account Settings',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://audiototextai.com',
			description:
				'Where AudioToTextAI lives (the API paths start with /api/v1). Change it only for a gateway or a local emulator.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.apiKey}}' },
		},
	};

	// Listing languages needs a valid key and costs no credits.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/api/v1/languages/',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'AudioToTextAI rejected the API key. Copy it again from your Account Settings.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'AudioToTextAI refused this API key (403). Check that the key is active.',
				},
			},
		],
	};
}
