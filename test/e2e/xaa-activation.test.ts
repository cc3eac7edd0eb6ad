/**
 * The trigger in XAA mode inside a real n8n 2.x, with the default activities:
 * - OAuth 1.0a (the app credential's access token): every create accepted, the count the node's
 *   notice states, a mention and a DM become executions, deactivation leaves nothing;
 * - OAuth 2.0 (the X Activity OAuth2 API credential, token pre-seeded and already expired): n8n's
 *   OAuth2 machinery refreshes it at the simulator's /2/oauth2/token, then the same;
 * - an activation that fails halfway (the app's subscription cap) leaves nothing behind and says
 *   which type failed and why.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { expiredOAuth2CredentialData, simCredentialData } from '../simulator/helpers';
import { startSimulator, type Simulator } from '../../simulator';
import { xaaSubscriptionCount } from '../../nodes/XAccountActivityTrigger/xaa-activities';
import * as harness from './harness';
import type { RunningN8n } from './harness';

jest.setTimeout(240_000);

const NODE_NAME = 'X Account Activity Trigger';
const DEFAULT_COUNT = xaaSubscriptionCount([]);
// Room for one trigger's subscriptions and part of a second one's: the second fails halfway.
const CAP = DEFAULT_COUNT + 10;

describe('XAA activation in a real n8n: OAuth 1.0a, OAuth 2.0 with refresh, all or nothing', () => {
	let sim: Simulator;
	let userFolder: string | undefined;
	let n8n: RunningN8n | undefined;
	const appCred = { id: 'credXaaApp000001', name: 'X simulator (v2)' };
	const o2Cred = { id: 'credXaaOauth2001', name: 'X simulator OAuth2' };

	const workflow = (id: string, nodeId: string, webhookId: string, parameters: Record<string, unknown>, oauth2 = false) => ({
		id,
		name: `XAA e2e ${id}`,
		nodes: [
			{
				id: nodeId,
				name: NODE_NAME,
				type: 'n8n-nodes-x-account-activity.xAccountActivityTrigger',
				typeVersion: 2,
				position: [0, 0],
				webhookId,
				parameters: { source: 'xaa', outputMode: 'single', options: {}, ...parameters },
				credentials: { xAccountActivityApi: appCred, ...(oauth2 ? { xActivityOAuth2Api: o2Cred } : {}) },
			},
		],
		connections: {},
		settings: { saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
	});
	const tagOf = (wf: string, nodeId: string) => `n8n:${wf}:${nodeId}`;
	const creates = () => sim.requestLog.filter((r) => r.method === 'POST' && r.path === '/2/activity/subscriptions');

	beforeAll(async () => {
		expect(fs.existsSync(path.join(harness.REPO_ROOT, 'dist/credentials/XActivityOAuth2Api.credentials.js'))).toBe(true); // npm run build first
		sim = await startSimulator({ xaa: { subscriptionLimit: CAP } });
		await harness.ensureN8n();
		userFolder = await harness.prepareUserFolder();
		await harness.importCredential(userFolder, { ...appCred, type: 'xAccountActivityApi', data: simCredentialData(sim, 'v2') });
		// X issued this token earlier; it has expired since (the simulator answers 401 to it).
		await harness.importCredential(userFolder, { ...o2Cred, type: 'xActivityOAuth2Api', data: expiredOAuth2CredentialData(sim).data });
		await harness.importWorkflow(userFolder, workflow('xXaaE2eOauth1', 'b1b2c3d4-0000-4000-8000-000000000001', 'x-xaa-oauth1', {}));
		await harness.importWorkflow(userFolder, workflow('xXaaE2eOauth2', 'b1b2c3d4-0000-4000-8000-000000000002', 'x-xaa-oauth2', { xaaAuth: 'oAuth2' }, true));
		await harness.importWorkflow(userFolder, workflow('xXaaE2eHalfway', 'b1b2c3d4-0000-4000-8000-000000000003', 'x-xaa-halfway', {}));
		await harness.publishWorkflow(userFolder, 'xXaaE2eOauth1');
		n8n = await harness.startN8n({ userFolder });
	}, 15 * 60 * 1000);

	afterAll(async () => {
		await n8n?.stop();
		await sim?.stop();
		if (userFolder) harness.removeUserFolder(userFolder);
	}, 60_000);

	async function receivesMentionAndDm(workflowId: string, already: number) {
		const owner = sim.app.ownerUserId;
		await sim.emitXaa('post.mention.create', { userId: owner });
		await sim.emitXaa('dm.received', { userId: owner });
		const runs = await harness.waitForExecutions(userFolder!, { workflowId, count: already + 2, timeoutMs: 60_000 });
		const items = runs.flatMap((r) => harness.nodeOutputItems(r, NODE_NAME).map((i) => i.json as Record<string, unknown>));
		expect(items.map((i) => i.activity).sort()).toEqual(['dm_received', 'mention']);
		for (const i of items) expect(i).toMatchObject({ api: 'xaa', for_user_id: owner });
	}

	it('OAuth 1.0a, default activities: every create accepted, as many as the notice says; a mention and a DM arrive; deactivation leaves nothing', async () => {
		const wf = 'xXaaE2eOauth1';
		expect(creates()).toHaveLength(DEFAULT_COUNT);
		expect(creates().every((c) => c.status === 200 && c.auth === 'oauth1-user')).toBe(true);
		expect(sim.xaaSubscriptions()).toHaveLength(DEFAULT_COUNT);
		expect(new Set(sim.xaaSubscriptions().map((s) => s.tag))).toEqual(new Set([tagOf(wf, 'b1b2c3d4-0000-4000-8000-000000000001')]));
		await receivesMentionAndDm(wf, 0);
		await harness.deactivateWorkflow(n8n!, wf);
		expect(sim.xaaSubscriptions()).toEqual([]);
		expect(sim.webhooks()).toEqual([]);
	});

	it('OAuth 2.0: the expired token is refreshed through n8n, then every create is accepted; deactivation leaves nothing', async () => {
		const wf = 'xXaaE2eOauth2';
		const before = sim.requestLog.length;
		await harness.activateWorkflow(n8n!, wf);
		const log = sim.requestLog.slice(before);
		// the expired token was refused once, refreshed at the token endpoint, and the new one used
		expect(log.some((r) => r.path === '/2/users/me' && r.status === 401)).toBe(true);
		expect(log.filter((r) => r.path === '/2/oauth2/token').map((r) => r.status)).toEqual([200]);
		const made = log.filter((r) => r.method === 'POST' && r.path === '/2/activity/subscriptions');
		expect(made).toHaveLength(DEFAULT_COUNT);
		expect(made.every((c) => c.status === 200 && c.auth === 'oauth2-user')).toBe(true);
		expect(sim.xaaSubscriptions()).toHaveLength(DEFAULT_COUNT);
		await receivesMentionAndDm(wf, 0);
		await harness.deactivateWorkflow(n8n!, wf);
		expect(sim.xaaSubscriptions()).toEqual([]);
		expect(sim.webhooks()).toEqual([]);
	});

	it('an activation that fails halfway (the cap) leaves nothing of its own and names the type and the reason', async () => {
		await harness.activateWorkflow(n8n!, 'xXaaE2eOauth1'); // takes DEFAULT_COUNT of the cap
		const keep = sim.xaaSubscriptions().map((s) => s.subscription_id);
		expect(keep).toHaveLength(DEFAULT_COUNT);
		const hooksBefore = sim.webhooks().map((w) => w.id);

		const failed = await harness.activateWorkflow(n8n!, 'xXaaE2eHalfway').then(
			() => undefined,
			(e: unknown) => e as Error,
		);
		expect(failed).toBeInstanceOf(Error);
		expect(failed!.message).toMatch(/XAA subscription for [a-z_.]+ failed: X answered 400 SubscriptionLimitExceeded/);
		expect(failed!.message).toMatch(/The 10 subscription\(s\) this activation had created were deleted again/);
		// the halfway attempt created 10, then took them back; its webhook is gone too
		expect(sim.xaaSubscriptions().map((s) => s.subscription_id)).toEqual(keep);
		expect(sim.webhooks().map((w) => w.id)).toEqual(hooksBefore);

		await harness.deactivateWorkflow(n8n!, 'xXaaE2eOauth1');
		expect(sim.xaaSubscriptions()).toEqual([]);
		expect(sim.webhooks()).toEqual([]);
	});
});
