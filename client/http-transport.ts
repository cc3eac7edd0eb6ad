/**
 * The one place the client talks HTTP: URL building, OAuth 1.0a / bearer / basic auth, timeouts,
 * lossless JSON, rate-limit headers, error mapping, retries with capped exponential backoff and
 * full jitter, and the rate gate. Every X surface (AAA v1.1, v2, XAA) goes through `send`.
 *
 * The bytes on the wire go through an injected `HttpRequester`: n8n's request helper in the
 * nodes (nodes/shared/n8n-transport.ts), Node's own HTTP in the CLI and tests (client/node/).
 */
import { XApiError, hintFor } from './errors';
import { scrubText, truncate } from './scrub';
import { parseJsonLossless } from './lossless-json';
import { oauth1Header, percentEncode } from './oauth1';
import type OAuth from 'oauth-1.0a';
import { parseRateLimit, type RateGate } from './rate-limits';
import type { RateLimitInfo, UserToken } from './types';
import type { HttpHeaders, HttpMethod, HttpRequester } from './wire';

// Re-exported: the transport's callers take the wire's types from here.
export type { HttpHeaders, HttpMethod, HttpRequester, WireRequest, WireResponse } from './wire';

export type AuthSpec =
	| { kind: 'oauth1'; token: UserToken }
	/** An OAuth 2.0 user-context access token (authorization code + PKCE), sent as Bearer. */
	| { kind: 'oauth2user'; accessToken: string }
	| { kind: 'bearer' }
	| { kind: 'basic' }
	| { kind: 'none' };

export interface RequestSpec {
	method: HttpMethod;
	/** Path template, e.g. /1.1/account_activity/webhooks/:id.json (used in errors and rate keys). */
	template: string;
	/** Values for the template's :params (percent-encoded when substituted). */
	params?: Record<string, string>;
	query?: Record<string, string | undefined>;
	form?: Record<string, string>;
	json?: unknown;
	auth: AuthSpec;
	/** What the caller is doing, in words: "register webhook". */
	operation: string;
	/** Whether sending it twice is harmless (network failures and 5xx are then retried). */
	idempotent: boolean;
}

export interface XResponse {
	status: number;
	body: unknown;
	rateLimit?: RateLimitInfo;
	headers: HttpHeaders;
}


export interface RetryPolicy {
	/** Retries after the first attempt. */
	retries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export interface TransportOptions {
	/** The wire: n8n's helpers in the nodes, Node's HTTP elsewhere. */
	request: HttpRequester;
	baseUrl: string;
	consumerKey: string;
	consumerSecret: string;
	oauth: OAuth;
	getBearer: () => Promise<string>;
	/** Drops a cached bearer so the next call fetches a fresh one. */
	invalidateBearer?: (token: string) => boolean;
	/** Secrets to scrub from anything that ends up in a message. */
	secrets: () => string[];
	timeoutMs: number;
	retry: RetryPolicy;
	/** Longest wait for a rate-limit reset before failing with the reset time instead. */
	maxRateLimitWaitMs: number;
	gate?: RateGate;
	onResponse?: (endpoint: string, res: XResponse) => void;
	sleep: (ms: number) => Promise<void>;
	now: () => number;
	random: () => number;
}

/** Longest part of a non-JSON error body kept in a message (after scrubbing). */
const MAX_TEXT_BODY_MESSAGE = 300;

/** Everything the transport needs to build one attempt. */
interface Built {
	url: URL;
	endpoint: string;
	body?: string;
	contentType?: string;
}

export class HttpTransport {
	constructor(private readonly o: TransportOptions) {}

