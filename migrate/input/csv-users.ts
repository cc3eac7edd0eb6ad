/**
 * Streaming reader for User Streams user lists and token stores exported as CSV:
 *
 *   user_id,access_token,access_token_secret[,screen_name,…]
 *
 * Headers are matched case-insensitively after trimming, with common aliases (id,
 * oauth_token, token, …); other columns are ignored. UTF-8 BOM, CRLF, quoted fields with
 * commas, quotes and line breaks are handled by csv-parse; line numbers are computed here
 * from byte offsets, because csv-parse counts a quoted CRLF as two lines.
 */
import { createReadStream } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { parse } from 'csv-parse';

import { InputError, asInputError } from './input-error';
import { checkUserId } from './user-id';

/** `users`: a `--from` list (token columns optional); `tokens`: the `--tokens` store. */
export type CsvRole = 'users' | 'tokens';

/** One data row. */
export interface CsvUserRow {
	userId: string;
	screenName?: string;
	token?: string;
	secret?: string;
	/** The user's OAuth 2.0 user-context access token (column oauth2_access_token). */
	oauth2?: string;
	/** Line where the row starts. */
	line: number;
}

type Column = 'user_id' | 'access_token' | 'access_token_secret' | 'oauth2_access_token' | 'screen_name';

/** Accepted header names (lower case, spaces and dashes as underscores) per column. */
const HEADER_ALIASES: Record<string, Column> = {
	user_id: 'user_id',
	userid: 'user_id',
	id: 'user_id',
	id_str: 'user_id',
	access_token: 'access_token',
	oauth_token: 'access_token',
	token: 'access_token',
	access_token_secret: 'access_token_secret',
	oauth_token_secret: 'access_token_secret',
	token_secret: 'access_token_secret',
	access_secret: 'access_token_secret',
	// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- a column name, not a secret
	oauth2_access_token: 'oauth2_access_token',
	// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- a column name, not a secret
	oauth2_token: 'oauth2_access_token',
	screen_name: 'screen_name',
	screenname: 'screen_name',
	username: 'screen_name',
};

/** A quoted field longer than this is almost surely an unclosed quote swallowing the file. */
const MAX_RECORD_BYTES = 64 * 1024;

/** Printable ASCII without spaces: what OAuth 1.0a tokens are made of. */
const TOKEN_TEXT = /^[\x21-\x7e]+$/;
/** X access tokens start with the owner's user id: `<user id>-<random>`. */
const TOKEN_OWNER = /^(\d+)-/;

function normaliseHeader(name: string): string {
	return name
		.replace(/^\ufeff/, '')
		.trim()
		.toLowerCase()
		.replace(/[\s-]+/g, '_');
}

/** Maps byte offsets of the file to 1-based line numbers, forward only, in O(bytes). */
export class LineCounter {
	private readonly chunks: Buffer[] = [];
	/** Absolute offset of chunks[0][0]. */
	private chunkStart = 0;
	/** Offset counted up to, and the line number there. */
	private position = 0;
	private lineAtPosition = 1;

	push(chunk: Buffer): void {
		this.chunks.push(chunk);
	}

	/** Line of the byte at `offset` (offsets must not go backwards). */
	lineAt(offset: number): number {
		while (this.position < offset && this.chunks.length > 0) {
			const chunk = this.chunks[0];
			const chunkEnd = this.chunkStart + chunk.length;
			const stop = Math.min(offset, chunkEnd) - this.chunkStart;
			let k = this.position - this.chunkStart;
			while (k < stop) {
				const nl = chunk.indexOf(10, k);
				if (nl === -1 || nl >= stop) break;
				this.lineAtPosition++;
				k = nl + 1;
			}
			this.position = stop + this.chunkStart;
			if (this.position >= chunkEnd) {
				this.chunks.shift();
				this.chunkStart = chunkEnd;
			}
		}
		return this.lineAtPosition;
	}
}

interface ColumnIndexes {
	userId: number;
	token: number;
	secret: number;
	oauth2: number;
	screenName: number;
	width: number;
}

/** A header cell that names a column we do not know but that looks meant as a token column. */
const TOKENISH = /token|secret|oauth/;

const ALIASES_OF = (column: Column) =>
	Object.keys(HEADER_ALIASES)
		.filter((k) => HEADER_ALIASES[k] === column)
		.join('/');

