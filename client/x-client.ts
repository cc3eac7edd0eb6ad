/**
 * The X client shared by the trigger, the action node and migrate. Callers say what they want;
 * the client knows each flavour's paths, auth and response shapes and returns one normalised
 * shape per operation. All ids are strings.
 */
import { randomInt } from 'node:crypto';
import { endpointFor, OAUTH2_TOKEN, PREMIUM_ALL_WEBHOOKS, type AaaOperation, type EndpointDef } from './aaa-endpoints';
import { normaliseBaseUrl } from './base-url';
import { XApiError } from './errors';
import { HttpTransport, type HttpRequester, type RequestSpec, type RetryPolicy, type XResponse } from './http-transport';
import { defaultHttpRequest, defaultSleep } from './node/defaults';
import { createOAuth1 } from './oauth1';
import { RateGate } from './rate-limits';
import { formatReplayDate } from './replay-window';
import { XaaClient } from './xaa-client';
import type {
	ApiFlavour,
	RateLimitInfo,
	ReplayJob,
	SubscribeResult,
	SubscriptionCount,
	SubscriptionList,
	UserToken,
	Webhook,
	XAppCredentials,
} from './types';

export interface XClientOptions {
	/** The wire. Default: Node's HTTP (the n8n nodes pass n8n's request helper). */
	request?: HttpRequester;
	/** Per attempt. Default 15 s. */
	timeoutMs?: number;
	retry?: Partial<RetryPolicy>;
	/**
	 * On 429, wait for the window's reset when it is at most this far away; otherwise fail with
	 * the reset time. Default 60 s. migrate passes Infinity.
	 */
	maxRateLimitWaitMs?: number;
	/** Hold every request until its window has room (migrate). Pass a gate to share one. */
	rateGate?: RateGate | boolean;
	onResponse?: (endpoint: string, res: XResponse) => void;
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
	random?: () => number;
}

export interface UserRef {
	/** The subscribing user's own token; the app owner's token when omitted. */
	user?: UserToken;
}

export interface WebhookRef {
	/** Required on enterprise and v2; premium addresses subscriptions by environment. */
	webhookId?: string;
}

export interface ReplayRequest {
	webhookId: string;
	from: Date | string;
	to: Date | string;
}

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

export class XClient {
	readonly flavour: ApiFlavour;
	readonly baseUrl: string;
	readonly gate?: RateGate;
	private readonly creds: XAppCredentials;
	private readonly transport: HttpTransport;
	private bearer?: Promise<string>;
	private bearerFetched = false;
	private xaaClient?: XaaClient;
	/** Latest rate-limit headers per endpoint ("METHOD /path/template"). */
	readonly rateLimits = new Map<string, RateLimitInfo>();

	constructor(creds: XAppCredentials, opts: XClientOptions = {}) {
		if (!creds.consumerKey || !creds.consumerSecret) throw new Error('The consumer key and consumer secret are required');
		this.creds = { ...creds };
		this.flavour = creds.apiVersion;
		if (!['enterprise', 'premium', 'v2'].includes(this.flavour)) {
			throw new Error(`API version must be enterprise, premium or v2 (got "${String(creds.apiVersion)}")`);
		}
		if (this.flavour === 'premium' && !creds.environment?.trim()) {
			throw new Error('The premium Account Activity API needs the environment name (case-sensitive, e.g. "dev")');
		}
		this.baseUrl = normaliseBaseUrl(creds.baseUrl);
		if (creds.bearerToken) this.bearer = Promise.resolve(creds.bearerToken);
		this.gate = opts.rateGate === true ? new RateGate({ sleep: opts.sleep, now: opts.now }) : opts.rateGate || undefined;
		const sleep = opts.sleep ?? defaultSleep;
		this.transport = new HttpTransport({
			request: opts.request ?? defaultHttpRequest,
			baseUrl: this.baseUrl,
			consumerKey: creds.consumerKey,
			consumerSecret: creds.consumerSecret,
			oauth: createOAuth1(creds),
			getBearer: () => this.getBearerToken(),
			invalidateBearer: (token) => this.invalidateBearer(token),
			secrets: () => [this.creds.consumerSecret, this.creds.accessTokenSecret ?? '', this.creds.bearerToken ?? ''],
			timeoutMs: opts.timeoutMs ?? 15_000,
			retry: { retries: 4, baseDelayMs: 500, maxDelayMs: 8_000, ...opts.retry },
			maxRateLimitWaitMs: opts.maxRateLimitWaitMs ?? 60_000,
			gate: this.gate,
			onResponse: (endpoint, res) => {
				if (res.rateLimit) this.rateLimits.set(endpoint, res.rateLimit);
				opts.onResponse?.(endpoint, res);
			},
			sleep,
			now: opts.now ?? Date.now,
			random: opts.random ?? (() => randomInt(0, 1_000_000) / 1_000_000),
		});
	}

