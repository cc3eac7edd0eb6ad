import { startSimulator, type Simulator } from '../../simulator';
import {
	baseStringUri,
	hmacSha1Signature,
	percentEncode,
	signatureBaseString,
} from '../../simulator/oauth-verify';
import {
	bearer,
	errorsOf,
	oauthClient,
	oauthHeader,
	ownerCreds,
	request,
	signed,
	startReceiver,
	userCreds,
	type Receiver,
} from './helpers';

describe('OAuth 1.0a primitives (X "Creating a signature" vector)', () => {
	it('percent-encodes per RFC 3986 as X documents', () => {
		expect(percentEncode('Ladies + Gentlemen')).toBe('Ladies%20%2B%20Gentlemen');
		expect(percentEncode('An encoded string!')).toBe('An%20encoded%20string%21');
		expect(percentEncode('Dogs, Cats & Mice')).toBe('Dogs%2C%20Cats%20%26%20Mice');
		expect(percentEncode('\u2603')).toBe('%E2%98%83');
		expect(percentEncode("-._~*'()")).toBe('-._~%2A%27%28%29');
	});

	it('reproduces the documented base string and signature', () => {
		const pairs: Array<[string, string]> = [
			['status', 'Hello Ladies + Gentlemen, a signed OAuth request!'],
			['include_entities', 'true'],
			['oauth_consumer_key', 'xvz1evFS4wEEPTGEFPHBog'],
			['oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg'],
			['oauth_signature_method', 'HMAC-SHA1'],
			['oauth_timestamp', '1318622958'],
			['oauth_token', '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb'],
			['oauth_version', '1.0'],
		];
		const base = signatureBaseString(
			'post',
			baseStringUri('HTTPS', 'API.X.com:443', '/1.1/statuses/update.json'),
			pairs,
		);
		expect(base).toBe(
			'POST&https%3A%2F%2Fapi.x.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
		);
		expect(
			hmacSha1Signature(
				base,
				'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
				'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
			),
		).toBe('Ls93hJiZbQ3akF3HF3x1Bz8/zU4=');
	});
});