/**
 * Maps header cells to columns. Errors name columns by position (column 3), never by their
 * text: a headerless token store's first line is a user's token and secret.
 */
function mapHeader(file: string, line: number, header: string[], role: CsvRole): ColumnIndexes {
	const found: Partial<Record<Column, { index: number }>> = {};
	const tokenish: number[] = [];
	header.forEach((raw, index) => {
		const name = normaliseHeader(raw);
		const column = HEADER_ALIASES[name];
		if (column === undefined) {
			if (TOKENISH.test(name)) tokenish.push(index + 1);
			return;
		}
		const earlier = found[column];
		if (earlier !== undefined) {
			throw new InputError(file, line, `columns ${earlier.index + 1} and ${index + 1} both give the ${column}: keep one`, column);
		}
		found[column] = { index };
	});
	if (found.user_id === undefined) {
		const looksLikeData = header.length > 0 && /^\s*\d+\s*$/.test(header[0]);
		throw new InputError(
			file,
			line,
			'no user_id column in the header' +
				(looksLikeData
					? ' (the first line looks like data: add a header line such as user_id,access_token,access_token_secret)'
					: ` (${header.length} column${header.length === 1 ? '' : 's'}, none named ${ALIASES_OF('user_id')})`),
			'user_id',
		);
	}
	const hasToken = found.access_token !== undefined;
	const hasSecret = found.access_token_secret !== undefined;
	const hasOauth2 = found.oauth2_access_token !== undefined;
	const misspelt =
		tokenish.length > 0
			? ` (column${tokenish.length === 1 ? '' : 's'} ${tokenish.join(', ')} look${tokenish.length === 1 ? 's' : ''} like a token ` +
				'column but the name is none of the accepted ones)'
			: '';
	if (role === 'tokens' && !hasOauth2 && (!hasToken || !hasSecret)) {
		const missing = [!hasToken && 'access_token', !hasSecret && 'access_token_secret'].filter(Boolean);
		throw new InputError(
			file,
			line,
			`token store has no ${missing.join(' or ')} column ` +
				`(accepted: ${ALIASES_OF('access_token')} and ${ALIASES_OF('access_token_secret')}, ` +
				`or ${ALIASES_OF('oauth2_access_token')} for OAuth 2.0)${misspelt}`,
			missing[0] as string,
		);
	}
	if (hasToken !== hasSecret) {
		const missing = hasToken ? 'access_token_secret' : 'access_token';
		throw new InputError(
			file,
			line,
			`has an ${hasToken ? 'access_token' : 'access_token_secret'} column but no ${missing} column${misspelt}`,
			missing,
		);
	}
	if (tokenish.length > 0 && !hasToken && !hasOauth2) {
		throw new InputError(
			file,
			line,
			`no token column matches an accepted name${misspelt}: accepted are ${ALIASES_OF('access_token')}, ` +
				`${ALIASES_OF('access_token_secret')} and ${ALIASES_OF('oauth2_access_token')}`,
			'access_token',
		);
	}
	return {
		userId: found.user_id.index,
		token: found.access_token?.index ?? -1,
		secret: found.access_token_secret?.index ?? -1,
		oauth2: found.oauth2_access_token?.index ?? -1,
		screenName: found.screen_name?.index ?? -1,
		width: header.length,
	};
}

/** Checks a token or secret cell; returns the trimmed value ('' when empty). */
function tokenCell(file: string, line: number, value: string, column: string): string {
	const text = value.trim();
	if (text !== '' && !TOKEN_TEXT.test(text)) {
		throw new InputError(
			file,
			line,
			`${column} is not a plausible OAuth token (spaces or non-ASCII characters)`,
			column,
		);
	}
	return text;
}

function csvErrorProblem(code: string): string {
	switch (code) {
		case 'CSV_QUOTE_NOT_CLOSED':
			return 'unclosed quote: a quoted field starting in this row runs to the end of the file';
		case 'CSV_MAX_RECORD_SIZE':
			return `a row longer than ${MAX_RECORD_BYTES / 1024} KiB starts here: probably an unclosed quote`;
		case 'INVALID_OPENING_QUOTE':
			return 'a quote inside an unquoted field: quote the whole field and double the inner quote ("")';
		case 'CSV_INVALID_CLOSING_QUOTE':
		case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
			return 'text after a closing quote: a quote inside a quoted field must be doubled ("")';
		default:
			return `not valid CSV (${code})`;
	}
}

