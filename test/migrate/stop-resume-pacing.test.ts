/**
 * One behaviour for both targets, with the built CLI (npm test builds first):
 * - kill -9 and resume: no unit the journal records as done is sent again, none is lost, and a
 *   torn last journal line is tolerated;
 * - Ctrl-C (SIGINT): the requests in flight finish, the report is written, users never sent are
 *   not_started (not failed), and the same command continues;
 * - pacing at the window edge: across several windows of a compressed limit, 0 × 429.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { makeWorld, secretsOf, type World } from './harness';
import { XAA_PATH } from './xaa-harness';

const CLI = join(__dirname, '../../migrate/dist/migrate/cli.js');

function journalLines(path: string): Array<Record<string, unknown>> {
	if (!existsSync(path)) return [];
	return readFileSync(path, 'utf8')
		.split('\n')
		.filter((l) => l.trim())
		.flatMap((l) => {
			try {
				return [JSON.parse(l) as Record<string, unknown>];
			} catch {
				return [];
			}
		});
}

function runCli(argv: string[], env: NodeJS.ProcessEnv, stopWhen?: { when: () => boolean; signal: NodeJS.Signals }) {
	return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
		const child: ChildProcess = spawn(process.execPath, [CLI, ...argv], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
		child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
		let timer: NodeJS.Timeout | undefined;
		if (stopWhen) {
			timer = setInterval(() => {
				if (stopWhen.when()) {
					clearInterval(timer);
					child.kill(stopWhen.signal);
				}
			}, 5);
		}
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			if (timer) clearInterval(timer);
			resolve({ code, signal, stdout, stderr });
		});
	});
}

interface TargetCase {
	name: 'aaa' | 'xaa';
	flags: string[];
	/** Parts per user. */
	parts: number;
	/** Requests X answered that send a unit, since log index `from`, per user id (user-context ones). */
	sendsByUser(world: World, from: number): Map<string, number>;
	/** What exists on X now: units. */
	existing(world: World): number;
}

const CASES: TargetCase[] = [
	{
		name: 'aaa',
		flags: [],
		parts: 1,
		sendsByUser: (world, from) => {
			const all = world.subscribeCounts();
			if (from === 0) return all;
			const out = new Map<string, number>();
			for (const r of world.sim.requestLog.slice(from)) {
				if (r.method === 'POST' && /subscriptions(\/all(\.json)?|\.json)$/.test(r.path) && r.userId) out.set(r.userId, (out.get(r.userId) ?? 0) + 1);
			}
			return out;
		},
		existing: (world) => world.sim.webhooks().reduce((n, w) => n + w.subscriptions.length, 0),
	},
	{
		name: 'xaa',
		flags: ['--to', 'xaa', '--event-types', 'post.mention.create,dm.received,dm.sent'],
		parts: 3,
		sendsByUser: (world, from) => {
			const out = new Map<string, number>();
			for (const r of world.sim.requestLog.slice(from)) {
				if (r.method === 'POST' && r.path === XAA_PATH && r.userId) out.set(r.userId, (out.get(r.userId) ?? 0) + 1);
			}
			return out;
		},
		existing: (world) => world.sim.xaaSubscriptions().length,
	},
];

