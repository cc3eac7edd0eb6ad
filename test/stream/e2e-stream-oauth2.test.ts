/**
 * The X Activity Stream Trigger's XAA activation inside a real n8n 2.41 (needs `npm run build`),
 * with "XAA User Authentication" set to OAuth 2.0: the X Activity OAuth2 API credential's token,
 * pre-seeded and already expired, is refreshed by n8n's OAuth2 machinery, every create is made
 * with it (without webhook_id), a mention arrives over the stream, and deactivation leaves
 * nothing; an activation refused halfway (the app's subscription cap) leaves nothing either, and
 * n8n's log names the type and X's answer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startSimulator, type Simulator } from '../../simulator';
import { expiredOAuth2CredentialData, simCredentialData } from '../simulator/helpers';
import * as harness from '../e2e/harness';
import { STREAM_NODE as NODE, streamWorkflow } from './e2e-workflow';
import { until } from './helpers';

jest.setTimeout(180_000);

const WF = 'xStreamE2eO2001';
const WF_HALFWAY = 'xStreamE2eO2002';
const ACTIVITIES = ['mention', 'dm_received', 'like_received'];
// The mention subscription exists already (the first workflow's: same type, same account); reply
// takes the cap's last place, quote is refused.
const HALFWAY_ACTIVITIES = ['mention', 'reply', 'quote'];

describe('X Activity Stream Trigger in a real n8n: OAuth 2.0 user context, all or nothing', () => {
	let sim: Simulator;
	let n8n: harness.RunningN8n | undefined;
	let userFolder: string | undefined;
	const appCred = { id: 'credStreamO2App1', name: 'X simulator (v2)' };
	const o2Cred = { id: 'credStreamO2Usr1', name: 'X simulator OAuth2' };
	const creates = (from = 0) => sim.requestLog.slice(from).filter((r) => r.method === 'POST' && r.path === '/2/activity/subscriptions');

	const workflow = (id: string, nodeId: string, activities: string[]) =>
		streamWorkflow(id, nodeId, { xaaAuth: 'oAuth2', activities }, { xAccountActivityApi: appCred, xActivityOAuth2Api: o2Cred });

	afterAll(async () => {
		await n8n?.stop();
		await sim?.stop();
		if (userFolder) harness.removeUserFolder(userFolder);
	}, 60_000);

	beforeAll(async () => {
		expect(fs.existsSync(path.join(harness.REPO_ROOT, 'dist/nodes/XActivityStreamTrigger/XActivityStreamTrigger.node.js'))).toBe(true); // npm run build first
		// Room for one workflow's three subscriptions and one of a second one's: the second fails halfway.
		sim = await startSimulator({ stream: { keepAliveMs: 1000 }, xaa: { subscriptionLimit: ACTIVITIES.length + 1 } });
		await harness.ensureN8n();
		userFolder = await harness.prepareUserFolder();
		await harness.importCredential(userFolder, { ...appCred, type: 'xAccountActivityApi', data: simCredentialData(sim, 'v2') });
		// X issued this token earlier; it has expired since (the simulator answers 401 to it).
		await harness.importCredential(userFolder, { ...o2Cred, type: 'xActivityOAuth2Api', data: expiredOAuth2CredentialData(sim).data });
		await harness.importWorkflow(userFolder, workflow(WF, 'c1b2c3d4-0000-4000-8000-000000000001', ACTIVITIES));
		await harness.importWorkflow(userFolder, workflow(WF_HALFWAY, 'c1b2c3d4-0000-4000-8000-000000000002', HALFWAY_ACTIVITIES));
		n8n = await harness.startN8n({ userFolder });
	}, 15 * 60 * 1000);

	it('the expired token is refreshed through n8n, every create is made with it (no webhook_id), a mention arrives, deactivation leaves nothing', async () => {
		const before = sim.requestLog.length;
		await harness.activateWorkflow(n8n!, WF);
		const log = sim.requestLog.slice(before);
		expect(log.some((r) => r.path === '/2/users/me' && r.status === 401)).toBe(true);
		expect(log.filter((r) => r.path === '/2/oauth2/token').map((r) => r.status)).toEqual([200]);
		expect(creates(before).map((c) => [c.status, c.auth])).toEqual(ACTIVITIES.map(() => [200, 'oauth2-user']));
		const subs = sim.xaaSubscriptions();
		expect(subs.map((s) => s.event_type).sort()).toEqual(['dm.received', 'like.create', 'post.mention.create']);
		expect(subs.every((s) => s.webhook_id === undefined && s.filter.user_id === sim.app.ownerUserId)).toBe(true);

		await sim.stream.waitForConnections(1, 30_000);
		await sim.emitXaa('post.mention.create', { userId: sim.app.ownerUserId });
		const runs = await harness.waitForExecutions(userFolder!, { workflowId: WF, count: 1, timeoutMs: 60_000 });
		expect(harness.nodeOutputItems(runs[0], NODE).map((i) => i.json.activity)).toEqual(['mention']);

		await harness.deactivateWorkflow(n8n!, WF);
		expect(sim.xaaSubscriptions()).toEqual([]);
		await sim.stream.waitForConnections(0);
	});

	it('an activation refused halfway (the cap) names the type and the reason, and leaves nothing of its own', async () => {
		await harness.activateWorkflow(n8n!, WF); // takes three of the cap's four
		const keep = sim.xaaSubscriptions().map((s) => s.subscription_id);
		expect(keep).toHaveLength(ACTIVITIES.length);
		const before = sim.requestLog.length;
		const connectsBefore = sim.stream.connects.length;
		// n8n reports a trigger's activation failure in its log (and retries it later), not to the caller
		await harness.activateWorkflow(n8n!, WF_HALFWAY).catch(() => undefined);
		const logged = () => fs.readFileSync(path.join(userFolder!, 'n8n.log'), 'utf8');
		await until(() => /XAA subscription for [a-z_.]+ failed: X answered 400 SubscriptionLimitExceeded/.test(logged()), 30_000, 'n8n names the type and the reason');
		expect(creates(before).slice(0, 2).map((c) => [c.status, c.auth])).toEqual([
			[200, 'oauth2-user'],
			[400, 'oauth2-user'],
		]); // reply made, quote refused
		expect(sim.xaaSubscriptions().map((s) => s.subscription_id)).toEqual(keep); // the one made was deleted again
		expect(sim.stream.connects.length).toBe(connectsBefore); // and no stream was opened for it
		await harness.deactivateWorkflow(n8n!, WF_HALFWAY).catch(() => undefined);
		await harness.deactivateWorkflow(n8n!, WF);
		expect(sim.xaaSubscriptions()).toEqual([]);
	});
});
