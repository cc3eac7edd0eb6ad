/**
 * The run journal (`--state`): append-only JSONL, one whole line per write on an O_APPEND file
 * descriptor, so a killed run (even kill -9) leaves every recorded outcome on disk and at worst
 * a torn last line, which the next run drops (and cuts off) before appending.
 *
 *   {"type":"x-aaa-migrate-state","version":1,"created":"…","fingerprint":{…}}
 *   {"type":"webhook","id":"1234567890"}
 *   {"u":"1460000000000000001","s":"subscribed"}
 *   {"u":"783214","s":"needs_reauth","e":"401 code 89: Invalid or expired token."}
 *   {"u":"783215","s":"failed","e":"…","t":1}        t:1 = transient, retried on resume
 *   {"u":"783216","s":"subscribed","y":{"post.create":"subscribed","dm.sent":"already_subscribed"}}
 *                                                    --to xaa: per event type (y), errors per type (ye)
 *
 * The header's fingerprint names the inputs (resolved paths and sizes), flavour, environment,
 * base URL and webhook the journal belongs to; resuming against anything else is refused.
 * No token, secret or bearer is ever written.
 */
import {
	chmodSync,
	closeSync,
	existsSync,
	fdatasyncSync,
	fstatSync,
	ftruncateSync,
	openSync,
	readFileSync,
	readSync,
	rmSync,
	unlinkSync,
	writeSync,
} from 'node:fs';
import { resolve } from 'node:path';

import { ConfigError } from './options';

export interface Fingerprint {
	to: string;
	api: string;
	env: string | null;
	baseUrl: string;
	webhook: { id: string } | { url: string } | null;
	inputs: Array<{ file: string; role: string; bytes: number }>;
	/** --to xaa --from-aaa: the AAA webhook whose subscription list gave users. */
	fromAaa?: string | null;
}

export interface JournalRecord {
	u: string;
	s: string;
	e?: string;
	/** 1: a transient failure (5xx, network) that a resumed run tries again. */
	t?: 1;
	/** 1: written by verification's re-subscribe. */
	r?: 1;
	/** --to xaa: status per event type sent in this record (later records override earlier ones). */
	y?: Record<string, string>;
	/** --to xaa: error per event type, for the types that did not succeed. */
	ye?: Record<string, string>;
}

export interface JournalContents {
	records: JournalRecord[] | undefined;
	webhookId?: string;
}

function sameFingerprint(a: Fingerprint, b: Fingerprint): string | undefined {
	if (a.to !== b.to) return `migration target (${a.to} vs ${b.to})`;
	if (a.api !== b.api) return `API flavour (${a.api} vs ${b.api})`;
	if (a.env !== b.env) return `premium environment (${a.env} vs ${b.env})`;
	if (a.baseUrl !== b.baseUrl) return `base URL (${a.baseUrl} vs ${b.baseUrl})`;
	if (JSON.stringify(a.webhook) !== JSON.stringify(b.webhook)) {
		return `webhook (${JSON.stringify(a.webhook)} vs ${JSON.stringify(b.webhook)})`;
	}
	if ((a.fromAaa ?? null) !== (b.fromAaa ?? null)) return `--from-aaa webhook (${a.fromAaa ?? 'none'} vs ${b.fromAaa ?? 'none'})`;
	const before = Array.isArray(a.inputs) ? a.inputs : [];
	const changed: string[] = [];
	for (const now of b.inputs) {
		const was = before.find((i) => i.file === now.file);
		if (!was) changed.push(`${now.file} (${now.role}) is new`);
		else if (was.bytes !== now.bytes) changed.push(`${now.file} changed (${was.bytes} bytes then, ${now.bytes} now)`);
		else if (was.role !== now.role) changed.push(`${now.file} was the ${was.role}, now the ${now.role}`);
	}
	for (const was of before) if (!b.inputs.some((i) => i.file === was.file)) changed.push(`${was.file} is no longer given`);
	if (changed.length > 0 || before.length !== b.inputs.length) return `inputs: ${changed.join('; ') || 'their order changed'}`;
	return undefined;
}

