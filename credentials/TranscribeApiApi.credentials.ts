import type {
	IAuthenticateGeneric,
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { ERRORS_BUT_NOT_FOUND } from '../nodes/shared/credentialTest';

const REJECTED =
	'TranscribeAPI rejected the API key. Copy it again from your TranscribeAPI dashboard.';
const UNVERIFIED =
	'The TranscribeAPI account behind this key has not verified its email. Verify it, then try again.';

/**
 * n8n 2.x fails a 401/403 (listed in `except`) and names it by its status. n8n 1.x hands every
 * answer to the body rules, so there the documented error codes decide. (n8n's type wants one kind
 * of rule per list; its credential tester, on both lines, reads each rule by its own `type`.)
 */
const RULES: Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody> = [
	{ type: 'responseCode', properties: { value: 401, message: REJECTED } },
	{ type: 'responseCode', properties: { value: 403, message: UNVERIFIED } },
	{
		type: 'responseSuccessBody',
		properties: { key: 'code', value: 'invalid_api_key', message: REJECTED },
	},
	{
		type: 'responseSuccessBody',
		properties: { key: 'code', value: 'missing_api_key', message: REJECTED },
	},
	{
		type: 'responseSuccessBody',
		properties: { key: 'code', value: 'email_not_verified', message: UNVERIFIED },
	},
];

export class TranscribeApiApi implements ICredentialType {
	name = 'transcribeApiApi';

	displayName = 'TranscribeAPI API';

	icon: Icon = {
		light: 'file:../nodes/TranscribeApi/transcribeapi.svg',
		dark: 'file:../nodes/TranscribeApi/transcribeapi.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-transcription/n8n-nodes-transcription/blob/main/docs/transcribeapi.md#credentials';

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
			// n8n 2.x: a 2xx or this 404 pass, every other status fails. n8n 1.x knows only `true` here
			// and reads the object as "ignore every status" (see the README).
			ignoreHttpStatusErrors: { ignore: true, except: ERRORS_BUT_NOT_FOUND },
		},
		rules: RULES as IAuthenticateRuleResponseCode[],
	};
}
