/** Bad input and bad configuration: exit 2, a message naming the file and line, and not one request sent. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { makeWorld, type World } from './harness';

const BAD = join(__dirname, '../fixtures/migrate/bad');

describe('exit 2 before any request', () => {
	let world: World;
	beforeAll(async () => {
		world = await makeWorld({ users: 5 });
	});
	afterAll(() => world.close());

	const base = () => ['--report', join(world.dir, 'r.json'), '--base-url', world.sim.baseUrl, '--webhook-url', world.receiver.url];

	it.each([
		['truncated.json', /truncated\.json:\d+/],
		['no-info.json', /no-info\.json/],
		['id-not-numeric.json', /id-not-numeric\.json:\d+/],
		['unclosed-quote.csv', /unclosed-quote\.csv:\d+/],
		['tokens-missing-secret-column.csv', /tokens-missing-secret-column\.csv/],
	])('bad input %s', async (file, message) => {
		const before = world.sim.requestLog.length;
		const r = await world.main(['--from', join(BAD, file), ...base()]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(message);
		expect(world.sim.requestLog.length).toBe(before);
	});

	it('a bad token store given with --tokens', async () => {
		const before = world.sim.requestLog.length;
		const r = await world.main(['--from', world.info, '--tokens', join(BAD, 'tokens-missing-secret-column.csv'), ...base()]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/tokens-missing-secret-column\.csv/);
		expect(world.sim.requestLog.length).toBe(before);
	});

	it.each<[string, string[], NodeJS.ProcessEnv | undefined, RegExp]>([
		['unknown flag', ['--frm', 'x'], undefined, /unknown flag --frm/],
		['missing credentials', [], {}, /X_CONSUMER_KEY, X_CONSUMER_SECRET/],
		['missing owner token for --webhook-url', [], { X_CONSUMER_KEY: 'k', X_CONSUMER_SECRET: 's' }, /X_ACCESS_TOKEN/],
		['premium without --env', ['--api', 'premium'], undefined, /--env/],
		['bad --api', ['--api', 'gold'], undefined, /--api must be/],
		['bad --concurrency', ['--concurrency', '0'], undefined, /--concurrency/],
		['non-numeric --concurrency', ['--concurrency', 'lots'], undefined, /--concurrency/],
		['both webhook flags', ['--webhook-id', '123'], undefined, /either --webhook-id or --webhook-url/],
		['--to xaa with --api enterprise', ['--to', 'xaa', '--api', 'enterprise'], undefined, /--to xaa uses X's v2 API/],
	])('%s', async (_name, flags, env, message) => {
		const before = world.sim.requestLog.length;
		const r = await world.main(['--from', world.info, '--tokens', world.tokens, ...base(), ...flags], env ?? world.env);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(message);
		expect(world.sim.requestLog.length).toBe(before);
	});

	it('neither --webhook-id nor --webhook-url (allowed with --dry-run)', async () => {
		const before = world.sim.requestLog.length;
		const argv = ['--from', world.info, '--tokens', world.tokens, '--base-url', world.sim.baseUrl];
		const r = await world.main(argv);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/--webhook-id ID or --webhook-url URL/);
		expect((await world.main([...argv, '--dry-run'])).code).toBe(0);
		expect(world.sim.requestLog.length).toBe(before);
	});

	it('a journal from another migration is refused', async () => {
		const state = join(world.dir, 'other.jsonl');
		writeFileSync(
			state,
			JSON.stringify({
				type: 'x-aaa-migrate-state',
				version: 1,
				fingerprint: { to: 'aaa', api: 'v2', env: null, baseUrl: world.sim.baseUrl, webhook: null, inputs: [] },
			}) +
				'\n' +
				JSON.stringify({ u: world.people[0].id, s: 'subscribed' }) +
				'\n',
		);
		const before = world.sim.requestLog.length;
		const r = await world.main(['--from', world.info, '--tokens', world.tokens, ...base(), '--state', state]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/belongs to another migration: the API flavour/);
		expect(world.sim.requestLog.length).toBe(before);
	});

	it('--help exits 0 with the usage', async () => {
		const r = await world.main(['--help']);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/Usage: x-aaa-migrate/);
	});

	it('an unreachable base URL is not a configuration error: exit 1', async () => {
		const r = await world.main(['--from', world.info, '--tokens', world.tokens, '--report', join(world.dir, 'u.json'), '--base-url', 'http://127.0.0.1:9', '--webhook-id', '123']);
		expect(r.code).toBe(1);
		expect(r.stderr).toMatch(/127\.0\.0\.1:9/);
	}, 30_000);
});