/** How to start over, for every message that refuses a journal. */
const START_OVER = 'give --restart to discard it and start over, or a new --state FILE';

/** One record of a unit's outcome, as written: `y` holds named parts (XAA event types). */
export interface UnitRecord {
	part: string;
	status: string;
	error?: string;
	transient: boolean;
}

/** The units a journal line records: (u, part) for every entry of `y`, or (u, '') for `s`. */
export function unitsOf(r: JournalRecord): UnitRecord[] {
	if (r.y && typeof r.y === 'object') {
		return Object.entries(r.y).map(([part, status]) => ({
			part,
			status: String(status),
			error: typeof r.ye?.[part] === 'string' ? r.ye[part] : undefined,
			transient: r.t === 1,
		}));
	}
	return [{ part: '', status: r.s, error: typeof r.e === 'string' ? r.e : undefined, transient: r.t === 1 }];
}

/** The lock beside a journal: one run per journal. */
export function lockPathOf(statePath: string): string {
	return `${statePath}.lock`;
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Takes the journal's lock: a file created exclusively (O_EXCL) beside it, holding this
 * process's pid. A lock whose pid no longer runs (a killed run) is stale and taken over; a
 * live one is a ConfigError naming the holder. Returns the release function.
 */
/** Locks this process holds (a pid cannot tell two in-process runs apart). */
const HELD = new Set<string>();

export function lockJournal(statePath: string): () => void {
	const lock = lockPathOf(statePath);
	const key = resolve(lock);
	if (HELD.has(key)) {
		throw new ConfigError(
			`--state ${statePath} is in use by another x-aaa-migrate run (pid ${process.pid}, lock ${lock}): ` +
				'wait for it to finish, or give a different --state FILE',
		);
	}
	for (let attempt = 0; attempt < 3; attempt++) {
		let fd: number;
		try {
			fd = openSync(lock, 'wx', 0o600);
		} catch (err) {
			const code = (err as NodeJS.ErrnoException).code;
			if (code !== 'EEXIST') throw new ConfigError(`--state ${statePath}: cannot create the lock ${lock}: ${(err as Error).message}`);
			let holder = NaN;
			try {
				holder = Number(readFileSync(lock, 'utf8').trim().split(/\s/)[0]);
			} catch {
				continue; // removed in between: try again
			}
			if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) {
				throw new ConfigError(
					`--state ${statePath} is in use by another x-aaa-migrate run (pid ${holder}, lock ${lock}): ` +
						`wait for it to finish, or give a different --state FILE (if no run uses it, remove ${lock})`,
				);
			}
			// stale (the holder is gone) or unreadable: take it over
			rmSync(lock, { force: true });
			continue;
		}
		writeSync(fd, `${process.pid}\n`);
		closeSync(fd);
		HELD.add(key);
		let released = false;
		return () => {
			if (released) return;
			released = true;
			HELD.delete(key);
			try {
				if (readFileSync(lock, 'utf8').trim() === String(process.pid)) unlinkSync(lock);
			} catch {
				// already gone
			}
		};
	}
	throw new ConfigError(`--state ${statePath}: could not take the lock ${lock}; remove it if no run is using the journal`);
}

export class Journal {
	private fd: number;
	private lastSync = Date.now();

	private constructor(
		readonly path: string,
		fd: number,
	) {
		this.fd = fd;
	}

