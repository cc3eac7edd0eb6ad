/**
 * The stream trigger's XAA activation is the webhook trigger's: the user context chosen with
 * "XAA User Authentication" (OAuth 1.0a from the app credential, or the X Activity OAuth2 API
 * credential, whose token n8n refreshes through httpRequestWithAuthentication), and all or
 * nothing: an activation refused halfway leaves no subscription and opens no stream.
 */
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator';
import { until } from './helpers';
import { startTrigger, type OAuth2TokenData, type RunningTrigger, type TriggerOptions } from './trigger-harness';

const PARAMS = { xaaAuth: 'oAuth2', activities: ['mention', 'dm_received'], outputMode: 'single', options: { idleTimeoutSeconds: 1 } };

describe('X Activity Stream Trigger: XAA activation with the OAuth 2.0 credential, all or nothing', () => {
	let sim: Simulator;
	const running: RunningTrigger[] = [];
	const boot = async (opts: SimulatorOptions = {}) => {
		sim = await startSimulator({ stream: { keepAliveMs: 200 }, ...opts });
	};
	const start = async (params: Record<string, unknown>, opts: TriggerOptions) => {
		const t = await startTrigger(sim, params, opts);
		running.push(t);
		return t;
	};
	const creates = (from = 0) => sim.requestLog.slice(from).filter((r) => r.method === 'POST' && r.path === '/2/activity/subscriptions');
	afterEach(async () => {
		for (const t of running.splice(0)) await t.close().catch(() => undefined);
		await sim.stop();
	});

	it("activates with the OAuth 2.0 credential's (refreshed) token, receives a mention and a DM on the stream, and closing leaves nothing", async () => {
		await boot();
		const owner = sim.app.ownerUserId;
		// X issued this token earlier; it has expired since: the authenticated /2/users/me refreshes it
		const oauth2: OAuth2TokenData = { ...sim.issueOAuth2Token(owner) };
		const seeded = oauth2.access_token;
		sim.expireOAuth2Token(seeded);
		const authenticated: string[] = [];
		const t = await start(PARAMS, { oauth2, authenticated });

		expect(authenticated).toEqual([`xActivityOAuth2Api GET ${sim.baseUrl}/2/users/me`]);
		expect(oauth2.access_token).not.toBe(seeded); // refreshed, and the fresh one is what subscribed
		const made = creates();
		expect(made.map((c) => [c.status, c.auth])).toEqual([
			[200, 'oauth2-user'],
			[200, 'oauth2-user'],
		]);
		const subs = sim.xaaSubscriptions();
		expect(subs.map((s) => s.event_type).sort()).toEqual(['dm.received', 'post.mention.create']);
		for (const s of subs) expect(s).toMatchObject({ tag: 'n8n:wf-1:node-1', filter: { user_id: owner } });
		expect(subs.every((s) => s.webhook_id === undefined)).toBe(true); // the stream only

		await sim.stream.waitForConnections(1);
		await sim.emitXaa('post.mention.create', { userId: owner });
		await sim.emitXaa('dm.received', { userId: owner });
		await until(() => t.emitted.length === 2, 5000, 'two executions');
		expect(t.emitted.map((e) => e.items[0].activity)).toEqual(['mention', 'dm_received']);

		await t.close();
		running.splice(running.indexOf(t), 1);
		expect(sim.xaaSubscriptions()).toEqual([]);
		await until(() => sim.stream.connections().length === 0, 3000, 'stream closed');
	});

	it('a create refused halfway (the subscription cap) fails activation naming the type, and leaves no subscription and no stream', async () => {
		await boot({ xaa: { subscriptionLimit: 1 } });
		const oauth2: OAuth2TokenData = { ...sim.issueOAuth2Token(sim.app.ownerUserId) };
		await expect(start(PARAMS, { oauth2 })).rejects.toThrow(/dm\.received/);
		expect(creates().map((c) => c.status)).toEqual([200, expect.any(Number)]); // the first was created, the second refused
		expect(creates()[1].status).toBeGreaterThanOrEqual(400);
		expect(sim.xaaSubscriptions()).toEqual([]);
		expect(sim.stream.connects).toEqual([]);
	});

	it("a token without a type's scope fails activation naming the scope, and leaves nothing", async () => {
		await boot();
		// tweet.read covers mentions; dm.read (for dm.received) was not granted
		const oauth2: OAuth2TokenData = { ...sim.issueOAuth2Token(sim.app.ownerUserId, { scopes: ['tweet.read', 'users.read', 'offline.access'] }) };
		await expect(start(PARAMS, { oauth2 })).rejects.toThrow(/dm\.read/);
		expect(sim.xaaSubscriptions()).toEqual([]);
		expect(sim.stream.connects).toEqual([]);
	});

	it('OAuth 1.0a stays the default: the app credential\'s access token subscribes, no OAuth 2.0 credential asked for', async () => {
		await boot();
		const authenticated: string[] = [];
		await start({ ...PARAMS, xaaAuth: undefined }, { authenticated });
		expect(authenticated).toEqual([]);
		expect(creates().map((c) => c.auth)).toEqual(['oauth1-user', 'oauth1-user']);
	});
});
