/** The simulator's shared parts, passed to every module that needs more than one of them. */
import type { ResolvedConfig } from './config';
import type { FaultInjector } from './faults';
import type { Lifecycle } from './lifecycle';
import type { NonceStore } from './oauth-verify';
import type { RateLimiter } from './rate-limits';
import type { SimState } from './state';

export type AuthKind = 'oauth1-app' | 'oauth1-user' | 'oauth2-user' | 'bearer' | 'basic' | 'none' | 'admin';

/** One answered request. Never holds a secret: no headers, no query, no body. */
export interface RequestLogEntry {
	/** ms since epoch (real clock) */
	at: number;
	method: string;
	/** Path without the query string. */
	path: string;
	status: number;
	auth: AuthKind;
	userId?: string;
	/** Set when the answer was an injected fault ('fault') or a hang ('hang', status 0). */
	injected?: 'fault' | 'hang';
	/** On a 429: the refused window's end (Unix s), so callers can count refusals per window. */
	rateLimitReset?: number;
	ms: number;
}

export interface DeliveryAttempt {
	/** ms since epoch (real clock) */
	at: number;
	status?: number;
	error?: 'timeout' | 'connect' | 'stopped';
	ms: number;
}

export interface DeliveryRecord {
	id: number;
	webhookId: string;
	url: string;
	kind: 'event' | 'replay' | 'replay_job_status';
	/** Which copy this is when duplicates were injected (0 = the original). */
	copy: number;
	/** x-twitter-webhooks-signature sent. */
	signature: string;
	bytes: number;
	attempts: DeliveryAttempt[];
	/** Whether one attempt got a 2xx. */
	delivered: boolean;
	/** Still retrying. */
	pending: boolean;
}

export interface SimContext {
	config: ResolvedConfig;
	state: SimState;
	life: Lifecycle;
	limiter: RateLimiter;
	nonces: NonceStore;
	faults: FaultInjector;
	deliveries: DeliveryRecord[];
	requestLog: RequestLogEntry[];
	/** API requests answered (admin excluded) and 429s answered. */
	stats: { requests: number; rateLimited: number };
	/** http://127.0.0.1:PORT, known once listening. */
	baseUrl: string;
}