describe('OAuth verification over HTTP', () => {
	let sim: Simulator;
	let rx: Receiver;
	let webhookId: string;
	const alice = '1603419180975409153';
	const bob = '3001969357';

	beforeAll(async () => {
		sim = await startSimulator();
		rx = await startReceiver(sim.app.consumerSecret);
		const reg = await signed(
			sim,
			'POST',
			`/1.1/account_activity/webhooks.json?url=${encodeURIComponent(rx.url)}`,
			ownerCreds(sim),
		);
		expect(reg.status).toBe(200);
		webhookId = (reg.json as { id: string }).id;
	});
	afterAll(async () => {
		await sim.stop();
		await rx.close();
	});

	const subPath = () => `/1.1/account_activity/webhooks/${webhookId}/subscriptions/all.json`;

	it('accepts a correctly signed request with query and form body parameters', async () => {
		const url = `${sim.baseUrl}${subPath()}?source=test%20run`;
		const auth = oauthHeader(sim, 'POST', url, userCreds(sim, alice), { note: 'hi there' });
		const res = await request(url, {
			method: 'POST',
			headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
			body: 'note=hi%20there',
		});
		expect(res.status).toBe(204);
		expect(sim.subscriptions(webhookId)).toContain(alice);
		const logged = sim.requestLog.find(
			(e) => e.method === 'POST' && e.path === subPath() && e.status === 204,
		);
		expect(logged).toMatchObject({ auth: 'oauth1-user', userId: alice });
	});

	it('rejects the same request with one byte changed in a query parameter', async () => {
		const url = `${sim.baseUrl}${subPath()}?source=abc`;
		const auth = oauthHeader(sim, 'GET', url, userCreds(sim, alice));
		const ok = await request(url, { headers: { authorization: auth } });
		expect(ok.status).toBe(204);
		const auth2 = oauthHeader(sim, 'GET', url, userCreds(sim, alice));
		const res = await request(url.replace('abc', 'abd'), { headers: { authorization: auth2 } });
		expect(res.status).toBe(401);
		expect(errorsOf(res)).toEqual([{ code: 32, message: 'Could not authenticate you.' }]);
	});

	it('rejects a signature with one byte changed', async () => {
		const url = `${sim.baseUrl}${subPath()}`;
		const auth = oauthHeader(sim, 'GET', url, userCreds(sim, alice));
		const m = /oauth_signature="([^"]+)"/.exec(auth);
		expect(m).not.toBeNull();
		const sig = m![1];
		const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
		const res = await request(url, { headers: { authorization: auth.replace(sig, flipped) } });
		expect(res.status).toBe(401);
		expect(errorsOf(res)[0].code).toBe(32);
	});

	it('rejects a form body parameter with one byte changed', async () => {
		const url = `${sim.baseUrl}${subPath()}`;
		const auth = oauthHeader(sim, 'POST', url, userCreds(sim, bob), { note: 'abc' });
		const res = await request(url, {
			method: 'POST',
			headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
			body: 'note=abd',
		});
		expect(res.status).toBe(401);
		expect(errorsOf(res)[0].code).toBe(32);
		expect(sim.subscriptions(webhookId)).not.toContain(bob);
	});

	it('rejects an unknown token, a wrong consumer key, a replayed nonce and a stale timestamp', async () => {
		const url = `${sim.baseUrl}${subPath()}`;
		const unknown = await request(url, {
			headers: { authorization: oauthHeader(sim, 'GET', url, { token: '1-nope', secret: 'x' }) },
		});
		expect(errorsOf(unknown)[0].code).toBe(32);

		const auth = oauthHeader(sim, 'GET', url, userCreds(sim, alice));
		const wrongKey = auth.replace(/oauth_consumer_key="[^"]+"/, 'oauth_consumer_key="someoneelse"');
		expect((await request(url, { headers: { authorization: wrongKey } })).status).toBe(401);

		const first = await request(url, { headers: { authorization: auth } });
		expect(first.status).toBe(204);
		const replayed = await request(url, { headers: { authorization: auth } });
		expect(replayed.status).toBe(401);
		expect(errorsOf(replayed)[0].code).toBe(32);

		// The client's clock is 20 minutes behind: a correctly signed request with a stale timestamp.
		const oauth = oauthClient(sim);
		oauth.getTimeStamp = () => Math.floor(Date.now() / 1000) - 20 * 60;
		const creds = userCreds(sim, alice);
		const stale = oauth.toHeader(
			oauth.authorize({ url, method: 'GET' }, { key: creds.token, secret: creds.secret }),
		).Authorization;
		const res = await request(url, { headers: { authorization: stale } });
		expect(res.status).toBe(401);
		expect(errorsOf(res)).toEqual([{ code: 135, message: 'Timestamp out of bounds.' }]);
	});

	it('answers 89 for a revoked user and 400/215 without credentials', async () => {
		const carol = '4337869213';
		expect((await signed(sim, 'POST', subPath(), userCreds(sim, carol))).status).toBe(204);
		sim.revokeUser(carol);
		expect(sim.subscriptions(webhookId)).not.toContain(carol);
		const res = await signed(sim, 'GET', subPath(), userCreds(sim, carol));
		expect(res.status).toBe(401);
		expect(errorsOf(res)).toEqual([{ code: 89, message: 'Invalid or expired token.' }]);
		const none = await request(sim.baseUrl + subPath());
		expect(none.status).toBe(400);
		expect(errorsOf(none)[0].code).toBe(215);
	});

	it('enforces the auth kind per endpoint', async () => {
		// Bearer on a user-context endpoint
		const b = await bearer(sim, 'GET', subPath());
		expect(b.status).toBe(403);
		expect(errorsOf(b)[0].code).toBe(220);
		// user OAuth1 on a Bearer endpoint
		const u = await signed(
			sim,
			'GET',
			'/1.1/account_activity/webhooks.json',
			userCreds(sim, alice),
		);
		expect(u.status).toBe(403);
		expect(errorsOf(u)[0].code).toBe(200);
		// a non-owner user token on an app-owner endpoint
		const nonOwner = await signed(
			sim,
			'DELETE',
			`/1.1/account_activity/webhooks/${webhookId}.json`,
			userCreds(sim, alice),
		);
		expect(nonOwner.status).toBe(403);
		expect(sim.webhooks().map((w) => w.id)).toContain(webhookId);
		// v2: OAuth1 on a Bearer-only endpoint
		const v2 = await signed(sim, 'GET', '/2/webhooks', userCreds(sim, alice));
		expect(v2.status).toBe(403);
		expect((v2.json as { title: string }).title).toBe('Unsupported Authentication');
	});

	it('issues the bearer token for Basic consumer credentials and checks it', async () => {
		const basic = Buffer.from(
			`${encodeURIComponent(sim.app.consumerKey)}:${encodeURIComponent(sim.app.consumerSecret)}`,
		).toString('base64');
		const res = await request(`${sim.baseUrl}/oauth2/token`, {
			method: 'POST',
			headers: {
				authorization: `Basic ${basic}`,
				'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
			},
			body: 'grant_type=client_credentials',
		});
		expect(res.status).toBe(200);
		expect(res.json).toEqual({ token_type: 'bearer', access_token: sim.app.bearerToken });

		const wrong = Buffer.from(`${sim.app.consumerKey}:nope`).toString('base64');
		const denied = await request(`${sim.baseUrl}/oauth2/token`, {
			method: 'POST',
			headers: {
				authorization: `Basic ${wrong}`,
				'content-type': 'application/x-www-form-urlencoded',
			},
			body: 'grant_type=client_credentials',
		});
		expect(denied.status).toBe(403);
		expect(errorsOf(denied)[0].code).toBe(99);

		const list = await request(`${sim.baseUrl}/1.1/account_activity/webhooks.json`, {
			headers: { authorization: `Bearer ${(res.json as { access_token: string }).access_token}` },
		});
		expect(list.status).toBe(200);
		const bad = await request(`${sim.baseUrl}/1.1/account_activity/webhooks.json`, {
			headers: { authorization: 'Bearer AAAAnotit' },
		});
		expect(bad.status).toBe(401);
		expect(errorsOf(bad)[0].code).toBe(89);
		const badV2 = await request(`${sim.baseUrl}/2/webhooks`, {
			headers: { authorization: 'Bearer AAAAnotit' },
		});
		expect(badV2.status).toBe(401);
		expect((badV2.json as { title: string }).title).toBe('Unauthorized');
	});

	it('never writes a secret into the request log', () => {
		const text = JSON.stringify(sim.requestLog);
		for (const u of sim.users()) {
			expect(text).not.toContain(u.secret);
			expect(text).not.toContain(u.token);
		}
		expect(text).not.toContain(sim.app.consumerSecret);
		expect(text).not.toContain(sim.app.bearerToken);
	});
});
