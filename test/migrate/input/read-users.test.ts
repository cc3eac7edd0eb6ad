import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';

import {
	buildPlan,
	detectFormat,
	formatPlan,
	InputError,
	readUsers,
	UserSet,
} from '../../../migrate/input';
import { checkUserId } from '../../../migrate/input/user-id';

const FIXTURES = join(__dirname, '../../fixtures/migrate');
const [BIG_ACCESS, BIG_SECRET] = [
	'1460000000000000001-TokA1b2C3d4E5f6G7h8',
	'SecA1b2C3d4E5f6G7h8I9j0',
];
const BIG_TOKEN = { token: BIG_ACCESS, secret: BIG_SECRET };
const fixture = (name: string): string => join(FIXTURES, name);

async function errorOf(promise: Promise<unknown>): Promise<InputError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(InputError);
	return error as InputError;
}

describe('readUsers', () => {
	const ALL_FROM = [
		fixture('info.big-ids.json'),
		fixture('info.bom-crlf.json'),
		fixture('users.bom-crlf-quoted.csv'),
		fixture('info.dev-twitter-docs-example.json'),
	];

	it('unions several JSON and CSV inputs in first-seen order, merging duplicates', async () => {
		const users = await readUsers(ALL_FROM, fixture('tokens.csv'));
		const all = [...users];
		expect(all.map((u) => u.userId)).toEqual([
			'1460000000000000001',
			'18446744073709551615',
			'9007199254740993',
			'1460000000000000003',
			'119476949',
			'3',
			'42',
			'1',
		]);
		expect(all[0].sources).toEqual([
			{ file: fixture('info.big-ids.json'), line: 4 },
			{ file: fixture('info.bom-crlf.json'), line: 8 },
			{ file: fixture('users.bom-crlf-quoted.csv'), line: 2 },
		]);
		// Same token from the --from CSV and the token store: identical duplicates are fine.
		expect(all[0].token).toEqual({ ...BIG_TOKEN });
		expect(users.get('3')).toMatchObject({ screenName: 'fiaz', dm: true });
		expect(users.get('1')).toMatchObject({ screenName: 'raffi', dm: false });
		expect(users.get('42')?.token).toBeUndefined();
		expect(users.get('555')).toBeUndefined();
		// Iterating twice gives the same users.
		expect([...users].map((u) => u.userId)).toEqual(all.map((u) => u.userId));
	});

	it('takes the token store as the user list when there is no --from', async () => {
		const users = await readUsers([], fixture('tokens.csv'));
		expect(users.size).toBe(5);
		expect(buildPlan(users).counts).toMatchObject({ total: 5, withTokens: 5, missingToken: 0 });
		expect(users.files[0]).toMatchObject({ role: 'tokens', rows: 5, newUsers: 5, tokens: 5 });
	});

	it('detects the format by extension, else by content', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'migrate-input-'));
		writeFileSync(join(dir, 'dump'), '\ufeff  {"info":{"users":[{"id":5}]}}');
		writeFileSync(join(dir, 'list'), 'user_id\n6\n');
		expect((await detectFormat(join(dir, 'dump'))).format).toBe('sitestreams-json');
		expect((await detectFormat(join(dir, 'list'))).format).toBe('csv');
		expect((await detectFormat(fixture('user-list.txt'))).format).toBe('csv');
		const users = await readUsers([join(dir, 'dump'), join(dir, 'list')]);
		expect([...users].map((u) => u.userId)).toEqual(['5', '6']);
	});

	it('rejects conflicting tokens for one user, naming file:line of both', async () => {
		const file = fixture('bad/tokens-conflict.csv');
		const error = await errorOf(readUsers([fixture('info.dev-twitter-docs-example.json')], file));
		expect(error.message).toBe(
			`${file}:4: user 1 has a different access token here than at ${file}:2; ` +
				'a migration cannot tell which one is right: keep one of the two rows',
		);
		expect(error.message).not.toMatch(/Tok|Sec/);
	});

	it('rejects a token conflict between a --from CSV and the token store', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'migrate-input-'));
		const list = join(dir, 'list.csv');
		const store = join(dir, 'store.csv');
		writeFileSync(list, 'user_id,token,token_secret\n1,1-TokA,SecA\n');
		writeFileSync(store, 'user_id,access_token,access_token_secret\n\n1,1-TokA,SecB\n');
		const error = await errorOf(readUsers([list], store));
		expect(error.message).toBe(
			`${store}:3: user 1 has a different access token secret here than at ${list}:2; ` +
				'a migration cannot tell which one is right: keep one of the two rows',
		);
		expect(error.field).toBe('access_token_secret');
	});

	it.each([
		['bad/empty.csv', undefined],
		['bad/empty.json', undefined],
		['bad/truncated.json', 6],
		['bad/unclosed-quote.csv', 3],
	])('stops on bad input %s before anything else', async (name, line) => {
		const file = fixture(name);
		const error = await errorOf(readUsers([fixture('info.dev-twitter-docs-example.json'), file]));
		expect(error.file).toBe(file);
		expect(error.line).toBe(line);
		expect(error.exitCode).toBe(2);
	});

	it('rejects a token store that is not CSV, and one with a missing column', async () => {
		const from = [fixture('info.dev-twitter-docs-example.json')];
		expect((await errorOf(readUsers(from, fixture('info.big-ids.json')))).message).toContain(
			'the token store must be a CSV',
		);
		expect(
			(await errorOf(readUsers(from, fixture('bad/tokens-missing-secret-column.csv')))).line,
		).toBe(1);
		expect((await errorOf(readUsers(from, fixture('bad/tokens-empty-secret.csv')))).line).toBe(3);
	});
});