	/** App-only bearer token: the credential's, or one fetched with POST /oauth2/token and reused. */
	getBearerToken(): Promise<string> {
		if (!this.bearer) {
			this.bearerFetched = true;
			this.bearer = this.fetchBearer().catch((err) => {
				this.bearer = undefined;
				throw err;
			});
		}
		return this.bearer;
	}

	private async fetchBearer(): Promise<string> {
		const res = await this.transport.send({
			method: OAUTH2_TOKEN.method,
			template: OAUTH2_TOKEN.template,
			form: { grant_type: 'client_credentials' },
			auth: { kind: 'basic' },
			operation: OAUTH2_TOKEN.operation,
			idempotent: true,
		});
		const b = (res.body ?? {}) as Record<string, unknown>;
		if (typeof b.access_token !== 'string' || !b.access_token) {
			throw new XApiError({
				status: res.status,
				xMessage: 'the answer held no access_token',
				operation: OAUTH2_TOKEN.operation,
				endpoint: `${OAUTH2_TOKEN.method} ${OAUTH2_TOKEN.template}`,
				retryable: false,
			});
		}
		this.creds.bearerToken = b.access_token; // scrubbed from messages from now on
		return b.access_token;
	}

	private invalidateBearer(token: string): boolean {
		if (!this.bearerFetched || this.creds.bearerToken !== token) return false;
		this.bearer = undefined;
		return true;
	}

	private owner(): UserToken {
		const { accessToken, accessTokenSecret } = this.creds;
		if (!accessToken || !accessTokenSecret) {
			throw new Error("This call needs the app owner's access token and access token secret in the credential");
		}
		return { token: accessToken, secret: accessTokenSecret };
	}

	private webhookParam(op: AaaOperation, webhookId: string | undefined): Record<string, string> {
		const params: Record<string, string> = {};
		if (this.flavour === 'premium') params.env_name = this.creds.environment!.trim();
		const def = endpointFor(this.flavour, op);
		if (def.template.includes(':webhook_id')) {
			if (!webhookId?.trim()) throw new Error(`${def.operation}: the webhook id is required`);
			params.webhook_id = webhookId.trim();
		}
		return params;
	}

	private call(
		def: EndpointDef,
		extra: Omit<RequestSpec, 'method' | 'template' | 'auth' | 'operation' | 'idempotent'> & { user?: UserToken },
	): Promise<XResponse> {
		const auth: RequestSpec['auth'] =
			def.auth === 'bearer' ? { kind: 'bearer' } : { kind: 'oauth1', token: def.auth === 'user' && extra.user ? extra.user : this.owner() };
		return this.transport.send({
			method: def.method,
			template: def.template,
			auth,
			operation: def.operation,
			idempotent: def.idempotent,
			params: extra.params,
			query: extra.query,
			form: extra.form,
			json: extra.json,
		});
	}

	/** Low-level access for other X surfaces (XAA) that share signing, errors, limits and retries. */
	send(spec: RequestSpec): Promise<XResponse> {
		return this.transport.send(spec);
	}

	/** The X Activity API (`/2/activity/subscriptions`) on this client's transport, whatever the AAA flavour. */
	get xaa(): XaaClient {
		this.xaaClient ??= new XaaClient({ send: (spec) => this.transport.send(spec) });
		return this.xaaClient;
	}

