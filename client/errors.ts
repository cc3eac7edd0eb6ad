/**
 * One typed error for every failed X call. Messages say what happened and what to do, and
 * never carry a secret: the client scrubs its own secrets from anything X echoes back.
 */
import type { RateLimitInfo } from './types';

export interface XApiErrorDetails {
	/** HTTP status, or 0 when no answer arrived (network failure, timeout). */
	status: number;
	/** X's numeric error code (v1.1), when X sent one. */
	code?: number;
	/** v2 failure reason (the part before the colon), e.g. CrcValidationFailed. */
	reason?: string;
	/** X's own message, as sent (scrubbed of secrets). */
	xMessage: string;
	/** What the caller was doing, e.g. "register webhook". */
	operation: string;
	/** Method and path template, e.g. "POST /1.1/account_activity/webhooks.json". */
	endpoint: string;
	/** Whether repeating the same request later can succeed. */
	retryable: boolean;
	/** When the rate-limit window resets (Unix seconds), when X said. */
	rateLimitReset?: number;
	rateLimit?: RateLimitInfo;
	/** What to do about it. */
	hint?: string;
}

export class XApiError extends Error implements XApiErrorDetails {
	readonly status: number;
	readonly code?: number;
	readonly reason?: string;
	readonly xMessage: string;
	readonly operation: string;
	readonly endpoint: string;
	readonly retryable: boolean;
	readonly rateLimitReset?: number;
	readonly rateLimit?: RateLimitInfo;
	readonly hint?: string;

	constructor(d: XApiErrorDetails) {
		super(formatMessage(d));
		this.name = 'XApiError';
		this.status = d.status;
		this.code = d.code;
		this.reason = d.reason;
		this.xMessage = d.xMessage;
		this.operation = d.operation;
		this.endpoint = d.endpoint;
		this.retryable = d.retryable;
		this.rateLimitReset = d.rateLimitReset;
		this.rateLimit = d.rateLimit;
		this.hint = d.hint;
	}

	/** True for 401 code 89/32 answered to a user's own token: the user must authorise the app again. */
	get isAuthFailure(): boolean {
		return this.status === 401 || this.code === 89 || this.code === 32;
	}

	get isRateLimited(): boolean {
		return this.status === 429 || this.code === 88;
	}

	toJSON(): XApiErrorDetails & { message: string } {
		return {
			message: this.message,
			status: this.status,
			code: this.code,
			reason: this.reason,
			xMessage: this.xMessage,
			operation: this.operation,
			endpoint: this.endpoint,
			retryable: this.retryable,
			rateLimitReset: this.rateLimitReset,
			hint: this.hint,
		};
	}
}

function formatMessage(d: XApiErrorDetails): string {
	const what = d.status === 0 ? 'no answer from X' : `X answered ${d.status}${d.code !== undefined ? ` (code ${d.code})` : ''}`;
	let msg = `${d.operation} failed: ${what}: ${d.xMessage}`;
	if (d.hint) msg += `. ${d.hint}`;
	if (d.rateLimitReset) msg += ` (rate-limit window resets at ${new Date(d.rateLimitReset * 1000).toISOString()})`;
	return msg;
}

/** What to do, by X error code or v2 reason, in the words of the operation at hand. */
export function hintFor(operation: string, status: number, code?: number, reason?: string): string | undefined {
	if (/\bXAA\b/.test(operation)) {
		const xaa = xaaHint(status, reason);
		if (xaa) return xaa;
	}
	const registering = /register|crc|validate/i.test(operation);
	if (code === 214 || reason === 'CrcValidationFailed' || reason === 'UrlValidationFailed') {
		if (registering || reason) {
			return 'X could not validate your webhook: the CRC answer was wrong, slow or not 200. Check that the URL is public https without a port, reachable from the internet, and that it answers the CRC GET with the consumer secret of this app within 3 seconds';
		}
		return 'X refused the request: too many resources, or the webhook does not meet X\'s requirements';
	}
	if (reason === 'DuplicateUrlFailed') return 'This URL is already registered for the app: list the webhooks and reuse that one';
	if (reason === 'WebhookLimitExceeded') return 'The app has as many webhooks as its tier allows: delete one first';
	if (reason === 'WebhookIdInvalid' || code === 34) return 'The webhook (or subscription) does not exist or belongs to another app: list the webhooks to find the right id';
	if (reason === 'SubscriptionLimitExceeded') return 'The subscription cap of your tier is reached';
	if (reason === 'ReplayConflictError' || code === 355) return 'A replay job is already running for this webhook: wait for its replay_job_status event, then try again';
	if (code === 348) return 'The app is not permitted to access this user\'s subscriptions (check the app\'s permissions and that the token belongs to this app)';
	if (code === 89) return 'The token is invalid or expired: the user revoked the app or the token was regenerated; the user must authorise the app again';
	if (code === 32 || status === 401) return 'X could not authenticate the request: check the consumer key and secret and the access token and secret';
	if (code === 200 || status === 403) return 'Forbidden: the app may not have Account Activity API access for this flavour, or the premium environment name is wrong (it is case-sensitive)';
	if (code === 261) return 'The app cannot perform write actions: give it read and write permission in the developer portal';
	if (code === 88 || status === 429) return 'Rate limit exceeded: wait until the window resets';
	if (status >= 500 || code === 67) return 'X is temporarily unavailable: retry later';
	return undefined;
}

/** X Activity API (`/2/activity/subscriptions`) failures. */
function xaaHint(status: number, reason?: string): string | undefined {
	switch (reason) {
		case 'SubscriptionLimitExceeded':
			return 'The XAA subscription cap is reached (self-serve 1,500, enterprise 75,000; every user × event type counts): delete subscriptions you do not need first';
		case 'SubscriptionNotFound':
			return 'No XAA subscription with this id for the app: list the subscriptions to find the right id';
		case 'WebhookIdInvalid':
			return 'The webhook_id is not a v2 webhook of this app: list the webhooks (GET /2/webhooks) and use one of those ids';
		case 'EventTypeInvalid':
		case 'FilterInvalid':
		case 'TagInvalid':
		case 'QueryParamInvalid':
			return 'X refused a field of the XAA request: see the message for which one';
	}
	if (status === 403) {
		return "X refused the credentials for this XAA event type: private types (mentions, replies, quotes, reposts, likes, DMs, chat, mute, block) need the subscribing user's own token, and mute/block subscriptions only work for the authenticated user themselves; also check that the app has X Activity API access";
	}
	return undefined;
}
