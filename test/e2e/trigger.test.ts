/**
 * The trigger inside a real n8n 2.x: activation registers the webhook with the simulator (a real
 * CRC round trip to n8n) and subscribes the account; signed events of every kind become
 * executions with the expected items; forged, unsigned and oracle-derived requests start
 * nothing; deactivation removes what the node created.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { request, simAppCredentials, simCredentialData } from '../simulator/helpers';
import { XClient } from '../../client/x-client';
import type { ApiFlavour } from '../../client/types';
import { signWebhookPayload, crcResponse } from '../../client/webhook-signature';
import { startSimulator, type Simulator, type EmitKind } from '../../simulator';
import {
	deactivateWorkflow,
	ensureN8n,
	freePort,
	importCredential,
	importWorkflow,
	listExecutions,
	nodeOutputItems,
	prepareUserFolder,
	publishWorkflow,
	removeUserFolder,
	REPO_ROOT,
	startN8n,
	waitForExecutions,
	type RunningN8n,
} from './harness';

// Real n8n on a 2-core machine, possibly busy: generous per-test time.
jest.setTimeout(180_000);

const WORKFLOW_ID = 'xTriggerE2e01';
const WEBHOOK_ID = 'x-aaa-trigger-e2e';
const NODE_NAME = 'X Account Activity Trigger';
const TIMEOUT = 15 * 60 * 1000;

/** What each simulator event kind must become, relative to the subscribed owner. */
const EXPECTED: Array<[EmitKind, string, string]> = [
	['mention', 'tweet_create', 'mention'],
	['reply', 'tweet_create', 'reply'],
	['retweet', 'tweet_create', 'retweet'],
	['quote', 'tweet_create', 'quote'],
	['tweet', 'tweet_create', 'own_tweet'],
	['like', 'favorite', 'like_received'],
	['follow', 'follow', 'new_follower'],
	['unfollow', 'follow', 'unfollow'],
	['block', 'block', 'block'],
	['unblock', 'block', 'unblock'],
	['mute', 'mute', 'mute'],
	['unmute', 'mute', 'unmute'],
	['dm', 'direct_message', 'dm_received'],
	['typing', 'direct_message_indicate_typing', 'typing'],
	['read', 'direct_message_mark_read', 'read'],
	['delete', 'tweet_delete', 'tweet_deleted'],
];

