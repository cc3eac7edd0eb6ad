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
import { closeSync, fdatasyncSync, ftruncateSync, openSync, readSync, fstatSync, writeSync, existsSync } from 'node:fs';

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
	if (JSON.stringify(a.inputs) !== JSON.stringify(b.inputs)) {
		const f = (x: Fingerprint) => x.inputs.map((i) => `${i.file} (${i.bytes} bytes)`).join(', ');
		return `inputs (${f(a)} vs ${f(b)})`;
	}
	return undefined;
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
	): { journal: Journal; resumed: boolean; webhookId?: string; records: number } {
		const existed = existsSync(path);
		let fd: number;
		try {
			fd = openSync(path, 'a+');
		} catch (err) {
			throw new ConfigError(`--state ${path}: cannot open: ${(err as Error).message}`);
		}
		let resumed = false;
		let webhookId: string | undefined;
		let records = 0;
		const size = fstatSync(fd).size;
		if (existed && size > 0) {
			const good = readLines(fd, size, (line, lineNo) => {
				let obj: Record<string, unknown>;
				try {
					obj = JSON.parse(line) as Record<string, unknown>;
				} catch {
					closeSync(fd);
					throw new ConfigError(`--state ${path}:${lineNo}: not a journal line; move the file away to start afresh`);
				}
				if (lineNo === 1) {
					if (obj.type !== 'x-aaa-migrate-state' || obj.version !== 1) {
						closeSync(fd);
						throw new ConfigError(`--state ${path}: not an x-aaa-migrate journal`);
					}
					const diff = sameFingerprint(obj.fingerprint as Fingerprint, fingerprint);
					if (diff) {
						closeSync(fd);
						throw new ConfigError(
							`--state ${path} belongs to another migration: the ${diff} differ. ` +
								'Run the same command as before, or give a new --state file',
						);
					}
					resumed = true;
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
			if (good === 0) resumed = false;
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
