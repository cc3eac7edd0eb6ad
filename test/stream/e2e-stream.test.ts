/**
 * The X Activity Stream Trigger inside a real n8n 2.41 (needs `npm run build`): activation
 * subscribes without webhook_id and opens one stream for two workflows of one app; a mention and a
 * DM become executions; the editor's test run (manual mode) finishes on the first event;
 * deactivation deletes the subscriptions and closes the stream; a third connection for the app
 * is refused and n8n reports why.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startSimulator, type Simulator } from '../../simulator';
import { simCredentialData } from '../simulator/helpers';
import {
	ensureN8n,
	importCredential,
	importWorkflow,
	listExecutions,
	N8nRestSession,
	nodeOutputItems,
	prepareUserFolder,
	publishWorkflow,
	removeUserFolder,
	REPO_ROOT,
	startN8n,
	waitForExecutions,
	type RunningN8n,
} from '../e2e/harness';
import { streamWorkflow } from './e2e-workflow';
import { openStream, until, type RawStream } from './helpers';

jest.setTimeout(180_000);

const NODE = 'X Activity Stream Trigger';
const WF_A = 'xStreamE2eA0001';
const WF_B = 'xStreamE2eB0001';
const TIMEOUT = 15 * 60 * 1000;

function workflow(id: string, nodeId: string, activities: string[], credential: { id: string; name: string }, options: Record<string, unknown> = {}) {
	return streamWorkflow(id, nodeId, { activities, options }, { xAccountActivityApi: credential });
}

describe('X Activity Stream Trigger in a real n8n', () => {
	let sim: Simulator;
	let n8n: RunningN8n | undefined;
	let userFolder: string | undefined;
	const raw: RawStream[] = [];

	beforeAll(async () => {
		expect(fs.existsSync(path.join(REPO_ROOT, 'dist/nodes/XActivityStreamTrigger/XActivityStreamTrigger.node.js'))).toBe(true); // npm run build first
		sim = await startSimulator({ stream: { keepAliveMs: 1000 } });
		await ensureN8n();
		userFolder = await prepareUserFolder();
		const credential = { id: 'credStreamE2e01', name: 'X simulator (v2)' };
		await importCredential(userFolder, { ...credential, type: 'xAccountActivityApi', data: simCredentialData(sim, 'v2') });
		await importWorkflow(userFolder, workflow(WF_A, 'b1b2c3d4-0000-4000-8000-00000000000a', ['mention', 'dm_received'], credential, { idleTimeoutSeconds: 3 }));
		await importWorkflow(userFolder, workflow(WF_B, 'b1b2c3d4-0000-4000-8000-00000000000b', ['mention'], credential));
		await publishWorkflow(userFolder, WF_A);
		await publishWorkflow(userFolder, WF_B);
		n8n = await startN8n({ userFolder });
	}, TIMEOUT);

	afterAll(async () => {
		for (const r of raw) r.close();
		await n8n?.stop();
		await sim?.stop();
		if (userFolder) removeUserFolder(userFolder);
	}, 60_000);

	it('activation subscribes without webhook_id, tagged per workflow, and both workflows share one connection', async () => {
		await sim.stream.waitForConnections(1, 30_000);
		await new Promise((r) => setTimeout(r, 1500));
		expect(sim.stream.connections()).toHaveLength(1);
		const subs = sim.xaaSubscriptions();
		expect(subs.map((s) => s.event_type).sort()).toEqual(['dm.received', 'post.mention.create']);
		expect(subs.every((s) => s.webhook_id === undefined && s.filter.user_id === sim.app.ownerUserId)).toBe(true);
		expect(subs.every((s) => /^n8n:xStreamE2e[AB]0001:/.test(s.tag ?? ''))).toBe(true);
		expect(sim.webhooks()).toEqual([]); // no public URL involved at all
	});

	it('a mention and a DM become executions with the webhook mode items; each workflow gets only its own', async () => {
		const owner = sim.app.ownerUserId;
		const mention = await sim.emitXaa('post.mention.create', { userId: owner });
		const dm = await sim.emitXaa('dm.received', { userId: owner });
		const a = await waitForExecutions(userFolder!, { workflowId: WF_A, count: 2, timeoutMs: 60_000 });
		const b = await waitForExecutions(userFolder!, { workflowId: WF_B, count: 1, timeoutMs: 60_000 });
		expect(a.every((r) => r.status === 'success' && r.mode === 'trigger')).toBe(true);
		const items = a.flatMap((r) => nodeOutputItems(r, NODE).map((i) => i.json));
		expect(items.map((i) => i.activity).sort()).toEqual(['dm_received', 'mention']);
		expect(items.find((i) => i.activity === 'mention')).toMatchObject({ api: 'xaa', event_id: mention.eventUuids[0], for_user_id: owner });
		expect(items.find((i) => i.activity === 'dm_received')).toMatchObject({ event_id: dm.eventUuids[0], recipient: { id: owner } });
		expect(nodeOutputItems(b[0], NODE).map((i) => i.json.activity)).toEqual(['mention']);
		await new Promise((r) => setTimeout(r, 1500));
		expect(await listExecutions(userFolder!, { workflowId: WF_B })).toHaveLength(1);
	});

	it("editor test run (manual mode): finishes with the first matching event", async () => {
		const session = await N8nRestSession.login(n8n!);
		const started = await session.request<{ executionId?: string; waitingForWebhook?: boolean }>('POST', `workflows/${WF_A}/run`, {
			triggerToStartFrom: { name: NODE },
		});
		expect(started.waitingForWebhook).not.toBe(true);
		await new Promise((r) => setTimeout(r, 2000)); // the test trigger attaches to the shared stream
		const mention = await sim.emitXaa('post.mention.create', { userId: sim.app.ownerUserId });
		let manualRuns: Awaited<ReturnType<typeof listExecutions>> = [];
		const end = Date.now() + 30_000;
		while (Date.now() < end) {
			manualRuns = (await listExecutions(userFolder!, { workflowId: WF_A })).filter((r) => r.mode === 'manual' && r.status === 'success');
			if (manualRuns.length > 0) break;
			await new Promise((r) => setTimeout(r, 300));
		}
		expect(manualRuns).toHaveLength(1);
		expect(nodeOutputItems(manualRuns[0], NODE).map((i) => i.json.event_id)).toEqual([mention.eventUuids[0]]);
		// the test run removed only what it created: the published workflows' subscriptions stay
		await new Promise((r) => setTimeout(r, 1000));
		expect(sim.xaaSubscriptions()).toHaveLength(2);
		expect(sim.stream.connections()).toHaveLength(1);
	});

	it.each([
		['drops mid-line', (x: Simulator) => x.stream.dropMidLine(5)],
		['stalls without keep-alives', (x: Simulator) => x.stream.stall()],
	])('the simulator %s while 50 mentions are emitted: each one exactly one execution per workflow', async (_what, fault) => {
		const before = async (wf: string) => (await listExecutions(userFolder!, { workflowId: wf })).length;
		const [a0, b0] = [await before(WF_A), await before(WF_B)];
		const uuids: string[] = [];
		for (let i = 0; i < 50; i++) {
			if (i === 10) fault(sim);
			uuids.push(...(await sim.emitXaa('post.mention.create', { userId: sim.app.ownerUserId })).eventUuids);
			await new Promise((r) => setTimeout(r, 50));
		}
		for (const [wf, base] of [[WF_A, a0], [WF_B, b0]] as const) {
			const runs = await waitForExecutions(userFolder!, { workflowId: wf, count: base + 50, timeoutMs: 120_000 });
			await new Promise((r) => setTimeout(r, 2000)); // a late double would show now
			const all = await listExecutions(userFolder!, { workflowId: wf });
			expect(all.length).toBe(base + 50);
			const ids = runs.flatMap((r) => nodeOutputItems(r, NODE).map((i) => String(i.json.event_id))).filter((id) => uuids.includes(id));
			expect(ids.length).toBe(50);
			expect(new Set(ids).size).toBe(50);
		}
		expect(sim.stream.connects.filter((c) => c.status === 200 && (c.backfillMinutes ?? 0) > 0).length).toBeGreaterThan(0);
	});

	it('deactivation deletes the subscriptions and closes the stream; a third connection is then refused with a clear error', async () => {
		const session = await N8nRestSession.login(n8n!);
		await session.deactivateWorkflow(WF_B);
		expect(sim.stream.connections()).toHaveLength(1); // WF_A still listens
		await session.deactivateWorkflow(WF_A);
		await until(() => sim.stream.connections().length === 0, 10_000, 'stream closed');
		expect(sim.xaaSubscriptions()).toEqual([]);

		// Another process holds both of the app's connections: activation in n8n is refused clearly.
		raw.push(await openStream(sim), await openStream(sim));
		expect(sim.stream.connections()).toHaveLength(2);
		await session.activateWorkflow(WF_A).catch(() => undefined);
		await until(() => sim.stream.connects.some((c) => c.refused === 'too_many_connections'), 30_000, 'refused connect');
		const logged = () => fs.readFileSync(path.join(userFolder!, 'n8n.log'), 'utf8');
		await until(() => /TooManyConnections/.test(logged()), 30_000, 'n8n names the cause');
		expect(logged()).toMatch(/Another process holds them/);
	});
});