/** A user folder with the simulator credential and one published workflow holding the trigger. */
async function prepareTriggerWorkflow(
	sim: Simulator,
	o: { workflowId: string; nodeId: string; webhookId: string; flavour: ApiFlavour; parameters: Record<string, unknown> },
): Promise<string> {
	await ensureN8n();
	const userFolder = await prepareUserFolder();
	const credential = { id: `cred${o.workflowId}`.slice(0, 16), name: `X simulator (${o.flavour})` };
	await importCredential(userFolder, { ...credential, type: 'xAccountActivityApi', data: simCredentialData(sim, o.flavour) });
	await importWorkflow(userFolder, {
		id: o.workflowId,
		name: `X trigger e2e ${o.workflowId}`,
		nodes: [
			{
				id: o.nodeId,
				name: NODE_NAME,
				type: 'n8n-nodes-x-account-activity.xAccountActivityTrigger',
				typeVersion: 2,
				position: [0, 0],
				webhookId: o.webhookId,
				parameters: o.parameters,
				credentials: { xAccountActivityApi: credential },
			},
		],
		connections: {},
		settings: { saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
	});
	await publishWorkflow(userFolder, o.workflowId);
	return userFolder;
}

describe('X Account Activity Trigger in a real n8n', () => {
	let sim: Simulator;
	let n8n: RunningN8n | undefined;
	let userFolder: string | undefined;
	let hookUrl: string;

	beforeAll(async () => {
		expect(fs.existsSync(path.join(REPO_ROOT, 'dist/nodes/XAccountActivityTrigger/XAccountActivityTrigger.node.js'))).toBe(true); // npm run build first
		sim = await startSimulator();
		userFolder = await prepareTriggerWorkflow(sim, {
			workflowId: WORKFLOW_ID,
			nodeId: 'a1b2c3d4-0000-4000-8000-000000000001',
			webhookId: WEBHOOK_ID,
			flavour: 'enterprise',
			parameters: { outputMode: 'single', options: {} },
		});
		n8n = await startN8n({ userFolder });
		hookUrl = n8n.webhookUrl(`${WEBHOOK_ID}/webhook`);
	}, TIMEOUT);

	afterAll(async () => {
		await n8n?.stop();
		await sim?.stop();
		if (userFolder) removeUserFolder(userFolder);
	}, 60_000);

	const executions = async () => (await listExecutions(userFolder!, { workflowId: WORKFLOW_ID })).length;

	it('registers the webhook through a real CRC round trip and subscribes the account on activation', () => {
		const hooks = sim.webhooks();
		expect(hooks).toHaveLength(1);
		expect(hooks[0]).toMatchObject({ url: hookUrl, valid: true, flavour: 'enterprise' });
		expect(hooks[0].subscriptions).toEqual([sim.app.ownerUserId]);
	});

	it('turns signed events of every kind into executions with the expected items', async () => {
		const owner = sim.app.ownerUserId;
		for (const [kind] of EXPECTED) {
			const r = await sim.emit(kind, { forUserId: owner });
			expect(r.deliveries.length).toBeGreaterThan(0);
			expect(r.deliveries.every((d) => d.delivered)).toBe(true);
		}
		// replay status and revocation of a second subscribed user
		const other = sim.users().find((u) => u.id !== owner)!;
		const client = new XClient(simAppCredentials(sim, 'enterprise'));
		await client.subscribe({ webhookId: sim.webhooks()[0].id, user: { token: other.token, secret: other.secret } });
		await sim.deliver({ replay_job_status: { webhook_id: sim.webhooks()[0].id, job_state: 'Complete', job_state_description: 'Job completed successfully', job_id: '1460000000000000042' } });
		await sim.emit('revoke', { forUserId: other.id });

		const total = EXPECTED.length + 2;
		const runs = await waitForExecutions(userFolder!, { workflowId: WORKFLOW_ID, count: total, timeoutMs: 60_000 });
		expect(runs).toHaveLength(total);
		expect(runs.every((r) => r.status === 'success')).toBe(true);
		const items = runs.flatMap((r) => nodeOutputItems(r, NODE_NAME).map((i) => i.json as Record<string, unknown>));
		const seen = new Map(items.map((i) => [i.activity as string, i]));
		for (const [kind, eventType, activity] of EXPECTED) {
			const item = seen.get(activity);
			expect({ kind, item: item && { event_type: item.event_type, for_user_id: item.for_user_id } }).toEqual({
				kind,
				item: { event_type: eventType, for_user_id: owner },
			});
			expect(typeof item!.event_id).toBe('string');
		}
		expect(seen.get('replay_complete')).toMatchObject({ event_type: 'replay_job_status' });
		expect(seen.get('app_revoked')).toMatchObject({ event_type: 'user_event', for_user_id: other.id });
		const dm = seen.get('dm_received')!;
		expect(dm.sender).toMatchObject({ id: expect.any(String) });
		expect(dm.recipient).toMatchObject({ id: owner });
	});

	it('suppresses duplicate deliveries of one event', async () => {
		const before = await executions();
		await sim.emit('mention', { forUserId: sim.app.ownerUserId, duplicate: 2 });
		await waitForExecutions(userFolder!, { workflowId: WORKFLOW_ID, count: before + 1, timeoutMs: 30_000 });
		await new Promise((r) => setTimeout(r, 1500));
		expect(await executions()).toBe(before + 1);
	});

	it('runs once for the same mention delivered through AAA and XAA (cut-over overlap)', async () => {
		const before = await executions();
		const owner = sim.app.ownerUserId;
		const postId = '1460000000000000777';
		const poster = '1460000000000000778';
		const aaa = JSON.stringify({
			for_user_id: owner,
			tweet_create_events: [
				{ id_str: postId, text: '@owner overlap', user: { id_str: poster, screen_name: 'someone' }, entities: { user_mentions: [{ id_str: owner }] } },
			],
		});
		const xaa = JSON.stringify({
			data: {
				event_uuid: 'overlap-uuid-1',
				event_type: 'post.mention.create',
				filter: { user_id: owner },
				payload: { id: postId, author_id: poster, text: '@owner overlap' },
			},
		});
		const send = (body: string) =>
			request(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signWebhookPayload(sim.app.consumerSecret, body) }, body });
		expect((await send(aaa)).status).toBe(200);
		expect((await send(xaa)).status).toBe(200);
		const runs = await waitForExecutions(userFolder!, { workflowId: WORKFLOW_ID, count: before + 1, timeoutMs: 30_000 });
		await new Promise((r) => setTimeout(r, 1500));
		expect(await executions()).toBe(before + 1);
		const items = runs.flatMap((r) => nodeOutputItems(r, NODE_NAME).map((i) => i.json as Record<string, unknown>));
		expect(items.filter((i) => i.tweet_id === postId)).toEqual([
			expect.objectContaining({ activity: 'mention', api: 'aaa', dedupe_key: `x|mention|${owner}|post=${postId}` }),
		]);
	});

	it('rejects forged, unsigned and oracle-derived requests without starting an execution', async () => {
		const before = await executions();
		const body = JSON.stringify({
			for_user_id: sim.app.ownerUserId,
			direct_message_events: [{ type: 'message_create', id: '1460000000000000999', created_timestamp: '1', message_create: { sender_id: '1', target: { recipient_id: sim.app.ownerUserId }, message_data: { text: 'forged' } } }],
		});
		const post = (headers: Record<string, string>, payload = body) =>
			request(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });

		expect((await post({})).status).toBe(401); // unsigned
		expect((await post({ 'x-twitter-webhooks-signature': signWebhookPayload('not-the-secret', body) })).status).toBe(401); // forged
		const good = signWebhookPayload(sim.app.consumerSecret, body);
		expect((await post({ 'x-twitter-webhooks-signature': good }, body.replace('forged', 'forgeD'))).status).toBe(401); // one byte changed

		// The CRC endpoint refuses to sign anything that is not a token of X's form ...
		const asToken = await request(`${hookUrl}?crc_token=${encodeURIComponent(body)}`);
		expect(asToken.status).toBe(400);
		expect(asToken.text).not.toContain('sha256=');
		// ... and what it does sign cannot pass as an event body.
		const token = Buffer.from('9f8846f8-49c0-4466-ba0d-a187441368ab').toString('base64');
		const crc = await request(`${hookUrl}?crc_token=${token}`);
		expect(crc.status).toBe(200);
		expect(JSON.parse(crc.text)).toEqual(crcResponse(sim.app.consumerSecret, token));
		const oracle = JSON.parse(crc.text).response_token as string;
		// (sent as JSON, n8n's body parser refuses it with 422; as text it reaches the node, which answers 400)
		expect((await post({ 'x-twitter-webhooks-signature': oracle }, token)).status).toBe(422);
		expect((await post({ 'x-twitter-webhooks-signature': oracle, 'content-type': 'text/plain' }, token)).status).toBe(400);
		// X's docs promise no signature on a CRC GET: with or without one (even a wrong one), a
		// well-formed token is answered; the token-shape check is what keeps this from being an oracle.
		const signedCrc = await request(`${hookUrl}?crc_token=${token}&nonce=MTQ4`, { headers: { 'x-twitter-webhooks-signature': 'sha256=AAAA' } });
		expect(signedCrc.status).toBe(200);
		expect(JSON.parse(signedCrc.text)).toEqual(crcResponse(sim.app.consumerSecret, token));

		await new Promise((r) => setTimeout(r, 1500));
		expect(await executions()).toBe(before);
	});

	it('removes the registration it created when the workflow is deactivated', async () => {
		await deactivateWorkflow(n8n!, WORKFLOW_ID);
		expect(sim.webhooks()).toEqual([]);
	});
});


