/**
 * When to reconnect to the stream, as X prescribes for its streams (REFERENCE.md XAA section):
 * reconnect immediately once; then back off by the cause of the failure:
 * - network errors (TCP, TLS, a cut or stalled connection): linearly, +250 ms per attempt, up to 16 s;
 * - HTTP errors (5xx, 4xx other than 429): exponentially from 5 s, doubling, up to 320 s;
 * - HTTP 429: exponentially from 60 s, doubling.
 * A connection that delivered at least one line counts as healthy: losing it earns the one
 * immediate reconnect again and resets every schedule. Pure: the caller sleeps.
 */
export type FailureCause = 'network' | 'http' | 'rate_limit';

export const NETWORK_STEP_MS = 250;
export const NETWORK_MAX_MS = 16_000;
export const HTTP_START_MS = 5_000;
export const HTTP_MAX_MS = 320_000;
export const RATE_LIMIT_START_MS = 60_000;
/** ours: X gives 429 no ceiling; doubling stops at one hour. */
export const RATE_LIMIT_MAX_MS = 3_600_000;

export class ReconnectPolicy {
	private immediateUsed = false;
	private attempts: Record<FailureCause, number> = { network: 0, http: 0, rate_limit: 0 };

	/** A healthy connection: the next loss reconnects at once. */
	connected(): void {
		this.immediateUsed = false;
		this.attempts = { network: 0, http: 0, rate_limit: 0 };
	}

	/** A healthy connection ended (cut, stalled, closed by X): the delay before the next connect. */
	lost(cause: FailureCause = 'network'): number {
		if (!this.immediateUsed) {
			this.immediateUsed = true;
			return 0;
		}
		return this.failed(cause);
	}

	/** A connect attempt failed: the delay before the next one. */
	failed(cause: FailureCause): number {
		this.immediateUsed = true;
		const n = ++this.attempts[cause];
		switch (cause) {
			case 'network':
				return Math.min(NETWORK_STEP_MS * n, NETWORK_MAX_MS);
			case 'http':
				return Math.min(HTTP_START_MS * 2 ** (n - 1), HTTP_MAX_MS);
			case 'rate_limit':
				return Math.min(RATE_LIMIT_START_MS * 2 ** (n - 1), RATE_LIMIT_MAX_MS);
		}
	}

	/** Consecutive failures since the last healthy connection. */
	get failures(): number {
		return this.attempts.network + this.attempts.http + this.attempts.rate_limit;
	}
}
