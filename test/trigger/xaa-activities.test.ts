/** The trigger's XAA mode: activities → XAA subscriptions, created and removed by tag. */
import { XClient } from '../../client/x-client';
import { validateXaaCreate } from '../../client/xaa-client';
import { ensureXaaSubscriptions, removeXaaSubscriptions, xaaSubscriptionsPresent } from '../../client/xaa-registration';
import { ACTIVITIES } from '../../nodes/XAccountActivityTrigger/activities';
import { xaaSpecsForActivities } from '../../nodes/XAccountActivityTrigger/xaa-activities';
import { startSimulator, type Simulator } from '../../simulator';
import { simAppCredentials, startReceiver, type Receiver } from '../simulator/helpers';

describe('xaaSpecsForActivities', () => {
	it('maps every activity to valid, subscribable XAA subscriptions (or to none, where XAA has no event)', () => {
		const none = new Set(['app_revoked', 'replay_complete', 'replay_incomplete', 'news', 'unknown', 'chat_updated']);
		for (const a of ACTIVITIES) {
			const specs = xaaSpecsForActivities([a.value], '2244994945');
			if (none.has(a.value)) expect({ a: a.value, specs }).toEqual({ a: a.value, specs: [] });
			else expect({ a: a.value, n: specs.length > 0 }).toEqual({ a: a.value, n: true });
			for (const s of specs) expect(() => validateXaaCreate({ ...s, user: { token: 't', secret: 's' } })).not.toThrow();
		}
	});

	it('keeps the AAA vocabulary: mentions, likes received and new followers', () => {
		expect(xaaSpecsForActivities(['mention', 'like_received', 'new_follower'], '1460000000000000001')).toEqual([
			{ eventType: 'post.mention.create', filter: { userId: '1460000000000000001' } },
			{ eventType: 'like.create', filter: { userId: '1460000000000000001' } },
			{ eventType: 'follow.follow', filter: { userId: '1460000000000000001' } },
		]);
		// both sides of a like and of a follow share one subscription each
		expect(xaaSpecsForActivities(['like_received', 'like_given', 'new_follower', 'follow_given'], '1')).toEqual([
			{ eventType: 'like.create', filter: { userId: '1' } },
			{ eventType: 'follow.follow', filter: { userId: '1' } },
		]);
		expect(xaaSpecsForActivities(['profile_updated'], '1')).toHaveLength(9);
	});
});

describe('XAA subscriptions owned by a tag', () => {
	let sim: Simulator;
	let receiver: Receiver;
	let client: XClient;
	beforeAll(async () => {
		sim = await startSimulator();
		receiver = await startReceiver(sim.app.consumerSecret);
		client = new XClient(simAppCredentials(sim, 'v2'));
	});
	afterAll(async () => {
		await sim.stop();
		await receiver.close();
	});

	it('creates what is missing, is idempotent, and removes exactly its own', async () => {
		const hook = await client.registerWebhook(receiver.url);
		const owner = { token: sim.app.accessToken, secret: sim.app.accessTokenSecret };
		const specs = xaaSpecsForActivities(['mention', 'dm_received', 'like_received', 'own_tweet'], sim.app.ownerUserId);
		const foreign = await client.xaa.create({ eventType: 'post.create', filter: { userId: sim.app.ownerUserId }, tag: 'someone-else', webhookId: hook.id });

		const first = await ensureXaaSubscriptions(client, specs, { tag: 'n8n:wf:node', webhookId: hook.id, user: owner });
		// X allows one subscription per type and filter whatever the tag: the foreign one serves post.create
		expect(first).toMatchObject({ created: 3, existing: 1 });
		expect(first.ids).toContain(foreign.id);
		expect(await xaaSubscriptionsPresent(client, specs, hook.id)).toBe(true);
		const again = await ensureXaaSubscriptions(client, specs, { tag: 'n8n:wf:node', webhookId: hook.id, user: owner });
		expect(again).toMatchObject({ created: 0, existing: 4 });
		expect(sim.xaaSubscriptions()).toHaveLength(4);

		expect(await removeXaaSubscriptions(client, 'n8n:wf:node')).toBe(3);
		expect(sim.xaaSubscriptions().map((s) => s.subscription_id)).toEqual([foreign.id]);
		expect(await xaaSubscriptionsPresent(client, specs, hook.id)).toBe(false);
	});
});