describe('buildPlan and formatPlan', () => {
	it('counts users, tokens, missing tokens, dm:false, duplicates and unmatched tokens', async () => {
		const plan = buildPlan(
			await readUsers(
				[
					fixture('info.big-ids.json'),
					fixture('info.bom-crlf.json'),
					fixture('users.bom-crlf-quoted.csv'),
					fixture('info.dev-twitter-docs-example.json'),
				],
				fixture('tokens.csv'),
			),
		);
		expect(plan.counts).toEqual({
			total: 8,
			withTokens: 5,
			missingToken: 3,
			dmFalse: 3,
			duplicateEntries: 4,
			unmatchedTokens: 1,
		});
		expect([...plan.missingToken].map((u) => u.userId)).toEqual([
			'9007199254740993',
			'1460000000000000003',
			'42',
		]);
		expect([...plan.dmFalse].map((u) => u.userId)).toEqual([
			'18446744073709551615',
			'119476949',
			'1',
		]);
		expect(plan.inputs.map((i) => [i.role, i.rows, i.newUsers])).toEqual([
			['users', 5, 5],
			['users', 2, 1],
			['users', 3, 1],
			['users', 2, 1],
			['tokens', 5, 0],
		]);
		const text = formatPlan(plan);
		expect(text).toContain('Users:           8');
		expect(text).toContain('no token:      3');
		expect(text).toContain('dm:false:      3');
		expect(text).toContain('42 @answer');
		expect(text).toContain('1 for users not in the --from lists');
		expect(text).not.toMatch(/Tok|Sec/);
	});

	it('lists at most 20 users per section', () => {
		const users = new UserSet();
		const file = users.addFile('list.csv', 'csv', 'users');
		for (let i = 1; i <= 25; i++) users.addUser(file, i + 1, String(i));
		const text = formatPlan(buildPlan(users));
		expect(text).toContain('No token (first 20 of 25):');
		expect(text).toContain('  20  (list.csv:21)');
		expect(text).not.toContain('  21  (list.csv:22)');
	});

	it('keeps tokens out of JSON.stringify and util.inspect', async () => {
		const users = await readUsers([], fixture('tokens.csv'));
		const [first] = users;
		expect(first.token?.secret).toBe('SecRaffi0123456789abcdefghij');
		expect(JSON.stringify(first)).not.toMatch(/TokRaffi|SecRaffi/);
		expect(inspect(first, { depth: 5 })).not.toMatch(/TokRaffi|SecRaffi/);
	});
});

