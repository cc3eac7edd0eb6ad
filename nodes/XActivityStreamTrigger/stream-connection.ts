/**
 * One persistent connection to `GET /2/activity/stream`, kept open for as long as it is wanted:
 * connect, read lines, reconnect as X prescribes (reconnect-policy.ts), ask for
 * `backfill_minutes` covering the gap after a loss, and stop for good on what retrying cannot fix
 * (401 / 403, `TooManyConnections`, too many failures in a row).
 *
 * n8n-Cloud clean: the HTTP request is the caller's (n8n's `helpers.httpRequest` with
 * `encoding: 'stream'` in the node, Node's HTTP in tests), waiting goes through the injected
 * `sleep(ms, signal)` (n8n-workflow's `sleep`), and the only clock read is the injected `now`.
 */
import { LineSplitter, type StreamFrame } from './stream-framing';
import { ReconnectPolicy, type FailureCause } from './reconnect-policy';

export const STREAM_PATH = '/2/activity/stream';

/** What the request function answers: n8n's full response with a streamed body. */
export interface StreamResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body: AsyncIterable<Buffer | string> | unknown;
}

export type StreamRequester = (opts: {
	url: string;
	headers: Record<string, string>;
	abortSignal: AbortSignal;
}) => Promise<StreamResponse>;

export interface StreamTimings {
	/** No byte (keep-alives included) for this long: the connection is dead. Default 45 s (X: keep-alive every ≤ 20 s). */
	idleTimeoutMs: number;
	/** Headers must arrive within this. Default 30 s: X may send them only with the first keep-alive (≤ 20 s). */
	connectTimeoutMs: number;
	/** How often the watchdog looks. Default 1 s. */
	watchdogMs: number;
	/** Failed connects in a row before giving up (n8n's reactivation back-off then takes over). Default 12. */
	maxFailures: number;
}

export const DEFAULT_TIMINGS: StreamTimings = {
	idleTimeoutMs: 45_000,
	connectTimeoutMs: 30_000,
	watchdogMs: 1_000,
	maxFailures: 12,
};

export interface StreamDeps {
	request: () => StreamRequester;
	/** Resolves after ms; rejects when the signal aborts. */
	sleep: (ms: number, signal: AbortSignal) => Promise<void>;
	now: () => number;
	/** Read at each use, so a shared connection follows the triggers attached at the time. */
	timings?: Partial<StreamTimings> | (() => Partial<StreamTimings>);
}

/** A failure retrying cannot fix; the message says what to do. */
export class StreamFatalError extends Error {
	constructor(
		message: string,
		readonly reason: 'unauthorized' | 'forbidden' | 'too_many_connections' | 'unreachable',
		readonly status?: number,
	) {
		super(message);
		this.name = 'StreamFatalError';
	}
}

export interface ConnectAttempt {
	at: number;
	/** HTTP status, or 0 when no response came. */
	status: number;
	cause?: FailureCause | 'backfill_refused';
	backfillMinutes?: number;
	/** The delay chosen before the next attempt. */
	nextDelayMs?: number;
}

export interface StreamHandlers {
	onEnvelope(frame: Extract<StreamFrame, { kind: 'data' }>): void;
	/** `{"errors":[…]}` lines (an operational disconnect, …); the connection usually ends next. */
	onStreamErrors?(errors: Array<Record<string, unknown>>): void;
	onFatal(err: StreamFatalError): void;
	/** Each connect attempt, for logs and tests. */
	onAttempt?(a: ConnectAttempt): void;
	/** A gap longer than X's 5-minute backfill: events in between may be lost. */
	onGapTooLong?(gapMs: number): void;
}

/** X allows backfill_minutes 0–5. */
export const MAX_BACKFILL_MINUTES = 5;

/** The backfill that covers a gap (ms since the last complete line), with 2 s to spare. */
export function backfillMinutesFor(gapMs: number): number {
	return Math.min(MAX_BACKFILL_MINUTES, Math.max(1, Math.ceil((gapMs + 2_000) / 60_000)));
}

type Outcome =
	| { kind: 'lost' } // a healthy connection ended
	| { kind: 'failed'; cause: FailureCause }
	| { kind: 'backfill_refused' }
	| { kind: 'fatal'; error: StreamFatalError }
	| { kind: 'stopped' };

const MAX_ERROR_BODY = 64 * 1024;

export class StreamConnection {
	private readonly stopper = new AbortController();
	private readonly policy = new ReconnectPolicy();
	private get timings(): StreamTimings {
		const t = this.deps.timings;
		return { ...DEFAULT_TIMINGS, ...((typeof t === 'function' ? t() : t) ?? {}) };
	}
	private running?: Promise<void>;
	/** Time of the last complete line (event or keep-alive): nothing before it can be missing. */
	private lastLineAt?: number;
	private backfillAllowed = true;
	/** Whether the connection is open and has delivered a line. */
	healthy = false;

