/**
 * Failures shared by every flavour. The logic (webhooks.ts, subscriptions.ts, replay.ts) returns
 * one of these; routes-v1.ts and routes-v2.ts turn it into that flavour's status and body.
 */

export type CrcFailReason = 'connect' | 'timeout' | 'non200' | 'bad_response';

export type SimFailure =
	| { kind: 'url_invalid'; detail: string }
	| { kind: 'crc_failed'; reason: CrcFailReason; detail: string }
	| { kind: 'duplicate_url'; existingId: string }
	| { kind: 'webhook_limit' }
	| { kind: 'webhook_not_found' }
	| { kind: 'duplicate_subscription' }
	| { kind: 'subscription_limit' }
	| { kind: 'subscription_not_found' }
	| { kind: 'user_forbidden' }
	| { kind: 'replay_invalid'; detail: string }
	| { kind: 'replay_conflict'; jobId: string };

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: SimFailure };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = <T = never>(failure: SimFailure): Outcome<T> => ({ ok: false, failure });