describe.each(CASES)('built CLI, target $name', (tc) => {
	let world: World;
	beforeEach(async () => {
		if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
		world = await makeWorld({ users: 120, sim: { latencyMs: 15, rateLimits: { 'xaa.subscriptions.create': 100_000 } } });
	});
	afterEach(() => world?.close());

	const argvFor = (name: string) => {
		const state = join(world.dir, `${tc.name}-${name}.jsonl`);
		const report = join(world.dir, `${tc.name}-${name}.json`);
		return {
			state,
			report,
			argv: [
				...tc.flags, '--from', world.info, '--tokens', world.tokens, '--report', report, '--state', state,
				'--base-url', world.sim.baseUrl, '--webhook-url', world.receiver.url, '--concurrency', '2',
			],
		};
	};

	it('kill -9, then the same command resumes without re-sending a done unit', async () => {
		const { state, report, argv } = argvFor('kill');
		const first = await runCli(argv, world.env, { when: () => journalLines(state).filter((r) => r.u).length >= 30, signal: 'SIGKILL' });
		expect(first.signal).toBe('SIGKILL');
		const killedAt = world.sim.requestLog.length;
		const done = journalLines(state)
			.filter((r) => r.u && (r.s === 'subscribed' || r.s === 'already_subscribed'))
			.map((r) => String(r.u));
		expect(done.length).toBeGreaterThanOrEqual(30);
		expect(done.length).toBeLessThan(120);
		appendFileSync(state, '{"u":"17000000000000000'); // a torn last line, as kill -9 mid-write leaves it

		const second = await runCli(argv, world.env);
		expect(second.stderr).not.toMatch(/Error/);
		expect(second.code).toBe(0);
		expect(second.stdout).toMatch(new RegExp(`Resuming .*: ${done.length} users already recorded`));
		const after = tc.sendsByUser(world, killedAt);
		for (const id of done) expect(after.get(id) ?? 0).toBe(0);
		expect(tc.existing(world)).toBe(120 * tc.parts);
		const rep = JSON.parse(readFileSync(report, 'utf8')) as { summary: Record<string, number> };
		expect(rep.summary).toMatchObject({ total: 120, failed: 0, not_started: 0, verified: 120 });
		expect(rep.summary.subscribed + rep.summary.already_subscribed).toBe(120);
		const text = readFileSync(state, 'utf8');
		for (const line of text.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
		for (const secret of secretsOf(world)) {
			for (const f of [text, first.stdout, first.stderr, second.stdout, second.stderr, readFileSync(report, 'utf8')]) {
				expect(f.includes(secret)).toBe(false);
			}
		}
	}, 90_000);

	it('Ctrl-C: in-flight requests finish, the report says not_started for users never sent, the rerun continues', async () => {
		const { state, report, argv } = argvFor('sigint');
		const first = await runCli(argv, world.env, { when: () => journalLines(state).filter((r) => r.u).length >= 20, signal: 'SIGINT' });
		expect(first.signal).toBeNull();
		expect(first.code).toBe(1);
		expect(first.stderr).toMatch(/SIGINT: finishing the requests in flight/);
		expect(first.stdout).toMatch(/Stopped: users not yet sent are reported not_started/);
		const rep = JSON.parse(readFileSync(report, 'utf8')) as {
			summary: Record<string, number>;
			users: Array<{ user_id: string; status: string; error: string | null }>;
		};
		const recorded = new Set(journalLines(state).filter((r) => r.u).map((r) => String(r.u)));
		expect(rep.summary.failed).toBe(0);
		expect(rep.summary.not_started).toBe(120 - recorded.size);
		expect(rep.summary.not_started).toBeGreaterThan(0);
		for (const u of rep.users) {
			if (recorded.has(u.user_id)) expect(['subscribed', 'already_subscribed']).toContain(u.status);
			else {
				expect(u.status).toBe('not_started');
				expect(u.error).toMatch(/run the same command again/);
			}
		}
		// every unit in flight at the signal finished and was journaled: X holds exactly the recorded ones
		expect(tc.existing(world)).toBe(recorded.size * tc.parts);
		const stoppedAt = world.sim.requestLog.length;
		const second = await runCli(argv, world.env);
		expect(second.code).toBe(0);
		expect(second.stdout).toMatch(new RegExp(`Resuming .*: ${recorded.size} users already recorded`));
		const after = tc.sendsByUser(world, stoppedAt);
		for (const id of recorded) expect(after.get(id) ?? 0).toBe(0);
		expect(tc.existing(world)).toBe(120 * tc.parts);
	}, 90_000);
});

describe.each(CASES)('pacing at the window edge, target $name', (tc) => {
	let world: World;
	beforeAll(async () => {
		// a compressed limit: 12 sends per 1 s window for the app; 36 units need several windows
		world = await makeWorld({
			users: 36 / tc.parts,
			sim: {
				rateLimitWindowSeconds: 1,
				userLimitsPerApp: true,
				rateLimits: {
					'enterprise.subscriptions.create': 12,
					'xaa.subscriptions.create': 12,
				},
			},
		});
	});
	afterAll(() => world?.close());

	it('several windows, 0 × 429', async () => {
		const state = join(world.dir, 'edge.jsonl');
		const r = await world.run([...tc.flags, '--state', state, '--concurrency', '8']);
		expect(r.stderr).not.toMatch(/Error/);
		expect(r.exitCode).toBe(0);
		const sends = 36;
		expect(r.waits).toBeGreaterThanOrEqual(Math.floor(sends / 12) - 1); // it did cross windows
		expect(r.rateLimited).toBe(0);
		expect(world.sim.stats.rateLimited).toBe(0);
		expect(r.stdout).toMatch(/, 0 × 429\n/);
	}, 90_000);
});