	constructor(
		private readonly url: string,
		private readonly bearer: () => Promise<string>,
		private readonly deps: StreamDeps,
		private readonly handlers: StreamHandlers,
	) {
	}

	start(): void {
		this.running ??= this.loop();
	}

	/** Aborts the connection and any wait; resolves when the loop has ended. */
	async stop(): Promise<void> {
		this.stopper.abort();
		await this.running;
	}

	get stopped(): boolean {
		return this.stopper.signal.aborted;
	}

	private async loop(): Promise<void> {
		let failures = 0;
		let lostBefore = false;
		while (!this.stopped) {
			const backfill =
				lostBefore && this.backfillAllowed && this.lastLineAt !== undefined
					? backfillMinutesFor(this.deps.now() - this.lastLineAt)
					: undefined;
			if (backfill !== undefined && this.lastLineAt !== undefined) {
				const gap = this.deps.now() - this.lastLineAt;
				if (gap + 2_000 > MAX_BACKFILL_MINUTES * 60_000) this.handlers.onGapTooLong?.(gap);
			}
			const at = this.deps.now();
			const outcome = await this.connectOnce(backfill);
			if (outcome.kind === 'stopped') return;
			if (outcome.kind === 'fatal') {
				this.handlers.onAttempt?.({ at, status: outcome.error.status ?? 0 });
				this.stopper.abort();
				this.handlers.onFatal(outcome.error);
				return;
			}
			let delay = 0;
			let cause: ConnectAttempt['cause'];
			if (outcome.kind === 'backfill_refused') {
				// X answers 400 when the plan has no backfill: ask again without it, at once.
				this.backfillAllowed = false;
				cause = 'backfill_refused';
			} else if (outcome.kind === 'lost') {
				failures = 0;
				lostBefore = true;
				delay = this.policy.lost('network');
			} else {
				failures++;
				cause = outcome.cause;
				delay = this.policy.failed(outcome.cause);
				if (failures >= this.timings.maxFailures) {
					this.stopper.abort();
					this.handlers.onFatal(
						new StreamFatalError(
							`X's activity stream could not be reached after ${failures} attempts in a row (last: ${outcome.cause} error)`,
							'unreachable',
						),
					);
					return;
				}
			}
			this.handlers.onAttempt?.({
				at,
				status: this.lastStatus,
				cause,
				backfillMinutes: backfill,
				nextDelayMs: delay,
			});
			if (delay > 0) {
				try {
					await this.deps.sleep(delay, this.stopper.signal);
				} catch {
					return; // stopped
				}
			}
		}
	}

	private lastStatus = 0;

	private async connectOnce(backfill: number | undefined): Promise<Outcome> {
		const attempt = new AbortController();
		const onStop = () => attempt.abort();
		this.stopper.signal.addEventListener('abort', onStop, { once: true });
		const started = this.deps.now();
		const seen: { headersAt?: number } = {};
		let lastByteAt = started;
		let timedOut: 'connect' | 'idle' | undefined;
		let done = false;
		this.lastStatus = 0;
		this.healthy = false;

		// Watchdog: no headers in time, or silence longer than the idle timeout, aborts the attempt.
		const watchdog = (async () => {
			while (!done) {
				try {
					await this.deps.sleep(this.timings.watchdogMs, attempt.signal);
				} catch {
					return;
				}
				const now = this.deps.now();
				if (seen.headersAt === undefined && now - started > this.timings.connectTimeoutMs) timedOut = 'connect';
				else if (seen.headersAt !== undefined && now - lastByteAt > this.timings.idleTimeoutMs) timedOut = 'idle';
				if (timedOut) {
					attempt.abort();
					return;
				}
			}
		})();

		const finish = async (o: Outcome): Promise<Outcome> => {
			done = true;
			attempt.abort();
			this.stopper.signal.removeEventListener('abort', onStop);
			await watchdog;
			this.healthy = false;
			return this.stopped ? { kind: 'stopped' } : o;
		};

		let res: StreamResponse;
		try {
			const token = await this.bearer();
			const url = this.url + (backfill !== undefined ? `?backfill_minutes=${backfill}` : '');
			res = await this.deps.request()({
				url,
				headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
				abortSignal: attempt.signal,
			});
		} catch (e) {
			const status = statusOf(e);
			if (status !== undefined) {
				this.lastStatus = status;
				return finish(classify(status, bodyOf(e), backfill));
			}
			return finish({ kind: 'failed', cause: 'network' });
		}
		seen.headersAt = this.deps.now();
		lastByteAt = seen.headersAt;
		this.lastStatus = res.statusCode;
		if (res.statusCode !== 200) {
			const text = await readSome(res.body, MAX_ERROR_BODY).catch(() => '');
			return finish(classify(res.statusCode, text, backfill));
		}

		const splitter = new LineSplitter();
		let lines = 0;
		try {
			for await (const chunk of asIterable(res.body)) {
				lastByteAt = this.deps.now();
				for (const frame of splitter.push(chunk)) {
					lines++;
					this.lastLineAt = this.deps.now();
					if (lines === 1) {
						this.healthy = true;
						this.policy.connected();
					}
					if (frame.kind === 'data') this.handlers.onEnvelope(frame);
					else if (frame.kind === 'errors') this.handlers.onStreamErrors?.(frame.errors);
				}
			}
		} catch {
			// cut, aborted by the watchdog or by stop(): decided below
		}
		destroy(res.body);
		splitter.reset(); // a line cut in the middle will never be completed
		if (lines > 0) return finish({ kind: 'lost' });
		return finish({ kind: 'failed', cause: 'network' }); // no line: cut, silent or timed out (timedOut)
	}
}

