/**
 * The action node inside a real n8n 2.x: a workflow receives a list of users (n8n's own Webhook
 * node), splits it into items (Split Out), subscribes each user with their own token taken from
 * the item by expression, then lists the webhook's subscriptions once. The Webhook field is read
 * both as a plain id (workflows saved before it became a resource locator) and as a locator value.
 */
import { XClient } from '../../client/x-client';
import { startSimulator, type Simulator } from '../../simulator';
import { request, simAppCredentials, simCredentialData, startReceiver, type Receiver } from '../simulator/helpers';
import {
	ensureN8n,
	importCredential,
	importWorkflow,
	nodeOutputItems,
	prepareUserFolder,
	publishWorkflow,
	removeUserFolder,
	startN8n,
	waitForExecutions,
	type RunningN8n,
} from './harness';

// Real n8n on a 2-core machine, possibly busy: generous per-test time.
jest.setTimeout(180_000);

const WORKFLOW_ID = 'xActionE2e001';

describe('X Account Activity action node in a real n8n', () => {
	let sim: Simulator;
	let receiver: Receiver;
	let n8n: RunningN8n | undefined;
	let userFolder: string | undefined;
	let webhookId: string;

	beforeAll(async () => {
		await ensureN8n();
		sim = await startSimulator();
		receiver = await startReceiver(sim.app.consumerSecret);
		const client = new XClient(simAppCredentials(sim, 'enterprise'));
		webhookId = (await client.registerWebhook(receiver.url)).id;

		userFolder = await prepareUserFolder();
		await importCredential(userFolder, {
			id: 'xSimCred0003',
			name: 'X simulator',
			type: 'xAccountActivityApi',
			data: simCredentialData(sim, 'enterprise'),
		});
		const cred = { xAccountActivityApi: { id: 'xSimCred0003', name: 'X simulator' } };
		await importWorkflow(userFolder, {
			id: WORKFLOW_ID,
			name: 'Subscribe users from a list',
			nodes: [
				{
					id: 'b1000000-0000-4000-8000-000000000001',
					name: 'Users',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: 'x-aaa-action-e2e',
					parameters: { httpMethod: 'POST', path: 'subscribe-users', responseMode: 'onReceived', options: {} },
				},
				{
					id: 'b1000000-0000-4000-8000-000000000002',
					name: 'One item per user',
					type: 'n8n-nodes-base.splitOut',
					typeVersion: 1,
					position: [200, 0],
					parameters: { fieldToSplitOut: 'body.users', options: {} },
				},
				{
					id: 'b1000000-0000-4000-8000-000000000003',
					name: 'Subscribe',
					type: 'n8n-nodes-x-account-activity.xAccountActivity',
					typeVersion: 1,
					position: [400, 0],
					parameters: {
						resource: 'subscription',
						operation: 'subscribe',
						webhookId,
						actAs: 'userToken',
						accessToken: '={{ $json.access_token }}',
						accessTokenSecret: '={{ $json.access_token_secret }}',
					},
					credentials: cred,
				},
				{
					id: 'b1000000-0000-4000-8000-000000000004',
					name: 'List',
					type: 'n8n-nodes-x-account-activity.xAccountActivity',
					typeVersion: 1,
					position: [600, 0],
					executeOnce: true,
					// as the editor saves a pick from the Webhook list (Subscribe keeps the plain id of
					// workflows saved before the field became a resource locator)
					parameters: {
						resource: 'subscription',
						operation: 'list',
						webhookId: { __rl: true, mode: 'list', value: webhookId, cachedResultName: receiver.url },
						returnAll: true,
					},
					credentials: cred,
				},
			],
			connections: {
				Users: { main: [[{ node: 'One item per user', type: 'main', index: 0 }]] },
				'One item per user': { main: [[{ node: 'Subscribe', type: 'main', index: 0 }]] },
				Subscribe: { main: [[{ node: 'List', type: 'main', index: 0 }]] },
			},
			settings: { saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
		});
		await publishWorkflow(userFolder, WORKFLOW_ID);
		n8n = await startN8n({ userFolder });
	}, 15 * 60 * 1000);

	afterAll(async () => {
		await n8n?.stop();
		await sim?.stop();
		await receiver?.close();
		if (userFolder) removeUserFolder(userFolder);
	}, 60_000);

	it('subscribes every user listed by a previous node and then lists them', async () => {
		const users = sim.users().filter((u) => u.id !== sim.app.ownerUserId).slice(0, 4);
		const body = JSON.stringify({
			users: users.map((u) => ({ user_id: u.id, access_token: u.token, access_token_secret: u.secret })),
		});
		const res = await request(n8n!.webhookUrl('subscribe-users') /* n8n's Webhook node: the path is the full path */, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body,
		});
		expect(res.status).toBe(200);
		const [run] = await waitForExecutions(userFolder!, { workflowId: WORKFLOW_ID, count: 1, timeoutMs: 60_000 });
		expect(run.status).toBe('success');

		const subscribed = nodeOutputItems(run, 'Subscribe').map((i) => i.json);
		expect(subscribed).toHaveLength(users.length);
		expect(subscribed.every((s) => s.subscribed === true && s.already_subscribed === false)).toBe(true);
		const listed = nodeOutputItems(run, 'List').map((i) => i.json.user_id);
		expect([...listed].sort()).toEqual(users.map((u) => u.id).sort());
		expect(sim.subscriptions(webhookId).sort()).toEqual(users.map((u) => u.id).sort());

		// no secret in what n8n stored for the run
		const stored = JSON.stringify([nodeOutputItems(run, 'Subscribe'), nodeOutputItems(run, 'List')]);
		for (const u of users) expect(stored).not.toContain(u.secret);
		expect(stored).not.toContain(sim.app.consumerSecret);
	});
});
