/**
 * The trigger under n8n's queue mode, as users scale it: Postgres and Redis, a main process with
 * N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true, two `n8n webhook` processors behind a balancer that
 * is n8n's WEBHOOK_URL, one `n8n worker`, and the X simulator. Proves activation and CRC through
 * a processor, executions on the worker, 401 for forged deliveries on every processor, the two
 * supported setups against duplicates (sticky balancer; round-robin with n8n's Remove Duplicates
 * right after the trigger, the shipped example) and deactivation; records the duplicate counts
 * (round-robin without Remove Duplicates, simultaneous copies with it) as observed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { signWebhookPayload } from '../../../client/webhook-signature';
import { startSimulator, type EmitKind, type Person, type Simulator } from '../../../simulator';
import { request } from '../../simulator/helpers';
import { nodeOutputItems, REPO_ROOT, type ExecutionRecord } from '../harness';
import { startQueueCluster, type QueueCluster } from './cluster';
import {
	ACTION_NAME,
	removeDuplicatesExample,
	simulatorCredential,
	triggerOnlyWorkflow,
	TRIGGER_NAME,
} from './workflows';

jest.setTimeout(240_000);

const PLAIN = 'xQueuePlain00001';
const PLAIN_HOOK = 'x-aaa-queue-plain';
const example = removeDuplicatesExample();
const DEDUPE = example.workflow.id;

/** What the test observed, printed at the end (the README quotes these). */
const observed: Record<string, string> = {};

