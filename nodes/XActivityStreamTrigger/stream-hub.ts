/**
 * One stream connection per app per n8n process, shared by every stream trigger of that app (X
 * allows 2 connections per app: the second stays free for another n8n or a failover). Each
 * trigger attaches a listener; envelopes go to the listeners they belong to (the listener's tag,
 * or a subscription it asked for that someone else's tag already covers); the connection closes
 * when the last listener leaves. Module state: lives as long as the process.
 */
import {
	STREAM_PATH,
	StreamConnection,
	type ConnectAttempt,
	type StreamDeps,
	type StreamFatalError,
	type StreamHandlers,
	type StreamTimings,
} from './stream-connection';
import type { StreamFrame } from './stream-framing';

export interface ListenerSpec {
	eventType: string;
	userId?: string;
	keyword?: string;
	direction?: string;
}

export interface StreamListener {
	/** The tag of the subscriptions this trigger created. */
	tag: string;
	/** The subscriptions it needs (someone else's may deliver them under another tag). */
	specs: readonly ListenerSpec[];
	receive(frame: Extract<StreamFrame, { kind: 'data' }>): void;
	fail(err: StreamFatalError): void;
	/** Optional: errors lines and connect attempts (logging). */
	streamErrors?(errors: Array<Record<string, unknown>>): void;
	attempt?(a: ConnectAttempt): void;
	gapTooLong?(gapMs: number): void;
}

interface Shared {
	connection: StreamConnection;
	listeners: Set<StreamListener>;
	/** Request functions of the attached triggers; the newest is used for the next connect. */
	requesters: Map<StreamListener, ReturnType<StreamDeps['request']>>;
	/** Each attached trigger's timings: the connection uses the strictest. */
	timings: Map<StreamListener, Partial<StreamTimings>>;
}

/** The strictest of the attached triggers' timings (shortest idle timeout, …). */
function strictest(all: Iterable<Partial<StreamTimings>>): Partial<StreamTimings> {
	const out: Partial<StreamTimings> = {};
	for (const t of all)
		for (const k of Object.keys(t) as Array<keyof StreamTimings>) {
			const v = t[k];
			if (v !== undefined) out[k] = out[k] === undefined ? v : Math.min(out[k] as number, v);
		}
	return out;
}

const shared = new Map<string, Shared>();

/** Whether the envelope belongs to the listener. */
export function belongsTo(listener: Pick<StreamListener, 'tag' | 'specs'>, data: Record<string, unknown>): boolean {
	if (typeof data.tag === 'string' && data.tag === listener.tag) return true;
	const type = data.event_type;
	if (type === 'oauth.revoke') return true; // X sends it unasked, with filter {}
	const f = (typeof data.filter === 'object' && data.filter !== null ? data.filter : {}) as Record<string, unknown>;
	const id = f.user_id === undefined || f.user_id === null ? undefined : String(f.user_id);
	const keyword = typeof f.keyword === 'string' ? f.keyword.toLowerCase() : undefined;
	const direction = typeof f.direction === 'string' ? f.direction : undefined;
	return listener.specs.some(
		(s) =>
			s.eventType === type &&
			(s.userId === undefined || s.userId === id) &&
			(s.keyword === undefined || s.keyword.toLowerCase() === keyword) &&
			(s.direction === undefined || direction === undefined || s.direction === direction),
	);
}

export interface AttachOptions {
	/** Identifies the app: X counts connections per app. */
	appKey: string;
	baseUrl: string;
	bearer: () => Promise<string>;
	deps: Omit<StreamDeps, 'request' | 'timings'> & {
		request: ReturnType<StreamDeps['request']>;
		timings?: Partial<StreamTimings>;
	};
}

/** Attaches the listener to the app's shared connection (opening it when it is the first). Returns detach. */
export function attachListener(listener: StreamListener, opts: AttachOptions): () => Promise<void> {
	let entry = shared.get(opts.appKey);
	if (entry === undefined) {
		const listeners = new Set<StreamListener>();
		const requesters = new Map<StreamListener, ReturnType<StreamDeps['request']>>();
		const timings = new Map<StreamListener, Partial<StreamTimings>>();
		const handlers: StreamHandlers = {
			onEnvelope: (frame) => {
				for (const l of [...listeners]) if (belongsTo(l, frame.body.data)) l.receive(frame);
			},
			onStreamErrors: (errors) => {
				for (const l of listeners) l.streamErrors?.(errors);
			},
			onFatal: (err) => {
				if (shared.get(opts.appKey) === created) shared.delete(opts.appKey);
				for (const l of [...listeners]) l.fail(err);
			},
			onAttempt: (a) => {
				for (const l of listeners) l.attempt?.(a);
			},
			onGapTooLong: (gap) => {
				for (const l of listeners) l.gapTooLong?.(gap);
			},
		};
		const connection = new StreamConnection(
			opts.baseUrl.replace(/\/+$/, '') + STREAM_PATH,
			opts.bearer,
			{
				...opts.deps,
				timings: () => strictest(timings.values()),
				request: () => {
					const all = [...requesters.values()];
					return all[all.length - 1] ?? opts.deps.request;
				},
			},
			handlers,
		);
		const created: Shared = { connection, listeners, requesters, timings };
		entry = created;
		shared.set(opts.appKey, entry);
	}
	const mine = entry;
	mine.listeners.add(listener);
	mine.requesters.set(listener, opts.deps.request);
	mine.timings.set(listener, opts.deps.timings ?? {});
	mine.connection.start();
	let detached = false;
	return async () => {
		if (detached) return;
		detached = true;
		mine.listeners.delete(listener);
		mine.requesters.delete(listener);
		mine.timings.delete(listener);
		if (mine.listeners.size === 0) {
			if (shared.get(opts.appKey) === mine) shared.delete(opts.appKey);
			await mine.connection.stop();
		}
	};
}

/**
 * The tag of another trigger attached to the app's connection whose subscriptions include this
 * one (same event type and filter), if any: X keeps one subscription per event type and filter,
 * so a trigger that leaves hands such a subscription over instead of deleting it.
 */
export function heirFor(
	appKey: string,
	leaving: string,
	subscription: { eventType: string; filter: { userId?: string; keyword?: string; direction?: string } },
): string | undefined {
	const entry = shared.get(appKey);
	if (entry === undefined) return undefined;
	const data = {
		event_type: subscription.eventType,
		filter: {
			...(subscription.filter.userId !== undefined ? { user_id: subscription.filter.userId } : {}),
			...(subscription.filter.keyword !== undefined ? { keyword: subscription.filter.keyword } : {}),
			...(subscription.filter.direction !== undefined ? { direction: subscription.filter.direction } : {}),
		},
	};
	for (const l of entry.listeners) if (l.tag !== leaving && belongsTo({ tag: '', specs: l.specs }, data)) return l.tag;
	return undefined;
}

/** Open shared connections (tests): app key → listeners attached. */
export function sharedConnections(): Map<string, number> {
	return new Map([...shared].map(([k, v]) => [k, v.listeners.size]));
}