/** Maps a refused connect to what to do next. */
export function classify(status: number, bodyText: string, backfill: number | undefined): Outcome {
	const body = parseBody(bodyText);
	const detail = xDetail(body);
	if (status === 401)
		return {
			kind: 'fatal',
			error: new StreamFatalError(
				`X refused the activity stream's bearer token (401${detail ? `: ${detail}` : ''}): check the consumer key and secret (or the bearer token) in the credential`,
				'unauthorized',
				401,
			),
		};
	if (status === 403)
		return {
			kind: 'fatal',
			error: new StreamFatalError(
				`X refused the activity stream (403${detail ? `: ${detail}` : ''}): the app has no X Activity API access, or the stream is not part of its plan`,
				'forbidden',
				403,
			),
		};
	if (status === 429 && /TooManyConnections/i.test(bodyText))
		return {
			kind: 'fatal',
			error: new StreamFatalError(
				"X refused the activity stream connection (TooManyConnections): the app already has its 2 stream connections open. Another process holds them (another n8n instance, or a program using the same app's keys); stop it, or let one n8n receive the stream for the app",
				'too_many_connections',
				429,
			),
		};
	if (status === 429) return { kind: 'failed', cause: 'rate_limit' };
	if (status === 400 && backfill !== undefined) return { kind: 'backfill_refused' };
	return { kind: 'failed', cause: 'http' };
}

function parseBody(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function xDetail(body: unknown): string | undefined {
	if (typeof body !== 'object' || body === null) return undefined;
	const b = body as Record<string, unknown>;
	if (typeof b.detail === 'string') return b.detail.slice(0, 300);
	const first = Array.isArray(b.errors) ? (b.errors[0] as Record<string, unknown> | undefined) : undefined;
	if (first && typeof first.message === 'string') return first.message.slice(0, 300);
	if (typeof b.title === 'string') return b.title.slice(0, 300);
	return undefined;
}

function asIterable(body: unknown): AsyncIterable<Buffer | string> {
	if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
		return body as AsyncIterable<Buffer | string>;
	if (typeof body === 'string' || Buffer.isBuffer(body))
		return (async function* () {
			yield body;
		})();
	return (async function* () {})();
}

async function readSome(body: unknown, max: number): Promise<string> {
	const parts: Buffer[] = [];
	let size = 0;
	for await (const chunk of asIterable(body)) {
		const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		parts.push(b);
		size += b.length;
		if (size >= max) break;
	}
	destroy(body);
	return Buffer.concat(parts).toString('utf8').slice(0, max);
}

function destroy(body: unknown): void {
	const d = (body as { destroy?: () => void } | undefined)?.destroy;
	if (typeof d === 'function') d.call(body);
}

/** n8n throws on some statuses even with ignoreHttpStatusErrors (axios errors carry a response). */
function statusOf(e: unknown): number | undefined {
	const r = (e as { response?: { status?: unknown; statusCode?: unknown } } | undefined)?.response;
	const s = r?.status ?? r?.statusCode ?? (e as { httpCode?: unknown })?.httpCode;
	const n = typeof s === 'string' ? Number(s) : s;
	return typeof n === 'number' && Number.isInteger(n) && n >= 100 ? n : undefined;
}

function bodyOf(e: unknown): string {
	const d = (e as { response?: { data?: unknown; body?: unknown } } | undefined)?.response;
	const v = d?.data ?? d?.body;
	return typeof v === 'string' ? v : v && typeof v === 'object' ? safeJson(v) : '';
}

function safeJson(v: unknown): string {
	try {
		return JSON.stringify(v);
	} catch {
		return '';
	}
}
