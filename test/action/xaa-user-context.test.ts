/**
 * Activity Subscription (XAA) → Create with the subscribed user's own context, against the X
 * simulator over HTTP: the Authentication choice (OAuth 1.0a user token or the xActivityOAuth2Api
 * credential), an expired OAuth 2.0 token refreshed through the credential's token URL (as n8n's
 * OAuth2 helper does) and the create sent again, and every refusal made before anything is
 * sent: no credential selected, not connected, a scope missing, no owner token.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { XAccountActivity } from '../../nodes/XAccountActivity/XAccountActivity.node';
import { startSimulator, type IssuedOAuth2Token, type Simulator } from '../../simulator';
import { oauth2Refreshes, recorded, runNode, runNodeError } from './harness';
import { allSecrets, credentialsFor, userItems } from './setup';

const node = new XAccountActivity();

describe('Activity Subscription (XAA) → Create in the user context', () => {
	let s: Simulator;
	let creds: ICredentialDataDecryptedObject;
	let user: IDataObject;
	const issued: IssuedOAuth2Token[] = [];

	beforeAll(async () => {
		s = await startSimulator();
		creds = credentialsFor(s, 'v2');
		user = userItems(s)[0];
	});
	afterAll(async () => {
		await s.stop();
	});

	const xaaCreates = (from: number) =>
		s.requestLog
			.slice(from)
			.filter((r) => r.method === 'POST' && r.path === '/2/activity/subscriptions');

	/** The credential as n8n holds it once connected: oAuth2Api fields plus the token data. */
	function oauth2Credential(scopes: string[]): ICredentialDataDecryptedObject {
		const token = s.issueOAuth2Token(String(user.user_id), { scopes });
		issued.push(token);
		return {
			grantType: 'pkce',
			clientId: s.app.oauth2ClientId,
			clientSecret: '',
			accessTokenUrl: `${s.baseUrl}/2/oauth2/token`,
			scope: scopes.join(' '),
			oauthTokenData: { ...token },
		};
	}

	const create = (
		params: Record<string, unknown>,
		oauth2Credentials?: ICredentialDataDecryptedObject,
	) =>
		runNode(node, {
			credentials: creds,
			oauth2Credentials,
			params: { resource: 'activitySubscription', operation: 'create', ...params },
		});

	const createError = (
		params: Record<string, unknown>,
		oauth2Credentials?: ICredentialDataDecryptedObject,
		credentials = creds,
	) =>
		runNodeError(node, {
			credentials,
			oauth2Credentials,
			params: { resource: 'activitySubscription', operation: 'create', ...params },
		});

	it('creates a private type with the OAuth 2.0 credential, in the user context', async () => {
		const before = s.requestLog.length;
		const cred = oauth2Credential(['tweet.read', 'users.read', 'dm.read', 'offline.access']);
		const out = await create(
			{ eventType: 'dm.received', userId: user.user_id, userAuthentication: 'oAuth2' },
			cred,
		);
		expect(out[0].json).toMatchObject({
			event_type: 'dm.received',
			filter: { user_id: user.user_id },
			already_existed: false,
		});
		const sent = xaaCreates(before);
		expect(sent).toHaveLength(1);
		expect(sent[0].status).toBe(200);
		expect(sent[0].auth).toBe('oauth2-user');
		expect(sent[0].userId).toBe(user.user_id);
	});

	it('refreshes an expired OAuth 2.0 token through the credential and sends the create again', async () => {
		const cred = oauth2Credential(['tweet.read', 'users.read', 'like.read', 'offline.access']);
		const old = (cred.oauthTokenData as IDataObject).access_token as string;
		expect(s.expireOAuth2Token(old)).toBe(true);
		const refreshes = oauth2Refreshes.length;
		const before = s.requestLog.length;
		const out = await create(
			{ eventType: 'like.create', userId: user.user_id, userAuthentication: 'oAuth2' },
			cred,
		);
		expect(out[0].json).toMatchObject({ event_type: 'like.create', already_existed: false });
		expect(oauth2Refreshes.length).toBe(refreshes + 1);
		expect((cred.oauthTokenData as IDataObject).access_token).not.toBe(old);
		issued.push(cred.oauthTokenData as unknown as IssuedOAuth2Token);
		expect(xaaCreates(before).map((r) => r.status)).toEqual([401, 200]);
	});

	it('names the missing scope and sends nothing', async () => {
		const before = s.requestLog.length;
		const cred = oauth2Credential(['tweet.read', 'users.read']);
		const err = await createError(
			{ eventType: 'dm.received', userId: user.user_id, userAuthentication: 'oAuth2' },
			cred,
		);
		expect(err.message).toMatch(/dm\.received needs the OAuth 2\.0 scope dm\.read/);
		expect(xaaCreates(before)).toHaveLength(0);
	});

	it.each<[string, ICredentialDataDecryptedObject | undefined, RegExp]>([
		[
			'no OAuth 2.0 credential selected',
			undefined,
			/mute\.mute is a private event type.*no X Activity OAuth2 API credential is selected/,
		],
		[
			'a credential never connected',
			{ clientId: 'x', scope: 'mute.read' },
			/mute\.mute is a private event type.*holds no access token.*connect it/,
		],
	])('refuses %s before sending', async (_what, cred, message) => {
		const before = s.requestLog.length;
		const err = await createError(
			{ eventType: 'mute.mute', userId: user.user_id, userAuthentication: 'oAuth2' },
			cred,
		);
		expect(err.message).toMatch(message);
		expect(s.requestLog.length).toBe(before);
	});

	it('refuses a private type when the credential account has no token, naming the type and what is missing', async () => {
		const before = s.requestLog.length;
		const err = await createError(
			{ eventType: 'follow.follow', userId: user.user_id, actAs: 'credential' },
			undefined,
			{ ...creds, accessToken: '', accessTokenSecret: '' },
		);
		expect(err.message).toMatch(
			/follow\.follow is a private event type and needs user context.*no Access Token and Access Token Secret/,
		);
		expect(s.requestLog.length).toBe(before);
	});

	it('a public type needs no user context: the app bearer, no Authentication asked', async () => {
		const before = s.requestLog.length;
		const out = await create({ eventType: 'post.create', userId: user.user_id });
		expect(out[0].json).toMatchObject({ event_type: 'post.create' });
		expect(xaaCreates(before).map((r) => r.auth)).toEqual(['bearer']);
	});

	it('puts no token or secret in any output or error', () => {
		const text = recorded.join('\n');
		const tokens = issued.flatMap((t) => [t.access_token, t.refresh_token ?? '']).filter(Boolean);
		expect(tokens.length).toBeGreaterThan(0);
		for (const secret of [...allSecrets(s), ...tokens]) expect(text).not.toContain(secret);
	});
});
