import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { InputError } from '../../../migrate/input';
import {
	readSiteStreamsInfo,
	SiteStreamsInfoParser,
	type SiteStreamsUser,
} from '../../../migrate/input/sitestreams-json';

const FIXTURES = join(__dirname, '../../fixtures/migrate');
const fixture = (name: string): string => join(FIXTURES, name);

async function readAll(file: string): Promise<SiteStreamsUser[]> {
	const users: SiteStreamsUser[] = [];
	await readSiteStreamsInfo(file, (user) => users.push(user));
	return users;
}

/** Parses text fed in chunks of `size` bytes: every token boundary must survive a split. */
function parseInChunks(text: string, size: number, file = 'mem.json'): SiteStreamsUser[] {
	const users: SiteStreamsUser[] = [];
	const parser = new SiteStreamsInfoParser(file, (user) => users.push(user));
	const bytes = Buffer.from(text);
	for (let at = 0; at < bytes.length; at += size) parser.write(bytes.subarray(at, at + size));
	parser.end();
	return users;
}

function parseError(text: string): InputError {
	try {
		parseInChunks(text, 1 << 20, 'sitestreams.json');
	} catch (error) {
		if (error instanceof InputError) return error;
		throw error;
	}
	throw new Error('expected an InputError');
}

describe('Site Streams info.json reader', () => {
	it('reads the X docs example: ids, names, dm flags, lines; ignores follows and options', async () => {
		expect(await readAll(fixture('info.dev-twitter-docs-example.json'))).toEqual([
			{ userId: '1', screenName: 'raffi', dm: false, line: 5 },
			{ userId: '3', screenName: 'fiaz', dm: true, line: 6 },
		]);
	});

	it('reads the pretty-printed tweetstream fixture with the id line', async () => {
		expect(await readAll(fixture('info.tweetstream-fixture.json'))).toEqual([
			{ userId: '119476949', screenName: 'oauth_dancer', dm: false, line: 7 },
		]);
	});

	it('keeps every digit of ids above 2^53, as strings', async () => {
		const users = await readAll(fixture('info.big-ids.json'));
		expect(users.map((u) => u.userId)).toEqual([
			'1460000000000000001',
			'18446744073709551615',
			'9007199254740993',
			'1460000000000000003',
			'119476949',
		]);
		for (const user of users) expect(typeof user.userId).toBe('string');
		expect(users.map((u) => u.line)).toEqual([4, 5, 6, 7, 9]);
	});

	it('prefers id_str, and accepts an id that is its JavaScript-rounded double', async () => {
		const users = await readAll(fixture('info.big-ids.json'));
		expect(users[3]).toMatchObject({ userId: '1460000000000000003', screenName: 'rounded_by_js' });
		expect(parseInChunks('{"info":{"users":[{"id_str":"42"}]}}', 64)).toEqual([
			{ userId: '42', line: 1, screenName: undefined, dm: undefined },
		]);
		const error = parseError('{"info":{"users":[\n{"id":12,\n"id_str":"13"}]}}');
		expect(error.message).toBe(
			'sitestreams.json:3: users[0].id (12) and id_str (13) name different users',
		);
	});

	it('handles a BOM, CRLF, keys in any order, users after other keys and string escapes', async () => {
		expect(await readAll(fixture('info.bom-crlf.json'))).toEqual([
			{ userId: '3', screenName: 'fiaz', dm: true, line: 7 },
			{ userId: '1460000000000000001', screenName: 'big_é"one"', dm: true, line: 8 },
		]);
	});

	it('gives the same result whatever the chunk boundaries', () => {
		const text = readFileSync(fixture('info.big-ids.json'), 'utf8') + '\n';
		const whole = parseInChunks(text, 1 << 20);
		for (const size of [1, 2, 3, 7, 13]) expect(parseInChunks(text, size)).toEqual(whole);
		const bom = readFileSync(fixture('info.bom-crlf.json'));
		const users: SiteStreamsUser[] = [];
		const parser = new SiteStreamsInfoParser('bom.json', (user) => users.push(user));
		for (const byte of bom) parser.write(Buffer.from([byte]));
		parser.end();
		expect(users.map((u) => u.userId)).toEqual(['3', '1460000000000000001']);
	});

	it('accepts an empty users array', () => {
		expect(parseInChunks('{"info":{"users":[]}}', 5)).toEqual([]);
	});

	it.each([
		['bad/truncated.json', 6, 'the JSON is truncated'],
		['bad/no-users.json', 2, 'missing info.users'],
		['bad/no-info.json', 4, 'no "info" object'],
		['bad/users-not-array.json', 3, 'info.users is not an array'],
		['bad/id-not-numeric.json', 8, 'users[3].id is not a numeric user id ("12ab")'],
		['bad/id-negative.json', 8, 'users[3].id is not a user id ("-5"): negative'],
		[
			'bad/id-decimal.json',
			8,
			'users[3].id is not a numeric user id ("1.5"): it has a decimal point',
		],
		[
			'bad/id-exponent.json',
			8,
			'users[3].id is not a numeric user id ("1.46e+18"): it has an exponent',
		],
		['bad/id-empty.json', 8, 'users[3].id is empty'],
		['bad/id-null.json', 8, 'users[3].id is not a numeric user id (null)'],
		['bad/user-without-id.json', 3, 'users[1] has no id'],
		['bad/trailing-comma.json', 3, 'a trailing comma is not JSON'],
	])('rejects %s with file:line %d', async (name, line, text) => {
		const file = fixture(name);
		const error = await readAll(file).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(InputError);
		const inputError = error as InputError;
		expect(inputError.file).toBe(file);
		expect(inputError.line).toBe(line);
		expect(inputError.exitCode).toBe(2);
		expect(inputError.message.startsWith(`${file}:${line}: `)).toBe(true);
		expect(inputError.message).toContain(text);
	});

	it('names the field at fault', () => {
		expect(parseError('{"info":{"users":[{"id":1},\n{"id":"12ab"}]}}')).toMatchObject({
			line: 2,
			field: 'users[1].id',
			message: 'sitestreams.json:2: users[1].id is not a numeric user id ("12ab")',
		});
		expect(parseError('{"info":{"users":[{"id":1,"dm":"yes"}]}}').field).toBe('users[0].dm');
		expect(parseError('{"info":{"users":[7]}}').message).toContain('users[0] is not an object');
		expect(parseError('{"info":{"users":[{"id":18446744073709551616}]}}').message).toContain(
			'larger than 64 bits',
		);
		expect(parseError('{"info":{"users":[{"id":0123}]}}').field).toBe('users[0].id');
	});

	it('rejects syntax errors with the line: missing comma, unclosed string, trailing data', () => {
		expect(parseError('{"info":{"users":[\n{"id":1}\n{"id":2}]}}').message).toBe(
			"sitestreams.json:3: unexpected '{': expected ',' or ']' (missing comma?)",
		);
		expect(parseError('{"info":{"users":[\n{"id":1,"name":"ab\n}]}}').line).toBe(2);
		expect(parseError('{"info":{"users":[]}}\n{}').message).toContain(
			'after the end of the JSON document',
		);
		expect(parseError('[{"info":{}}]').message).toContain('the top level is an array');
		expect(parseError('{"info":{"users":[]}').message).toContain('the JSON is truncated');
		expect(parseError('{"info":{"users":[{"id":1,"name":"x\\q"}]}}').message).toContain(
			'invalid escape',
		);
		expect(parseError('{"info":{"users":[{"id":1}],"x":tru}}').message).toContain(
			'unexpected "tru"',
		);
	});

	it('rejects an empty file and a missing file', async () => {
		await expect(readAll(fixture('bad/empty.json'))).rejects.toThrow(/empty\.json: file is empty/);
		await expect(readAll(fixture('bad/nope.json'))).rejects.toThrow(/nope\.json: no such file/);
	});
});
