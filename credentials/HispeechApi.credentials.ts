import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { ERRORS_BUT_NOT_FOUND } from '../nodes/shared/credentialTest';

export class HispeechApi implements ICredentialType {
	name = 'hispeechApi';

	displayName = 'Hispeech API';

	icon: Icon = {
		light: 'file:../nodes/Hispeech/hispeech.svg',
		dark: 'file:../nodes/Hispeech/hispeech.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-transcription/n8n-nodes-transcription/blob/main/docs/hispeech.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API key from your Hispeech dashboard',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.hispeech.ai',
			description:
				'Where the Hispeech API lives. Change it only for a gateway or a local emulator.',
		},
	];

	// The upload and status routes read x-auth-token; the OpenAI-compatible route reads a Bearer token.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-auth-token': '={{$credentials.apiKey}}',
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// Deleting a job that cannot exist costs nothing (a status call would eat the 60-per-hour budget):
	// a valid key gets 404, which counts as success here; a wrong key gets 401.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/api/v1/transcriptions',
			method: 'DELETE',
			body: { transcription_id: '00000000-0000-0000-0000-000000000000' },
			// n8n 2.x: a 2xx or this 404 pass, every other status fails. n8n 1.x knows only `true` here
			// and reads the object as "ignore every status" (see the README).
			ignoreHttpStatusErrors: { ignore: true, except: ERRORS_BUT_NOT_FOUND },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Hispeech rejected the API key. Copy it again from your Hispeech dashboard.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'Hispeech refused this API key (403). Check that the key is active.',
				},
			},
		],
	};
}
