import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * The app's keys for the X Account Activity API (and its successor, the X Activity API).
 * OAuth 1.0a signing cannot be expressed declaratively, so the nodes test this credential
 * with a programmatic test (`testedBy: 'xAccountActivityApiTest'`).
 */
export class XAccountActivityApi implements ICredentialType {
	name = 'xAccountActivityApi';

	displayName = 'X Account Activity API';

	icon: Icon = { light: 'file:../nodes/XAccountActivity/x.svg', dark: 'file:../nodes/XAccountActivity/x.dark.svg' };

	documentationUrl = 'https://docs.x.com/x-api/account-activity/introduction';

	properties: INodeProperties[] = [
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'options',
			default: 'enterprise',
			options: [
				{ name: 'Enterprise (v1.1)', value: 'enterprise', description: 'Enterprise Account Activity API, webhooks by ID' },
				{ name: 'Premium (v1.1, Environment)', value: 'premium', description: 'Premium Account Activity API, addressed by environment name' },
				{ name: 'V2', value: 'v2', description: 'X API v2 webhooks and Account Activity (also the X Activity API)' },
			],
			description: 'Which Account Activity API your app is provisioned for (developer portal → your project)',
		},
		{
			displayName: 'Environment Name',
			name: 'environment',
			type: 'string',
			default: '',
			placeholder: 'dev',
			required: true,
			displayOptions: { show: { apiVersion: ['premium'] } },
			description: 'The premium dev environment label from the developer portal (case-sensitive)',
		},
		{
			displayName: 'Consumer Key (API Key)',
			name: 'consumerKey',
			type: 'string',
			default: '',
			required: true,
			description: 'Developer portal → your app → Keys and tokens → Consumer Keys',
		},
		{
			displayName: 'Consumer Secret (API Key Secret)',
			name: 'consumerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Also the key X uses to sign webhook deliveries and CRC checks',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "The app owner's access token (Keys and tokens → Authentication Tokens). Registers webhooks and subscribes the owner's account.",
		},
		{
			displayName: 'Access Token Secret',
			name: 'accessTokenSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "The secret that belongs to the access token (same page). Together they sign OAuth 1.0a user-context requests for the owner's account.",
		},
		{
			displayName: 'Bearer Token',
			name: 'bearerToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional app-only bearer token. When empty, one is obtained from the consumer key and secret (POST /oauth2/token) and reused.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.x.com',
			description: "X's API host. Plain http is accepted only for other hosts, such as a local X simulator or a proxy.",
		},
	];
}
