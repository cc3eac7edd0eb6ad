/**
 * Streaming reader for Site Streams control-stream dumps (GET /1.1/site/c/:stream_id/info.json):
 *
 *   {"info":{"users":[{"id":119476949,"name":"oauth_dancer","dm":false}, …], "follows":…, …}}
 *
 * A byte-level JSON tokenizer feeds a small push-down parser that knows the one path it cares
 * about (info.users[i].{id,id_str,name,dm}) and checks the syntax of everything else without
 * keeping it. It tracks line numbers for messages and keeps every number as its digit string,
 * so a bare `id` above 2^53 keeps every digit. Memory stays flat whatever the file size.
 */
import { createReadStream } from 'node:fs';

import { InputError, asInputError } from './input-error';
import { checkUserId, quoteForMessage } from './user-id';

/** One entry of info.users. */
export interface SiteStreamsUser {
	userId: string;
	/** The `name` field: the user's screen name. */
	screenName?: string;
	dm?: boolean;
	/** Line of the user's id. */
	line: number;
}

// Byte codes.
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const UPPER_E = 69;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const LOWER_A = 97;
const LOWER_E = 101;
const LOWER_Z = 122;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

// What a container expects next.
const OBJ_KEY_OR_END = 0; // after {
const OBJ_KEY = 1; // after ,
const OBJ_COLON = 2;
const OBJ_VALUE = 3;
const OBJ_COMMA_OR_END = 4;
const ARR_VALUE_OR_END = 5; // after [
const ARR_VALUE = 6; // after ,
const ARR_COMMA_OR_END = 7;

// What a container is, on the one path that matters.
const ROLE_ROOT = 0;
const ROLE_INFO = 1;
const ROLE_USERS = 2;
const ROLE_USER = 3;
const ROLE_OTHER = 4;

interface Frame {
	isObject: boolean;
	state: number;
	role: number;
	/** Current key (objects on the path only). */
	key: string;
	/** Elements seen so far (arrays). */
	count: number;
	line: number;
}

/** Fields of the user object being read. */
interface UserInProgress {
	index: number;
	line: number;
	id?: { digits: string; line: number };
	idStr?: { digits: string; line: number };
	screenName?: string;
	dm?: boolean;
}

type Primitive =
	| { kind: 'string'; text: string }
	| { kind: 'number'; text: string }
	| { kind: 'literal'; text: string };

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

function isNumberByte(c: number): boolean {
	return (
		(c >= ZERO && c <= NINE) ||
		c === MINUS ||
		c === PLUS ||
		c === DOT ||
		c === LOWER_E ||
		c === UPPER_E
	);
}

/**
 * Push parser: write() the file's bytes in chunks of any size, then end(). Calls onUser for
 * each entry of info.users in file order; throws InputError at the first problem.
 */
export class SiteStreamsInfoParser {
	private line = 1;
	private carry: Buffer | undefined;
	private started = false;
	private sawToken = false;
	private done = false;
	private readonly stack: Frame[] = [];
	private sawInfo = false;
	private infoLine = 1;
	private sawUsers = false;
	private user: UserInProgress | undefined;
	private userCount = 0;

	constructor(
		private readonly file: string,
		private readonly onUser: (user: SiteStreamsUser) => void,
	) {}

	/** Users read so far. */
	get users(): number {
		return this.userCount;
	}

	write(chunk: Buffer): void {
		let buf = chunk;
		if (this.carry !== undefined) {
			buf = Buffer.concat([this.carry, chunk]);
			this.carry = undefined;
		}
		let i = 0;
		if (!this.started) {
			if (buf.length < 3 && buf.length > 0 && buf[0] === 0xef) {
				this.carry = Buffer.from(buf);
				return;
			}
			this.started = true;
			if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
		}
		this.scan(buf, i, false);
	}

	end(): void {
		if (this.carry !== undefined) {
			const buf = this.carry;
			this.carry = undefined;
			this.scan(buf, 0, true);
		}
		if (!this.sawToken) throw new InputError(this.file, undefined, 'file is empty');
		if (this.stack.length > 0) {
			const open = this.stack[this.stack.length - 1];
			throw this.error(
				`the file ends inside ${open.isObject ? 'an object' : 'an array'} opened on line ${open.line}: ` +
					'the JSON is truncated',
			);
		}
	}