	async send(spec: RequestSpec): Promise<XResponse> {
		const built = this.build(spec);
		let attempt = 0;
		let bearerRefreshed = false;
		for (;;) {
			await this.o.gate?.acquire(built.endpoint);
			let res: XResponse;
			try {
				res = await this.attempt(spec, built);
			} catch (err) {
				this.o.gate?.release(built.endpoint, undefined);
				const e = this.networkError(spec, built, err);
				if (this.mayRetry(spec, e, attempt)) {
					await this.o.sleep(this.backoff(attempt++));
					continue;
				}
				throw e;
			}
			this.o.onResponse?.(built.endpoint, res);
			if (res.status === 429) {
				const fallback = Math.ceil(this.o.now() / 1000) + 60;
				this.o.gate?.exhausted(built.endpoint, res.rateLimit, fallback);
				const resetMs = (res.rateLimit?.reset ?? fallback) * 1000;
				const waitMs = Math.max(0, resetMs - this.o.now()) + 250;
				if (waitMs <= this.o.maxRateLimitWaitMs) {
					if (!this.o.gate) await this.o.sleep(waitMs);
					continue; // the gate itself waits for the reset
				}
				throw this.xError(spec, built, res);
			}
			this.o.gate?.release(built.endpoint, res.rateLimit);
			if (res.status >= 200 && res.status < 300) return res;
			const e = this.xError(spec, built, res);
			if (
				spec.auth.kind === 'bearer' &&
				res.status === 401 &&
				!bearerRefreshed &&
				this.o.invalidateBearer?.(await this.o.getBearer())
			) {
				bearerRefreshed = true; // a fetched bearer was invalidated: fetch once more
				continue;
			}
			if (this.mayRetry(spec, e, attempt)) {
				await this.o.sleep(this.backoff(attempt++));
				continue;
			}
			throw e;
		}
	}

	private build(spec: RequestSpec): Built {
		let path = spec.template;
		for (const [k, v] of Object.entries(spec.params ?? {})) {
			if (!v) throw new Error(`${spec.operation}: ${k} is required`);
			path = path.replace(`:${k}`, percentEncode(v));
		}
		const url = new URL(this.o.baseUrl + path);
		const qs = Object.entries(spec.query ?? {})
			.filter((e): e is [string, string] => e[1] !== undefined)
			.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
			.join('&');
		if (qs) url.search = '?' + qs;
		const endpoint = `${spec.method} ${spec.template}`;
		if (spec.json !== undefined) return { url, endpoint, body: JSON.stringify(spec.json), contentType: 'application/json' };
		if (spec.form) {
			const body = Object.entries(spec.form)
				.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
				.join('&');
			return { url, endpoint, body, contentType: 'application/x-www-form-urlencoded' };
		}
		return { url, endpoint };
	}

	private async authorization(spec: RequestSpec, built: Built): Promise<string | undefined> {
		switch (spec.auth.kind) {
			case 'oauth1':
				return oauth1Header(this.o.oauth, { method: spec.method, url: built.url.toString(), form: spec.form }, spec.auth.token);
			case 'oauth2user':
				return 'Bearer ' + spec.auth.accessToken;
			case 'bearer':
				return 'Bearer ' + (await this.o.getBearer());
			case 'basic':
				return (
					'Basic ' +
					Buffer.from(`${percentEncode(this.o.consumerKey)}:${percentEncode(this.o.consumerSecret)}`).toString('base64')
				);
			default:
				return undefined;
		}
	}

	private async attempt(spec: RequestSpec, built: Built): Promise<XResponse> {
		const authorization = await this.authorization(spec, built);
		const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'n8n-nodes-x-account-activity' };
		if (authorization) headers.authorization = authorization;
		if (built.body !== undefined && built.contentType) headers['content-type'] = built.contentType;
		const res = await this.o.request({
			method: spec.method,
			url: built.url.toString(),
			headers,
			body: built.body ?? (spec.method === 'POST' || spec.method === 'PUT' ? '' : undefined),
			timeoutMs: this.o.timeoutMs,
		});
		let body: unknown;
		if (res.body.length > 0) {
			try {
				body = parseJsonLossless(res.body);
			} catch {
				body = res.body;
			}
		}
		return { status: res.status, body, rateLimit: parseRateLimit(res.headers), headers: res.headers };
	}

