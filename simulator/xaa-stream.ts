/**
 * `GET /2/activity/stream`: the X Activity API's persistent stream, as X documents it
 * (REFERENCE.md XAA section; OpenAPI `activityStream`, `x-twitter-streaming: true`):
 *
 * - app-only Bearer only (a user token cannot open it);
 * - newline-delimited JSON, one envelope `{"data":{event_uuid, event_type, filter, tag?, payload,
 *   includes?}}` or `{"errors":[…]}` per line, and a keep-alive blank line `\r\n` at least every
 *   20 s;
 * - at most 2 connections per app (a third: `TooManyConnections`), 450 connects per 15 minutes
 *   (429 code 88);
 * - `backfill_minutes` (0–5) and `start_time` / `end_time` (`YYYY-MM-DDTHH:mm:ssZ`), all optional;
 * - every XAA subscription of the app is delivered here while a connection is open (those
 *   without `webhook_id` only here).
 *
 * Faults for tests (each `// ours:`): drop a connection after N events or in the middle of a
 * line, stall (no byte, no keep-alive), refuse connects with 503, an operational disconnect.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { SimContext } from './context';
import { bearerToken, constantTimeEqual, parseOAuthHeader } from './oauth-verify';
import { toRawJson } from './raw-json';
import { V2, v2Invalid, v2Problem, v1Error, type Reply } from './responses';
import { writeReply } from './server';

export const XAA_STREAM_PATH = '/2/activity/stream';

/** X: "a keep-alive … at least every 20 s". */
export const X_KEEPALIVE_MS = 20_000;
/** X: at most 2 connections per app. */
export const X_MAX_CONNECTIONS = 2;
/** X: 450 connects per 15 minutes per app. */
export const X_CONNECTS_PER_WINDOW = 450;
/** X: backfill_minutes is 0–5. */
export const X_MAX_BACKFILL_MINUTES = 5;

export interface XaaStreamOptions {
	/** Keep-alive interval. Default 20000 (X's). ours: configurable so tests take seconds. */
	keepAliveMs?: number;
	/** Connections per app. Default 2 (X's). */
	maxConnections?: number;
	/**
	 * Connects per rate-limit window (`rateLimitWindowSeconds`, X: 15 minutes). Default 450 (X's);
	 * `rateLimits['xaa.stream.connect']` also sets it.
	 */
	connectsPerWindow?: number;
	/**
	 * How long delivered events are kept for `backfill_minutes` / `start_time`, in minutes of X's
	 * clock. Default 5 (X's backfill maximum). ours: X documents no retention beyond backfill.
	 */
	retentionMinutes?: number;
	/**
	 * Whether the app's plan includes backfill. Default true. When false, a request with
	 * `backfill_minutes` > 0 or `start_time` answers 400 (ours: X says not every plan has it, not
	 * how it refuses; a 400 invalid-request is the most plausible).
	 */
	backfill?: boolean;
	/**
	 * Send the response headers only with the first keep-alive, as X may (REFERENCE.md / issue:
	 * "response headers may arrive only with the first keep-alive"). Default false.
	 */
	headersWithFirstKeepAlive?: boolean;
}

interface ResolvedStreamOptions {
	keepAliveMs: number;
	maxConnections: number;
	connectsPerWindow: number;
	retentionMinutes: number;
	backfill: boolean;
	headersWithFirstKeepAlive: boolean;
}

/** One connect attempt, as the simulator saw it (for back-off tests). */
export interface StreamConnectRecord {
	/** ms since epoch, real clock */
	at: number;
	status: number;
	/** Why it was refused, when it was. */
	refused?: 'auth' | 'rate_limit' | 'too_many_connections' | 'injected' | 'bad_request';
	backfillMinutes?: number;
	startTime?: string;
	endTime?: string;
}

/** One open connection's public view. */
export interface StreamConnectionInfo {
	id: number;
	openedAt: number;
	eventsSent: number;
	stalled: boolean;
}