describe('X Account Activity Trigger under n8n queue mode (main + 2 webhook processors + worker)', () => {
	let sim: Simulator;
	let cluster: QueueCluster | undefined;
	let owner: Person;
	let other: Person;
	let plainHookId: string;
	let dedupeHookId: string;
	const started = Date.now();

	beforeAll(async () => {
		expect(fs.existsSync(path.join(REPO_ROOT, 'dist/nodes/XAccountActivityTrigger/XAccountActivityTrigger.node.js'))).toBe(true); // npm run build first
		sim = await startSimulator();
		const person = (id: string): Person => {
			const u = sim.users().find((x) => x.id === id)!;
			return { id: u.id, screenName: u.screenName, name: u.name };
		};
		owner = person(sim.app.ownerUserId);
		other = person(sim.users().find((u) => u.id !== sim.app.ownerUserId)!.id);
		cluster = await startQueueCluster({
			credentials: [simulatorCredential(sim)],
			workflows: [triggerOnlyWorkflow(PLAIN, PLAIN_HOOK), example.workflow],
			processors: 2,
			policy: 'sticky',
		});
		await cluster.waitForActivation([PLAIN, DEDUPE]);
		const byUrl = (p: string) => sim.webhooks().find((w) => w.url === cluster!.webhookUrl(p))?.id ?? '';
		plainHookId = byUrl(`${PLAIN_HOOK}/webhook`);
		dedupeHookId = byUrl(example.triggerPath);
		observed.startup = `${((Date.now() - started) / 1000).toFixed(0)} s`;
	}, 15 * 60 * 1000);

	afterAll(async () => {
		await cluster?.stop();
		await sim?.stop();
		observed.wall = `${((Date.now() - started) / 1000).toFixed(0)} s`;
		console.log(`[queue-e2e] observed:\n${Object.entries(observed).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
	}, 120_000);

	const c = () => cluster!;
	/** The `n`th event of a kind, built by the simulator (distinct ids per call). */
	const event = (kind: EmitKind, n = 1) => sim.events.build(kind, owner, other, n);
	const deliver = async (payload: object, webhookId: string, copies = 1) => {
		const records = await sim.deliver(payload, { webhookId, duplicate: copies - 1 });
		expect(records.map((r) => r.attempts.at(-1)?.status)).toEqual(records.map(() => 200));
	};
	/** Waits for `count` settled executions, then a quiet second to catch late extra ones. */
	const settle = async (workflowId: string, count: number): Promise<ExecutionRecord[]> => {
		await c().waitForExecutions(workflowId, count, 90_000);
		await new Promise((r) => setTimeout(r, 1500));
		return c().waitForExecutions(workflowId, count, 90_000);
	};
	const reachedAction = (runs: ExecutionRecord[]) =>
		runs.filter((r) => (r.data?.resultData.runData[ACTION_NAME] ?? []).length > 0 && nodeOutputItems(r, ACTION_NAME).length > 0);

	it('activates on main and answers X\'s CRC through a processor, never through main', async () => {
		const hooks = sim.webhooks();
		expect(hooks.map((h) => ({ url: h.url, valid: h.valid, subscriptions: h.subscriptions })).sort((a, b) => a.url.localeCompare(b.url))).toEqual(
			[
				{ url: c().webhookUrl(`${PLAIN_HOOK}/webhook`), valid: true, subscriptions: [owner.id] },
				{ url: c().webhookUrl(example.triggerPath), valid: true, subscriptions: [owner.id] },
			].sort((a, b) => a.url.localeCompare(b.url)),
		);
		// Registration's CRC went through the balancer to the processors (one per webhook at least).
		const crcAtRegistration = c().balancer.forwarded.reduce((a, b) => a + b, 0);
		expect(crcAtRegistration).toBeGreaterThanOrEqual(2);
		// X's periodic CRC, now: answered by a processor.
		const before = [...c().balancer.forwarded];
		const result = await sim.runCrc(plainHookId);
		expect(result).toMatchObject({ ok: true });
		expect(c().balancer.forwarded.reduce((a, b) => a + b, 0)).toBe(before.reduce((a, b) => a + b, 0) + 1);
		// Main does not serve production webhooks (N8N_DISABLE_PRODUCTION_MAIN_PROCESS): its editor
		// answers the GET with its own page; every processor answers the CRC.
		const token = Buffer.from('queue-mode-crc').toString('base64');
		const onMain = await request(`${c().main.baseUrl}/webhook/${PLAIN_HOOK}/webhook?crc_token=${token}`);
		expect(onMain.text).not.toContain('response_token');
		for (const processor of c().processors) {
			const direct = await request(`${processor.baseUrl}/webhook/${PLAIN_HOOK}/webhook?crc_token=${token}`);
			expect(direct.status).toBe(200);
			expect(JSON.parse(direct.text)).toEqual({ response_token: expect.stringMatching(/^sha256=/) });
		}
	});

	it('turns signed events of several kinds into one execution each, run on the worker, with the right items', async () => {
		const kinds: Array<[EmitKind, string]> = [
			['mention', 'mention'],
			['dm', 'dm_received'],
			['like', 'like_received'],
			['follow', 'new_follower'],
			['block', 'block'],
		];
		for (const [kind] of kinds) await deliver(event(kind), plainHookId);
		const runs = await settle(PLAIN, kinds.length);
		expect(runs).toHaveLength(kinds.length);
		expect(runs.map((r) => r.status)).toEqual(kinds.map(() => 'success'));
		const items = runs.map((r) => nodeOutputItems(r, TRIGGER_NAME).map((i) => i.json));
		expect(items.map((i) => i.length)).toEqual(kinds.map(() => 1));
		expect(items.map((i) => i[0].activity).sort()).toEqual(kinds.map(([, a]) => a).sort());
		for (const [item] of items) {
			expect(item).toMatchObject({ for_user_id: owner.id, event_id: expect.stringMatching(/.+/), dedupe_key: expect.stringMatching(/.+/) });
		}
		// Executed by the worker (main and the processors only enqueue in queue mode).
		for (const run of runs) expect(c().worker.logs()).toContain(`Worker started execution ${run.id} `);
		for (const n8n of [c().main, ...c().processors]) expect(n8n.logs()).not.toContain('Worker started execution');
	});

	it('answers forged and unsigned deliveries with 401 on both processors and starts nothing', async () => {
		const before = (await c().executions(PLAIN)).length;
		const body = JSON.stringify({ for_user_id: owner.id, direct_message_events: [{ type: 'message_create', id: '1460000000000000999', created_timestamp: '1', message_create: { sender_id: other.id, target: { recipient_id: owner.id }, message_data: { text: 'forged' } } }] });
		for (const processor of c().processors) {
			const url = `${processor.baseUrl}/webhook/${PLAIN_HOOK}/webhook`;
			const post = (headers: Record<string, string>) => request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
			expect((await post({})).status).toBe(401);
			expect((await post({ 'x-twitter-webhooks-signature': signWebhookPayload('not-the-secret', body) })).status).toBe(401);
		}
		await new Promise((r) => setTimeout(r, 1500));
		expect((await c().executions(PLAIN)).length).toBe(before);
	});

	it('sticky balancer: X-style duplicate deliveries give exactly one execution per event', async () => {
		c().balancer.policy = 'sticky';
		const before = (await c().executions(PLAIN)).length;
		const events = [event('mention', 11), event('dm', 12), event('like', 13)];
		await Promise.all(events.map((e) => deliver(e, plainHookId, 3)));
		const runs = await settle(PLAIN, before + events.length);
		expect(runs.length - before).toBe(events.length);
		observed['sticky, 3 events x 3 simultaneous copies'] = `${runs.length - before} executions`;
	});

	it('round-robin without Remove Duplicates: records how many executions X-style duplicates give', async () => {
		c().balancer.policy = 'round-robin';
		const before = (await c().executions(PLAIN)).length;
		const events = [1, 2, 3, 4, 5].map((n) => event('mention', 20 + n));
		await Promise.all(events.map((e) => deliver(e, plainHookId, 2)));
		const runs = await settle(PLAIN, before + events.length);
		const count = runs.length - before;
		// Each event at least once, at most once per copy: the processors do not share their memory.
		expect(count).toBeGreaterThanOrEqual(events.length);
		expect(count).toBeLessThanOrEqual(events.length * 2);
		observed['round-robin, no Remove Duplicates, 5 events x 2 copies'] = `${count} executions`;
	});

	it('round-robin with Remove Duplicates (the shipped example): a retry after the first execution finished reaches the action once', async () => {
		c().balancer.policy = 'round-robin';
		const events = [event('mention', 31), event('dm', 32), event('mention', 33)];
		let expected = (await c().executions(DEDUPE)).length;
		for (const e of events) {
			await deliver(e, dedupeHookId);
			await settle(DEDUPE, ++expected);
			await deliver(e, dedupeHookId); // X's retry, through the balancer to the other processor
			await settle(DEDUPE, ++expected);
		}
		const runs = await c().executions(DEDUPE);
		// Both copies of each event ran (the second processor had not seen the first) ...
		expect(runs).toHaveLength(expected);
		expect(runs.every((r) => r.status === 'success')).toBe(true);
		// ... and Remove Duplicates let exactly one through per event.
		const acted = reachedAction(runs).map((r) => nodeOutputItems(r, ACTION_NAME)[0].json.dedupe_key as string);
		expect(acted).toHaveLength(events.length);
		expect(new Set(acted).size).toBe(events.length);
		observed['round-robin + Remove Duplicates, 3 events each retried after the first finished'] = `${runs.length} executions, action reached ${acted.length} times`;
	});

	it('round-robin with Remove Duplicates: records what simultaneous copies do', async () => {
		c().balancer.policy = 'round-robin';
		const before = await c().executions(DEDUPE);
		const events = [1, 2, 3, 4, 5].map((n) => event('mention', 40 + n));
		await Promise.all(events.map((e) => deliver(e, dedupeHookId, 2)));
		const runs = (await settle(DEDUPE, before.length + events.length)).slice(before.length);
		const acted = reachedAction(runs).length;
		// Every event acted on at least once; copies racing through n8n's store may both pass.
		expect(acted).toBeGreaterThanOrEqual(events.length);
		expect(acted).toBeLessThanOrEqual(runs.length);
		observed['round-robin + Remove Duplicates, 5 events x 2 simultaneous copies'] = `${runs.length} executions, action reached ${acted} times`;
	});

	it('removes the registrations when the workflows are deactivated', async () => {
		await c().deactivate(PLAIN);
		await c().deactivate(DEDUPE);
		expect(sim.webhooks()).toEqual([]);
	});
});
