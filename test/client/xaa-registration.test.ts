/**
 * Trigger activation in XAA mode, n8n aside: the fewest subscriptions, per-type auth, all or
 * nothing (rolled back, the failing type named), and re-activation once the cause is fixed.
 */
import { XaaAuthError } from '../../client/xaa-client';
import { ensureXaaSubscriptions, removeXaaSubscriptions, XaaActivationError } from '../../client/xaa-registration';
import { XClient } from '../../client/x-client';
import { xaaSpecsForActivities, xaaSubscriptionCount } from '../../nodes/XAccountActivityTrigger/xaa-activities';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator';
import { simAppCredentials, startReceiver, type Receiver } from '../simulator/helpers';

const TAG = 'n8n:wf1:node1';
const fast = { retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 3000 };

async function setup(opts: SimulatorOptions = {}) {
	const sim = await startSimulator(opts);
	const receiver: Receiver = await startReceiver(sim.app.consumerSecret);
	const client = new XClient(simAppCredentials(sim, 'v2'), fast);
	const hook = await client.registerWebhook(receiver.url);
	const owner = { token: sim.app.accessToken, secret: sim.app.accessTokenSecret };
	const stop = async () => {
		await sim.stop();
		await receiver.close();
	};
	return { sim, client, hookId: hook.id, owner, stop };
}

const creates = (sim: Simulator) => sim.requestLog.filter((r) => r.method === 'POST' && r.path === '/2/activity/subscriptions');

describe('XAA activation: all or nothing, the fewest subscriptions', () => {
	it('default activities with the OAuth 1.0a owner token: every create accepted, count as the notice says, all tagged', async () => {
		const { sim, client, hookId, owner, stop } = await setup();
		try {
			const specs = xaaSpecsForActivities([], sim.app.ownerUserId);
			expect(specs).toHaveLength(xaaSubscriptionCount([]));
			expect(specs.filter((s) => s.eventType === 'like.create')).toEqual([{ eventType: 'like.create', filter: { userId: sim.app.ownerUserId } }]);
			expect(specs.filter((s) => s.eventType === 'follow.follow')).toHaveLength(1);
			const r = await ensureXaaSubscriptions(client, specs, { tag: TAG, webhookId: hookId, user: owner });
			expect(r).toMatchObject({ created: specs.length, existing: 0 });
			expect(creates(sim).map((c) => c.status)).toEqual(specs.map(() => 200));
			expect(sim.xaaSubscriptions().every((s) => s.tag === TAG && s.webhook_id === hookId)).toBe(true);
			expect(await removeXaaSubscriptions(client, TAG)).toBe(specs.length);
			expect(sim.xaaSubscriptions()).toEqual([]);
		} finally {
			await stop();
		}
	});

	it('the same with an OAuth 2.0 user token holding the default scopes', async () => {
		const { sim, client, hookId, stop } = await setup();
		try {
			const t = sim.issueOAuth2Token(sim.app.ownerUserId);
			const specs = xaaSpecsForActivities([], sim.app.ownerUserId);
			const r = await ensureXaaSubscriptions(client, specs, { tag: TAG, webhookId: hookId, oauth2: { accessToken: t.access_token, scopes: t.scope } });
			expect(r.created).toBe(specs.length);
			expect(new Set(creates(sim).map((c) => c.auth))).toEqual(new Set(['oauth2-user']));
		} finally {
			await stop();
		}
	});

	it('a private type without a user token, or a scope the token lacks, is refused before anything is sent; fixed, it activates', async () => {
		const { sim, client, hookId, stop } = await setup();
		try {
			const specs = xaaSpecsForActivities(['own_tweet', 'mention', 'like_received'], sim.app.ownerUserId);
			const noToken = await ensureXaaSubscriptions(client, specs, { tag: TAG, webhookId: hookId }).catch((e: unknown) => e);
			expect(noToken).toBeInstanceOf(XaaAuthError);
			expect((noToken as XaaAuthError).message).toMatch(/post.mention.create is a private XAA event type/);
			const narrow = sim.issueOAuth2Token(sim.app.ownerUserId, { scopes: ['tweet.read', 'users.read'] });
			const noScope = await ensureXaaSubscriptions(client, specs, {
				tag: TAG,
				webhookId: hookId,
				oauth2: { accessToken: narrow.access_token, scopes: narrow.scope },
			}).catch((e: unknown) => e);
			expect(noScope).toMatchObject({ eventType: 'like.create', missing: 'scope', scope: 'like.read' });
			expect(creates(sim)).toEqual([]);

			const full = sim.issueOAuth2Token(sim.app.ownerUserId);
			const ok = await ensureXaaSubscriptions(client, specs, { tag: TAG, webhookId: hookId, oauth2: { accessToken: full.access_token, scopes: full.scope } });
			expect(ok.created).toBe(3);
		} finally {
			await stop();
		}
	});

	it('fails halfway at the cap: deletes what this attempt created and names the type and X reason', async () => {
		const { sim, client, hookId, owner, stop } = await setup({ xaa: { subscriptionLimit: 5 } });
		try {
			const specs = xaaSpecsForActivities([], sim.app.ownerUserId);
			const err = (await ensureXaaSubscriptions(client, specs, { tag: TAG, webhookId: hookId, user: owner }).catch((e: unknown) => e)) as XaaActivationError;
			expect(err).toBeInstanceOf(XaaActivationError);
			expect(err.eventType).toBe(specs[5].eventType);
			expect(err.message).toContain(`XAA subscription for ${specs[5].eventType} failed: X answered 400 SubscriptionLimitExceeded`);
			expect(err.message).toMatch(/The 5 subscription\(s\) this activation had created were deleted again/);
			expect(err.rolledBack).toBe(5);
			expect(sim.xaaSubscriptions()).toEqual([]);
		} finally {
			await stop();
		}
	});

	it("X refusing a private type (another user's token) rolls back what was created; with the right token it activates", async () => {
		const { sim, client, hookId, owner, stop } = await setup();
		try {
			const other = sim.users().find((u) => u.id !== sim.app.ownerUserId)!;
			const specs = xaaSpecsForActivities(['own_tweet', 'tweet_deleted', 'mention'], sim.app.ownerUserId);
			const err = (await ensureXaaSubscriptions(client, specs, {
				tag: TAG,
				webhookId: hookId,
				user: { token: other.token, secret: other.secret },
			}).catch((e: unknown) => e)) as XaaActivationError;
			expect(err).toBeInstanceOf(XaaActivationError);
			expect(err.message).toMatch(/^XAA subscription for post.mention.create failed: X answered 403/);
			expect(err.message).toMatch(/The 2 subscription\(s\) this activation had created were deleted again/);
			expect(err.message).not.toContain(other.secret);
			expect(sim.xaaSubscriptions()).toEqual([]);
			expect((await ensureXaaSubscriptions(client, specs, { tag: TAG, webhookId: hookId, user: owner })).created).toBe(3);
		} finally {
			await stop();
		}
	});
});

describe('what the README and the node say about the count', () => {
	it('matches what activation creates for every activity', () => {
		const { readFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
		const readme = readFileSync(require.resolve('../../README.md'), 'utf8');
		expect(readme).toContain(`activation creates ${xaaSubscriptionCount([])} subscriptions`);
		expect(readme).toContain(`(${xaaSubscriptionCount([])} for all)`);
		expect(readme).not.toMatch(/2027-01-01/);
	});
});
