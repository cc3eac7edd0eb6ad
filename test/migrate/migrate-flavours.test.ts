/** The migrate command against the simulator: all three flavours, inputs, outcomes, report, secrets. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ApiFlavour } from '../../client/types';
import { flavourFlags, makeWorld, secretsOf, type World } from './harness';

const FIXTURES = join(__dirname, '../fixtures/migrate');

function readReport(path: string) {
	return JSON.parse(readFileSync(path, 'utf8')) as {
		summary: Record<string, number | null>;
		users: Array<{ user_id: string; status: string; verified: boolean | null; error: string | null; dm?: false }>;
	};
}

describe.each<ApiFlavour>(['enterprise', 'premium', 'v2'])('migrate %s', (flavour) => {
	let world: World;
	let flags: string[];

	beforeAll(async () => {
		world = await makeWorld({ users: 30, dmFalse: [2, 5], noToken: [7, 8], forbidden: true });
		world.sim.revokeUser(world.people[3].id);
		world.sim.failNext(3, { status: 503, pathPattern: 'subscriptions' });
	});
	afterAll(() => world.close());

	it('subscribes every user with a token, reports revoked, forbidden and tokenless users, verifies, exits 1', async () => {
		// The forbidden user comes from a second --from CSV with token columns.
		const forbidden = world.sim.users().find((u) => u.forbidden)!;
		const extra = join(world.dir, 'extra.csv');
		writeFileSync(extra, `user_id,access_token,access_token_secret\n${forbidden.id},${forbidden.token},${forbidden.secret}\n`);
		flags = [...flavourFlags(flavour, world.sim), '--from', extra, '--concurrency', '4'];
		const r = await world.run(flags);
		expect(r.exitCode).toBe(1);
		const report = readReport(world.report);
		expect(report.summary).toEqual({
			total: 31,
			subscribed: 27,
			already_subscribed: 0,
			needs_reauth: 1,
			missing_token: 2,
			failed: 1,
			not_started: 0,
			verified: 27,
			dm_false: 2,
		});
		const byId = new Map(report.users.map((u) => [u.user_id, u]));
		// ids above 2^53 exact
		for (const p of world.people) expect(byId.has(p.id)).toBe(true);
		expect(byId.get(world.people[3].id)).toMatchObject({ status: 'needs_reauth', verified: false });
		expect(byId.get(world.people[3].id)!.error).toMatch(/401/);
		expect(byId.get(world.people[7].id)).toMatchObject({ status: 'missing_token', verified: false });
		expect(byId.get(forbidden.id)).toMatchObject({ status: 'failed' });
		expect(byId.get(forbidden.id)!.error).toMatch(/403/);
		expect(byId.get(world.people[2].id)).toMatchObject({ status: 'subscribed', verified: true, dm: false });
		expect(byId.get(world.people[0].id)).toMatchObject({ status: 'subscribed', verified: true, error: null });
		// 503s were retried, each user subscribed
		const subs = world.sim.subscriptions(flavour === 'premium' ? world.sim.app.environment : world.sim.webhooks()[0].id);
		expect(subs.length).toBe(27);
		// CSV twin
		const csv = readFileSync(world.report.replace(/\.json$/, '.csv'), 'utf8').split('\r\n');
		expect(csv[0]).toBe('user_id,status,verified,error,dm');
		expect(csv.filter((l) => l.startsWith(world.people[3].id + ',needs_reauth,false,'))).toHaveLength(1);
		// no secret anywhere
		const state = readFileSync(r.statePath!, 'utf8');
		const files = [readFileSync(world.report, 'utf8'), readFileSync(r.csvPath!, 'utf8'), state, r.stdout, r.stderr];
		for (const secret of secretsOf(world)) for (const f of files) expect(f.includes(secret)).toBe(false);
		expect(r.stdout).toMatch(/needs_reauth\s+1/);
	});

	it('a second run over the same journal sends nothing again; with a fresh journal X says already subscribed', async () => {
		const before = world.subscribeCounts();
		const again = await world.run(flags);
		expect(again.sent).toBe(0);
		expect(world.subscribeCounts()).toEqual(before);
		const fresh = await world.run([...flags, '--state', join(world.dir, `fresh-${flavour}.jsonl`)]);
		expect(fresh.summary).toMatchObject({ already_subscribed: 27, subscribed: 0, needs_reauth: 1, missing_token: 2, verified: 27 });
		expect(fresh.exitCode).toBe(1);
	});
});

describe('inputs', () => {
	let world: World;
	beforeAll(async () => {
		world = await makeWorld({ users: 6 });
	});
	afterAll(() => world.close());

	it('a clean run: every user subscribed and verified, exit 0', async () => {
		const r = await world.run(['--webhook-url', world.receiver.url]);
		expect(r.exitCode).toBe(0);
		expect(r.summary).toMatchObject({ total: 6, subscribed: 6, verified: 6 });
		expect(r.stdout).toMatch(/Every user is subscribed and verified/);
	});

	it('Site Streams big ids (> 2^53, id_str) and a BOM/CRLF quoted CSV merged: ids exact in the report', async () => {
		const r = await world.main([
			'--from',
			join(FIXTURES, 'info.big-ids.json'),
			'--from',
			join(FIXTURES, 'users.bom-crlf-quoted.csv'),
			'--report',
			join(world.dir, 'fixtures.json'),
			'--base-url',
			world.sim.baseUrl,
			'--webhook-url',
			world.receiver.url,
		]);
		expect(r.code).toBe(1);
		const report = readReport(join(world.dir, 'fixtures.json'));
		const ids = report.users.map((u) => u.user_id);
		for (const id of ['1460000000000000001', '18446744073709551615', '9007199254740993', '1460000000000000003', '119476949']) {
			expect(ids).toContain(id);
		}
		expect(ids).not.toContain('1460000000000000000');
		// their tokens are not the simulator's: X refuses them
		expect(report.users.find((u) => u.user_id === '1460000000000000001')!.status).toBe('needs_reauth');
	});

	it('--dry-run prints the plan and sends nothing', async () => {
		const before = world.sim.requestLog.length;
		const r = await world.main(['--from', world.info, '--tokens', world.tokens, '--dry-run'], {});
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/Migration plan \(dry run/);
		expect(world.sim.requestLog.length).toBe(before);
	});
});
