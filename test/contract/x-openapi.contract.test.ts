/**
 * The client and the simulator held to X's published OpenAPI (test/fixtures/openapi-x-v2-subset.json):
 * every request the client sends to /2/activity, /2/webhooks and /2/account_activity and every
 * answer the simulator gives there is validated (parameters, bodies, status, media type and the
 * security scheme per operation); and each covered operation is probed with every auth scheme:
 * the simulator must accept exactly the schemes the document lists.
 */
import { XClient } from '../../client/x-client';
import { startSimulator, type Simulator } from '../../simulator';
import { oauthHeader, request, simAppCredentials, startReceiver, type Receiver } from '../simulator/helpers';
import { OpenApiContract, type SecurityScheme } from './openapi';
import { COVERED_OPERATIONS, NOT_YET_COVERED, type ProbeWorld } from './operations';
import { startRecorder, type Recorder } from './recorder';

const contract = new OpenApiContract();
const SURFACE = /^\/2\/(activity|webhooks|account_activity)(\/|$)/;

describe("X's OpenAPI document", () => {
	it('every operation under the three surfaces is covered, or listed with who covers it', () => {
		const ops = contract.operations.filter((o) => SURFACE.test(o.path)).map((o) => o.operationId);
		const listed = [...COVERED_OPERATIONS.map((c) => c.operationId), ...Object.keys(NOT_YET_COVERED)];
		expect([...ops].sort()).toEqual([...listed].sort());
	});

	it('catches a response that departs from it (the validator is live)', () => {
		const base = { method: 'GET', path: '/2/activity/subscriptions', query: new URLSearchParams(), scheme: 'BearerToken' as const, status: 200, contentType: 'application/json' };
		expect(contract.validate({ ...base, responseBody: JSON.stringify({ data: [{ subscription_id: '1', event_type: 'post.create' }] }) })).toEqual([]);
		expect(contract.validate({ ...base, responseBody: JSON.stringify({ data: [{ subscription_id: 1 }] }) }).join()).toMatch(/must be string/);
		expect(contract.validate({ ...base, scheme: 'UserToken', method: 'DELETE', path: '/2/activity/subscriptions/1', responseBody: '{"data":{"deleted":true}}' }).join()).toMatch(
			/authenticated with UserToken; the operation accepts BearerToken/,
		);
	});
});