/** Guesses the delimiter from the header line: comma, else tab, else semicolon. */
export function sniffDelimiter(head: Buffer): string {
	let end = head.indexOf(10);
	if (end === -1) end = head.length;
	const firstLine = head.toString('utf8', 0, end);
	if (firstLine.includes(',')) return ',';
	if (firstLine.includes('\t')) return '\t';
	if (firstLine.includes(';')) return ';';
	return ',';
}

/**
 * Reads a user list or token store CSV, calling onRow for each data row in file order.
 * Blank rows (every cell empty) are skipped. Resolves with the number of data rows.
 */
export async function readCsvUsers(
	file: string,
	role: CsvRole,
	onRow: (row: CsvUserRow) => void,
	delimiter = ',',
): Promise<number> {
	const lines = new LineCounter();
	let recordStart = 0;
	let columns: ColumnIndexes | undefined;
	let rows = 0;

	const handle = (record: string[], line: number): void => {
		if (record.every((cell) => cell.trim() === '')) return;
		if (columns === undefined) {
			columns = mapHeader(file, line, record, role);
			return;
		}
		if (record.length !== columns.width) {
			throw new InputError(
				file,
				line,
				`this row has ${record.length} fields but the header has ${columns.width}` +
					(record.length > columns.width ? ' (an unquoted comma in a field?)' : ''),
			);
		}
		const id = checkUserId(record[columns.userId]);
		if (!id.ok) throw new InputError(file, line, `user_id ${id.reason}`, 'user_id');
		const row: CsvUserRow = { userId: id.userId, line };
		if (columns.screenName >= 0) {
			const name = record[columns.screenName].trim().replace(/^@/, '');
			if (name !== '') row.screenName = name;
		}
		const oauth2 = columns.oauth2 >= 0 ? tokenCell(file, line, record[columns.oauth2], 'oauth2_access_token') : '';
		if (oauth2 !== '') row.oauth2 = oauth2;
		if (columns.token >= 0) {
			const token = tokenCell(file, line, record[columns.token], 'access_token');
			const secret = tokenCell(file, line, record[columns.secret], 'access_token_secret');
			if (token === '' || secret === '') {
				if ((role === 'tokens' && oauth2 === '') || token !== '' || secret !== '') {
					const empty = token === '' ? 'access_token' : 'access_token_secret';
					throw new InputError(file, line, `${empty} is empty for user ${id.userId}`, empty);
				}
			} else {
				const owner = TOKEN_OWNER.exec(token);
				if (owner !== null && owner[1].replace(/^0+/, '') !== id.userId) {
					throw new InputError(
						file,
						line,
						`access_token belongs to user ${owner[1]} (its prefix), not to user_id ${id.userId}: ` +
							'the columns or rows are misaligned',
						'access_token',
					);
				}
				row.token = token;
				row.secret = secret;
			}
		}
		if (role === 'tokens' && row.token === undefined && row.oauth2 === undefined) {
			throw new InputError(file, line, `no token for user ${id.userId}: every token store row needs one`, 'access_token');
		}
		rows++;
		onRow(row);
	};

	const parser = parse({
		bom: true,
		delimiter,
		trim: true,
		relax_column_count: true,
		max_record_size: MAX_RECORD_BYTES,
		on_record: (record: string[], context) => {
			const line = lines.lineAt(recordStart);
			recordStart = context.bytes;
			handle(record, line);
			return null;
		},
	});
	const counter = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			lines.push(chunk);
			callback(null, chunk);
		},
	});
	const discard = new Writable({
		objectMode: true,
		write(_record, _encoding, callback) {
			callback();
		},
	});
	try {
		await pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), counter, parser, discard);
	} catch (error) {
		const code = (error as { code?: unknown }).code;
		const fromCsvParse =
			typeof code === 'string' && (code.startsWith('CSV_') || code === 'INVALID_OPENING_QUOTE');
		throw fromCsvParse
			? new InputError(file, lines.lineAt(recordStart), csvErrorProblem(code))
			: asInputError(file, error);
	}
	if (columns === undefined)
		throw new InputError(file, undefined, 'file is empty (no header line)');
	return rows;
}
