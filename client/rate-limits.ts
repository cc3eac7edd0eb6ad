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
}

export interface RateGateOptions {
	/** Added after the reset second has passed (clock skew between us and X). Default 50 ms. */
	resetMarginMs?: number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
	/** Told about every wait, e.g. for a progress display. */
	onWait?: (endpoint: string, untilMs: number) => void;
}

/**
 * When a window whose `x-rate-limit-reset` is `reset` is surely over: X gives the reset in whole
 * epoch seconds and does not say whether it rounds the true end down or up, so the second it
 * names must have fully passed. Waiting for `reset * 1000` alone sends into the old window
 * whenever X rounds down (one 429 per window).
 */
export function windowOverAtMs(reset: number, marginMs = 0): number {
	return (reset + 1) * 1000 + marginMs;
}

export class RateGate {
	private readonly windows = new Map<string, WindowState>();
	private readonly marginMs: number;
	private readonly now: () => number;
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly onWait?: (endpoint: string, untilMs: number) => void;
	/** Latest headers seen per endpoint, for callers that show them. */
	readonly latest = new Map<string, RateLimitInfo>();

	constructor(opts: RateGateOptions = {}) {
		this.marginMs = opts.resetMarginMs ?? 50;
		this.now = opts.now ?? Date.now;
		this.sleep = opts.sleep ?? defaultSleep;
		this.onWait = opts.onWait;
	}

	/** Waits until the endpoint's window has room, then reserves a slot. Pair with `release`. */
	async acquire(endpoint: string): Promise<void> {
		for (;;) {
			const nowMs = this.now();
			const w = this.windows.get(endpoint);
			if (!w) {
				// Nothing known yet: go, but count the request so the first answer's `remaining` holds.
				this.windows.set(endpoint, { limit: Infinity, remaining: Infinity, reset: undefined, inFlight: 1 });
				return;
			}
			if (w.reset !== undefined && nowMs >= windowOverAtMs(w.reset, this.marginMs)) {
				// A new window has opened: up to `limit` requests may start before X tells us more.
				w.remaining = w.limit;
				w.reset = undefined;
			}
			if (w.remaining - w.inFlight > 0) {
				w.inFlight++;
				return;
			}
			// No room: wait for the reset second to pass (or, while the new window's reset is unknown, for answers).
			const untilMs = w.reset !== undefined ? windowOverAtMs(w.reset, this.marginMs) : nowMs + 50;
			this.onWait?.(endpoint, untilMs);
			await this.sleep(Math.max(10, untilMs - nowMs));
		}
	}

	/** Records the answer to a reserved slot (`info` undefined when no headers came back). */
	release(endpoint: string, info: RateLimitInfo | undefined): void {
		const w = this.windows.get(endpoint);
		if (w && w.inFlight > 0) w.inFlight--;
		if (!info) return;
		this.latest.set(endpoint, info);
		if (windowOverAtMs(info.reset, this.marginMs) <= this.now()) return; // an answer from a window already over
		if (!w) {
			this.windows.set(endpoint, { limit: info.limit, remaining: info.remaining, reset: info.reset, inFlight: 0 });
		} else if (w.reset === undefined || info.reset > w.reset) {
			w.limit = info.limit;
			w.remaining = info.remaining;
			w.reset = info.reset;
		} else if (info.reset === w.reset) {
			w.limit = info.limit;
			w.remaining = Math.min(w.remaining, info.remaining);
		}
	}

	/** A 429: the window has no room until X's reset, whatever we thought. Pair with a prior acquire. */
	exhausted(endpoint: string, info: RateLimitInfo | undefined, fallbackResetSec: number): void {
		const w = this.windows.get(endpoint);
		if (w && w.inFlight > 0) w.inFlight--;
		const reset = Math.max(info?.reset ?? fallbackResetSec, Math.ceil(this.now() / 1000));
		if (info) this.latest.set(endpoint, info);
		const limit = info?.limit ?? (w && Number.isFinite(w.limit) ? w.limit : 1);
		this.windows.set(endpoint, { limit, remaining: 0, reset, inFlight: w?.inFlight ?? 0 });
	}
}
