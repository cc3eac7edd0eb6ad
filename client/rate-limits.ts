/**
 * Rate-limit state read from x-rate-limit-* headers, and a gate that never starts a request
 * the current window has no room for.
 *
 * The gate keys windows by endpoint (not by caller identity): when X counts per app, the
 * headers fall across callers and the gate holds everyone back at the limit; when X counts per
 * user, each answer shows plenty of room and the gate never waits. Either way it follows what
 * X says rather than an assumed number.
 */
import { defaultSleep } from './node/defaults';
import type { RateLimitInfo } from './types';

export function parseRateLimit(headers: Record<string, string | string[] | undefined>): RateLimitInfo | undefined {
	const limit = Number(headers['x-rate-limit-limit']);
	const remaining = Number(headers['x-rate-limit-remaining']);
	const reset = Number(headers['x-rate-limit-reset']);
	if (!Number.isFinite(limit) || !Number.isFinite(remaining) || !Number.isFinite(reset)) return undefined;
	if (headers['x-rate-limit-limit'] === undefined) return undefined;
	return { limit, remaining, reset };
}

interface WindowState {
	limit: number;
	/** Lowest `remaining` X reported for this window (or `limit` when a new window opened). */
	remaining: number;
	/** Unix seconds; `undefined` while a new window is open and X has not answered in it yet. */
	reset: number | undefined;
	/** Requests started and not yet answered. */
	inFlight: number;
	/** When the first request of a window whose reset is not yet known was started (ms). */
	freshSentMs?: number;
	/** When the first answer of the current window arrived (ms): X opened the window before that. */
	openAnsweredMs?: number;
	/** Reset (s) of the window an early probe was sent for (one per window). */
	probedReset?: number;
	probeInFlight?: boolean;
}

export interface RateGateOptions {
	/** Added to X's reset time before a new window is used (clock skew, 1 s header granularity). */
	resetMarginMs?: number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
	/** Told about every wait, e.g. for a progress display. */
	onWait?: (endpoint: string, untilMs: number) => void;
	/**
	 * X sends the reset in whole seconds, so waiting for it loses up to a second per window. A
	 * window that opens on its first request and lasts whole seconds ends at the sub-second
	 * offset it opened at; with `probeEarly` the gate sends one request there (estimated from
	 * when the window's first answer arrived) instead of waiting for the rounded reset. If X
	 * refuses it (one 429), the gate waits for the reset as usual; after two refusals it stops
	 * probing that endpoint. Default false.
	 */
	probeEarly?: boolean;
}

export class RateGate {
	private readonly windows = new Map<string, WindowState>();
	private readonly marginMs: number;
	private readonly now: () => number;
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly onWait?: (endpoint: string, untilMs: number) => void;
	private readonly probeEarly: boolean;
	private readonly probeRefusals = new Map<string, number>();
	/** Latest headers seen per endpoint, for callers that show them. */
	readonly latest = new Map<string, RateLimitInfo>();

	constructor(opts: RateGateOptions = {}) {
		this.marginMs = opts.resetMarginMs ?? 250;
		this.now = opts.now ?? Date.now;
		this.sleep = opts.sleep ?? defaultSleep;
		this.onWait = opts.onWait;
		this.probeEarly = opts.probeEarly === true;
	}