describe('UserSet merging', () => {
	it('keeps dm:false when any listing says false, and the first screen name', () => {
		const users = new UserSet();
		const a = users.addFile('a.json', 'sitestreams-json', 'users');
		const b = users.addFile('b.json', 'sitestreams-json', 'users');
		users.addUser(a, 3, '9', { dm: true });
		users.addUser(b, 4, '9', { dm: false, screenName: 'nine' });
		users.addUser(b, 5, '9', { dm: true, screenName: 'renamed' });
		expect(users.get('9')).toEqual({
			userId: '9',
			dm: false,
			screenName: 'nine',
			sources: [
				{ file: 'a.json', line: 3 },
				{ file: 'b.json', line: 4 },
				{ file: 'b.json', line: 5 },
			],
		});
		expect(users.counts.dmFalse).toBe(1);
	});

	it('stores many users and tokens, including non-ASCII names, across arena slabs', () => {
		const users = new UserSet();
		const file = users.addFile('t.csv', 'csv', 'users');
		const long = 'x'.repeat(60000);
		for (let i = 1; i <= 600; i++) {
			users.addUser(file, i, String(i), {
				screenName: `é${i}`,
				token: `${i}-${long}`,
				secret: `s${i}`,
			});
		}
		expect(users.get('600')).toMatchObject({
			screenName: 'é600',
			token: { token: `600-${long}`, secret: 's600' },
		});
		expect(users.get('1')).toMatchObject({ screenName: 'é1', token: { secret: 's1' } });
	});
});

describe('checkUserId', () => {
	it.each([
		['1460000000000000001', '1460000000000000001'],
		['18446744073709551615', '18446744073709551615'],
		[' 007 ', '7'],
	])('accepts %j', (raw, id) => {
		expect(checkUserId(raw)).toEqual({ ok: true, userId: id });
	});

	it.each([
		['', 'is empty'],
		['0', 'ids start at 1'],
		['-1', 'negative'],
		['+1', 'write the digits alone'],
		['1.0', 'a decimal point'],
		['1e5', 'an exponent'],
		['18446744073709551616', 'larger than 64 bits'],
		['12ab', 'is not a numeric user id ("12ab")'],
	])('rejects %j', (raw, reason) => {
		const check = checkUserId(raw);
		expect(check.ok).toBe(false);
		if (!check.ok) expect(check.reason).toContain(reason);
	});
});

describe('readUsers: OAuth 2.0 user tokens (oauth2_access_token)', () => {
	const dir = mkdtempSync(join(tmpdir(), 'x-aaa-migrate-oauth2-'));

	it('a token store row may hold an OAuth 1.0a token, an OAuth 2.0 token, or both; both are redacted', async () => {
		const tokens = join(dir, 'mixed.csv');
		writeFileSync(
			tokens,
			'user_id,access_token,access_token_secret,oauth2_access_token\n' +
				`1460000000000000001,${BIG_ACCESS},${BIG_SECRET},\n` +
				'9007199254740993,,,OAuth2TokenForThree0123456789\n' +
				'119476949,119476949-TokDancer01234,SecDancer0123456789,OAuth2TokenForDancer0123\n',
		);
		const users = await readUsers([fixture('info.big-ids.json')], tokens);
		expect(users.get('1460000000000000001')?.token).toMatchObject(BIG_TOKEN);
		expect(users.get('1460000000000000001')?.oauth2).toBeUndefined();
		expect(users.get('9007199254740993')?.token).toBeUndefined();
		expect(users.get('9007199254740993')?.oauth2?.accessToken).toBe('OAuth2TokenForThree0123456789');
		expect(users.get('119476949')?.oauth2?.accessToken).toBe('OAuth2TokenForDancer0123');
		expect(users.counts).toMatchObject({ withTokens: 3, withOAuth1: 2 });
		const shown = JSON.stringify([...users]) + inspect([...users]);
		expect(shown).not.toMatch(/OAuth2TokenFor|SecA1b2/);
	});

	it('a row without any token, and a second different OAuth 2.0 token for a user, are errors with file:line', async () => {
		const none = join(dir, 'none.csv');
		writeFileSync(none, 'user_id,access_token,access_token_secret,oauth2_access_token\n3,,,\n');
		expect((await errorOf(readUsers([fixture('info.big-ids.json')], none))).message).toBe(`${none}:2: access_token is empty for user 3`);
		const twice = join(dir, 'twice.csv');
		writeFileSync(twice, 'user_id,oauth2_access_token\n9007199254740993,OAuth2A0123456789\n9007199254740993,OAuth2B0123456789\n');
		const e = await errorOf(readUsers([fixture('info.big-ids.json')], twice));
		expect(e.message).toMatch(new RegExp(`^${twice.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: user 9007199254740993 has a different oauth2_access_token`));
		expect(e.message).not.toMatch(/OAuth2[AB]/);
	});
});
