/**
 * The simulator's GET /2/activity/stream against what X documents: Bearer only, NDJSON with
 * `\r\n` keep-alives, 2 connections per app, 450 connects per window (429 code 88),
 * backfill_minutes / start_time / end_time from the retained window, errors in-stream, and the
 * injectable faults the stream trigger's tests rely on.
 */
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator';
import { oauthHeader, ownerCreds } from '../simulator/helpers';
import { openStream, subscribe, until, type RawStream } from './helpers';

const FAST = { keepAliveMs: 100 };
type Env = { data: { event_uuid: string; event_type: string; filter: Record<string, string>; tag?: string } };

describe('simulator: GET /2/activity/stream', () => {
	let sim: Simulator;
	const open: RawStream[] = [];
	const start = async (opts: SimulatorOptions = {}) => {
		sim = await startSimulator({ stream: FAST, ...opts });
		return sim;
	};
	const stream = async (query = '', auth?: string) => {
		const s = await openStream(sim, query, auth);
		open.push(s);
		return s;
	};
	afterEach(async () => {
		for (const s of open.splice(0)) s.close();
		await sim?.stop();
	});

	it('takes app-only Bearer only: no auth 401, a user token 403, a wrong bearer 401', async () => {
		await start();
		expect((await stream('', '')).status).toBe(401);
		const url = `${sim.baseUrl}/2/activity/stream`;
		const user = await stream('', oauthHeader(sim, 'GET', url, ownerCreds(sim)));
		expect(user.status).toBe(403);
		await user.ended;
		expect(JSON.parse(user.text())).toMatchObject({ title: 'Unsupported Authentication' });
		expect((await stream('', 'Bearer not-the-token')).status).toBe(401);
		expect(sim.stream.connections()).toHaveLength(0);
	});

	it('sends keep-alive blank lines (\\r\\n) at the configured interval, and one envelope per line', async () => {
		await start();
		const owner = sim.app.ownerUserId;
		await subscribe(sim, 'post.create', owner, 'posts');
		const s = await stream();
		expect(s.status).toBe(200);
		expect(s.headers['content-type']).toMatch(/application\/json/);
		await until(() => (s.text().match(/\r\n/g) ?? []).length >= 2, 3000, 'two keep-alives');
		expect(s.text()).toMatch(/^(\r\n)+$/);
		const r = await sim.emitXaa('post.create', { userId: owner, count: 3 });
		expect(r.deliveries).toEqual([]); // no webhook_id: the stream only
		await until(() => s.lines().length === 3, 3000, 'three envelopes');
		const envs = s.lines() as Env[];
		expect(envs.map((e) => e.data.event_uuid)).toEqual(r.eventUuids);
		expect(envs[0].data).toMatchObject({ event_type: 'post.create', filter: { user_id: owner }, tag: 'posts' });
		// each envelope is a whole line ending in \r\n
		for (const line of s.text().split('\r\n').filter((l) => l !== '')) expect(() => JSON.parse(line)).not.toThrow();
	});

	it('allows 2 connections per app; the third gets TooManyConnections as X words it', async () => {
		await start();
		await stream();
		await stream();
		const third = await stream();
		expect(third.status).toBe(429);
		await third.ended;
		expect(JSON.parse(third.text())).toMatchObject({
			title: 'ConnectionException',
			connection_issue: 'TooManyConnections',
		});
		expect(sim.stream.connections()).toHaveLength(2);
		// both open connections carry every event
		await subscribe(sim, 'post.create', sim.app.ownerUserId);
		await sim.emitXaa('post.create', { userId: sim.app.ownerUserId });
		await until(() => open[0].lines().length === 1 && open[1].lines().length === 1, 3000, 'both copies');
		// closing one frees a slot
		open[0].close();
		await until(() => sim.stream.connections().length === 1, 3000, 'slot freed');
		expect((await stream()).status).toBe(200);
	});

	it('counts connects per window: over the limit answers 429 code 88 with rate-limit headers', async () => {
		await start({ stream: { ...FAST, connectsPerWindow: 3 }, rateLimitWindowSeconds: 60 });
		for (let i = 0; i < 3; i++) {
			const s = await stream();
			expect(s.status).toBe(200);
			s.close();
			await until(() => sim.stream.connections().length === 0, 3000, 'closed');
		}
		const fourth = await stream();
		expect(fourth.status).toBe(429);
		await fourth.ended;
		expect(JSON.parse(fourth.text())).toEqual({ errors: [{ code: 88, message: 'Rate limit exceeded' }] });
		expect(fourth.headers['x-rate-limit-remaining']).toBe('0');
		expect(sim.stream.connects.map((c) => c.refused ?? c.status)).toEqual([200, 200, 200, 'rate_limit']);
	});

	it('backfill_minutes replays the retained window; 0 or absent does not; out of range is 400', async () => {
		let now = Date.parse('2026-12-01T12:00:00Z');
		await start({ now: () => now });
		const owner = sim.app.ownerUserId;
		await subscribe(sim, 'post.create', owner);
		const old = await sim.emitXaa('post.create', { userId: owner }); // 12:00
		now += 3 * 60_000;
		const recent = await sim.emitXaa('post.create', { userId: owner, count: 2 }); // 12:03
		now += 30_000; // 12:03:30

		const none = await stream();
		const zero = await stream('?backfill_minutes=0');
		await new Promise((r) => setTimeout(r, 250));
		expect(none.lines()).toEqual([]);
		expect(zero.lines()).toEqual([]);
		none.close();
		zero.close();
		await until(() => sim.stream.connections().length === 0, 3000, 'closed');

		const one = await stream('?backfill_minutes=1');
		await until(() => one.lines().length === 2, 3000, 'one minute of backfill');
		expect((one.lines() as Env[]).map((e) => e.data.event_uuid)).toEqual(recent.eventUuids);
		const five = await stream('?backfill_minutes=5');
		await until(() => five.lines().length === 3, 3000, 'five minutes of backfill');
		expect((five.lines() as Env[]).map((e) => e.data.event_uuid)).toEqual([...old.eventUuids, ...recent.eventUuids]);

		for (const bad of ['6', '-1', 'x', '1.5']) {
			const s = await stream(`?backfill_minutes=${bad}`);
			expect(s.status).toBe(400);
		}
	});

	it('start_time / end_time select from the retained window; end_time in the past ends the stream', async () => {
		let now = Date.parse('2026-12-01T12:00:00Z');
		await start({ now: () => now });
		const owner = sim.app.ownerUserId;
		await subscribe(sim, 'post.create', owner);
		const uuids: string[] = [];
		for (let i = 0; i < 4; i++) {
			uuids.push(...(await sim.emitXaa('post.create', { userId: owner })).eventUuids); // 12:00, 12:01, 12:02, 12:03
			now += 60_000;
		}
		const s = await stream('?start_time=2026-12-01T12:01:00Z&end_time=2026-12-01T12:02:30Z');
		expect(s.status).toBe(200);
		await s.ended;
		expect((s.lines() as Env[]).map((e) => e.data.event_uuid)).toEqual(uuids.slice(1, 3));
		expect((await stream('?start_time=2026-12-01 12:00')).status).toBe(400);
		expect((await stream('?start_time=2026-12-01T12:03:00Z&end_time=2026-12-01T12:01:00Z')).status).toBe(400);
	});

	it('a plan without backfill answers 400 to backfill_minutes, and streams without it', async () => {
		await start({ stream: { ...FAST, backfill: false } });
		const s = await stream('?backfill_minutes=2');
		expect(s.status).toBe(400);
		await s.ended;
		expect(s.text()).toMatch(/backfill/);
		expect((await stream()).status).toBe(200);
	});

	it('faults: drop after N events, drop mid-line, stall without keep-alives, refuse with 503, operational disconnect', async () => {
		await start();
		const owner = sim.app.ownerUserId;
		await subscribe(sim, 'post.create', owner);

		const a = await stream();
		sim.stream.dropAfter(2);
		await sim.emitXaa('post.create', { userId: owner, count: 3 });
		await a.ended;
		expect(a.lines()).toHaveLength(2);

		const b = await stream();
		sim.stream.dropMidLine(1);
		await sim.emitXaa('post.create', { userId: owner, count: 2 });
		await b.ended;
		const parts = b.text().split('\r\n').filter((l) => l !== '');
		expect(parts).toHaveLength(2);
		expect(() => JSON.parse(parts[0])).not.toThrow();
		expect(() => JSON.parse(parts[1])).toThrow(); // half a line, then the connection is cut

		const c = await stream();
		sim.stream.stall();
		const before = c.text().length;
		await sim.emitXaa('post.create', { userId: owner });
		await new Promise((r) => setTimeout(r, 400)); // 4 keep-alive intervals
		expect(c.text().length).toBe(before);
		c.close();
		await until(() => sim.stream.connections().length === 0, 3000, 'closed');

		sim.stream.refuseNext(2);
		expect((await stream()).status).toBe(503);
		expect((await stream()).status).toBe(503);
		const d = await stream();
		expect(d.status).toBe(200);
		sim.stream.disconnectAll();
		await d.ended;
		expect(d.lines()).toEqual([
			{ errors: [expect.objectContaining({ disconnect_type: 'UpstreamOperationalDisconnect' })] },
		]);
	});

	it('delivers subscriptions with a webhook_id to the stream too while it is open', async () => {
		await start();
		const owner = sim.app.ownerUserId;
		const hook = await fetch(`${sim.baseUrl}/2/webhooks`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sim.app.bearerToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ url: 'http://127.0.0.1:9/unreachable' }),
		});
		// The webhook may be refused (no CRC answer there); what matters is that a bound subscription reaches the stream.
		const hookId = ((await hook.json()) as { data?: { id?: string } }).data?.id;
		const res = await fetch(`${sim.baseUrl}/2/activity/subscriptions`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sim.app.bearerToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ event_type: 'post.create', filter: { user_id: owner }, ...(hookId ? { webhook_id: hookId } : {}) }),
		});
		expect(res.status).toBe(200);
		const s = await stream();
		await sim.emitXaa('post.create', { userId: owner });
		await until(() => s.lines().length === 1, 3000, 'envelope');
	});
});