	/** Waits until the endpoint's window has room, then reserves a slot. Pair with `release`. */
	async acquire(endpoint: string): Promise<void> {
		for (;;) {
			const nowMs = this.now();
			const w = this.windows.get(endpoint);
			if (!w) {
				// Nothing known yet: go, but count the request so the first answer's `remaining` holds.
				this.windows.set(endpoint, { limit: Infinity, remaining: Infinity, reset: undefined, inFlight: 1, freshSentMs: nowMs });
				return;
			}
			if (w.reset !== undefined && nowMs >= w.reset * 1000 + this.marginMs) {
				// A new window has opened: up to `limit` requests may start before X tells us more.
				w.remaining = w.limit;
				w.reset = undefined;
				w.probeInFlight = false;
			}
			if (w.remaining - w.inFlight > 0) {
				if (w.reset === undefined) w.freshSentMs ??= nowMs;
				w.inFlight++;
				return;
			}
			// No room: wait for the reset (or, while the new window's reset is unknown, for answers).
			let untilMs = w.reset !== undefined ? w.reset * 1000 + this.marginMs : nowMs + 50;
			const early = this.earlyEnd(endpoint, w);
			if (early !== undefined && w.reset !== undefined) {
				if (w.probeInFlight) untilMs = Math.min(untilMs, nowMs + 10);
				else if (w.probedReset !== w.reset) {
					if (nowMs >= early) {
						w.probeInFlight = true;
						w.probedReset = w.reset;
						w.freshSentMs = nowMs;
						w.inFlight++;
						return;
					}
					untilMs = Math.min(untilMs, early);
				}
			}
			this.onWait?.(endpoint, untilMs);
			await this.sleep(Math.max(w.probeInFlight ? 5 : 10, untilMs - nowMs));
		}
	}

	/** Where the current window probably ends (ms), when probing early and that is before the reset. */
	private earlyEnd(endpoint: string, w: WindowState): number | undefined {
		if (!this.probeEarly || w.reset === undefined || w.openAnsweredMs === undefined) return undefined;
		if ((this.probeRefusals.get(endpoint) ?? 0) >= 2) return undefined;
		const resetMs = w.reset * 1000;
		const base = resetMs - 1000;
		let end = base + (((w.openAnsweredMs - base) % 1000) + 1000) % 1000;
		if (end === base) end = resetMs;
		end += 2;
		return end < resetMs + this.marginMs ? end : undefined;
	}

	/** Records the answer to a reserved slot (`info` undefined when no headers came back). */
	release(endpoint: string, info: RateLimitInfo | undefined): void {
		const w = this.windows.get(endpoint);
		if (w && w.inFlight > 0) w.inFlight--;
		if (!info) {
			if (w) w.probeInFlight = false;
			return;
		}
		this.latest.set(endpoint, info);
		if (info.reset * 1000 + this.marginMs <= this.now()) return; // an answer from a window already over
		if (!w) {
			this.windows.set(endpoint, {
				limit: info.limit,
				remaining: info.remaining,
				reset: info.reset,
				inFlight: 0,
				openAnsweredMs: this.now(),
			});
		} else if (w.reset === undefined || info.reset > w.reset) {
			w.limit = info.limit;
			w.remaining = info.remaining;
			w.reset = info.reset;
			w.openAnsweredMs = this.now();
			w.freshSentMs = undefined;
			w.probeInFlight = false;
		} else if (info.reset === w.reset) {
			w.limit = info.limit;
			w.remaining = Math.min(w.remaining, info.remaining);
		}
	}

	/** A 429: the window has no room until X's reset, whatever we thought. Pair with a prior acquire. */
	exhausted(endpoint: string, info: RateLimitInfo | undefined, fallbackResetSec: number): void {
		const w = this.windows.get(endpoint);
		if (w && w.inFlight > 0) w.inFlight--;
		if (w?.probeInFlight) this.probeRefusals.set(endpoint, (this.probeRefusals.get(endpoint) ?? 0) + 1);
		const reset = Math.max(info?.reset ?? fallbackResetSec, Math.ceil(this.now() / 1000));
		if (info) this.latest.set(endpoint, info);
		const limit = info?.limit ?? (w && Number.isFinite(w.limit) ? w.limit : 1);
		this.windows.set(endpoint, {
			limit,
			remaining: 0,
			reset,
			inFlight: w?.inFlight ?? 0,
			openAnsweredMs: w?.reset === reset ? w.openAnsweredMs : undefined,
			probedReset: w?.probeInFlight ? reset : w?.probedReset,
		});
	}
}
