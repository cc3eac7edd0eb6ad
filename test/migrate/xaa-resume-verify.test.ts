/** --to xaa: a stopped run resumes without re-sending a recorded type; verification re-creates a deleted subscription. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { AAA_EQUIVALENT_XAA_TYPES } from '../../client/xaa-event-types';
import { main } from '../../migrate/cli';
import { parseArgs } from '../../migrate/options';
import { migrate } from '../../migrate/pipeline';
import { captureIO, makeWorld, secretsOf, type World } from './harness';
import { clearXaa, readReport, v2Client, xaaCreates, xaaUserCreates } from './xaa-harness';


describe('--to xaa: resume and verification', () => {
	let world: World;
	beforeAll(async () => {
		// three full runs (3 × 204 creates) would pass X's 500 per window: the gate would wait 15 minutes
		world = await makeWorld({ users: 12, sim: { rateLimits: { 'xaa.subscriptions.create': 5000 } } });
	});
	afterAll(() => world.close());
	beforeEach(() => clearXaa(world));

	const argv = (state: string, report: string) => [
		'--to', 'xaa', '--from', world.info, '--tokens', world.tokens, '--webhook-url', world.receiver.url,
		'--base-url', world.sim.baseUrl, '--report', report, '--state', state, '--concurrency', '2',
	];

	it('a stopped run resumes with the same command and never re-sends a user or type recorded as done', async () => {
		const state = join(world.dir, 'resume.jsonl');
		const report = join(world.dir, 'resume.json');
		const start = world.sim.requestLog.length;
		const abort = new AbortController();
		const done: string[] = [];
		const first = captureIO(world.env, abort.signal);
		const r1 = await migrate(parseArgs(argv(state, report)), first.io, {
			onUnit: (userId, outcome) => {
				if (outcome.status === 'subscribed') done.push(userId);
				if (done.length >= 4) abort.abort();
			},
		});
		expect(r1.exitCode).toBe(1);
		expect(done.length).toBeGreaterThanOrEqual(4);
		expect(done.length).toBeLessThan(12);
		const lines = readFileSync(state, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
		const recorded = lines.filter((l) => l.u);
		expect(recorded.length).toBe(done.length);
		for (const l of recorded) expect(Object.keys(l.y as object)).toHaveLength(17);

		const second = captureIO(world.env);
		const r2 = await migrate(parseArgs(argv(state, report)), second.io);
		expect(second.out.stderr).not.toMatch(/Error/);
		expect(r2.exitCode).toBe(0);
		expect(second.out.stdout).toMatch(new RegExp(`Resuming .*: ${done.length} users already recorded`));
		const perUser = xaaUserCreates(world, start);
		// every type goes in the user's own context: a token for the user is at hand (per-type auth rule)
		for (const p of world.people) expect(perUser.get(p.id)).toBe(AAA_EQUIVALENT_XAA_TYPES.length);
		expect(xaaCreates(world, start)).toBe(12 * 17);
		expect(world.sim.xaaSubscriptions()).toHaveLength(12 * 17);
		expect(readReport(report).summary).toMatchObject({ total: 12, subscribed: 12, verified: 12 });
	}, 30_000);

	it('a journal with a transient failure re-sends only the types not recorded as done', async () => {
		const state = join(world.dir, 'partial-types.jsonl');
		const report = join(world.dir, 'partial-types.json');
		const first = captureIO(world.env);
		expect((await migrate(parseArgs([...argv(state, report), '--no-verify']), first.io)).exitCode).toBe(0);
		// rewrite one user's record: two types failed transiently, and delete those two on X
		const victim = world.people[3].id;
		const text = readFileSync(state, 'utf8').split('\n').filter(Boolean);
		const rewritten = text.map((l) => {
			const o = JSON.parse(l) as { u?: string; y?: Record<string, string>; s?: string; t?: number };
			if (o.u !== victim || !o.y) return l;
			o.y['dm.sent'] = 'failed';
			o.y['post.create'] = 'failed';
			o.s = 'failed';
			o.t = 1;
			return JSON.stringify(o);
		});
		writeFileSync(state, rewritten.join('\n') + '\n');
		const client = v2Client(world);
		const gone = world.sim.xaaSubscriptions().filter((s) => s.filter.user_id === victim && ['dm.sent', 'post.create'].includes(s.event_type));
		expect(gone).toHaveLength(2);
		await client.xaa.deleteMany(gone.map((s) => s.subscription_id));
		const start = world.sim.requestLog.length;
		const second = captureIO(world.env);
		const r2 = await migrate(parseArgs(argv(state, report)), second.io);
		expect(r2.exitCode).toBe(0);
		expect(xaaCreates(world, start)).toBe(2);
		expect(xaaUserCreates(world, start).get(victim)).toBe(2); // dm.sent and post.create, both with the user's token
		expect(world.sim.xaaSubscriptions()).toHaveLength(12 * 17);
	}, 30_000);

	it('verification re-creates a subscription deleted during the run, then finds it', async () => {
		const state = join(world.dir, 'verify.jsonl');
		const report = join(world.dir, 'verify.json');
		const client = v2Client(world);
		let deleted: { user: string; type: string } | undefined;
		const io = captureIO(world.env);
		const r = await migrate(parseArgs(argv(state, report)), io.io, {
			onUnit: async (userId, _o, phase) => {
				if (deleted || phase !== 'run') return;
				const sub = world.sim.xaaSubscriptions().find((s) => s.filter.user_id === userId && s.event_type === 'dm.received');
				if (!sub) return;
				deleted = { user: userId, type: 'dm.received' };
				await client.xaa.delete(sub.subscription_id);
			},
		});
		expect(deleted).toBeDefined();
		expect(io.out.stderr).toMatch(/1 subscription of 1 user reported created but missing from X's list: creating it once more/);
		expect(r.exitCode).toBe(0);
		expect(r.resubscribed).toBe(1);
		expect(world.sim.xaaSubscriptions().some((s) => s.filter.user_id === deleted!.user && s.event_type === 'dm.received')).toBe(true);
		const rep = readReport(report);
		expect(rep.summary).toMatchObject({ subscribed: 12, verified: 12 });
		const journal = readFileSync(state, 'utf8');
		expect(journal).toMatch(new RegExp(`"u":"${deleted!.user}".*"r":1,"y":\\{"dm.received":"subscribed"\\}`));
		for (const secret of secretsOf(world)) {
			for (const t of [journal, io.out.stdout, io.out.stderr, readFileSync(report, 'utf8'), readFileSync(join(world.dir, 'verify-types.csv'), 'utf8')]) {
				expect(t.includes(secret)).toBe(false);
			}
		}
	}, 30_000);
});

describe('--simulate --to xaa', () => {
	it('runs the XAA demo on the simulator and exits 0 when the outcome is as planted', async () => {
		const out = { stdout: '', stderr: '' };
		const code = await main(['--simulate', '--to', 'xaa'], {}, {
			stdout: { write: (s: string) => (out.stdout += s) },
			stderr: { write: (s: string) => (out.stderr += s), isTTY: false },
		});
		expect(out.stdout).toMatch(/Simulation as planted: exactly the [\d,]+ planned subscriptions exist, 0 refused, 0 × 429/);
		expect(out.stdout).toMatch(/[1-9][\d,]* created with users' OAuth 2.0 tokens, [1-9][\d,]* with OAuth 1.0a/);
		expect(out.stdout).toMatch(/× 17 event types/);
		expect(out.stdout).toMatch(/re-created by verification/);
		expect(code).toBe(0);
	}, 60_000);
});
