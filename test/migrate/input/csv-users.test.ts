import { join } from 'node:path';

import { InputError } from '../../../migrate/input';
import {
	LineCounter,
	readCsvUsers,
	sniffDelimiter,
	type CsvRole,
	type CsvUserRow,
} from '../../../migrate/input/csv-users';

const FIXTURES = join(__dirname, '../../fixtures/migrate');

/** Fake tokens of the fixture files, as [access token, secret]. */
const FAKE = {
	big: ['1460000000000000001-TokA1b2C3d4E5f6G7h8', 'SecA1b2C3d4E5f6G7h8I9j0'],
	max: ['18446744073709551615-TokMaxU64tokenValue', 'SecMaxU64secretValue0123'],
	raffi: ['1-TokRaffi0123456789abcdef', 'SecRaffi0123456789abcdefghij'],
	fiaz: ['3-TokFiaz0123456789abcdefg', 'SecFiaz0123456789abcdefghijk'],
} as const;
const fake = (name: keyof typeof FAKE): { token: string; secret: string } => ({
	token: FAKE[name][0],
	secret: FAKE[name][1],
});
const fixture = (name: string): string => join(FIXTURES, name);

async function readAll(
	file: string,
	role: CsvRole = 'users',
	delimiter = ',',
): Promise<CsvUserRow[]> {
	const rows: CsvUserRow[] = [];
	await readCsvUsers(file, role, (row) => rows.push(row), delimiter);
	return rows;
}

async function errorOf(promise: Promise<unknown>): Promise<InputError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(InputError);
	return error as InputError;
}

describe('User Streams CSV reader', () => {
	it('handles a BOM, CRLF, quoted fields with commas, quotes and line breaks, blank rows', async () => {
		expect(await readAll(fixture('users.bom-crlf-quoted.csv'))).toEqual([
			{
				userId: '1460000000000000001',
				screenName: 'big_one',
				...fake('big'),
				line: 2,
			},
			{
				userId: '18446744073709551615',
				screenName: 'max_u64',
				...fake('max'),
				line: 3,
			},
			// The quoted note spans lines 3-4, line 5 is blank: csv-parse alone would say 7.
			{ userId: '42', screenName: 'answer', line: 6 },
		]);
	});

	it('reads a token store', async () => {
		const rows = await readAll(fixture('tokens.csv'), 'tokens');
		expect(rows).toHaveLength(5);
		expect(rows[3]).toEqual({
			userId: '1460000000000000001',
			...fake('big'),
			line: 5,
		});
	});

	it('accepts header aliases in any case, trimmed, in any order; strips @ and leading zeros', async () => {
		expect(await readAll(fixture('tokens.aliases.csv'), 'tokens', ';')).toEqual([
			{
				userId: '1',
				screenName: 'raffi',
				...fake('raffi'),
				line: 2,
			},
			{
				userId: '3',
				screenName: 'fiaz',
				...fake('fiaz'),
				line: 3,
			},
		]);
		expect(await readAll(fixture('tokens.short-aliases.csv'), 'tokens')).toEqual([
			{
				userId: '1',
				...fake('raffi'),
				line: 2,
			},
		]);
		expect(await readAll(fixture('user-list.txt'))).toEqual([
			{ userId: '7', line: 2 },
			{ userId: '1460000000000000001', line: 3 },
		]);
	});

	it('sniffs the delimiter from the header line', () => {
		expect(sniffDelimiter(Buffer.from('user_id,token\n1,2'))).toBe(',');
		expect(sniffDelimiter(Buffer.from('user_id\ttoken\n1\t2'))).toBe('\t');
		expect(sniffDelimiter(Buffer.from('user_id;token\n1;2'))).toBe(';');
		expect(sniffDelimiter(Buffer.from('user_id\n1'))).toBe(',');
	});

	it.each([
		['bad/unclosed-quote.csv', 'tokens', 3, 'unclosed quote', undefined],
		[
			'bad/tokens-missing-secret-column.csv',
			'tokens',
			1,
			'token store has no access_token_secret column',
			'access_token_secret',
		],
		[
			'bad/tokens-missing-secret-column.csv',
			'users',
			1,
			'has an access_token column but no access_token_secret column',
			'access_token_secret',
		],
		[
			'bad/tokens-empty-secret.csv',
			'tokens',
			3,
			'access_token_secret is empty for user 3',
			'access_token_secret',
		],
		['bad/no-user-id.csv', 'users', 1, 'no user_id column in the header', 'user_id'],
		['bad/headerless.csv', 'tokens', 1, 'the first line looks like data', 'user_id'],
		[
			'bad/id-exponent.csv',
			'users',
			3,
			'user_id is not a numeric user id ("1.46E+18"): it has an exponent',
			'user_id',
		],
		[
			'bad/token-of-another-user.csv',
			'tokens',
			3,
			'access_token belongs to user 1 (its prefix), not to user_id 3',
			'access_token',
		],
		['bad/extra-field.csv', 'users', 3, 'this row has 3 fields but the header has 2', undefined],
	] as const)('rejects %s (%s) at line %d', async (name, role, line, text, field) => {
		const file = fixture(name);
		const error = await errorOf(readAll(file, role));
		expect(error.file).toBe(file);
		expect(error.line).toBe(line);
		expect(error.field).toBe(field);
		expect(error.message.startsWith(`${file}:${line}: `)).toBe(true);
		expect(error.message).toContain(text);
	});

	it('rejects an empty file', async () => {
		const error = await errorOf(readAll(fixture('bad/empty.csv')));
		expect(error.message).toBe(`${fixture('bad/empty.csv')}: file is empty (no header line)`);
	});

	it('never puts a token or secret in a message', async () => {
		for (const name of [
			'bad/unclosed-quote.csv',
			'bad/tokens-empty-secret.csv',
			'bad/token-of-another-user.csv',
		]) {
			const error = await errorOf(readAll(fixture(name), 'tokens'));
			expect(error.message).not.toMatch(/Tok|Sec/);
		}
	});
});

describe('LineCounter', () => {
	it('maps byte offsets to lines across chunk boundaries', () => {
		const counter = new LineCounter();
		counter.push(Buffer.from('a\nb'));
		counter.push(Buffer.from('\n\nc\n'));
		expect(counter.lineAt(0)).toBe(1);
		expect(counter.lineAt(2)).toBe(2);
		expect(counter.lineAt(4)).toBe(3);
		expect(counter.lineAt(5)).toBe(4);
		expect(counter.lineAt(7)).toBe(5);
	});
});
