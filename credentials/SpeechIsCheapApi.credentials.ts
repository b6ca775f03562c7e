import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class SpeechIsCheapApi implements ICredentialType {
	name = 'speechIsCheapApi';

	displayName = 'Speech Is Cheap API';

	icon: Icon = {
		light: 'file:../nodes/SpeechIsCheap/speechischeap.svg',
		dark: 'file:../nodes/SpeechIsCheap/speechischeap.dark.svg',
	};

	documentationUrl = 'https://speechischeap.com';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'sk_…',
			description: 'The API key from your Speech is Cheap account (it starts with "sk_")',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.speechischeap.com',
			description:
				'Where the Speech is Cheap API lives. Change it only for a gateway or a local emulator.',
		},
		{
			displayName: 'Upload Base URL',
			name: 'uploadBaseUrl',
			type: 'string',
			default: 'https://upload.speechischeap.com',
			description:
				'Where binary files are uploaded (a separate host). Change it only for a gateway or a local emulator; empty means the Base URL.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.apiKey}}' },
		},
	};

	// The vendor's own check: a valid key gets 200 "Authenticated", another gets 401.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/v2/jobs/auth',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Speech is Cheap rejected the API key. Copy it again from your account (it starts with "sk_").',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'Speech is Cheap refused this API key (403). Check that the key is active.',
				},
			},
		],
	};
}
