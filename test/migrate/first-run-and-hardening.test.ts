/**
 * x-aaa-migrate as a person meets it, and as a hostile input meets it: each case through the
 * command's entry point (`main`, flags included). Every case would have failed on the code
 * before the pipeline rewrite.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { USAGE } from '../../migrate/options';
import { makeWorld, secretsOf, type World } from './harness';

describe('x-aaa-migrate: the first ten minutes', () => {
	let world: World;
	beforeAll(async () => {
		world = await makeWorld({ users: 6, dmFalse: [1] });
	});
	afterAll(() => world.close());

	const target = () => ['--base-url', world.sim.baseUrl, '--webhook-url', world.receiver.url];
	const file = (name: string, text: string) => {
		const p = join(world.dir, name);
		writeFileSync(p, text);
		return p;
	};
	/** Runs with the full argv and asserts nothing reached X. */
	const refused = async (argv: string[], env: NodeJS.ProcessEnv = world.env) => {
		const before = world.sim.requestLog.length;
		const r = await world.main(argv, env);
		expect(world.sim.requestLog.length).toBe(before);
		expect(r.code).toBe(2);
		return r;
	};

	describe('inputs are checked before credentials (no X_* variable set)', () => {
		it.each<[string, () => string, RegExp]>([
			['a missing file', () => join(world.dir, 'nope.json'), /nope\.json: no such file/],
			['a plain array of ids', () => file('ids.json', '["1700000000000000001","1700000000000000002"]\n'), /ids\.json:1: the top level is an array/],
			['a CSV with misspelt headers', () => file('misspelt.csv', 'usr_id,acces_token,acces_secret\n1,a,b\n'), /misspelt\.csv:1: no user_id column/],
		])('%s', async (_name, path, message) => {
			const r = await refused(['--from', path(), ...target(), '--report', join(world.dir, 'x.json')], {});
			expect(r.stderr).toMatch(message);
			expect(r.stderr).not.toMatch(/X_CONSUMER/);
		});
	});

	it('a token CSV whose headers match no accepted name is an error, not "0 with a token"', async () => {
		const users = file('users-misspelt-tokens.csv', 'user_id,oauth_tok,oauth_sec\n1700000000000000001,a,b\n');
		const r1 = await refused(['--from', users, ...target(), '--report', join(world.dir, 'x.json')]);
		expect(r1.stderr).toMatch(/users-misspelt-tokens\.csv:1: .*columns 2, 3 look like a token column/);
		const tokens = file('tokens-unknown.csv', 'user_id,a,b\n1700000000000000001,x,y\n');
		const r2 = await refused(['--from', world.info, '--tokens', tokens, ...target(), '--report', join(world.dir, 'x.json')]);
		expect(r2.stderr).toMatch(/tokens-unknown\.csv:1: token store has no access_token or access_token_secret column/);
	});

	it('users but no tokens: stops before registering anything and names --tokens', async () => {
		const r = await refused(['--from', world.info, ...target(), '--report', join(world.dir, 'x.json')]);
		expect(r.stderr).toMatch(/none of the 6 users has an access token.*--tokens/);
		const x = await refused(['--to', 'xaa', '--from', world.info, ...target(), '--report', join(world.dir, 'x.json')]);
		expect(x.stderr).toMatch(/none of the 6 users has a token, so none of the \d+ private event types could be created: .*--tokens/);
	});

	it('--webhook-url is checked locally when the target is X: not https, or a port, exit 2 with the reason', async () => {
		const base = ['--from', world.info, '--tokens', world.tokens, '--report', join(world.dir, 'x.json')];
		expect((await refused([...base, '--webhook-url', 'http://example.com/hook'])).stderr).toMatch(/--webhook-url must be https/);
		expect((await refused([...base, '--webhook-url', 'https://example.com:8443/hook'])).stderr).toMatch(/must not have a port.*8443/);
	});

	it('a wrong consumer key/secret (X code 99) is named as such: exit 2, nothing subscribed', async () => {
		const r = await world.main(
			['--from', world.info, '--tokens', world.tokens, ...target(), '--report', join(world.dir, 'badkey.json')],
			{ ...world.env, X_CONSUMER_SECRET: 'not-the-secret-of-this-app' },
		);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/X refused the app's consumer key and secret \(X_CONSUMER_KEY, X_CONSUMER_SECRET\): X answered 403 code 99/);
		expect(world.subscribeCounts().size).toBe(0);
	});

	it('a run that sent nothing does not hold the journal against a corrected rerun', async () => {
		const state = join(world.dir, 'corrected.jsonl');
		const argv = ['--from', world.info, '--tokens', world.tokens, '--base-url', world.sim.baseUrl, '--report', join(world.dir, 'c.json'), '--state', state];
		const wrong = await world.main([...argv, '--webhook-id', '999999']);
		expect(wrong.code).toBe(1);
		expect(wrong.stderr).toMatch(/webhook 999999 is not registered/);
		const right = await world.main([...argv, '--webhook-url', world.receiver.url]);
		expect(right.stderr).not.toMatch(/belongs to another migration/);
		expect(right.code).toBe(0);
	});

	it('changed inputs: the message names the file that changed and how to start over; --restart does', async () => {
		const tokens = join(world.dir, 'tokens-copy.csv');
		writeFileSync(tokens, readFileSync(world.tokens));
		const state = join(world.dir, 'changed.jsonl');
		const argv = ['--from', world.info, '--tokens', tokens, ...target(), '--report', join(world.dir, 'ch.json'), '--state', state, '--no-verify'];
		expect((await world.main(argv)).code).toBe(0);
		appendFileSync(tokens, '1700000000000009999,1700000000000009999-abc,def\n');
		const r = await refused(argv);
		expect(r.stderr).toMatch(/tokens-copy\.csv changed \(\d+ bytes then, \d+ now\)/);
		expect(r.stderr).toMatch(/--restart.*or a new --state FILE/);
		const again = await world.main([...argv, '--restart']);
		expect(again.code).toBe(0);
		expect(again.stdout).not.toMatch(/Resuming/);
	});

	it('output: plural forms, one number format, no JSON line, dm column in the CSV', async () => {
		const report = join(world.dir, 'out.json');
		const r = await world.main(['--from', world.info, '--tokens', world.tokens, ...target(), '--report', report]);
		expect(r.code).toBe(0);
		const text = r.stdout + r.stderr;
		expect(text).toMatch(/Plan: 6 users from 2 inputs/);
		expect(text).not.toMatch(/\b1 users\b|\b1 inputs\b|\b0 x 429|\(s\)/);
		expect(text).toMatch(/0 × 429/);
		for (const line of text.split('\n')) expect(line.trimStart().startsWith('{')).toBe(false);
		const csv = readFileSync(report.replace(/\.json$/, '.csv'), 'utf8').split('\r\n');
		expect(csv[0]).toBe('user_id,status,verified,error,dm');
		expect(csv.find((l) => l.startsWith(world.people[1].id))).toMatch(/,false$/);
		expect(csv.find((l) => l.startsWith(world.people[0].id))).toMatch(/,$/);
	});

	it('help lines fit in 100 columns; an unknown flag gets "did you mean"', async () => {
		for (const line of USAGE.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
		const r = await world.main(['--tokns', 'x.csv']);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/unknown flag --tokns \(did you mean --tokens\?\)/);
		expect((await world.main(['--from', world.info, '--dryrun'])).stderr).toMatch(/did you mean --dry-run\?/);
	});
});

