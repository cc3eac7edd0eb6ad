import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * OAuth 2.0 user context (authorization code with PKCE) for the X Activity API: what X's docs ask
 * for to subscribe a user's private activity (mentions, DMs, likes, follows…), each type with its
 * read scope. n8n's `oAuth2Api` does the flow, stores the tokens and refreshes an expired access
 * token (with `offline.access`); the app's keys stay in the X Account Activity API credential.
 */
export class XActivityOAuth2Api implements ICredentialType {
	name = 'xActivityOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'X Activity OAuth2 API';

	icon: Icon = { light: 'file:../nodes/XAccountActivity/x.svg', dark: 'file:../nodes/XAccountActivity/x.dark.svg' };

	documentationUrl = 'https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code';

	properties: INodeProperties[] = [
		{
			displayName:
				'In the developer portal, enable OAuth 2.0 for your app (type: Web App, confidential client) and add the OAuth Redirect URL below as a callback URL.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.x.com',
			description:
				"X's API host. Another host (a local X simulator) also serves the authorize page at /i/oauth2/authorize and the token endpoint at /2/oauth2/token.",
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'Developer portal → your app → Keys and tokens → OAuth 2.0 Client ID and Client Secret',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The OAuth 2.0 Client Secret from the same page (shown once when generated)',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'pkce',
			description: 'Authorization code with PKCE, as X requires for OAuth 2.0 user context',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default:
				'={{ $self["baseUrl"].replace(/\\/+$/, "") === "https://api.x.com" ? "https://x.com/i/oauth2/authorize" : $self["baseUrl"].replace(/\\/+$/, "") + "/i/oauth2/authorize" }}',
			description: "X's consent page (https://x.com/i/oauth2/authorize)",
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '={{ $self["baseUrl"].replace(/\\/+$/, "") }}/2/oauth2/token',
			description: "X's token endpoint (https://api.x.com/2/oauth2/token), also used to refresh",
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: 'tweet.read users.read like.read dm.read mute.read block.read broadcast.read offline.access',
			description:
				'Space-separated OAuth 2.0 scopes. Each XAA event type needs one: dm.read (DMs, chat), like.read (likes), mute.read, block.read, broadcast.read (broadcast chat), tweet.read (the rest); users.read finds the account, offline.access lets n8n refresh the token.',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
			description: 'No extra parameters: n8n adds the PKCE challenge itself',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
			description: 'Confidential clients send the client ID and secret as HTTP Basic to the token endpoint',
		},
	];
}
