/** --to xaa: inputs, event types, config errors, the cap, missing tokens and revoked users, --from-aaa. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { AAA_EQUIVALENT_XAA_TYPES, isPrivateXaaEventType } from '../../client/xaa-event-types';
import { makeWorld, secretsOf, type World } from './harness';
import { clearXaa, readReport, v2Client, v2Webhook, xaaCreates } from './xaa-harness';

const PRIVATE = AAA_EQUIVALENT_XAA_TYPES.filter((t) => isPrivateXaaEventType(t));
const PUBLIC = AAA_EQUIVALENT_XAA_TYPES.filter((t) => !isPrivateXaaEventType(t));

describe('--to xaa', () => {
	let world: World;
	beforeAll(async () => {
		world = await makeWorld({ users: 8, sim: { rateLimits: { 'xaa.subscriptions.create': 5000 } } });
	});
	afterAll(() => world.close());
	beforeEach(() => clearXaa(world));

	it('turns a Site Streams list into the 17 AAA-equivalent XAA subscriptions per user, tagged, on the webhook', async () => {
		const r = await world.run(['--to', 'xaa', '--state', join(world.dir, 'site.jsonl')]);
		expect(r.stderr).not.toMatch(/Error/);
		expect(r.exitCode).toBe(0);
		expect(r.stdout).toMatch(/8 users × 17 event types/);
		expect(r.stdout).toMatch(/subscriptions: 8 × 17 = 136/);
		const hook = world.sim.webhooks().find((w) => w.flavour === 'v2');
		expect(hook).toBeDefined();
		const subs = world.sim.xaaSubscriptions();
		expect(subs).toHaveLength(8 * 17);
		for (const s of subs) {
			expect(s.tag).toBe('x-aaa-migrate');
			expect(s.webhook_id).toBe(hook?.id);
			expect(s.filter.direction).toBeUndefined();
		}
		for (const p of world.people) {
			expect(subs.filter((s) => s.filter.user_id === p.id).map((s) => s.event_type).sort()).toEqual([...AAA_EQUIVALENT_XAA_TYPES].sort());
		}
		const report = readReport(world.report);
		expect(report.summary).toMatchObject({ total: 8, subscribed: 8, verified: 8, planned_subscriptions: 136, over_cap: 0, to: 'xaa' });
		expect(report.summary.types).toMatchObject({ subscribed: 136, verified: 136 });
		for (const u of report.users) {
			expect(Object.keys(u.types)).toHaveLength(17);
			expect(Object.values(u.types).every((s) => s === 'subscribed')).toBe(true);
		}
		const typesCsv = readFileSync(join(world.dir, 'report-types.csv'), 'utf8').trim().split('\r\n');
		expect(typesCsv[0]).toBe('user_id,event_type,status,verified,error');
		expect(typesCsv).toHaveLength(1 + 136);
		expect(typesCsv[1]).toMatch(/^\d+,post\.create,subscribed,true,$/);
	}, 30_000);

	it('reads a CSV (the token store as the user list) with chosen event types; a second run finds them existing', async () => {
		const report = join(world.dir, 'csv.json');
		const argv = [
			'--to', 'xaa', '--from', world.tokens, '--event-types', 'post.create, dm.received,like.create',
			'--webhook-url', world.receiver.url, '--base-url', world.sim.baseUrl, '--report', report,
		];
		const r = await world.main(argv);
		expect(r.code).toBe(0);
		const subs = world.sim.xaaSubscriptions();
		expect(subs).toHaveLength(8 * 3);
		expect(new Set(subs.map((s) => s.event_type))).toEqual(new Set(['post.create', 'dm.received', 'like.create']));
		expect(readReport(report).users[0].types).toEqual({ 'post.create': 'subscribed', 'dm.received': 'subscribed', 'like.create': 'subscribed' });
		// a new journal: every type answers "already exists", which counts as done
		const again = await world.main([...argv, '--state', join(world.dir, 'csv-2.jsonl')]);
		expect(again.code).toBe(0);
		expect(world.sim.xaaSubscriptions()).toHaveLength(8 * 3);
		expect(readReport(report).summary.types).toMatchObject({ already_subscribed: 24, subscribed: 0 });
	}, 30_000);

	it.each<[string, string[], RegExp]>([
		['an unknown event type', ['--event-types', 'post.create,post.teleport'], /--event-types: "post\.teleport" is not an XAA event type/],
		['oauth.revoke', ['--event-types', 'oauth.revoke'], /oauth\.revoke cannot be subscribed/],
		['a keyword type', ['--event-types', 'news.new'], /news\.new is filtered by keyword/],
		['--api enterprise', ['--api', 'enterprise'], /--to xaa uses X's v2 API.*--api enterprise/],
		['--api premium', ['--api', 'premium', '--env', 'dev'], /--to xaa uses X's v2 API/],
		['a non-numeric --from-aaa', ['--from-aaa', 'abc'], /--from-aaa must be a numeric/],
		['a bad --cap', ['--cap', '0'], /--cap must be a whole number/],
	])('%s: exit 2, nothing sent', async (_name, flags, message) => {
		const before = world.sim.requestLog.length;
		const r = await world.main([
			'--to', 'xaa', '--from', world.info, '--tokens', world.tokens, '--webhook-url', world.receiver.url,
			'--base-url', world.sim.baseUrl, '--report', join(world.dir, 'bad.json'), ...flags,
		]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(message);
		expect(world.sim.requestLog.length).toBe(before);
	});

	it('XAA flags without --to xaa are refused', async () => {
		const r = await world.main(['--from', world.info, '--webhook-id', '1', '--event-types', 'post.create']);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/--event-types only applies to --to xaa/);
	});

	it('refuses a plan over the cap before any request (exit 2)', async () => {
		const before = world.sim.requestLog.length;
		const r = await world.run(['--to', 'xaa', '--cap', '100']);
		expect(r.exitCode).toBe(2);
		expect(r.stdout).toMatch(/cap: 100 .*does not fit: 36 over/);
		expect(r.stderr).toMatch(/needs 136 XAA subscriptions but --cap is 100: nothing was created.*--partial/);
		expect(world.sim.requestLog.length).toBe(before);
	});

	it('--dry-run prints the cap arithmetic and sends nothing', async () => {
		const before = world.sim.requestLog.length;
		const r = await world.main(['--to', 'xaa', '--from', world.info, '--tokens', world.tokens, '--dry-run', '--cap', '100', '--partial']);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/subscriptions: 8 × 17 = 136/);
		expect(r.stdout).toMatch(/--partial: the first 5 users \(85 subscriptions\) are migrated; 3 users are left out/);
		expect(world.sim.requestLog.length).toBe(before);
	});

	it('--partial migrates the users that fit, in input order, and reports the rest', async () => {
		const r = await world.run(['--to', 'xaa', '--cap', '40', '--partial', '--state', join(world.dir, 'partial.jsonl')]);
		expect(r.exitCode).toBe(1);
		const left = world.people.slice(2).map((p) => p.id);
		expect(r.stdout).toMatch(/the first 2 users \(34 subscriptions\) are migrated; 6 users are left out/);
		expect(r.stdout).toContain(left.join(', '));
		expect(world.sim.xaaSubscriptions()).toHaveLength(34);
		const report = readReport(world.report);
		expect(report.summary).toMatchObject({ subscribed: 2, failed: 6, over_cap: 6, verified: 2 });
		for (const u of report.users.slice(2)) {
			expect(u.status).toBe('failed');
			expect(u.error).toMatch(/^not attempted: over the subscription cap \(--cap 40\)/);
			expect(Object.values(u.types).every((s) => s === 'over_cap')).toBe(true);
		}
	}, 30_000);

	it('--from-aaa takes the users of an AAA subscription list and moves them to XAA in one command', async () => {
		const hook = await v2Webhook(world);
		const client = v2Client(world);
		const aaaUsers = world.people.slice(0, 5);
		for (const p of aaaUsers) await client.subscribe({ webhookId: hook, user: { token: p.token, secret: p.secret } });
		expect(world.sim.subscriptions(hook).sort()).toEqual(aaaUsers.map((p) => p.id).sort());
		const report = join(world.dir, 'from-aaa.json');
		const r = await world.main([
			'--to', 'xaa', '--from-aaa', hook, '--tokens', world.tokens, '--webhook-id', hook,
			'--base-url', world.sim.baseUrl, '--report', report, '--event-types', 'post.create,dm.sent',
		]);
		expect(r.stderr).not.toMatch(/Error/);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/5 users \(5 from the AAA subscriptions of webhook \d+\) × 2 event types/);
		const subs = world.sim.xaaSubscriptions();
		expect(new Set(subs.map((s) => s.filter.user_id))).toEqual(new Set(aaaUsers.map((p) => p.id)));
		expect(subs).toHaveLength(10);
		// combined with --from: the union, each user once
		const union = await world.main([
			'--to', 'xaa', '--from-aaa', hook, '--from', world.info, '--tokens', world.tokens, '--webhook-id', hook,
			'--base-url', world.sim.baseUrl, '--report', join(world.dir, 'union.json'), '--event-types', 'post.create,dm.sent',
		]);
		expect(union.code).toBe(0);
		expect(readReport(join(world.dir, 'union.json')).summary.total).toBe(8);
		expect(world.sim.xaaSubscriptions()).toHaveLength(16);
	}, 30_000);
});

describe('--to xaa: users without a token and users who revoked the app', () => {
	let world: World;
	beforeAll(async () => {
		world = await makeWorld({ users: 6, noToken: [1] });
	});
	afterAll(() => world.close());

	it('creates the public types for a user without a token (missing_token) and flags a revoked user needs_reauth', async () => {
		const revoked = world.people[2];
		world.sim.revokeUser(revoked.id);
		const before = world.sim.requestLog.length;
		const r = await world.run(['--to', 'xaa']);
		expect(r.exitCode).toBe(1);
		expect(r.stdout).toContain(`6 × 17 = 102 − 1 users without a token × ${PRIVATE.length} private types = ${102 - PRIVATE.length}`);
		const report = readReport(world.report);
		expect(report.summary).toMatchObject({ total: 6, subscribed: 4, missing_token: 1, needs_reauth: 1, failed: 0, verified: 4 });
		const noTok = report.users.find((u) => u.user_id === world.people[1].id)!;
		expect(noTok.status).toBe('missing_token');
		for (const t of PUBLIC) expect(noTok.types[t]).toBe('subscribed');
		for (const t of PRIVATE) expect(noTok.types[t]).toBe('missing_token');
		const rev = report.users.find((u) => u.user_id === revoked.id)!;
		expect(rev.status).toBe('needs_reauth');
		expect(rev.error).toMatch(/401/);
		for (const t of PUBLIC) expect(rev.types[t]).toBe('subscribed');
		for (const t of PRIVATE) expect(rev.types[t]).toBe('needs_reauth');
		// after the first refusal the revoked user's other private types are not sent
		expect(xaaCreates(world, before)).toBe(4 * 17 + PUBLIC.length + (PUBLIC.length + 1));
		const everything = [r.stdout, r.stderr, readFileSync(world.report, 'utf8'), readFileSync(join(world.dir, 'report.csv'), 'utf8'),
			readFileSync(join(world.dir, 'report-types.csv'), 'utf8'), readFileSync(join(world.dir, 'report.state.jsonl'), 'utf8')];
		for (const secret of secretsOf(world)) for (const text of everything) expect(text.includes(secret)).toBe(false);
		for (const p of world.people) for (const text of everything) expect(text.includes(p.token)).toBe(false);
	}, 30_000);
});

describe('--to xaa with mixed OAuth 1.0a / OAuth 2.0 user tokens', () => {
	let world: World;
	beforeAll(async () => {
		world = await makeWorld({ users: 9, sim: { rateLimits: { 'xaa.subscriptions.create': 5000 } } });
	});
	afterAll(() => world.close());

	it('creates exactly the planned subscriptions in each user\'s own context, 0 refused, 0 × 429, and says so', async () => {
		// a third OAuth 2.0 only, a third OAuth 1.0a only, a third both (the OAuth 2.0 token is preferred)
		const kind = (i: number) => (i % 3 === 0 ? 'oauth2' : i % 3 === 1 ? 'oauth1' : 'both');
		const oauth2 = new Map(world.people.map((p, i) => [p.id, kind(i) === 'oauth1' ? '' : world.sim.issueOAuth2Token(p.id).access_token]));
		const tokens = join(world.dir, 'mixed-tokens.csv');
		writeFileSync(
			tokens,
			'user_id,access_token,access_token_secret,oauth2_access_token\n' +
				world.people.map((p, i) => `${p.id},${kind(i) === 'oauth2' ? ',' : `${p.token},${p.secret}`},${oauth2.get(p.id)}\n`).join(''),
		);
		const before = world.sim.requestLog.length;
		const r = await world.main([
			'--to', 'xaa', '--from', world.info, '--tokens', tokens, '--webhook-url', world.receiver.url,
			'--base-url', world.sim.baseUrl, '--report', join(world.dir, 'mixed.json'),
		]);
		expect(r.stderr).not.toMatch(/Error/);
		expect(r.code).toBe(0);
		const planned = 9 * AAA_EQUIVALENT_XAA_TYPES.length;
		expect(r.stdout).toContain(`subscriptions: 9 × 17 = ${planned}`);
		expect(r.stdout).toMatch(new RegExp(`subscriptions\\s+${planned}  of ${planned} planned \\(${planned} created, 0 already existed, 0 refused`));
		expect(r.stdout).toMatch(/, 0 × 429\n/);
		expect(world.sim.xaaSubscriptions()).toHaveLength(planned);
		const creates = world.sim.requestLog.slice(before).filter((q) => q.method === 'POST' && q.path === '/2/activity/subscriptions');
		expect(creates.filter((q) => q.status >= 400)).toEqual([]);
		expect(world.sim.stats.rateLimited).toBe(0);
		for (const [i, p] of world.people.entries()) {
			const mine = creates.filter((q) => q.userId === p.id);
			expect(mine).toHaveLength(AAA_EQUIVALENT_XAA_TYPES.length);
			expect(new Set(mine.map((q) => q.auth))).toEqual(new Set([kind(i) === 'oauth1' ? 'oauth1-user' : 'oauth2-user']));
		}
		const everything = [r.stdout, r.stderr, readFileSync(join(world.dir, 'mixed.json'), 'utf8'), readFileSync(join(world.dir, 'mixed.state.jsonl'), 'utf8')];
		for (const t of oauth2.values()) if (t) for (const text of everything) expect(text.includes(t)).toBe(false);
	}, 30_000);
});