describe('X Account Activity Trigger across n8n restarts (classic activation: checkExists on every start)', () => {
	let sim: Simulator;
	let userFolder: string | undefined;
	let n8n: RunningN8n | undefined;

	beforeAll(async () => {
		sim = await startSimulator();
		userFolder = await prepareTriggerWorkflow(sim, {
			workflowId: 'xTriggerE2e02',
			nodeId: 'a1b2c3d4-0000-4000-8000-000000000002',
			webhookId: 'x-aaa-trigger-restarts',
			flavour: 'v2',
			parameters: { outputMode: 'perGroup', options: {} },
		});
	}, TIMEOUT);

	afterAll(async () => {
		await n8n?.stop();
		await sim?.stop();
		if (userFolder) removeUserFolder(userFolder);
	}, 60_000);

	it('never creates a second webhook or subscription, and routes by activity group', async () => {
		const port = await freePort();
		for (let start = 0; start < 2; start++) {
			n8n = await startN8n({ userFolder: userFolder!, port, env: { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' } });
			expect(sim.webhooks()).toHaveLength(1);
			expect(sim.webhooks()[0]).toMatchObject({ flavour: 'v2', valid: true, subscriptions: [sim.app.ownerUserId] });
			if (start === 0) {
				await sim.emit('dm', { forUserId: sim.app.ownerUserId });
				const [run] = await waitForExecutions(userFolder!, { workflowId: 'xTriggerE2e02', count: 1, timeoutMs: 30_000 });
				expect(nodeOutputItems(run, NODE_NAME, { output: 0 })).toHaveLength(0); // mentions and replies
				expect(nodeOutputItems(run, NODE_NAME, { output: 1 }).map((i) => i.json.activity)).toEqual(['dm_received']);
			}
			await n8n.stop();
			n8n = undefined;
		}
		expect(sim.requestLog.filter((r) => r.method === 'POST' && r.path === '/2/webhooks')).toHaveLength(1);
	});
});

describe('X Account Activity Trigger set to the X Activity API (XAA), in a real n8n', () => {
	const WF = 'xTriggerE2e03';
	const NODE_ID = 'a1b2c3d4-0000-4000-8000-000000000003';
	let sim: Simulator;
	let userFolder: string | undefined;
	let n8n: RunningN8n | undefined;

	beforeAll(async () => {
		sim = await startSimulator();
		userFolder = await prepareTriggerWorkflow(sim, {
			workflowId: WF,
			nodeId: NODE_ID,
			webhookId: 'x-aaa-trigger-xaa',
			flavour: 'v2',
			parameters: {
				source: 'xaa',
				activities: ['mention', 'dm_received', 'like_received', 'new_follower', 'profile_updated'],
				outputMode: 'single',
				options: {},
			},
		});
		n8n = await startN8n({ userFolder });
	}, TIMEOUT);

	afterAll(async () => {
		await n8n?.stop();
		await sim?.stop();
		if (userFolder) removeUserFolder(userFolder);
	}, 60_000);

	it('creates tagged XAA subscriptions for the chosen activities on activation', () => {
		const hooks = sim.webhooks();
		expect(hooks).toHaveLength(1);
		expect(hooks[0].subscriptions).toEqual([]); // no AAA subscription in XAA mode
		const subs = sim.xaaSubscriptions();
		expect(subs).toHaveLength(1 + 1 + 1 + 1 + 9);
		expect(new Set(subs.map((s) => s.tag))).toEqual(new Set([`n8n:${WF}:${NODE_ID}`]));
		expect(subs.every((s) => s.webhook_id === hooks[0].id && s.filter.user_id === sim.app.ownerUserId)).toBe(true);
	});

	it('delivers XAA events to the same trigger with the AAA vocabulary', async () => {
		const owner = sim.app.ownerUserId;
		await sim.emitXaa('post.mention.create', { userId: owner });
		await sim.emitXaa('dm.received', { userId: owner });
		await sim.emitXaa('like.create', { userId: owner, direction: 'inbound' });
		await sim.emitXaa('follow.follow', { userId: owner, direction: 'inbound' });
		await sim.emitXaa('profile.update.bio', { userId: owner });
		const runs = await waitForExecutions(userFolder!, { workflowId: WF, count: 5, timeoutMs: 60_000 });
		const items = runs.flatMap((r) => nodeOutputItems(r, NODE_NAME).map((i) => i.json as Record<string, unknown>));
		expect(items.map((i) => i.activity).sort()).toEqual(['dm_received', 'like_received', 'mention', 'new_follower', 'profile_updated']);
		for (const i of items) expect(i).toMatchObject({ api: 'xaa', for_user_id: owner, event_id: expect.any(String) });
		expect(items.find((i) => i.activity === 'profile_updated')).toMatchObject({ event_type: 'profile.update.bio', changed: { field: 'bio' } });
	});

	it('removes exactly its own XAA subscriptions and the webhook on deactivation', async () => {
		await deactivateWorkflow(n8n!, WF);
		expect(sim.xaaSubscriptions()).toEqual([]);
		expect(sim.webhooks()).toEqual([]);
	});
});
