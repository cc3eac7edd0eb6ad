/**
 * Fixed-window rate limits per (endpoint group, identity), as X counts them: the identity is the
 * app for Bearer and app-owner calls, the user for user-context calls. A window opens on the
 * first request and lasts `rateLimitWindowSeconds` (X: 15 minutes); windows use the real clock
 * because clients compare x-rate-limit-reset with their own.
 */

/** Requests per window, from REFERENCE.md; v2 account_activity limits are unpublished (ours mirror enterprise). */
export const RATE_LIMIT_DEFAULTS = {
	'enterprise.webhooks.create': 15,
	'enterprise.webhooks.list': 15,
	'enterprise.webhooks.crc': 15,
	'enterprise.webhooks.delete': 15,
	'enterprise.subscriptions.create': 500,
	'enterprise.subscriptions.check': 500,
	'enterprise.subscriptions.list': 50,
	'enterprise.subscriptions.count': 15,
	'enterprise.subscriptions.delete': 500,
	'enterprise.replay': 5,
	'premium.webhooks.create': 15,
	'premium.webhooks.list': 15,
	'premium.webhooks.listAll': 15,
	'premium.webhooks.crc': 15,
	'premium.webhooks.delete': 15,
	'premium.subscriptions.create': 500,
	'premium.subscriptions.check': 500,
	'premium.subscriptions.list': 50,
	'premium.subscriptions.count': 15,
	'premium.subscriptions.delete': 500,
	'v2.webhooks.create': 450,
	'v2.webhooks.list': 450,
	'v2.webhooks.crc': 450,
	'v2.webhooks.delete': 450,
	'v2.webhooks.replay': 100,
	'v2.subscriptions.create': 500,
	'v2.subscriptions.check': 500,
	'v2.subscriptions.list': 50,
	'v2.subscriptions.count': 15,
	'v2.subscriptions.delete': 500,
	'v2.replay': 100,
	// X Activity API: 500 per 15 minutes per app per method (REFERENCE.md).
	'xaa.subscriptions.create': 500,
	'xaa.subscriptions.list': 500,
	'xaa.subscriptions.update': 500,
	'xaa.subscriptions.delete': 500,
	'oauth2.token': 450,
	// ours: X publishes no limit for its OAuth 2.0 user-token endpoints.
	'oauth2.userToken': 450,
	'oauth2.authorize': 450,
	'account.verifyCredentials': 75,
	'v2.users.me': 75,
} as const;

export type RateLimitGroup = keyof typeof RATE_LIMIT_DEFAULTS;

export interface RateLimitVerdict {
	allowed: boolean;
	limit: number;
	remaining: number;
	/** Unix seconds: the end of the current window. */
	reset: number;
}

interface Window {
	count: number;
	/** ms */
	endsAt: number;
}

export class RateLimiter {
	private readonly windows = new Map<string, Window>();
	private readonly rejected = new Map<string, number>();

	constructor(
		private readonly windowSeconds: number,
		private readonly overrides: Partial<Record<string, number>>,
	) {}

	limitOf(group: RateLimitGroup): number {
		return this.overrides[group] ?? this.overrides['*'] ?? RATE_LIMIT_DEFAULTS[group];
	}

	private current(key: string, now: number): Window {
		let w = this.windows.get(key);
		if (!w || now >= w.endsAt) {
			w = { count: 0, endsAt: now + this.windowSeconds * 1000 };
			this.windows.set(key, w);
		}
		return w;
	}

	/** Counts one request; `allowed` false when the window is spent. */
	take(group: RateLimitGroup, identity: string, now = Date.now()): RateLimitVerdict {
		const limit = this.limitOf(group);
		const w = this.current(`${group}|${identity}`, now);
		const allowed = w.count < limit;
		if (allowed) w.count++;
		else this.rejected.set(identity, (this.rejected.get(identity) ?? 0) + 1);
		return {
			allowed,
			limit,
			remaining: Math.max(0, limit - w.count),
			reset: Math.ceil(w.endsAt / 1000),
		};
	}

	/** The headers' values without counting a request (answers that fail before identification). */
	peek(group: RateLimitGroup, identity: string, now = Date.now()): RateLimitVerdict {
		const limit = this.limitOf(group);
		const w = this.windows.get(`${group}|${identity}`);
		if (!w || now >= w.endsAt) {
			return {
				allowed: true,
				limit,
				remaining: limit,
				reset: Math.ceil((now + this.windowSeconds * 1000) / 1000),
			};
		}
		return {
			allowed: w.count < limit,
			limit,
			remaining: Math.max(0, limit - w.count),
			reset: Math.ceil(w.endsAt / 1000),
		};
	}

	/** 429s answered, per identity. */
	rejectedByIdentity(): Record<string, number> {
		return Object.fromEntries(this.rejected);
	}

	reset(): void {
		this.windows.clear();
	}
}