/** Test controls of the stream, on `sim.stream`. */
export interface XaaStreamControl {
	/** Open connections. */
	connections(): StreamConnectionInfo[];
	/** Every connect attempt, oldest first. */
	readonly connects: StreamConnectRecord[];
	/** Envelopes written to connections (backfill included), in total. */
	readonly eventsWritten: number;
	/** ours: close each open connection after it has written n more events. */
	dropAfter(n: number): void;
	/** ours: on each open connection, write only the first half of the next event's line, then cut. */
	dropMidLine(afterEvents?: number): void;
	/** ours: each open connection stops writing anything, keep-alives included, until the client leaves. */
	stall(): void;
	/** ours: the next n connects answer `status` (default 503) before any stream starts. */
	refuseNext(n: number, status?: number): void;
	/** X's operational disconnect: an `errors` line, then the connection closes. */
	disconnectAll(): void;
	/** Writes an envelope (or any JSON line) to every open connection, as X would. */
	publish(body: unknown): void;
	/** Resolves when at least n connections are open (polls; for tests). */
	waitForConnections(n: number, timeoutMs?: number): Promise<void>;
}

interface Retained {
	at: number;
	line: string;
}

interface Conn {
	id: number;
	res: ServerResponse;
	openedAt: number;
	eventsSent: number;
	stalled: boolean;
	headersSent: boolean;
	/** Close after this many more events (undefined: never). */
	dropAfter?: number;
	/** Cut the line after this many more events. */
	dropMidLineAfter?: number;
	endAt?: number;
	keepAlive?: NodeJS.Timeout;
}

const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export function resolveStreamOptions(
	o: XaaStreamOptions = {},
	rateLimits: Partial<Record<string, number>> = {},
): ResolvedStreamOptions {
	const n = (v: unknown, what: string, dflt: number, min: number): number => {
		if (v === undefined) return dflt;
		if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
			throw new Error(`stream.${what} must be a number >= ${min}`);
		return v;
	};
	return {
		keepAliveMs: n(o.keepAliveMs, 'keepAliveMs', X_KEEPALIVE_MS, 1),
		maxConnections: n(o.maxConnections, 'maxConnections', X_MAX_CONNECTIONS, 0),
		connectsPerWindow: n(
			o.connectsPerWindow ?? rateLimits['xaa.stream.connect'] ?? rateLimits['*'],
			'connectsPerWindow',
			X_CONNECTS_PER_WINDOW,
			0,
		),
		retentionMinutes: n(o.retentionMinutes, 'retentionMinutes', X_MAX_BACKFILL_MINUTES, 0),
		backfill: o.backfill !== false,
		headersWithFirstKeepAlive: o.headersWithFirstKeepAlive === true,
	};
}

/**
 * X's answer to a third connection, worded as on X's other v2 streams (the filtered stream's
 * `ConnectionException`; REFERENCE.md: "framing as in X's other v2 streams").
 */
export const tooManyConnections = (): Reply => ({
	status: 429,
	body: {
		title: 'ConnectionException',
		detail: 'This stream is currently at the maximum allowed connection limit.',
		connection_issue: 'TooManyConnections',
		type: 'https://api.twitter.com/2/problems/streaming-connection',
	},
});

/** X's operational disconnect line (as on X's other v2 streams). */
export const operationalDisconnect = () => ({
	errors: [
		{
			title: 'operational-disconnect',
			disconnect_type: 'UpstreamOperationalDisconnect',
			detail: 'This stream has been disconnected upstream for operational reasons.',
			type: 'https://api.twitter.com/2/problems/operational-disconnect',
		},
	],
});

export class XaaStreamHub implements XaaStreamControl {
	readonly options: ResolvedStreamOptions;
	readonly connects: StreamConnectRecord[] = [];
	eventsWritten = 0;
	private readonly conns = new Map<number, Conn>();
	private retained: Retained[] = [];
	private nextId = 1;
	private refusals: Array<{ remaining: number; status: number }> = [];
	private window = { count: 0, endsAt: 0 };
	private closed = false;

