/**
 * The one per-type auth rule of XAA creates (`xaaCreateAuth`), OAuth 2.0 user tokens against the
 * simulator, and duplicates recognised by content (list and match), not by X's wording.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { XApiError } from '../../client/errors';
import type { XAppCredentials } from '../../client/types';
import { XaaAuthError, xaaCreateAuth } from '../../client/xaa-client';
import { XAA_EVENT_CATALOGUE, XAA_SUBSCRIBABLE_EVENT_TYPES } from '../../client/xaa-event-types';
import { XClient } from '../../client/x-client';
import { startSimulator, type Simulator } from '../../simulator';

const fast = { retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 2000 };
const ALICE = '1603419180975409153';

function creds(baseUrl: string, over: Partial<XAppCredentials> = {}): XAppCredentials {
	return { consumerKey: 'ck', consumerSecret: 'cs-secret', bearerToken: 'app-bearer', apiVersion: 'v2', baseUrl, ...over };
}

describe('xaaCreateAuth: one rule for every caller', () => {
	const oauth1 = { token: 't', secret: 's' };
	it('uses the user context whenever a token is at hand, app Bearer only for public types without one', () => {
		for (const t of XAA_SUBSCRIBABLE_EVENT_TYPES) {
			const info = XAA_EVENT_CATALOGUE[t];
			expect(xaaCreateAuth(t, { user: oauth1 })).toEqual({ kind: 'oauth1', token: oauth1 });
			expect(xaaCreateAuth(t, { oauth2: { accessToken: 'a' } })).toEqual({ kind: 'oauth2user', accessToken: 'a' });
			if (info.visibility === 'public') expect(xaaCreateAuth(t, {})).toEqual({ kind: 'bearer' });
			else {
				const err = (() => {
					try {
						return xaaCreateAuth(t, {});
					} catch (e) {
						return e;
					}
				})() as XaaAuthError;
				expect(err).toBeInstanceOf(XaaAuthError);
				expect(err).toMatchObject({ eventType: t, missing: 'user_token' });
				expect(err.message).toContain(t);
			}
		}
	});

	it("compares an OAuth 2.0 token's granted scopes with the type's scope and names the missing one", () => {
		const granted = 'tweet.read users.read dm.read offline.access';
		expect(xaaCreateAuth('dm.received', { oauth2: { accessToken: 'a', scopes: granted } })).toEqual({
			kind: 'oauth2user',
			accessToken: 'a',
		});
		expect(() => xaaCreateAuth('like.create', { oauth2: { accessToken: 'a', scopes: granted } })).toThrow(
			/like.create needs the OAuth 2.0 scope like.read/,
		);
		expect(() => xaaCreateAuth('broadcast.chat', { oauth2: { accessToken: 'a', scopes: granted.split(' ') } })).toThrow(
			expect.objectContaining({ missing: 'scope', scope: 'broadcast.read' }),
		);
		// an OAuth 1.0a token for the same user still serves: the OpenAPI accepts it
		expect(xaaCreateAuth('like.create', { oauth2: { accessToken: 'a', scopes: granted }, user: oauth1 })).toEqual({
			kind: 'oauth1',
			token: oauth1,
		});
	});
});

describe('OAuth 2.0 user tokens against the simulator', () => {
	let sim: Simulator;
	let client: XClient;
	beforeAll(async () => {
		sim = await startSimulator();
		client = new XClient(creds(sim.baseUrl, { consumerKey: sim.app.consumerKey, consumerSecret: sim.app.consumerSecret, bearerToken: sim.app.bearerToken }), fast);
	});
	afterAll(() => sim.stop());

	it('creates private types with the user access token as Bearer, within its scopes', async () => {
		const t = sim.issueOAuth2Token(ALICE, { scopes: ['tweet.read', 'dm.read'] });
		const sub = await client.xaa.create({ eventType: 'dm.received', filter: { userId: ALICE }, oauth2: { accessToken: t.access_token, scopes: t.scope } });
		expect(sub).toMatchObject({ eventType: 'dm.received', alreadyExisted: false });
		expect(sim.requestLog.at(-1)).toMatchObject({ auth: 'oauth2-user', userId: ALICE, status: 200 });

		// the client refuses before sending when it knows the scope is missing …
		const before = sim.requestLog.length;
		await expect(
			client.xaa.create({ eventType: 'like.create', filter: { userId: ALICE }, oauth2: { accessToken: t.access_token, scopes: t.scope } }),
		).rejects.toThrow(/like.create needs the OAuth 2.0 scope like.read/);
		expect(sim.requestLog.length).toBe(before);
		// … and the simulator refuses it when the client does not know the scopes
		const e = (await client.xaa
			.create({ eventType: 'like.create', filter: { userId: ALICE }, oauth2: { accessToken: t.access_token } })
			.catch((x: unknown) => x)) as XApiError;
		expect(e).toBeInstanceOf(XApiError);
		expect(e.status).toBe(403);
		expect(e.xMessage).toMatch(/like.read/);
	});

	it('answers 401 for an expired access token and refreshes it at /2/oauth2/token with rotation', async () => {
		const t = sim.issueOAuth2Token(ALICE);
		expect(sim.expireOAuth2Token(t.access_token)).toBe(true);
		const e = (await client.xaa
			.create({ eventType: 'post.mention.create', filter: { userId: ALICE }, oauth2: { accessToken: t.access_token } })
			.catch((x: unknown) => x)) as XApiError;
		expect(e.status).toBe(401);

		const refresh = (rt: string) =>
			fetch(`${sim.baseUrl}/2/oauth2/token`, {
				method: 'POST',
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					authorization: 'Basic ' + Buffer.from(`${sim.app.oauth2ClientId}:${sim.app.oauth2ClientSecret}`).toString('base64'),
				},
				body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt }).toString(),
			});
		const res = await refresh(t.refresh_token!);
		expect(res.status).toBe(200);
		const fresh = (await res.json()) as { access_token: string; refresh_token: string; scope: string; expires_in: number };
		expect(fresh).toMatchObject({ token_type: 'bearer', expires_in: 7200, scope: t.scope });
		expect((await refresh(t.refresh_token!)).status).toBe(400); // spent
		const sub = await client.xaa.create({ eventType: 'post.mention.create', filter: { userId: ALICE }, oauth2: { accessToken: fresh.access_token } });
		expect(sub.eventType).toBe('post.mention.create');
	});

	it('issues tokens through authorize + PKCE (S256) like X', async () => {
		const verifier = 'v'.repeat(50);
		const { createHash } = await import('node:crypto');
		const challenge = createHash('sha256').update(verifier).digest('base64url');
		const q = new URLSearchParams({
			response_type: 'code',
			client_id: sim.app.oauth2ClientId,
			redirect_uri: 'http://127.0.0.1:1/cb',
			scope: 'tweet.read users.read offline.access',
			state: 's1',
			code_challenge: challenge,
			code_challenge_method: 'S256',
		});
		const auth = await fetch(`${sim.baseUrl}/i/oauth2/authorize?${q}`, { redirect: 'manual' });
		expect(auth.status).toBe(302);
		const back = new URL(auth.headers.get('location')!);
		expect(back.searchParams.get('state')).toBe('s1');
		const form = (verifierUsed: string) =>
			new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, code_verifier: verifierUsed, redirect_uri: 'http://127.0.0.1:1/cb', client_id: sim.app.oauth2ClientId }).toString();
		const res = await fetch(`${sim.baseUrl}/2/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(verifier) });
		expect(res.status).toBe(200);
		const tok = (await res.json()) as { access_token: string; scope: string; refresh_token?: string };
		expect(tok.scope).toBe('tweet.read users.read offline.access');
		expect(tok.refresh_token).toBeTruthy();
		const me = await fetch(`${sim.baseUrl}/2/users/me`, { headers: { authorization: `Bearer ${tok.access_token}` } });
		expect(((await me.json()) as { data: { id: string } }).data.id).toBe(sim.app.ownerUserId);
	});

	it('refuses OAuth 2.0 user tokens where the OpenAPI lists only the app Bearer', async () => {
		const t = sim.issueOAuth2Token(ALICE);
		const res = await fetch(`${sim.baseUrl}/2/webhooks`, { headers: { authorization: `Bearer ${t.access_token}` } });
		expect(res.status).toBe(403);
		expect(((await res.json()) as { title: string }).title).toBe('Unsupported Authentication');
	});
});

describe('duplicates are recognised by content, not by wording', () => {
	/** A stand-in X that refuses every create with `status` and some wording, and lists `listed`. */
	async function fakeX(status: number, listed: unknown[]) {
		let creates = 0;
		const server = http.createServer((req, res) => {
			res.setHeader('content-type', 'application/json');
			if (req.method === 'POST') {
				creates++;
				res.writeHead(status);
				res.end(JSON.stringify({ title: 'Conflict', detail: 'Something went wrong.', type: 'about:blank', status }));
				return;
			}
			res.writeHead(200);
			res.end(JSON.stringify({ data: listed, meta: { result_count: listed.length } }));
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return { url, creates: () => creates, close: () => new Promise<void>((r) => server.close(() => r())) };
	}
	const sub = (event_type: string, filter: Record<string, string>) => ({
		subscription_id: '1900000000000000001',
		event_type,
		filter,
		webhook_id: '1800000000000000001',
		created_at: '2026-01-01T00:00:00.000Z',
	});

	it.each([400, 409])('a %i with a subscription of the same (event_type, filter) listed is "already exists"', async (status) => {
		const x = await fakeX(status, [sub('post.create', { user_id: '2244994945' })]);
		try {
			const client = new XClient(creds(x.url), fast);
			const r = await client.xaa.create({ eventType: 'post.create', filter: { userId: '2244994945' }, webhookId: '1800000000000000001' });
			expect(r).toMatchObject({ id: '1900000000000000001', alreadyExisted: true });
		} finally {
			await x.close();
		}
	});

	it('the same refusal without a matching subscription (other filter or type) is a failure', async () => {
		const x = await fakeX(409, [sub('post.create', { user_id: '1' }), sub('post.delete', { user_id: '2244994945' })]);
		try {
			const client = new XClient(creds(x.url), fast);
			const e = await client.xaa.create({ eventType: 'post.create', filter: { userId: '2244994945' } }).catch((err: unknown) => err);
			expect(e).toBeInstanceOf(XApiError);
			expect((e as XApiError).status).toBe(409);
		} finally {
			await x.close();
		}
	});
});
