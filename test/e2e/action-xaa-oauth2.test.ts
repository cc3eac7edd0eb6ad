/**
 * The action node's Activity Subscription (XAA) → Create with Authentication: OAuth 2.0 inside a
 * real n8n 2.x: the X Activity OAuth2 API credential's token has expired, X answers 401, n8n's
 * OAuth2 machinery refreshes it at the token URL and the create goes through in the user's
 * context; a second identical create is recognised as the existing subscription (listed and
 * matched by content), not reported as a failure.
 *
 * Needs the credential type `xActivityOAuth2Api` (credentials/XActivityOAuth2Api.credentials.ts)
 * built into dist/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startSimulator, type Simulator } from '../../simulator';
import { expiredOAuth2CredentialData, request, simCredentialData } from '../simulator/helpers';
import * as harness from './harness';
import type { RunningN8n } from './harness';

jest.setTimeout(240_000);

const WORKFLOW_ID = 'xActionXaaO2e01';
const APP = { id: 'credActApp000001', name: 'X simulator (v2)' };
const OAUTH2 = { id: 'credActO2000001', name: 'X simulator OAuth2' };

describe('action node, XAA Create with the OAuth 2.0 credential, in a real n8n', () => {
	let sim: Simulator;
	let userFolder: string | undefined;
	let n8n: RunningN8n | undefined;
	let seeded: { access_token: string; refresh_token?: string; scope: string };

	const createNode = (id: string, name: string, x: number) => ({
		id,
		name,
		type: 'n8n-nodes-x-account-activity.xAccountActivity',
		typeVersion: 1,
		position: [x, 0],
		parameters: {
			resource: 'activitySubscription',
			operation: 'create',
			eventType: 'dm.received',
			userId: sim.app.ownerUserId,
			userAuthentication: 'oAuth2',
			tag: 'oauth2-e2e',
		},
		credentials: { xAccountActivityApi: APP, xActivityOAuth2Api: OAUTH2 },
	});

	beforeAll(
		async () => {
			const built = path.join(
				harness.REPO_ROOT,
				'dist/credentials/XActivityOAuth2Api.credentials.js',
			);
			expect(fs.existsSync(built)).toBe(true); // npm run build first
			sim = await startSimulator();
			await harness.ensureN8n();
			userFolder = await harness.prepareUserFolder();
			await harness.importCredential(userFolder, {
				...APP,
				type: 'xAccountActivityApi',
				data: simCredentialData(sim, 'v2'),
			});
			// X issued this token earlier; it has expired since (the simulator answers 401 to it).
			const o2 = expiredOAuth2CredentialData(sim);
			seeded = o2.seeded;
			await harness.importCredential(userFolder, { ...OAUTH2, type: 'xActivityOAuth2Api', data: o2.data });
			await harness.importWorkflow(userFolder, {
				id: WORKFLOW_ID,
				name: 'XAA subscription with OAuth 2.0',
				nodes: [
					{
						id: 'c1000000-0000-4000-8000-000000000001',
						name: 'On request',
						type: 'n8n-nodes-base.webhook',
						typeVersion: 2,
						position: [0, 0],
						webhookId: 'x-aaa-action-oauth2-e2e',
						parameters: {
							httpMethod: 'POST',
							path: 'xaa-oauth2',
							responseMode: 'onReceived',
							options: {},
						},
					},
					createNode('c1000000-0000-4000-8000-000000000002', 'Create', 200),
					createNode('c1000000-0000-4000-8000-000000000003', 'Create again', 400),
				],
				connections: {
					'On request': { main: [[{ node: 'Create', type: 'main', index: 0 }]] },
					Create: { main: [[{ node: 'Create again', type: 'main', index: 0 }]] },
				},
				settings: { saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
			});
			await harness.publishWorkflow(userFolder, WORKFLOW_ID);
			n8n = await harness.startN8n({ userFolder });
		},
		15 * 60 * 1000,
	);

	afterAll(async () => {
		await n8n?.stop();
		await sim?.stop();
		if (userFolder) harness.removeUserFolder(userFolder);
	}, 60_000);

	it('refreshes the expired token through n8n, creates in the user context, and recognises the duplicate', async () => {
		const before = sim.requestLog.length;
		const res = await request(n8n!.webhookUrl('xaa-oauth2'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}',
		});
		expect(res.status).toBe(200);
		const [run] = await harness.waitForExecutions(userFolder!, {
			workflowId: WORKFLOW_ID,
			count: 1,
			timeoutMs: 60_000,
		});
		expect(run.status).toBe('success');
		const log = sim.requestLog.slice(before);
		const creates = log.filter(
			(r) => r.method === 'POST' && r.path === '/2/activity/subscriptions',
		);
		// expired token refused, refreshed once at the token URL, then the user's own context
		expect(creates[0].status).toBe(401);
		expect(log.filter((r) => r.path === '/2/oauth2/token').map((r) => r.status)).toEqual([200]);
		expect(creates.slice(1).every((c) => c.auth === 'oauth2-user')).toBe(true);

		const first = harness.nodeOutputItems(run, 'Create')[0].json;
		expect(first).toMatchObject({
			event_type: 'dm.received',
			filter: { user_id: sim.app.ownerUserId },
			tag: 'oauth2-e2e',
			already_existed: false,
		});
		expect(harness.nodeOutputItems(run, 'Create again')[0].json).toMatchObject({
			subscription_id: first.subscription_id,
			already_existed: true,
		});
		expect(sim.xaaSubscriptions()).toHaveLength(1);

		const stored = JSON.stringify(run);
		expect(stored).not.toContain(seeded.access_token);
		if (seeded.refresh_token) expect(stored).not.toContain(seeded.refresh_token);
		expect(stored).not.toContain(sim.app.oauth2ClientSecret);
	});
});