	constructor(
		private readonly ctx: SimContext,
		options: XaaStreamOptions = {},
	) {
		this.options = resolveStreamOptions(options, ctx.config.rateLimits);
	}

	/** Whether the request is for the stream (the server hands it over before its routing). */
	handles(req: IncomingMessage): boolean {
		const path = (req.url ?? '/').split('?')[0];
		return path === XAA_STREAM_PATH;
	}

	connections(): StreamConnectionInfo[] {
		return [...this.conns.values()].map((c) => ({
			id: c.id,
			openedAt: c.openedAt,
			eventsSent: c.eventsSent,
			stalled: c.stalled,
		}));
	}

	/** Open connections: subscriptions with a webhook_id are delivered here too while this is > 0. */
	get open(): number {
		return this.conns.size;
	}

	handle(req: IncomingMessage, res: ServerResponse): void {
		const started = Date.now();
		const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
		const rec: StreamConnectRecord = { at: started, status: 0 };
		this.connects.push(rec);
		const log = (status: number, auth: 'bearer' | 'none') =>
			this.ctx.requestLog.push({
				at: started,
				method: req.method ?? 'GET',
				path: XAA_STREAM_PATH,
				status,
				auth,
				ms: Date.now() - started,
			});
		const refuse = (reply: Reply, why: StreamConnectRecord['refused'], extra = {}) => {
			rec.status = reply.status;
			rec.refused = why;
			// written as the other routes write theirs: problems as application/problem+json, as the OpenAPI declares them
			writeReply(res, reply, extra);
			log(reply.status, why === 'auth' ? 'none' : 'bearer');
		};
		this.ctx.stats.requests++;
		// ours: X documents GET only; anything else gets 405.
		if ((req.method ?? 'GET').toUpperCase() !== 'GET') {
			return refuse(v2Problem(405, 'Method Not Allowed', 'Method Not Allowed', 'about:blank'), 'bad_request');
		}

		// Auth: app-only Bearer only (OpenAPI security: BearerToken).
		const header = req.headers.authorization;
		if (!header) return refuse(V2.unauthorized(), 'auth');
		if (parseOAuthHeader(header)) {
			return refuse(
				V2.unsupportedAuth('OAuth 1.0a User Context', 'OAuth 2.0 Application-Only'),
				'auth',
			);
		}
		const token = bearerToken(header);
		if (!token || !constantTimeEqual(token, this.ctx.config.app.bearerToken)) {
			return refuse(V2.unauthorized(), 'auth');
		}

		// 450 connects per window per app; every authenticated connect counts.
		const now = Date.now();
		const windowMs = this.ctx.config.rateLimitWindowSeconds * 1000;
		if (now >= this.window.endsAt) this.window = { count: 0, endsAt: now + windowMs };
		this.window.count++;
		const limit = this.options.connectsPerWindow;
		const rateHeaders = {
			'x-rate-limit-limit': String(limit),
			'x-rate-limit-remaining': String(Math.max(0, limit - this.window.count)),
			'x-rate-limit-reset': String(Math.ceil(this.window.endsAt / 1000)),
		};
		if (this.window.count > limit) {
			this.ctx.stats.rateLimited++;
			return refuse(v1Error(429, 88, 'Rate limit exceeded'), 'rate_limit', rateHeaders);
		}

		const injected = this.refusals.find((r) => r.remaining > 0);
		if (injected) {
			injected.remaining--;
			this.refusals = this.refusals.filter((r) => r.remaining > 0);
			const title = injected.status === 503 ? 'Service Unavailable' : 'Internal Server Error';
			return refuse(v2Problem(injected.status, title, title, 'about:blank'), 'injected', rateHeaders);
		}

		// Parameters: all optional. ours: the wording of the 400s (X's invalid-request problem shape).
		const bad = (name: string, value: string, why: string) =>
			refuse(v2Invalid('QueryParamInvalid', `${name} ${why} (got "${value}")`), 'bad_request', rateHeaders);
		const bf = query.get('backfill_minutes');
		let backfillMinutes: number | undefined;
		if (bf !== null) {
			if (!/^\d+$/.test(bf) || Number(bf) > X_MAX_BACKFILL_MINUTES)
				return bad('backfill_minutes', bf, `must be an integer from 0 to ${X_MAX_BACKFILL_MINUTES}`);
			backfillMinutes = Number(bf);
			rec.backfillMinutes = backfillMinutes;
		}
		const times: Record<'start_time' | 'end_time', number | undefined> = {
			start_time: undefined,
			end_time: undefined,
		};
		for (const name of ['start_time', 'end_time'] as const) {
			const v = query.get(name);
			if (v === null) continue;
			const ms = Date.parse(v);
			if (!TIME_RE.test(v) || Number.isNaN(ms))
				return bad(name, v, 'must be YYYY-MM-DDTHH:mm:ssZ');
			times[name] = ms;
			if (name === 'start_time') rec.startTime = v;
			else rec.endTime = v;
		}
		// ours: an end_time not after start_time is refused.
		if (times.start_time !== undefined && times.end_time !== undefined && times.end_time <= times.start_time)
			return bad('end_time', query.get('end_time') ?? '', 'must be after start_time');
		if (!this.options.backfill && ((backfillMinutes ?? 0) > 0 || times.start_time !== undefined)) {
			// ours: see XaaStreamOptions.backfill.
			return refuse(
				v2Invalid('QueryParamInvalid', 'backfill is not available for this app'),
				'bad_request',
				rateHeaders,
			);
		}

		if (this.conns.size >= this.options.maxConnections) {
			return refuse(tooManyConnections(), 'too_many_connections', rateHeaders);
		}

		// Open.
		rec.status = 200;
		log(200, 'bearer');
		const conn: Conn = {
			id: this.nextId++,
			res,
			openedAt: now,
			eventsSent: 0,
			stalled: false,
			headersSent: false,
			endAt: times.end_time,
		};
		this.conns.set(conn.id, conn);
		res.statusCode = 200;
		res.setHeader('content-type', 'application/json; charset=utf-8');
		for (const [k, v] of Object.entries(rateHeaders)) res.setHeader(k, v);
		res.socket?.setNoDelay(true);
		if (!this.options.headersWithFirstKeepAlive) {
			res.flushHeaders();
			conn.headersSent = true;
		}
		const close = () => this.drop(conn);
		res.on('close', close);
		req.on('close', () => {
			if (res.writableEnded || res.destroyed) close();
		});
		conn.keepAlive = setInterval(() => {
			if (conn.stalled) return;
			this.write(conn, '\r\n');
		}, this.options.keepAliveMs);

		// Backfill / start_time: retained events first, oldest first (X's clock). ours: start_time
		// reaches back only as far as the retained window; an end_time in the past ends the stream
		// once the retained events up to it are sent.
		const xNow = this.ctx.config.now();
		this.prune(xNow);
		let from: number | undefined;
		if (times.start_time !== undefined) from = times.start_time;
		if (backfillMinutes !== undefined && backfillMinutes > 0) {
			const b = xNow - backfillMinutes * 60_000;
			from = from === undefined ? b : Math.min(from, b);
		}
		if (from !== undefined) {
			for (const r of this.retained) {
				if (r.at < from) continue;
				if (times.end_time !== undefined && r.at > times.end_time) continue;
				if (!this.sendEvent(conn, r.line)) return;
			}
		}
		if (conn.endAt !== undefined && xNow >= conn.endAt) this.finish(conn);
	}