	/** Proves the keys work: the app owner's user id and handle. */
	async verifyCredentials(): Promise<{ userId: string; screenName?: string }> {
		const res = await this.call(endpointFor(this.flavour, 'verifyCredentials'), {});
		const b = unwrapData(res.body) as Record<string, unknown>;
		const userId = str(b.id_str ?? b.id);
		if (!userId) throw new Error('verify credentials: X answered without a user id');
		return { userId, screenName: str(b.screen_name ?? b.username) };
	}

	async registerWebhook(url: string): Promise<Webhook> {
		const def = endpointFor(this.flavour, 'registerWebhook');
		const params = this.webhookParam('registerWebhook', undefined);
		const res =
			this.flavour === 'v2' ? await this.call(def, { params, json: { url } }) : await this.call(def, { params, query: { url } });
		return toWebhook(unwrapData(res.body), this.creds.environment);
	}

	async listWebhooks(): Promise<Webhook[]> {
		const res = await this.call(endpointFor(this.flavour, 'listWebhooks'), { params: this.webhookParam('listWebhooks', undefined) });
		const data = unwrapData(res.body);
		const list = Array.isArray(data) ? data : Array.isArray((data as { webhooks?: unknown[] })?.webhooks) ? (data as { webhooks: unknown[] }).webhooks : [];
		return list.map((w) => toWebhook(w, this.flavour === 'premium' ? this.creds.environment : undefined));
	}

	/** Premium only: every environment's webhooks. */
	async listAllEnvironmentWebhooks(): Promise<Webhook[]> {
		const res = await this.call(PREMIUM_ALL_WEBHOOKS, {});
		const envs = ((res.body as { environments?: unknown[] })?.environments ?? []) as Array<{ environment_name?: string; webhooks?: unknown[] }>;
		return envs.flatMap((env) => (env.webhooks ?? []).map((w) => toWebhook(w, env.environment_name)));
	}

	/** Asks X to send a CRC now; re-validates an invalid webhook. */
	async triggerCrc(webhookId: string): Promise<{ valid: boolean }> {
		const res = await this.call(endpointFor(this.flavour, 'triggerCrc'), { params: this.webhookParam('triggerCrc', webhookId) });
		const d = unwrapData(res.body) as { valid?: unknown } | undefined;
		// v1.1 answers 204 on success; v2 {"data":{"valid":…}} (older: {"attempted":true})
		return { valid: typeof d?.valid === 'boolean' ? d.valid : true };
	}

	async deleteWebhook(webhookId: string): Promise<{ deleted: true }> {
		await this.call(endpointFor(this.flavour, 'deleteWebhook'), { params: this.webhookParam('deleteWebhook', webhookId) });
		return { deleted: true };
	}

	/** Subscribes a user (their own token) or the app owner. "Already exists" is success. */
	async subscribe(ref: WebhookRef & UserRef): Promise<SubscribeResult> {
		const def = endpointFor(this.flavour, 'subscribe');
		try {
			await this.call(def, { params: this.webhookParam('subscribe', ref.webhookId), user: ref.user, json: this.flavour === 'v2' ? {} : undefined });
			return { subscribed: true, alreadySubscribed: false };
		} catch (err) {
			if (isAlreadySubscribed(err)) return { subscribed: true, alreadySubscribed: true };
			throw err;
		}
	}

	async checkSubscription(ref: WebhookRef & UserRef): Promise<{ subscribed: boolean }> {
		const def = endpointFor(this.flavour, 'checkSubscription');
		try {
			const res = await this.call(def, { params: this.webhookParam('checkSubscription', ref.webhookId), user: ref.user });
			const d = unwrapData(res.body) as { subscribed?: unknown } | undefined;
			return { subscribed: typeof d?.subscribed === 'boolean' ? d.subscribed : res.status === 204 || res.status === 200 };
		} catch (err) {
			// v1.1 answers 204 when subscribed and an error (404 code 34) otherwise
			if (this.flavour !== 'v2' && err instanceof XApiError && err.status === 404) return { subscribed: false };
			throw err;
		}
	}