describe('client ↔ simulator against the OpenAPI', () => {
	let sim: Simulator;
	let receiver: Receiver;
	let recorder: Recorder;
	const oauth2Scopes = new Map<string, string[]>();

	beforeAll(async () => {
		sim = await startSimulator();
		receiver = await startReceiver(sim.app.consumerSecret);
		recorder = await startRecorder(sim.baseUrl, (authorization) => {
			if (!authorization) return { scheme: 'none' };
			if (/^OAuth /i.test(authorization)) return { scheme: 'UserToken' };
			const token = authorization.replace(/^Bearer\s+/i, '');
			if (token === sim.app.bearerToken) return { scheme: 'BearerToken' };
			return { scheme: 'OAuth2UserToken', grantedScopes: oauth2Scopes.get(token) };
		});
	});
	afterAll(async () => {
		await recorder.close();
		await sim.stop();
		await receiver.close();
	});

	it('every request the client sends and every answer the simulator gives conforms, and the scenario reaches every covered operation', async () => {
		const client = new XClient(simAppCredentials(sim, 'v2', { bearerToken: sim.app.bearerToken, baseUrl: recorder.url }), {
			retry: { retries: 0 },
			timeoutMs: 5000,
		});
		const owner = sim.app.ownerUserId;
		const ownerToken = { token: sim.app.accessToken, secret: sim.app.accessTokenSecret };
		const o2 = sim.issueOAuth2Token(owner);
		oauth2Scopes.set(o2.access_token, o2.scope.split(' '));

		const hook = await client.registerWebhook(receiver.url);
		await client.listWebhooks();
		await client.triggerCrc(hook.id);
		await client.subscribe({ webhookId: hook.id });
		await client.checkSubscription({ webhookId: hook.id });
		await client.listSubscriptions({ webhookId: hook.id });
		await client.countSubscriptions();
		await client.unsubscribe({ webhookId: hook.id, userId: owner });
		await client.startReplay({ webhookId: hook.id, from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() - 600_000) });

		const pub = await client.xaa.create({ eventType: 'post.create', filter: { userId: owner }, webhookId: hook.id, tag: 'contract' });
		const priv1 = await client.xaa.create({ eventType: 'dm.received', filter: { userId: owner }, webhookId: hook.id, user: ownerToken });
		const priv2 = await client.xaa.create({ eventType: 'like.create', filter: { userId: owner }, webhookId: hook.id, oauth2: { accessToken: o2.access_token, scopes: o2.scope } });
		const again = await client.xaa.create({ eventType: 'post.create', filter: { userId: owner }, webhookId: hook.id }); // 400 duplicate, found by listing
		expect(again).toMatchObject({ id: pub.id, alreadyExisted: true });
		await client.xaa.list({ maxResults: 2 });
		await client.xaa.listAll();
		await client.xaa.update(pub.id, { tag: 'contract-2' });
		await client.xaa.delete(priv1.id);
		await client.xaa.deleteMany([priv2.id, pub.id, '1460000000000999998']);
		await client.deleteWebhook(hook.id);

		const problems = recorder.exchanges.flatMap((x) => contract.validate(x));
		expect(problems).toEqual([]);
		const reached = new Set(recorder.exchanges.map((x) => contract.operationFor(x.method, x.path)?.operationId));
		expect(COVERED_OPERATIONS.map((c) => c.operationId).filter((id) => !reached.has(id))).toEqual([]);
		expect(recorder.exchanges.some((x) => x.status === 400)).toBe(true); // error bodies were checked too
	});

	it('the simulator accepts exactly the auth schemes each operation lists', async () => {
		const hook = (await request(`${sim.baseUrl}/2/webhooks`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sim.app.bearerToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ url: receiver.url + '/probe' }),
		}).then((r) => r.json)) as { data: { id: string } };
		// every scope any covered operation lists for OAuth2UserToken (AAA subscribe needs dm.write)
		const o2 = sim.issueOAuth2Token(sim.app.ownerUserId, {
			scopes: [...new Set(contract.operations.flatMap((o) => o.security.flatMap((s) => s.scopes)))],
		});
		oauth2Scopes.set(o2.access_token, o2.scope.split(' '));
		let n = 0;
		const world: ProbeWorld = {
			webhookId: hook.data.id,
			ownerUserId: sim.app.ownerUserId,
			receiverUrl: receiver.url + '/probe',
			freshSubscription: async () => {
				const r = await request(`${sim.baseUrl}/2/activity/subscriptions`, {
					method: 'POST',
					headers: { authorization: `Bearer ${sim.app.bearerToken}`, 'content-type': 'application/json' },
					body: JSON.stringify({ event_type: 'profile.update.bio', filter: { user_id: String(2_000_000_000 + n++) } }),
				});
				return (r.json as { data: { subscription: { subscription_id: string } } }).data.subscription.subscription_id;
			},
		};
		const schemes: SecurityScheme[] = ['BearerToken', 'UserToken', 'OAuth2UserToken'];
		const verdicts: string[] = [];
		const problems: string[] = [];
		for (const covered of COVERED_OPERATIONS) {
			const op = contract.operations.find((o) => o.operationId === covered.operationId)!;
			for (const scheme of schemes) {
				const probe = await covered.probe(world);
				const qs = probe.query ? '?' + new URLSearchParams(probe.query).toString() : '';
				const url = `${recorder.url}${probe.path}${qs}`;
				const authorization =
					scheme === 'BearerToken'
						? `Bearer ${sim.app.bearerToken}`
						: scheme === 'OAuth2UserToken'
							? `Bearer ${o2.access_token}`
							: oauthHeader(sim, probe.method, url, { token: sim.app.accessToken, secret: sim.app.accessTokenSecret });
				const before = recorder.exchanges.length;
				const res = await request(url, {
					method: probe.method,
					headers: { authorization, ...(probe.body !== undefined ? { 'content-type': 'application/json' } : {}) },
					body: probe.body !== undefined ? JSON.stringify(probe.body) : undefined,
				});
				const refusedAuth = res.status === 401 || (res.status === 403 && /unsupported-authentication/.test(res.text));
				const listed = op.security.some((s) => s.scheme === scheme);
				verdicts.push(`${covered.operationId} ${scheme}: ${listed ? 'accepted' : 'refused'} → ${refusedAuth ? 'refused' : 'accepted'} (${res.status})`);
				// answers are held to the document whatever the scheme
				for (const x of recorder.exchanges.slice(before)) {
					problems.push(...contract.validate(x).filter((p) => listed || !/authenticated with/.test(p)));
				}
			}
		}
		expect(verdicts.filter((v) => !/: (accepted → accepted|refused → refused)/.test(v))).toEqual([]);
		expect(problems).toEqual([]);
	});
});