	/** ours: every open connection of the app carries every event (X documents 2 connections, not how they split). */
	publish(body: unknown): void {
		if (this.closed) return;
		const at = this.ctx.config.now();
		const line = toRawJson(body);
		this.retained.push({ at, line });
		this.prune(at);
		for (const conn of [...this.conns.values()]) {
			if (conn.endAt !== undefined && at > conn.endAt) {
				this.finish(conn);
				continue;
			}
			this.sendEvent(conn, line);
		}
	}

	dropAfter(n: number): void {
		for (const c of this.conns.values()) {
			c.dropAfter = n;
			if (n <= 0) this.cut(c);
		}
	}

	dropMidLine(afterEvents = 0): void {
		for (const c of this.conns.values()) c.dropMidLineAfter = afterEvents;
	}

	stall(): void {
		for (const c of this.conns.values()) c.stalled = true;
	}

	refuseNext(n: number, status = 503): void {
		this.refusals.push({ remaining: n, status });
	}

	disconnectAll(): void {
		for (const c of [...this.conns.values()]) {
			this.write(c, toRawJson(operationalDisconnect()) + '\r\n');
			this.finish(c);
		}
	}

	async waitForConnections(n: number, timeoutMs = 10_000): Promise<void> {
		const until = Date.now() + timeoutMs;
		while (this.conns.size < n) {
			if (Date.now() > until) throw new Error(`expected ${n} stream connection(s), have ${this.conns.size}`);
			await new Promise((r) => setTimeout(r, 20));
		}
	}