	async listSubscriptions(ref: WebhookRef): Promise<SubscriptionList> {
		const res = await this.call(endpointFor(this.flavour, 'listSubscriptions'), {
			params: this.webhookParam('listSubscriptions', ref.webhookId),
		});
		const d = (unwrapData(res.body) ?? {}) as Record<string, unknown>;
		const subs = Array.isArray(d.subscriptions) ? (d.subscriptions as Array<Record<string, unknown>>) : [];
		return {
			webhookId: str(d.webhook_id),
			webhookUrl: str(d.webhook_url),
			environment: str(d.environment),
			applicationId: str(d.application_id),
			userIds: subs.map((s) => str(s.user_id ?? s.id)).filter((v): v is string => !!v),
		};
	}

	async countSubscriptions(): Promise<SubscriptionCount> {
		const res = await this.call(endpointFor(this.flavour, 'countSubscriptions'), { params: this.webhookParam('countSubscriptions', undefined) });
		const d = (unwrapData(res.body) ?? {}) as Record<string, unknown>;
		return {
			accountName: str(d.account_name),
			all: str(d.subscriptions_count_all ?? d.subscriptions_count) ?? '0',
			directMessages: str(d.subscriptions_count_direct_messages),
			provisioned: str(d.provisioned_count),
		};
	}

	/** App-only unsubscribe of a user by id. */
	async unsubscribe(ref: WebhookRef & { userId: string }): Promise<{ subscribed: false }> {
		if (!/^\d{1,20}$/.test(ref.userId ?? '')) throw new Error(`unsubscribe user: "${ref.userId}" is not a numeric user id`);
		await this.call(endpointFor(this.flavour, 'unsubscribe'), {
			params: { ...this.webhookParam('unsubscribe', ref.webhookId), user_id: ref.userId },
		});
		return { subscribed: false };
	}

	/** Deprecated v1.1 user-context unsubscribe (the user's own token, or the owner's). */
	async unsubscribeUserContext(ref: WebhookRef & UserRef): Promise<{ subscribed: false }> {
		await this.call(endpointFor(this.flavour, 'unsubscribeUserContext'), {
			params: this.webhookParam('unsubscribeUserContext', ref.webhookId),
			user: ref.user,
		});
		return { subscribed: false };
	}

	/** Starts a replay job. Validate the window first with `checkReplayWindow`. */
	async startReplay(req: ReplayRequest): Promise<ReplayJob> {
		const from_date = formatReplayDate(req.from);
		const to_date = formatReplayDate(req.to);
		let res: XResponse;
		// v2: POST /2/webhooks/replay (X removed POST /2/account_activity/replay/... on 2026-03-25).
		if (this.flavour === 'v2') {
			res = await this.call(endpointFor('v2', 'replay'), { json: { webhook_id: req.webhookId, from_date, to_date } });
		} else {
			res = await this.call(endpointFor(this.flavour, 'replay'), { params: { webhook_id: req.webhookId }, query: { from_date, to_date } });
		}
		const b = unwrapData(res.body) as Record<string, unknown> | undefined;
		const job = (b?.replay_event ?? b ?? {}) as Record<string, unknown>; // quickstart shape: {for_user_id, replay_event:{…}}
		const jobId = str(job.job_id);
		if (!jobId) throw new Error('start replay: X accepted the job but sent no job_id');
		return { jobId, createdAt: str(job.created_at) };
	}
}

/** v2 wraps payloads in {"data": …}; v1.1 does not. */
export function unwrapData(body: unknown): unknown {
	if (body && typeof body === 'object' && !Array.isArray(body) && 'data' in body) return (body as { data: unknown }).data;
	return body;
}

function toWebhook(raw: unknown, environment?: string): Webhook {
	const w = (raw ?? {}) as Record<string, unknown>;
	const id = str(w.id);
	if (!id) throw new Error('X answered with a webhook that has no id');
	return {
		id,
		url: str(w.url) ?? '',
		valid: w.valid === true || w.valid === 'true',
		createdAt: str(w.created_at ?? w.created_timestamp),
		...(environment ? { environment } : {}),
	};
}

export function isAlreadySubscribed(err: unknown): boolean {
	if (!(err instanceof XApiError)) return false;
	return err.reason === 'DuplicateSubscriptionFailed' || /subscription already exists/i.test(err.xMessage);
}