	/**
	 * Opens (or creates) the journal. An existing one must carry the same fingerprint (else
	 * ConfigError, exit 2); its complete records are passed to `onRecord` in order.
	 */
	static open(
		path: string,
		fingerprint: Fingerprint,
		onRecord: (r: JournalRecord) => void,
		opts: { restart?: boolean } = {},
	): { journal: Journal; resumed: boolean; webhookId?: string; records: number } {
		const existed = existsSync(path);
		let fd: number;
		try {
			fd = openSync(path, 'a+', 0o600);
			if (fstatSync(fd).isFile()) chmodSync(path, 0o600);
			else {
				closeSync(fd);
				throw new Error('not a file');
			}
		} catch (err) {
			throw new ConfigError(`--state ${path}: cannot open: ${(err as Error).message}`);
		}
		let resumed = false;
		let webhookId: string | undefined;
		let records = 0;
		const size = fstatSync(fd).size;
		if (existed && size > 0 && !opts.restart) {
			let diff: string | undefined;
			const good = readLines(fd, size, (line, lineNo) => {
				let obj: Record<string, unknown>;
				try {
					const parsed: unknown = JSON.parse(line);
					if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
					obj = parsed as Record<string, unknown>;
				} catch {
					closeSync(fd);
					throw new ConfigError(`--state ${path}:${lineNo}: not a journal line; ${START_OVER}`);
				}
				if (lineNo === 1) {
					if (obj.type !== 'x-aaa-migrate-state' || obj.version !== 1 || !obj.fingerprint || typeof obj.fingerprint !== 'object') {
						closeSync(fd);
						throw new ConfigError(`--state ${path}:1: not an x-aaa-migrate journal; ${START_OVER}`);
					}
					diff = sameFingerprint(obj.fingerprint as Fingerprint, fingerprint);
					resumed = true;
					return;
				}
				if (diff !== undefined) {
					// A journal of another migration that recorded outcomes: those must not be lost.
					if (typeof obj.u === 'string') {
						closeSync(fd);
						throw new ConfigError(
							`--state ${path} belongs to another migration: the ${diff}. Run the same command as before, or ${START_OVER}`,
						);
					}
					return;
				}
				if (obj.type === 'webhook' && typeof obj.id === 'string') {
					webhookId = obj.id;
					return;
				}
				if (typeof obj.u === 'string' && typeof obj.s === 'string') {
					records++;
					onRecord(obj as unknown as JournalRecord);
				}
			});
			// Cut a torn last line (kill -9 mid-write) so the next append starts a fresh line.
			if (good < size) ftruncateSync(fd, good);
			// A journal that recorded nothing (the run sent nothing) does not hold a corrected rerun back.
			if (good === 0 || diff !== undefined) resumed = false;
		}
		const journal = new Journal(path, fd);
		if (!resumed) {
			if (fstatSync(fd).size > 0) ftruncateSync(fd, 0);
			journal.append({ type: 'x-aaa-migrate-state', version: 1, created: new Date().toISOString(), fingerprint });
			journal.sync();
		}
		return { journal, resumed, webhookId, records };
	}

	/** Writes one whole line (one write on an O_APPEND descriptor). */
	append(obj: object): void {
		writeSync(this.fd, JSON.stringify(obj) + '\n');
		const now = Date.now();
		if (now - this.lastSync > 1000) this.sync();
	}

	record(r: JournalRecord): void {
		this.append(r);
	}

	sync(): void {
		try {
			fdatasyncSync(this.fd);
		} catch {
			// not every file system syncs; the O_APPEND write is what survives a killed process
		}
		this.lastSync = Date.now();
	}

	close(): void {
		if (this.fd < 0) return;
		this.sync();
		closeSync(this.fd);
		this.fd = -1;
	}
}

/**
 * Calls `onLine` for each complete (newline-terminated) line, reading in 1 MiB chunks.
 * Returns the byte length of the complete lines (a torn last line is not counted).
 */
function readLines(fd: number, size: number, onLine: (line: string, lineNo: number) => void): number {
	const chunk = Buffer.alloc(1 << 20);
	let pos = 0;
	let carry: Buffer = Buffer.alloc(0);
	let good = 0;
	let lineNo = 0;
	while (pos < size) {
		const n = readSync(fd, chunk, 0, chunk.length, pos);
		if (n <= 0) break;
		pos += n;
		let buf = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
		let start = 0;
		for (;;) {
			const nl = buf.indexOf(10, start);
			if (nl < 0) break;
			const line = buf.toString('utf8', start, nl);
			lineNo++;
			if (line.trim()) onLine(line, lineNo);
			good += nl + 1 - start;
			start = nl + 1;
		}
		buf = buf.subarray(start);
		carry = Buffer.from(buf);
	}
	return good;
}