	private scan(buf: Buffer, start: number, final: boolean): void {
		const n = buf.length;
		let i = start;
		while (i < n) {
			const c = buf[i];
			if (c === SPACE || c === TAB || c === CR) {
				i++;
			} else if (c === LF) {
				this.line++;
				i++;
			} else if (c === QUOTE) {
				let j = i + 1;
				let escaped = false;
				while (j < n) {
					const d = buf[j];
					if (d === QUOTE) break;
					if (d === BACKSLASH) {
						escaped = true;
						j += 2;
					} else if (d < SPACE) {
						throw this.error(
							d === LF || d === CR
								? 'a string runs to the end of the line (missing closing quote?)'
								: 'a control character inside a string must be escaped',
						);
					} else j++;
				}
				if (j >= n) {
					if (final) throw this.error('the file ends inside a string: the JSON is truncated');
					this.carry = Buffer.from(buf.subarray(i));
					return;
				}
				this.sawToken = true;
				this.string(
					escaped
						? this.decodeEscaped(buf.toString('utf8', i, j + 1))
						: buf.toString('utf8', i + 1, j),
				);
				i = j + 1;
			} else if ((c >= ZERO && c <= NINE) || c === MINUS) {
				let j = i + 1;
				while (j < n && isNumberByte(buf[j])) j++;
				if (j >= n && !final) {
					this.carry = Buffer.from(buf.subarray(i));
					return;
				}
				this.sawToken = true;
				this.primitive({ kind: 'number', text: buf.toString('latin1', i, j) });
				i = j;
			} else if (c >= LOWER_A && c <= LOWER_Z) {
				let j = i + 1;
				while (j < n && buf[j] >= LOWER_A && buf[j] <= LOWER_Z) j++;
				if (j >= n && !final) {
					this.carry = Buffer.from(buf.subarray(i));
					return;
				}
				const word = buf.toString('latin1', i, j);
				if (word !== 'true' && word !== 'false' && word !== 'null') {
					throw this.error(`unexpected ${quoteForMessage(word)}: not JSON`);
				}
				this.sawToken = true;
				this.primitive({ kind: 'literal', text: word });
				i = j;
			} else {
				this.sawToken = true;
				if (c === OPEN_BRACE || c === OPEN_BRACKET) this.open(c === OPEN_BRACE);
				else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) this.close(c === CLOSE_BRACE);
				else if (c === COLON) this.colon();
				else if (c === COMMA) this.comma();
				else {
					const shown =
						c < 128
							? String.fromCharCode(c)
							: buf.toString('utf8', i, Math.min(n, i + 4)).charAt(0);
					throw this.error(`unexpected character ${quoteForMessage(shown)}: not JSON`);
				}
				i++;
			}
		}
	}

	private decodeEscaped(literal: string): string {
		try {
			return JSON.parse(literal) as string;
		} catch {
			throw this.error('invalid escape sequence in a string');
		}
	}

	private error(problem: string, field?: string): InputError {
		return new InputError(this.file, this.line, problem, field);
	}

	/** Checks that a value may start here. Returns the frame it belongs to (undefined: root). */
	private beginValue(what: string): Frame | undefined {
		const top = this.stack[this.stack.length - 1];
		if (top === undefined) {
			if (this.done) throw this.error(`unexpected ${what} after the end of the JSON document`);
			return undefined;
		}
		if (top.isObject) {
			if (top.state !== OBJ_VALUE)
				throw this.error(`unexpected ${what}: ${expectation(top.state)}`);
		} else if (top.state !== ARR_VALUE_OR_END && top.state !== ARR_VALUE) {
			throw this.error(`unexpected ${what}: ${expectation(top.state)}`);
		}
		return top;
	}

	private endValue(parent: Frame | undefined): void {
		if (parent === undefined) this.done = true;
		else if (parent.isObject) parent.state = OBJ_COMMA_OR_END;
		else {
			parent.state = ARR_COMMA_OR_END;
			parent.count++;
		}
	}

	private open(isObject: boolean): void {
		const parent = this.beginValue(isObject ? "'{'" : "'['");
		let role = ROLE_OTHER;
		if (parent === undefined) {
			if (!isObject) throw this.error('the top level is an array; expected {"info":{"users":[…]}}');
			role = ROLE_ROOT;
		} else if (parent.role === ROLE_ROOT && parent.key === 'info') {
			if (!isObject) throw this.error('info is not an object', 'info');
			this.sawInfo = true;
			this.infoLine = this.line;
			role = ROLE_INFO;
		} else if (parent.role === ROLE_INFO && parent.key === 'users') {
			if (isObject) throw this.error('info.users is not an array', 'info.users');
			this.sawUsers = true;
			role = ROLE_USERS;
		} else if (parent.role === ROLE_USERS) {
			const index = parent.count;
			if (!isObject) throw this.error(`users[${index}] is not an object`, `users[${index}]`);
			this.user = { index, line: this.line };
			role = ROLE_USER;
		} else if (parent.role === ROLE_USER) {
			this.userField(parent.key, isObject ? 'an object' : 'an array');
		}
		this.stack.push({
			isObject,
			state: isObject ? OBJ_KEY_OR_END : ARR_VALUE_OR_END,
			role,
			key: '',
			count: 0,
			line: this.line,
		});
	}

	private close(isObject: boolean): void {
		const top = this.stack[this.stack.length - 1];
		const what = isObject ? "'}'" : "']'";
		if (top === undefined) throw this.error(`unexpected ${what}`);
		if (top.isObject !== isObject) {
			throw this.error(
				`unexpected ${what}: the ${top.isObject ? 'object' : 'array'} opened on line ${top.line} is still open`,
			);
		}
		if (
			isObject
				? top.state !== OBJ_KEY_OR_END && top.state !== OBJ_COMMA_OR_END
				: top.state !== ARR_VALUE_OR_END && top.state !== ARR_COMMA_OR_END
		) {
			throw this.error(`unexpected ${what}: ${expectation(top.state)}`);
		}
		this.stack.pop();
		if (top.role === ROLE_USER) this.finishUser();
		else if (top.role === ROLE_ROOT) {
			if (!this.sawInfo) {
				throw this.error(
					'no "info" object: expected a Site Streams control stream dump {"info":{"users":[…]}}',
					'info',
				);
			}
			if (!this.sawUsers) {
				throw new InputError(
					this.file,
					this.infoLine,
					'missing info.users: the info object opened here has no "users" array',
					'info.users',
				);
			}
		}
		this.endValue(this.stack[this.stack.length - 1]);
	}

	private colon(): void {
		const top = this.stack[this.stack.length - 1];
		if (top === undefined || !top.isObject || top.state !== OBJ_COLON) {
			throw this.error(`unexpected ':'${top === undefined ? '' : `: ${expectation(top.state)}`}`);
		}
		top.state = OBJ_VALUE;
	}

	private comma(): void {
		const top = this.stack[this.stack.length - 1];
		if (top !== undefined && top.state === OBJ_COMMA_OR_END) top.state = OBJ_KEY;
		else if (top !== undefined && top.state === ARR_COMMA_OR_END) top.state = ARR_VALUE;
		else
			throw this.error(`unexpected ','${top === undefined ? '' : `: ${expectation(top.state)}`}`);
	}

	private string(text: string): void {
		const top = this.stack[this.stack.length - 1];
		if (top !== undefined && (top.state === OBJ_KEY_OR_END || top.state === OBJ_KEY)) {
			// Keys matter only on the path; elsewhere skip keeping them.
			top.key = top.role === ROLE_OTHER ? '' : text;
			top.state = OBJ_COLON;
			return;
		}
		this.primitive({ kind: 'string', text });
	}

	private primitive(value: Primitive): void {
		const shown =
			value.kind === 'string' ? 'string' : value.kind === 'number' ? 'number' : value.text;
		const parent = this.beginValue(shown);
		if (value.kind === 'number' && !JSON_NUMBER.test(value.text)) {
			const field =
				parent?.role === ROLE_USER && this.user
					? `users[${this.user.index}].${parent.key}`
					: undefined;
			if (field !== undefined && (parent?.key === 'id' || parent?.key === 'id_str')) {
				const check = checkUserId(value.text);
				throw this.error(
					`${field} ${check.ok ? `is not a valid JSON number (${quoteForMessage(value.text)})` : check.reason}`,
					field,
				);
			}
			throw this.error(`invalid number ${quoteForMessage(value.text)}`, field);
		}
		if (parent === undefined)
			throw this.error('the top level is not an object; expected {"info":{"users":[…]}}');
		if (parent.role === ROLE_ROOT && parent.key === 'info')
			throw this.error('info is not an object', 'info');
		if (parent.role === ROLE_INFO && parent.key === 'users') {
			throw this.error('info.users is not an array', 'info.users');
		}
		if (parent.role === ROLE_USERS) {
			throw this.error(`users[${parent.count}] is not an object`, `users[${parent.count}]`);
		}
		if (parent.role === ROLE_USER) this.userField(parent.key, value);
		this.endValue(parent);
	}

	/** A value of the user object being read (containers come as a description). */
	private userField(key: string, value: Primitive | string): void {
		const user = this.user;
		if (user === undefined) return;
		const field = `users[${user.index}].${key}`;
		const describe = (): string =>
			typeof value === 'string'
				? value
				: value.kind === 'string'
					? quoteForMessage(value.text)
					: value.text;
		if (key === 'id' || key === 'id_str') {
			if (typeof value === 'string' || value.kind === 'literal') {
				throw this.error(`${field} is not a numeric user id (${describe()})`, field);
			}
			const check = checkUserId(value.text);
			if (!check.ok) throw this.error(`${field} ${check.reason}`, field);
			const found = { digits: check.userId, line: this.line };
			if (key === 'id') user.id = found;
			else user.idStr = found;
		} else if (key === 'dm') {
			if (typeof value !== 'string' && value.kind === 'literal') {
				if (value.text !== 'null') user.dm = value.text === 'true';
				return;
			}
			throw this.error(`${field} is not true or false (${describe()})`, field);
		} else if (key === 'name') {
			if (typeof value !== 'string' && value.kind === 'string' && value.text !== '')
				user.screenName = value.text;
		}
	}

	private finishUser(): void {
		const user = this.user;
		this.user = undefined;
		if (user === undefined) return;
		const { id, idStr } = user;
		if (id === undefined && idStr === undefined) {
			throw new InputError(
				this.file,
				user.line,
				`users[${user.index}] has no id`,
				`users[${user.index}].id`,
			);
		}
		let chosen = idStr ?? id;
		if (id !== undefined && idStr !== undefined && id.digits !== idStr.digits) {
			// A dump re-serialised by a JavaScript tool rounds id but keeps id_str: same double.
			if (Number(id.digits) !== Number(idStr.digits)) {
				throw new InputError(
					this.file,
					idStr.line,
					`users[${user.index}].id (${id.digits}) and id_str (${idStr.digits}) name different users`,
					`users[${user.index}].id_str`,
				);
			}
			chosen = idStr;
		}
		if (chosen === undefined) return;
		this.userCount++;
		this.onUser({
			userId: chosen.digits,
			screenName: user.screenName,
			dm: user.dm,
			line: chosen.line,
		});
	}
}

function expectation(state: number): string {
	switch (state) {
		case OBJ_KEY_OR_END:
			return "expected a key or '}'";
		case OBJ_KEY:
			return 'expected a key (a trailing comma is not JSON)';
		case OBJ_COLON:
			return "expected ':'";
		case OBJ_VALUE:
			return 'expected a value';
		case OBJ_COMMA_OR_END:
			return "expected ',' or '}' (missing comma?)";
		case ARR_VALUE_OR_END:
			return "expected a value or ']'";
		case ARR_VALUE:
			return 'expected a value (a trailing comma is not JSON)';
		default:
			return "expected ',' or ']' (missing comma?)";
	}
}

/** Reads a Site Streams info.json file; resolves with the number of users read. */
export async function readSiteStreamsInfo(
	file: string,
	onUser: (user: SiteStreamsUser) => void,
): Promise<number> {
	const parser = new SiteStreamsInfoParser(file, onUser);
	const stream = createReadStream(file, { highWaterMark: 1 << 20 });
	try {
		for await (const chunk of stream) parser.write(chunk as Buffer);
	} catch (error) {
		throw asInputError(file, error);
	}
	parser.end();
	return parser.users;
}