	private mayRetry(spec: RequestSpec, e: XApiError, attempt: number): boolean {
		if (attempt >= this.o.retry.retries || !e.retryable) return false;
		// A request X may have carried out is only repeated when repeating it is harmless.
		return spec.idempotent || e.status === 503 || (e.status === 0 && /ECONNREFUSED/.test(e.xMessage));
	}

	/** Capped exponential backoff with full jitter. */
	private backoff(attempt: number): number {
		const cap = Math.min(this.o.retry.maxDelayMs, this.o.retry.baseDelayMs * 2 ** attempt);
		return Math.round(cap / 2 + (this.o.random() * cap) / 2);
	}

	/** Removes the app's secrets and the request's own user token secret (every form) from text bound for a message. */
	private scrub(text: string, spec: RequestSpec): string {
		const secrets = this.o.secrets();
		if (spec.auth.kind === 'oauth1') secrets.push(spec.auth.token.secret);
		if (spec.auth.kind === 'oauth2user') secrets.push(spec.auth.accessToken);
		return scrubText(text, secrets);
	}

	private networkError(spec: RequestSpec, built: Built, err: unknown): XApiError {
		const e = err as { code?: string; message?: string } | undefined;
		const detail = e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? err);
		return new XApiError({
			status: 0,
			xMessage: this.scrub(`${detail} (${built.url.host})`, spec),
			operation: spec.operation,
			endpoint: built.endpoint,
			retryable: true,
			hint:
				e?.code === 'ETIMEDOUT'
					? 'X did not answer in time: retry later'
					: `Could not reach ${built.url.host}: check the base URL and the network`,
		});
	}

	xError(spec: RequestSpec, built: { endpoint: string }, res: XResponse): XApiError {
		const { code, message, reason } = readXError(res.body);
		// A non-JSON body (an HTML error page, a proxy's echo) is shortened, after scrubbing.
		const scrubbed = this.scrub(message || `HTTP ${res.status}`, spec);
		const xMessage = typeof res.body === 'string' ? truncate(scrubbed, MAX_TEXT_BODY_MESSAGE) : scrubbed;
		return new XApiError({
			status: res.status,
			code,
			reason,
			xMessage,
			operation: spec.operation,
			endpoint: built.endpoint,
			retryable: res.status === 429 || res.status >= 500 || code === 67 || code === 88 || code === 130 || code === 131,
			rateLimitReset: res.status === 429 ? res.rateLimit?.reset : undefined,
			rateLimit: res.rateLimit,
			hint: hintFor(spec.operation, res.status, code, reason),
		});
	}
}

/** X's error bodies: v1.1 `{"errors":[{code,message}]}`, v2 `{"errors":[{message:"Reason: …"}],title,detail}` or a problem. */
export function readXError(body: unknown): { code?: number; message: string; reason?: string } {
	// Not shortened here: the whole text is scrubbed first (a cut could leave a secret's prefix).
	if (typeof body === 'string' && /^\s*\{/.test(body)) {
		// a problem body (application/problem+json) a transport left unparsed
		try {
			return readXError(parseJsonLossless(body));
		} catch {
			/* not JSON after all */
		}
	}
	if (typeof body === 'string') return { message: body };
	if (!body || typeof body !== 'object') return { message: '' };
	const b = body as Record<string, unknown>;
	const first = Array.isArray(b.errors) ? (b.errors[0] as Record<string, unknown> | undefined) : undefined;
	const code = first && first.code !== undefined && Number.isFinite(Number(first.code)) ? Number(first.code) : undefined;
	let message = '';
	if (first && typeof first.message === 'string') message = first.message;
	else if (typeof b.detail === 'string') message = b.detail;
	else if (typeof b.title === 'string') message = b.title;
	else if (typeof b.error === 'string') message = b.error;
	const m = /^([A-Z][A-Za-z]+(?:Failed|Exceeded|Invalid|Error|NotFound)):/.exec(message);
	return { code, message, reason: m ? m[1] : undefined };
}