	/** Ends every connection (simulator stop). */
	close(): void {
		this.closed = true;
		for (const c of [...this.conns.values()]) this.cut(c);
	}

	/** Writes one event line (ours: `\r\n`-terminated, as X's other v2 streams); false when a fault cut the connection. */
	private sendEvent(conn: Conn, line: string): boolean {
		if (conn.stalled) return true; // a stalled connection writes nothing; the event stays retained
		if (conn.dropMidLineAfter !== undefined && conn.dropMidLineAfter <= 0) {
			const bytes = Buffer.from(line + '\r\n');
			this.write(conn, bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))));
			this.cut(conn);
			return false;
		}
		this.write(conn, line + '\r\n');
		conn.eventsSent++;
		this.eventsWritten++;
		if (conn.dropMidLineAfter !== undefined) conn.dropMidLineAfter--;
		if (conn.dropAfter !== undefined && --conn.dropAfter <= 0) {
			this.cut(conn);
			return false;
		}
		return true;
	}

	private write(conn: Conn, chunk: string | Buffer): void {
		if (conn.res.destroyed || conn.res.writableEnded) return;
		conn.headersSent = true;
		conn.res.write(chunk);
	}

	/** Ends the response cleanly. */
	private finish(conn: Conn): void {
		this.drop(conn);
		if (!conn.res.writableEnded) conn.res.end();
	}

	/** Cuts the connection: what was written is flushed, but the chunked body never ends. */
	private cut(conn: Conn): void {
		this.drop(conn);
		const sock = conn.res.socket;
		if (!sock || sock.destroyed) return;
		sock.end();
		setTimeout(() => sock.destroy(), 100).unref();
	}

	private drop(conn: Conn): void {
		if (conn.keepAlive) clearInterval(conn.keepAlive);
		conn.keepAlive = undefined;
		this.conns.delete(conn.id);
	}

	private prune(xNow: number): void {
		const oldest = xNow - this.options.retentionMinutes * 60_000;
		let i = 0;
		while (i < this.retained.length && this.retained[i].at < oldest) i++;
		if (i > 0) this.retained = this.retained.slice(i);
	}
}

const hubs = new WeakMap<SimContext, XaaStreamHub>();

/** The simulator's stream hub (created by startSimulator). */
export function createStreamHub(ctx: SimContext, options?: XaaStreamOptions): XaaStreamHub {
	const hub = new XaaStreamHub(ctx, options);
	hubs.set(ctx, hub);
	return hub;
}

/** Delivers one XAA envelope to the stream, when the simulator has one (xaa-emit calls this). */
export function publishToStream(ctx: SimContext, body: unknown): void {
	hubs.get(ctx)?.publish(body);
}
