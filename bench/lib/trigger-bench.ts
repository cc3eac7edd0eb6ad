/**
 * Shared pieces of the trigger bench: a closed-loop POST driver (fixed concurrency, keep-alive,
 * 127.0.0.1 only), reading a round's executions from n8n's sqlite database, and statistics and
 * table printing.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as readline from 'node:readline';

export type BenchNode = 'trigger' | 'webhook';

export interface PostResult {
	status: number;
	/** From writing the request to the end of the answer. */
	ms: number;
	text: string;
}

export interface RoundResult {
	config: string;
	node: BenchNode;
	/** 0: warm-up. */
	pair: number;
	sent: number;
	/** 200 answers. */
	accepted: number;
	/** Executions of the round that finished with status success. */
	executed: number;
	/** Executions of the round that finished otherwise. */
	failedExecutions: number;
	/** Non-200 answers and transport errors. */
	errors: number;
	errorSamples: string[];
	/** accepted / (last answer - first request). */
	acceptedPerSec: number;
	/** executed / (max(last answer, last successful execution's stoppedAt) - first request). */
	executedPerSec: number;
	/** Latencies of the 200 answers, ms. */
	latencies: number[];
	/** CPU time (all threads) n8n's main process spent from the round's start until its executions settled, per POST; NaN when unknown. */
	cpuMsPerPost: number;
	/** CPU the rest of the machine (neither n8n nor this bench) used during the round, in cores (0.5 = half a core); NaN when unknown. */
	foreignCores: number;
	/** process.hrtime (CLOCK_MONOTONIC, same clock as a --cpu-prof profile's timestamps) at the round's start and end, µs. */
	windowUs: [number, number];
}

/** Busy CPU time of the whole machine in ms (all cores; /proc/stat, Linux); NaN elsewhere. */
export function machineBusyMs(): number {
	try {
		const cpu = fs
			.readFileSync('/proc/stat', 'utf8')
			.split('\n')[0]
			.trim()
			.split(/\s+/)
			.slice(1)
			.map(Number);
		// user nice system idle iowait irq softirq steal …: everything but idle and iowait
		const busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + (cpu[7] ?? 0);
		return (busy * 1000) / 100;
	} catch {
		return Number.NaN;
	}
}

/** user + system CPU time of a process (all its threads) in ms, from /proc (Linux); NaN elsewhere. */
export function processCpuMs(pid: number): number {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// fields[0] is field 3 (state); utime and stime are fields 14 and 15, in clock ticks (100 Hz on Linux)
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
	} catch {
		return Number.NaN;
	}
}

function post(
	agent: http.Agent,
	url: URL,
	body: string,
	headers: Record<string, string>,
): Promise<PostResult> {
	return new Promise((resolve) => {
		const started = process.hrtime.bigint();
		const done = (status: number, text: string): void =>
			resolve({ status, text, ms: Number(process.hrtime.bigint() - started) / 1e6 });
		const req = http.request(
			{
				agent,
				host: url.hostname,
				port: url.port,
				path: url.pathname + url.search,
				method: 'POST',
				headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
				timeout: 30_000,
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
				res.on('error', (e) => done(0, e.message));
			},
		);
		req.on('timeout', () => req.destroy(new Error('timeout after 30 s')));
		req.on('error', (e) => done(0, e.message));
		req.end(body);
	});
}

/** POSTs every body once with `concurrency` requests in flight; results in body order. */
export async function postAll(
	target: string,
	bodies: string[],
	headers: Array<Record<string, string>>,
	concurrency: number,
): Promise<PostResult[]> {
	const url = new URL(target);
	if (url.hostname !== '127.0.0.1')
		throw new Error(`bench traffic goes to 127.0.0.1 only, not ${url.hostname}`);
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const results: PostResult[] = new Array<PostResult>(bodies.length);
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < bodies.length) {
			const i = next++;
			results[i] = await post(agent, url, bodies[i], headers[i]);
		}
	};
	try {
		await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
	} finally {
		agent.destroy();
	}
	return results;
}

// One long-lived Node 24 process (node:sqlite; the bench itself may run on Node 20) answers
// read-only queries as JSON lines, so polling for executions costs no process start each time.
const READER_SCRIPT = `
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[1], { readOnly: true });
db.exec('PRAGMA busy_timeout = 5000');
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
	const { id, sql, params } = JSON.parse(line);
	let answer;
	try { answer = { id, rows: db.prepare(sql).all(...params) }; }
	catch (error) { answer = { id, error: String(error && error.message || error) }; }
	process.stdout.write(JSON.stringify(answer) + '\\n');
});
`;

type Row = Record<string, unknown>;

