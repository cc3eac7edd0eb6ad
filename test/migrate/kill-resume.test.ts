/**
 * kill -9 and resume with the built CLI (run `npm run build` first): no user the journal
 * records as done is sent again, none is lost, and a torn last journal line is tolerated.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { makeWorld, secretsOf, type World } from './harness';

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

function runCli(argv: string[], env: NodeJS.ProcessEnv, killWhen?: () => boolean) {
	return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, ...argv], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
		child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
		let timer: NodeJS.Timeout | undefined;
		if (killWhen) {
			timer = setInterval(() => {
				if (killWhen()) {
					clearInterval(timer);
					child.kill('SIGKILL');
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

describe('kill -9 and resume (built CLI)', () => {
	let world: World;
	beforeAll(async () => {
		if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
		world = await makeWorld({ users: 150, sim: { latencyMs: 15 } });
	});
	afterAll(() => world?.close());

	it('resumes with the same command without re-sending a done user', async () => {
		const state = join(world.dir, 'state.jsonl');
		const argv = [
			'--from', world.info, '--tokens', world.tokens, '--report', world.report, '--state', state,
			'--base-url', world.sim.baseUrl, '--webhook-url', world.receiver.url, '--concurrency', '2',
		];
		const first = await runCli(argv, world.env, () => journalLines(state).filter((r) => r.u).length >= 40);
		expect(first.signal).toBe('SIGKILL');
		const recorded = journalLines(state).filter((r) => r.u);
		const done = recorded.filter((r) => r.s === 'subscribed' || r.s === 'already_subscribed').map((r) => String(r.u));
		expect(done.length).toBeGreaterThanOrEqual(40);
		expect(done.length).toBeLessThan(150);
		// a torn last line, as a write cut short by kill -9 leaves it
		appendFileSync(state, '{"u":"17000000000000000');

		const second = await runCli(argv, world.env);
		expect(second.stderr).not.toMatch(/Error/);
		expect(second.code).toBe(0);
		expect(second.stdout).toMatch(new RegExp(`Resuming .*: ${done.length} users already recorded`));

		const counts = world.subscribeCounts();
		for (const id of done) expect(counts.get(id)).toBe(1);
		for (const p of world.people) expect(counts.get(p.id)).toBeGreaterThanOrEqual(1);
		const report = JSON.parse(readFileSync(world.report, 'utf8')) as {
			summary: Record<string, number>;
			users: Array<{ status: string; verified: boolean }>;
		};
		expect(report.summary.total).toBe(150);
		expect(report.summary.subscribed + report.summary.already_subscribed).toBe(150);
		expect(report.summary.verified).toBe(150);
		// every journal line whole again (the torn one was cut)
		const text = readFileSync(state, 'utf8');
		for (const line of text.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
		for (const secret of secretsOf(world)) {
			for (const f of [text, first.stdout, first.stderr, second.stdout, second.stderr, readFileSync(world.report, 'utf8')]) {
				expect(f.includes(secret)).toBe(false);
			}
		}
	}, 60_000);
});
