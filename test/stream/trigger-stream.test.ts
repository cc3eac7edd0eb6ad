/**
 * The stream trigger against the simulator, in-process: activation creates tagged XAA
 * subscriptions without webhook_id, events arrive as the webhook mode's items, one execution per
 * delivery, closing deletes the subscriptions, triggers of one app share one connection, and a
 * third connection is refused clearly. Fault tests: a drop mid-line and a stall without
 * keep-alives while 50 events are emitted: every event exactly once.
 */
import { handleDelivery, resetDeliveryState, settingsFromParameters } from '../../nodes/XAccountActivityTrigger/delivery-handler';
import { sharedConnections } from '../../nodes/XActivityStreamTrigger/stream-hub';
import { startSimulator, type Simulator } from '../../simulator';
import { openStream, until } from './helpers';
import { startTrigger, type RunningTrigger } from './trigger-harness';

const FAST = { keepAliveMs: 200 };
const PARAMS = { activities: ['mention', 'dm_received'], outputMode: 'single', options: { idleTimeoutSeconds: 1 } };

describe('X Activity Stream Trigger (in-process, simulator)', () => {
	let sim: Simulator;
	const running: RunningTrigger[] = [];
	const start = async (params: Record<string, unknown> = PARAMS, opts = {}) => {
		const t = await startTrigger(sim, params, opts);
		running.push(t);
		return t;
	};
	beforeEach(async () => {
		sim = await startSimulator({ stream: FAST });
	});
	afterEach(async () => {
		for (const t of running.splice(0)) await t.close().catch(() => undefined);
		await sim.stop();
	});

	it('activation subscribes the selected activities (tagged, no webhook_id), and a mention and a DM arrive as the webhook items', async () => {
		const t = await start();
		const subs = sim.xaaSubscriptions();
		expect(subs.map((s) => s.event_type).sort()).toEqual(['dm.received', 'post.mention.create']);
		for (const s of subs) {
			expect(s.tag).toBe('n8n:wf-1:node-1');
			expect(s.webhook_id).toBeUndefined();
			expect(s.filter.user_id).toBe(sim.app.ownerUserId);
		}
		await sim.stream.waitForConnections(1);
		const mention = await sim.emitXaa('post.mention.create', { userId: sim.app.ownerUserId });
		const dm = await sim.emitXaa('dm.received', { userId: sim.app.ownerUserId });
		expect(mention.deliveries).toEqual([]); // no webhook involved
		expect(dm.deliveries).toEqual([]);
		await until(() => t.emitted.length === 2, 5000, 'two executions');
		expect(t.emitted.map((e) => e.items[0].activity)).toEqual(['mention', 'dm_received']);
		expect(t.emitted[0].items[0]).toMatchObject({ api: 'xaa', event_id: mention.eventUuids[0], for_user_id: sim.app.ownerUserId });
		expect(t.emitted[0].deduplicationKey).toMatch(/^xaa-stream:[0-9a-f]{64}$/);

		// exactly what the webhook mode makes of the same envelope
		const line = await (async () => {
			const raw = await openStream(sim, '?backfill_minutes=1');
			await until(() => raw.lines().length >= 2, 3000, 'backfill');
			raw.close();
			return JSON.stringify(raw.lines()[0]);
		})();
		resetDeliveryState();
		const viaWebhook = handleDelivery(line, settingsFromParameters({ getNodeParameter: (n, f) => (n in PARAMS ? PARAMS[n as keyof typeof PARAMS] : f) }), 'wf-x', 'n');
		expect(viaWebhook.ok && viaWebhook.outputs[0]).toEqual([t.emitted[0].items[0]]);
	});

	it('closing deletes its subscriptions and the connection; "keep registration" keeps them', async () => {
		const t = await start();
		await sim.stream.waitForConnections(1);
		await t.close();
		running.splice(running.indexOf(t), 1);
		expect(sim.xaaSubscriptions()).toEqual([]);
		await until(() => sim.stream.connections().length === 0, 3000, 'connection closed');

		const kept = await start({ ...PARAMS, options: { keepRegistration: true } });
		await kept.close();
		running.splice(running.indexOf(kept), 1);
		expect(sim.xaaSubscriptions()).toHaveLength(2);
	});

	it('a subscription two triggers share (X keeps one per type and filter) is handed over, not deleted, when the first closes', async () => {
		const a = await start({ ...PARAMS, activities: ['mention'] }, { workflowId: 'wf-a' });
		const b = await start({ ...PARAMS, activities: ['mention', 'dm_received'] }, { workflowId: 'wf-b' });
		const mentionSub = () => sim.xaaSubscriptions().filter((s) => s.event_type === 'post.mention.create');
		expect(mentionSub()).toHaveLength(1); // X refuses a second one: b adopted a's
		expect(mentionSub()[0].tag).toBe('n8n:wf-a:node-1');
		await a.close();
		running.splice(running.indexOf(a), 1);
		// b still needs it: now tagged b's, not deleted
		expect(mentionSub().map((s) => s.tag)).toEqual(['n8n:wf-b:node-1']);
		await sim.stream.waitForConnections(1);
		await sim.emitXaa('post.mention.create', { userId: sim.app.ownerUserId });
		await until(() => b.emitted.length === 1, 5000, 'the mention still reaches b');
		expect(b.emitted[0].items[0].activity).toBe('mention');
		await b.close();
		running.splice(running.indexOf(b), 1);
		expect(sim.xaaSubscriptions()).toEqual([]); // the last one out deletes everything
	});

	it('two stream triggers of one app share one connection, each getting only its own envelopes', async () => {
		const a = await start({ ...PARAMS, activities: ['mention'] }, { workflowId: 'wf-a' });
		const b = await start({ ...PARAMS, activities: ['dm_received'] }, { workflowId: 'wf-b' });
		await sim.stream.waitForConnections(1);
		await new Promise((r) => setTimeout(r, 300));
		expect(sim.stream.connections()).toHaveLength(1);
		expect([...sharedConnections().values()]).toEqual([2]);
		await sim.emitXaa('post.mention.create', { userId: sim.app.ownerUserId });
		await sim.emitXaa('dm.received', { userId: sim.app.ownerUserId });
		await until(() => a.emitted.length === 1 && b.emitted.length === 1, 5000, 'one each');
		expect(a.emitted[0].items[0].activity).toBe('mention');
		expect(b.emitted[0].items[0].activity).toBe('dm_received');
		// the first leaving keeps the connection for the second
		await a.close();
		running.splice(running.indexOf(a), 1);
		await sim.emitXaa('dm.received', { userId: sim.app.ownerUserId });
		await until(() => b.emitted.length === 2, 5000, 'second dm');
		expect(sim.stream.connections()).toHaveLength(1);
	});

	it('a shared connection follows the strictest silence timeout of the triggers attached', async () => {
		await start({ ...PARAMS, activities: ['mention'], options: { idleTimeoutSeconds: 45 } }, { workflowId: 'wf-slow' });
		await sim.stream.waitForConnections(1);
		await start({ ...PARAMS, activities: ['dm_received'], options: { idleTimeoutSeconds: 1 } }, { workflowId: 'wf-fast' });
		await new Promise((r) => setTimeout(r, 300));
		const opened = sim.stream.connects.filter((c) => c.status === 200).length;
		sim.stream.stall();
		await until(() => sim.stream.connects.filter((c) => c.status === 200).length > opened, 6000, 'reconnect after 1 s of silence');
	});

	it('a 403 from the stream is an error naming the cause, and it stops connecting', async () => {
		sim.stream.refuseNext(1, 403);
		const t = await start();
		await until(() => t.errors.length === 1, 5000, 'emitError');
		expect(t.errors[0].message).toMatch(/403.*no X Activity API access/);
		await new Promise((r) => setTimeout(r, 500));
		expect(sim.stream.connects).toHaveLength(1);
	});

	it('a connection refused with TooManyConnections is an error naming another process', async () => {
		const x1 = await openStream(sim);
		const x2 = await openStream(sim);
		try {
			const t = await start();
			await until(() => t.errors.length === 1, 5000, 'emitError');
			expect(t.errors[0].message).toMatch(/TooManyConnections.*Another process holds them/);
			expect(sim.stream.connects.at(-1)).toMatchObject({ status: 429, refused: 'too_many_connections' });
		} finally {
			x1.close();
			x2.close();
		}
	});

	it('editor test mode: manualTriggerFunction resolves on the first matching event; closing removes only the test subscriptions', async () => {
		const prod = await start(PARAMS);
		const test = await start(PARAMS, { mode: 'manual' });
		const done = test.response.manualTriggerFunction!();
		await sim.stream.waitForConnections(1);
		await new Promise((r) => setTimeout(r, 200));
		await sim.emitXaa('post.mention.create', { userId: sim.app.ownerUserId });
		await done;
		expect(test.emitted).toHaveLength(1);
		expect(test.emitted[0].deduplicationKey).toBeUndefined();
		await test.close();
		running.splice(running.indexOf(test), 1);
		expect(sim.xaaSubscriptions()).toHaveLength(2); // the published workflow's stay
		await until(() => prod.emitted.length === 1, 3000, 'published workflow got it too');
	});

	it.each([
		['dropped mid-line', (s: Simulator) => s.stream.dropMidLine(5)],
		['stalled without keep-alives', (s: Simulator) => s.stream.stall()],
	])('%s while 50 events are emitted: every event exactly once', async (_what, fault) => {
		const t = await start({ ...PARAMS, activities: ['mention'] });
		await sim.stream.waitForConnections(1);
		await new Promise((r) => setTimeout(r, 300));
		const uuids: string[] = [];
		for (let i = 0; i < 50; i++) {
			if (i === 10) fault(sim);
			uuids.push(...(await sim.emitXaa('post.mention.create', { userId: sim.app.ownerUserId })).eventUuids);
			await new Promise((r) => setTimeout(r, 20));
		}
		await until(() => t.emitted.length >= 50, 20_000, '50 executions');
		await new Promise((r) => setTimeout(r, 500)); // a late double would show now
		const got = t.emitted.map((e) => String(e.items[0].event_id));
		expect(got.length).toBe(50);
		expect(new Set(got)).toEqual(new Set(uuids));
		// it did reconnect, asking for backfill
		const reconnects = sim.stream.connects.filter((c) => c.status === 200).slice(1);
		expect(reconnects.length).toBeGreaterThanOrEqual(1);
		expect(reconnects[0].backfillMinutes).toBeGreaterThanOrEqual(1);
	}, 30_000);
});
