/** The XAA rules X documents, as the simulator enforces them: per-type auth, scopes, direction, caps. */
import { XAA_EVENT_CATALOGUE, XAA_SUBSCRIBABLE_EVENT_TYPES } from '../../client/xaa-event-types';
import { startSimulator, XAA_TIER_CAPS, type Simulator } from '../../simulator';
import { resolveXaaOptions } from '../../simulator/xaa-state';
import { bearer, request, userCreds, oauthHeader } from './helpers';

const P = '/2/activity/subscriptions';
let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator();
});
afterAll(() => sim.stop());

const owner = () => sim.app.ownerUserId;
const filterFor = (t: string) => (XAA_EVENT_CATALOGUE[t as keyof typeof XAA_EVENT_CATALOGUE].filter === 'keyword' ? { keyword: 'rules' } : { user_id: owner() });

async function asUser(body: unknown, id = owner()) {
	const url = sim.baseUrl + P;
	return request(url, {
		method: 'POST',
		headers: { authorization: oauthHeader(sim, 'POST', url, userCreds(sim, id)), 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
}
async function asOAuth2(body: unknown, scopes?: string[]) {
	const t = sim.issueOAuth2Token(owner(), scopes ? { scopes } : {});
	return request(sim.baseUrl + P, {
		method: 'POST',
		headers: { authorization: `Bearer ${t.access_token}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
}

test('app Bearer creates exactly the public types; every private type needs user context', async () => {
	for (const t of XAA_SUBSCRIBABLE_EVENT_TYPES) {
		const res = await bearer(sim, 'POST', P, { event_type: t, filter: filterFor(t), tag: 'bearer' });
		const pub = XAA_EVENT_CATALOGUE[t].visibility === 'public';
		expect({ t, status: res.status }).toEqual({ t, status: pub ? 200 : 403 });
		if (!pub) expect(res.text).toContain(`event_type ${t}`);
	}
});

test("user context (OAuth 1.0a or OAuth 2.0 with the type's scope) creates every type for the user's own id", async () => {
	for (const t of XAA_SUBSCRIBABLE_EVENT_TYPES) {
		const o1 = await asUser({ event_type: t, filter: filterFor(t), tag: 'o1' });
		// created now, or already created with the app Bearer above (same type and filter)
		const created = o1.status === 200 || (o1.status === 400 && /DuplicateSubscriptionFailed/.test(o1.text));
		expect({ t, status: o1.status, created }).toEqual({ t, status: o1.status, created: true });
	}
	const res = await asOAuth2({ event_type: 'broadcast.chat', filter: { user_id: owner() } }, ['tweet.read']);
	expect(res.status).toBe(403);
	expect(res.text).toContain('broadcast.read');
	const other = sim.users().find((u) => u.id !== owner())!;
	const foreign = await asUser({ event_type: 'dm.received', filter: { user_id: owner() } }, other.id);
	expect(foreign.status).toBe(403);
});

test('direction is accepted for like.create only', async () => {
	const like = await asUser({ event_type: 'like.create', filter: { user_id: owner(), direction: 'inbound' } });
	expect(like.status).toBe(200);
	for (const t of ['follow.follow', 'follow.unfollow', 'mute.mute', 'post.mention.create']) {
		const res = await asUser({ event_type: t, filter: { user_id: owner(), direction: 'inbound' } });
		expect({ t, status: res.status }).toEqual({ t, status: 400 });
	}
});

test("caps are X's per tier, overridable for tests", () => {
	expect(XAA_TIER_CAPS).toEqual({ 'self-serve': 1500, enterprise: 75_000, partner: 150_000 });
	expect(resolveXaaOptions().subscriptionLimit).toBe(1500);
	expect(resolveXaaOptions({ tier: 'enterprise' }).subscriptionLimit).toBe(75_000);
	expect(resolveXaaOptions({ tier: 'partner' }).subscriptionLimit).toBe(150_000);
	expect(resolveXaaOptions({ tier: 'partner', subscriptionLimit: 3 }).subscriptionLimit).toBe(3);
	expect(() => resolveXaaOptions({ tier: 'gold' as never })).toThrow(/xaa.tier/);
});
