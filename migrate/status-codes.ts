/**
 * Outcome codes the runners hold in a Uint8Array (one per user, or per user and event type),
 * and how journal statuses map onto them. The XAA runner adds OVER_CAP.
 */
export const PENDING = 0;
export const SUBSCRIBED = 1;
export const ALREADY = 2;
export const NEEDS_REAUTH = 3;
export const MISSING_TOKEN = 4;
export const FAILED = 5;
export const FAILED_TRANSIENT = 6;
export const OVER_CAP = 7;

/** Journal status words → codes. */
export const CODE_OF: Record<string, number> = {
	subscribed: SUBSCRIBED,
	already_subscribed: ALREADY,
	needs_reauth: NEEDS_REAUTH,
	failed: FAILED,
};

export const isDone = (s: number): boolean => s === SUBSCRIBED || s === ALREADY;