/** Read-only queries against n8n's sqlite database (WAL: safe while n8n runs). */
export class SqliteReader {
	private readonly child: ChildProcessWithoutNullStreams;
	private readonly pending = new Map<
		number,
		{ resolve: (rows: Row[]) => void; reject: (e: Error) => void }
	>();
	private nextId = 0;
	private stderr = '';

	constructor(nodeBin: string, databaseFile: string) {
		this.child = spawn(nodeBin, ['--no-warnings', '-e', READER_SCRIPT, databaseFile], {
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		this.child.stdin.on('error', () => undefined); // reported through 'exit' below
		this.child.stderr.on('data', (c: Buffer) => (this.stderr += c.toString('utf8')));
		readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
			const answer = JSON.parse(line) as { id: number; rows?: Row[]; error?: string };
			const waiter = this.pending.get(answer.id);
			this.pending.delete(answer.id);
			if (answer.error !== undefined) waiter?.reject(new Error(`sqlite: ${answer.error}`));
			else waiter?.resolve(answer.rows ?? []);
		});
		this.child.on('exit', (code, signal) => {
			const error = new Error(
				`sqlite reader exited (${signal ?? String(code)}): ${this.stderr.slice(-2000)}`,
			);
			for (const waiter of this.pending.values()) waiter.reject(error);
			this.pending.clear();
		});
	}

	query(sql: string, params: Array<string | number> = []): Promise<Row[]> {
		return new Promise((resolve, reject) => {
			if (this.child.exitCode !== null || this.child.signalCode !== null) {
				reject(new Error(`sqlite reader is not running: ${this.stderr.slice(-2000)}`));
				return;
			}
			const id = ++this.nextId;
			this.pending.set(id, { resolve, reject });
			this.child.stdin.write(`${JSON.stringify({ id, sql, params })}\n`);
		});
	}

	close(): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
		const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
		this.child.stdin.end();
		return exited;
	}
}

/** The highest execution id of the workflow so far (0 when none). */
export async function lastExecutionId(db: SqliteReader, workflowId: string): Promise<number> {
	const rows = await db.query(
		'SELECT MAX(CAST(id AS INTEGER)) AS id FROM execution_entity WHERE workflowId = ?',
		[workflowId],
	);
	return Number(rows[0]?.id ?? 0);
}

export interface RoundExecution {
	id: number;
	status: string;
	stoppedAtMs: number;
}

const UNSETTLED = new Set(['new', 'running', 'waiting', 'unknown']);

/** n8n's sqlite datetime ('2026-11-23 22:06:42.817', UTC) or ISO text → epoch ms. */
function parseDbTime(value: unknown): number {
	if (typeof value === 'number') return value;
	if (typeof value !== 'string' || value === '') return Number.NaN;
	const iso = value.includes('T') ? value : value.replace(' ', 'T');
	return Date.parse(/Z|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}

/**
 * The executions the workflow started after execution `afterId`, once they settled: at least
 * `expected` of them and none still new/running, or (when fewer start) no change for 3 s.
 * Gives up after 60 s with what it has.
 */
export async function roundExecutions(
	db: SqliteReader,
	workflowId: string,
	afterId: number,
	expected: number,
): Promise<RoundExecution[]> {
	const deadline = Date.now() + 60_000;
	let lastCount = -1;
	let lastChange = Date.now();
	for (;;) {
		const rows = await db.query(
			'SELECT CAST(id AS INTEGER) AS id, status, stoppedAt FROM execution_entity ' +
				'WHERE workflowId = ? AND CAST(id AS INTEGER) > ? ORDER BY id',
			[workflowId, afterId],
		);
		const executions = rows.map((r) => ({
			id: Number(r.id),
			status: String(r.status ?? 'unknown'),
			stoppedAtMs: parseDbTime(r.stoppedAt),
		}));
		const settled = executions.every((e) => !UNSETTLED.has(e.status));
		if (executions.length !== lastCount) {
			lastCount = executions.length;
			lastChange = Date.now();
		}
		if (settled && (executions.length >= expected || Date.now() - lastChange > 3000))
			return executions;
		if (Date.now() > deadline) {
			console.error(
				`[bench] executions of ${workflowId} did not settle within 60 s (${executions.length} seen, ${expected} expected)`,
			);
			return executions;
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

export function median(values: number[]): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function fmt(value: number, digits = 1): string {
	return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

/** A plain text table: the first `left` columns left-aligned, the rest right-aligned. */
export function table(head: string[], rows: string[][], left = 2): string {
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const line = (cells: string[]): string =>
		cells
			.map((c, i) => (i < left ? c.padEnd(widths[i]) : c.padStart(widths[i])))
			.join('  ')
			.trimEnd();
	return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