describe('x-aaa-migrate: hostile and careless input (hardening)', () => {
	let world: World;
	beforeAll(async () => {
		world = await makeWorld({ users: 40, sim: { latencyMs: 5 } });
	});
	afterAll(() => world.close());

	const base = (report: string) => ['--from', world.info, '--tokens', world.tokens, '--base-url', world.sim.baseUrl, '--webhook-url', world.receiver.url, '--report', report];

	it('a headerless token store: the error names columns by position and prints no token or secret', async () => {
		const p = world.people[0];
		const headerless = join(world.dir, 'headerless.csv');
		writeFileSync(headerless, `${p.id},${p.token},${p.secret}\n`);
		const notNumeric = join(world.dir, 'named.csv');
		writeFileSync(notNumeric, `${p.token},${p.secret}\n`);
		for (const f of [headerless, notNumeric]) {
			const r = await world.main(['--from', world.info, '--tokens', f, '--report', join(world.dir, 'h.json'), '--dry-run']);
			expect(r.code).toBe(2);
			expect(r.stderr).toMatch(/\.csv:1: /);
			for (const secret of [p.token, p.secret, ...secretsOf(world)]) expect(r.stderr.includes(secret)).toBe(false);
		}
	});

	it('one run per journal: a second run at the same time exits 2 naming the holder, and sends nothing', async () => {
		const report = join(world.dir, 'lock.json');
		const state = join(world.dir, 'lock.jsonl');
		let second: { code: number; stderr: string } | undefined;
		const first = world.run(['--state', state, '--report', report, '--concurrency', '1'], {
			onUnit: async () => {
				second ??= await world.main([...base(join(world.dir, 'lock2.json')), '--state', state]);
			},
		});
		const r1 = await first;
		expect(r1.exitCode).toBe(0);
		expect(second?.code).toBe(2);
		expect(second?.stderr).toMatch(new RegExp(`lock\\.jsonl is in use by another x-aaa-migrate run \\(pid ${process.pid}`));
		for (const n of world.subscribeCounts().values()) expect(n).toBe(1); // 40 calls for 40 users, not 80
	}, 30_000);

	it('a lock held by a live process is refused; a stale one (its process gone) is taken over', async () => {
		const state = join(world.dir, 'held.jsonl');
		const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
		try {
			writeFileSync(`${state}.lock`, `${child.pid}\n`);
			const r = await world.main([...base(join(world.dir, 'held.json')), '--state', state]);
			expect(r.code).toBe(2);
			expect(r.stderr).toMatch(new RegExp(`in use by another x-aaa-migrate run \\(pid ${child.pid}`));
		} finally {
			child.kill('SIGKILL');
			await new Promise((r) => child.once('exit', r));
		}
		const stale = await world.main([...base(join(world.dir, 'held.json')), '--state', state, '--no-verify']);
		expect(stale.code).toBe(0);
	}, 30_000);

	it('a missing report folder is found at plan time, before any request', async () => {
		const before = world.sim.requestLog.length;
		const r = await world.main(base(join(world.dir, 'no-such-dir', 'r.json')));
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/--report .*no-such-dir.* does not exist/);
		expect(world.sim.requestLog.length).toBe(before);
	});

	it('a directory as --from or --tokens: exit 2 naming the path', async () => {
		const dir = join(world.dir, 'a-folder');
		mkdirSync(dir, { recursive: true });
		for (const argv of [['--from', dir], ['--from', world.info, '--tokens', dir]]) {
			const r = await world.main([...argv, '--dry-run']);
			expect(r.code).toBe(2);
			expect(r.stderr).toContain(`${dir}: is a directory`);
		}
	});

	it.each(['null', '42', '[]', '"x"', 'true'])('a journal line %s is "not a journal line" with file:line', async (line) => {
		const state = join(world.dir, `bad-line.jsonl`);
		const header = { type: 'x-aaa-migrate-state', version: 1, fingerprint: {} };
		writeFileSync(state, `${JSON.stringify(header)}\n${line}\n`);
		const before = world.sim.requestLog.length;
		const r = await world.main([...base(join(world.dir, 'bl.json')), '--state', state]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/bad-line\.jsonl:2: not a journal line/);
		expect(world.sim.requestLog.length).toBe(before);
	});

	it('report, CSV and journal are created 0600', async () => {
		const report = join(world.dir, 'modes.json');
		const r = await world.main([...base(report), '--no-verify']);
		expect(r.code).toBe(0);
		for (const f of [report, report.replace(/\.json$/, '.csv'), join(world.dir, 'modes.state.jsonl')]) {
			expect(statSync(f).mode & 0o777).toBe(0o600);
		}
	});
});
