/** Pacing under an app-wide rate limit, 5xx retries, and verification catching lost subscriptions. */
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { reexecArgs } from '../../migrate/cli';

import { makeWorld, type World } from './harness';

describe('rate limit (compressed window, counted per app)', () => {
	let world: World;
	afterAll(() => world?.close());

	it('waits for the window instead of hammering: at most one 429 per window, all users done', async () => {
		world = await makeWorld({
			users: 70,
			sim: { rateLimitWindowSeconds: 2, userLimitsPerApp: true, rateLimits: { 'enterprise.subscriptions.create': 20 } },
		});
		const t0 = Date.now();
		const r = await world.run(['--concurrency', '8', '--no-verify']);
		const ms = Date.now() - t0;
		expect(r.exitCode).toBe(0);
		expect(r.summary).toMatchObject({ subscribed: 70 });
		// 70 users at 20 per 2 s need at least 3 full windows after the first
		expect(ms).toBeGreaterThanOrEqual(3 * 2000 - 100);
		expect(r.waits).toBeGreaterThanOrEqual(3);
		const subscribeCalls = world.sim.requestLog.filter((e) => e.method === 'POST' && /subscriptions\/all\.json$/.test(e.path));
		const refused = subscribeCalls.filter((e) => e.status === 429);
		const perWindow = new Map<number, number>();
		for (const e of refused) perWindow.set(e.rateLimitReset!, (perWindow.get(e.rateLimitReset!) ?? 0) + 1);
		for (const count of perWindow.values()) expect(count).toBeLessThanOrEqual(1);
		expect(r.rateLimited).toBe(refused.length);
		expect(subscribeCalls.filter((e) => e.status < 300)).toHaveLength(70);
	}, 30_000);
});

describe('verification', () => {
	let world: World;
	beforeEach(async () => {
		world = await makeWorld({ users: 12 });
	});
	afterEach(() => world.close());

	it('a subscription lost during the run is re-subscribed once and verified', async () => {
		const lost = world.people[4].id;
		const r = await world.run(['--concurrency', '2'], {
			onUnit: (userId, _o, phase) => {
				if (phase === 'run' && userId === lost) world.sim.dropSubscription(world.sim.webhooks()[0].id, lost);
			},
		});
		expect(r.exitCode).toBe(0);
		expect(r.resubscribed).toBe(1);
		expect(r.summary).toMatchObject({ subscribed: 12, verified: 12 });
		expect(world.subscribeCounts().get(lost)).toBe(2);
		expect(r.stderr).toMatch(/1 user reported subscribed but missing/);
	});

	it('a subscription that keeps getting lost ends verified:false, exit 1', async () => {
		const lost = world.people[7].id;
		const drop = (userId: string) => {
			if (userId === lost) world.sim.dropSubscription(world.sim.webhooks()[0].id, lost);
		};
		const r = await world.run([], { onUnit: (userId) => drop(userId) });
		expect(r.exitCode).toBe(1);
		expect(r.summary).toMatchObject({ subscribed: 12, verified: 11 });
		expect(world.subscribeCounts().get(lost)).toBe(2); // once in the run, once by verification
		const report = JSON.parse(readFileSync(world.report, 'utf8')) as {
			users: Array<{ user_id: string; verified: boolean; error: string | null }>;
		};
		const row = report.users.find((u) => u.user_id === lost)!;
		expect(row.verified).toBe(false);
		expect(row.error).toMatch(/missing from X's subscription list/);
	});

	it('5xx answers are retried with backoff', async () => {
		world.sim.failNext(6, { status: 500, pathPattern: 'subscriptions/all' });
		const r = await world.run(['--report', join(world.dir, 'f.json')]);
		expect(r.exitCode).toBe(0);
		expect(r.summary).toMatchObject({ subscribed: 12, failed: 0, verified: 12 });
		expect(world.sim.requestLog.filter((e) => e.injected === 'fault').length).toBe(6);
	});

	it('a failed listing (503) falls back to the client, which retries', async () => {
		const r = await world.run([], {
			onUnit: (userId) => {
				if (userId === world.people[11].id) world.sim.failNext(1, { status: 503, pathPattern: 'list' });
			},
		});
		expect(r.exitCode).toBe(0);
		expect(r.summary).toMatchObject({ subscribed: 12, verified: 12 });
		expect(world.sim.requestLog.filter((e) => /list/.test(e.path) && e.injected === 'fault').length).toBe(1);
	});
});

describe('reexecArgs (heap cap for big inputs)', () => {
	it('caps the heap only for big inputs without a limit already set', () => {
		const small = join(__dirname, '../fixtures/migrate/tokens.csv');
		expect(reexecArgs(['--from', small], [], {})).toBeUndefined();
		const big = join(tmpdir(), `x-aaa-big-${process.pid}.csv`);
		writeFileSync(big, '');
		truncateSync(big, 70 * 1024 * 1024);
		try {
			expect(reexecArgs(['--from', big], [], {})).toEqual(['--max-old-space-size=288']);
			expect(reexecArgs([`--tokens=${big}`], ['--inspect'], {})).toEqual(['--inspect', '--max-old-space-size=288']);
			expect(reexecArgs(['--from', big], [], { NODE_OPTIONS: '--max-old-space-size=100' })).toBeUndefined();
			expect(reexecArgs(['--from', big], [], { X_AAA_MIGRATE_CHILD: '1' })).toBeUndefined();
		} finally {
			rmSync(big);
		}
	});
});
