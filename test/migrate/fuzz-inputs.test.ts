/**
 * Fuzz (fast-check, fixed seeds): the CSV and Site Streams readers and the journal reader get
 * random bytes and mutated valid files. The only acceptable failure is the command's own exit-2
 * error naming the file (and line): an InputError / ConfigError whose message starts with the
 * path, never a TypeError, RangeError or a stack trace. FUZZ_RUNS=N runs longer (default 120
 * per property; the whole file stays well under 20 s).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';

import { InputError, readUsers } from '../../migrate/input';
import { Journal, unitsOf, type Fingerprint } from '../../migrate/journal';
import { ConfigError } from '../../migrate/options';
import { CODE_OF } from '../../migrate/unit-table';

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const FIXTURES = join(__dirname, '../fixtures/migrate');
const dir = mkdtempSync(join(tmpdir(), 'x-aaa-migrate-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALID_CSV = ['tokens.csv', 'tokens.aliases.csv', 'tokens.short-aliases.csv', 'users.bom-crlf-quoted.csv'].map((f) =>
	readFileSync(join(FIXTURES, f)),
);
const VALID_JSON = ['info.big-ids.json', 'info.bom-crlf.json', 'info.dev-twitter-docs-example.json', 'info.tweetstream-fixture.json'].map((f) =>
	readFileSync(join(FIXTURES, f)),
);

/** A valid file with a few bytes inserted, deleted or replaced at random places. */
function mutated(valid: Buffer[]): fc.Arbitrary<Buffer> {
	const edit = fc.record({
		at: fc.nat(),
		kind: fc.constantFrom('insert', 'delete', 'replace'),
		bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }),
		interesting: fc.constantFrom('"', ',', '\n', '\r', '{', '}', '[', ']', ':', '\\', '\ufeff', '-', '9', 'e', 'null', ''),
	});
	return fc.tuple(fc.constantFrom(...valid), fc.array(edit, { minLength: 1, maxLength: 5 })).map(([base, edits]) => {
		let b = Buffer.from(base);
		for (const e of edits) {
			const at = b.length === 0 ? 0 : e.at % b.length;
			const ins = e.interesting ? Buffer.from(e.interesting) : Buffer.from(e.bytes);
			if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
			else if (e.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.bytes.length)]);
			else b = Buffer.concat([b.subarray(0, at), ins, b.subarray(at + ins.length)]);
		}
		return b;
	});
}

const bytes = fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a));
const textish = fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(s));

let n = 0;
function write(ext: string, content: Buffer): string {
	const p = join(dir, `case-${n++}${ext}`);
	writeFileSync(p, content);
	return p;
}

/** Reading either works or fails with the command's own file:line error. */
async function readsOrRefuses(run: () => Promise<unknown>, file: string): Promise<void> {
	try {
		await run();
	} catch (err) {
		if (!(err instanceof InputError)) throw new Error(`not an input error: ${String(err)}\n${(err as Error)?.stack ?? ''}`);
		const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		if (!new RegExp(`^${escaped}(:\\d+)?: \\S`).test(err.message)) throw new Error(`message does not start with file[:line]: ${err.message}`);
		if (/\n\s+at /.test(err.message)) throw new Error(`stack trace in the message: ${err.message}`);
	}
}

describe('fuzz: input readers', () => {
	it.each<[string, string, fc.Arbitrary<Buffer>, number]>([
		['CSV user list, random bytes', '.csv', fc.oneof(bytes, textish), 1],
		['CSV user list, mutated valid files', '.csv', mutated(VALID_CSV), 2],
		['Site Streams info.json, random bytes', '.json', fc.oneof(bytes, textish), 3],
		['Site Streams info.json, mutated valid files', '.json', mutated(VALID_JSON), 4],
	])('%s: only file:line errors', async (_name, ext, arb, seed) => {
		await fc.assert(
			fc.asyncProperty(arb, async (content) => {
				const file = write(ext, content);
				await readsOrRefuses(() => readUsers([file]), file);
			}),
			{ seed, numRuns: RUNS },
		);
	}, Math.max(60_000, RUNS * 100));

	it('token store (--tokens), random bytes and mutated valid files: only file:line errors', async () => {
		const users = join(FIXTURES, 'info.big-ids.json');
		await fc.assert(
			fc.asyncProperty(fc.oneof(bytes, mutated(VALID_CSV)), async (content) => {
				const file = write('.csv', content);
				await readsOrRefuses(() => readUsers([users], file), file);
			}),
			{ seed: 5, numRuns: RUNS },
		);
	}, Math.max(60_000, RUNS * 100));
});

describe('fuzz: journal lines', () => {
	const fingerprint: Fingerprint = { to: 'aaa', api: 'v2', env: null, baseUrl: 'https://api.x.com', webhook: null, inputs: [] };
	const header = JSON.stringify({ type: 'x-aaa-migrate-state', version: 1, created: 'x', fingerprint });
	const recordish = fc.record(
		{
			u: fc.oneof(fc.string(), fc.constant('__proto__'), fc.integer(), fc.constant(null)),
			s: fc.oneof(fc.constantFrom('subscribed', 'failed', 'needs_reauth', '__proto__', 'constructor'), fc.string(), fc.integer()),
			y: fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.jsonValue())), fc.jsonValue()),
			ye: fc.jsonValue(),
			t: fc.jsonValue(),
		},
		{ requiredKeys: [] },
	);
	const line = fc.oneof(
		fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
		recordish.map((r) => JSON.stringify(r)),
		fc.string({ maxLength: 80 }).map((s) => s.replace(/\n/g, ' ')),
	);

	it('any line: read as a record, skipped, or "not a journal line" with file:line; never a crash', () => {
		fc.assert(
			fc.property(fc.array(line, { maxLength: 8 }), fc.boolean(), (lines, torn) => {
				const path = write('.jsonl', Buffer.from([header, ...lines].join('\n') + (torn ? '' : '\n')));
				try {
					const opened = Journal.open(path, fingerprint, (r) => {
						for (const unit of unitsOf(r)) void CODE_OF[unit.status];
					});
					opened.journal.close();
				} catch (err) {
					if (!(err instanceof ConfigError)) throw err;
					if (!new RegExp(`^--state ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+: not a journal line| belongs to another)`).test(err.message)) {
						throw new Error(`unexpected message: ${err.message}`);
					}
				}
			}),
			{ seed: 6, numRuns: RUNS * 2 },
		);
	}, Math.max(60_000, RUNS * 100));
});
