import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class TranscribeApiApi implements ICredentialType {
	name = 'transcribeApiApi';

	displayName = 'TranscribeAPI API';

	icon: Icon = {
		light: 'file:../nodes/TranscribeApi/transcribeapi.svg',
		dark: 'file:../nodes/TranscribeApi/transcribeapi.dark.svg',
	};

	documentationUrl = 'https://transcribeapi.com/docs';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'An API key from your TranscribeAPI dashboard',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.transcribeapi.com',
			description:
				'Where the TranscribeAPI API lives. Change it only for a gateway or a local emulator.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.apiKey}}' },
		},
	};

	// Looking up a job that cannot exist costs nothing: a valid key gets 404 (job_not_found), which
	// counts as success here; a wrong key gets 401 and an unverified account 403.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/v1/transcribe/job_n8n_credential_test',
			method: 'GET',
			ignoreHttpStatusErrors: { ignore: true, except: [401, 403] },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'TranscribeAPI rejected the API key. Copy it again from your TranscribeAPI dashboard.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The TranscribeAPI account behind this key has not verified its email. Verify it, then try again.',
				},
			},
		],
	};
}
