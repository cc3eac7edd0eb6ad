/**
 * The X Activity API (XAA) subscription surface: `/2/activity/subscriptions`. It shares the
 * XClient's transport (signing, bearer, typed XApiError, rate-limit state and gate, retries);
 * reach it as `client.xaa`.
 *
 * Auth per event type, one rule (`xaaCreateAuth`): the filter user's own context whenever the
 * caller has a token for them (an OAuth 2.0 user access token, sent as Bearer, or an OAuth 1.0a
 * user token); app-only Bearer only for public types without one. A private type without a user
 * token, or an OAuth 2.0 token not granted the type's scope, fails before anything is sent
 * (`XaaAuthError`, naming the type and what is missing). List is sent with Bearer; update and
 * delete take Bearer only (OpenAPI).
 */
import { XApiError } from './errors';
import type { AuthSpec, RequestSpec, XResponse } from './http-transport';
import type { UserToken } from './types';
import {
	XAA_DIRECTIONS,
	XAA_EVENT_CATALOGUE,
	XAA_SUBSCRIBABLE_EVENT_TYPES,
	canonicalXaaEventType,
	type XaaDirection,
	type XaaEventType,
} from './xaa-event-types';
import {
	extractXaaSubscription,
	normaliseXaaDelete,
	normaliseXaaDeleteMany,
	normaliseXaaList,
	type XaaDeleteResult,
	type XaaFilter,
	type XaaSubscription,
	type XaaSubscriptionPage,
} from './xaa-normalise';

/** Published limits (openapi-activity-subset.json). */
export const XAA_LIMITS = {
	/** CreateActivitySubscriptionRequest.tag / UpdateActivitySubscriptionRequest.tag: 1..200. */
	tagMaxLength: 200,
	/** Keyword schema: 1..150. */
	keywordMaxLength: 150,
	/** GET max_results: 1..1000. */
	maxResults: 1000,
	/** DELETE ?ids=: 1..100. */
	deleteIdsMax: 100,
} as const;

export const XAA_SUBSCRIPTIONS_PATH = '/2/activity/subscriptions';
export const XAA_SUBSCRIPTION_PATH = '/2/activity/subscriptions/:subscription_id';

/** What the XAA client needs from the shared client: one `send`. */
export interface XaaTransport {
	send(spec: RequestSpec): Promise<XResponse>;
}

/** A request the client refused to send: the message says what to change. */
export class XaaValidationError extends Error {
	constructor(
		message: string,
		/** The request field at fault, e.g. "filter.user_id". */
		readonly field: string,
	) {
		super(message);
		this.name = 'XaaValidationError';
	}
}

/**
 * The filter user's OAuth 2.0 user-context access token and, when known, the scopes X granted it
 * (the token response's space-separated `scope`).
 */
export interface XaaOAuth2UserToken {
	accessToken: string;
	scopes?: readonly string[] | string;
}

/** A create the client will not send: the type needs user context or a scope the caller lacks. */
export class XaaAuthError extends XaaValidationError {
	constructor(
		message: string,
		readonly eventType: XaaEventType,
		/** user_token: no user token for a private type; scope: the OAuth 2.0 token lacks `scope`. */
		readonly missing: 'user_token' | 'scope',
		readonly scope?: string,
	) {
		super(message, missing === 'scope' ? 'oauth2.scopes' : 'user');
		this.name = 'XaaAuthError';
	}
}

export const grantedScopes = (scopes: readonly string[] | string | undefined): string[] | undefined =>
	scopes === undefined
		? undefined
		: (typeof scopes === 'string' ? scopes.split(/[\s,]+/) : [...scopes]).map((x) => x.trim()).filter(Boolean);

/**
 * The one auth rule for an XAA create: the filter user's context when a token for them is at hand
 * (OAuth 2.0 first when it holds the type's scope, else OAuth 1.0a), app Bearer for public types
 * without one. Throws XaaAuthError for a private type without a user token, or an OAuth 2.0
 * token (and no OAuth 1.0a one) missing the type's scope.
 */
export function xaaCreateAuth(
	eventType: XaaEventType,
	tokens: { user?: UserToken; oauth2?: XaaOAuth2UserToken },
): AuthSpec {
	const info = XAA_EVENT_CATALOGUE[eventType];
	const oauth1 = tokens.user?.token && tokens.user?.secret ? tokens.user : undefined;
	const oauth2 = tokens.oauth2?.accessToken ? tokens.oauth2 : undefined;
	if (oauth2) {
		const granted = grantedScopes(oauth2.scopes);
		const scope = info.oauth2Scope;
		if (!scope || !granted || granted.includes(scope)) return { kind: 'oauth2user', accessToken: oauth2.accessToken };
		if (!oauth1) {
			throw new XaaAuthError(
				`${eventType} needs the OAuth 2.0 scope ${scope}, which the user's token was not granted (granted: ${granted.join(' ') || 'none'}): ` +
					`add ${scope} to the credential's scopes and reconnect it`,
				eventType,
				'scope',
				scope,
			);
		}
	}
	if (oauth1) return { kind: 'oauth1', token: oauth1 };
	if (info.visibility === 'public') return { kind: 'bearer' };
	throw new XaaAuthError(
		`${eventType} is a private XAA event type: X accepts it only in the user's own context ` +
			`(an OAuth 2.0 user token with scope ${info.oauth2Scope ?? 'n/a'}, or an OAuth 1.0a user token); none was given for this user, so it was not sent`,
		eventType,
		'user_token',
	);
}

export interface XaaCreateRequest {
	/** Canonical type or a published alias (chat.conversation_join). */
	eventType: XaaEventType | string;
	filter: XaaFilter;
	tag?: string;
	/** The v2 webhook to deliver to (without one X delivers to the activity stream only). */
	webhookId?: string;
	/** The filter user's own OAuth 1.0a token. */
	user?: UserToken;
	/** The filter user's own OAuth 2.0 user access token (preferred when it holds the type's scope). */
	oauth2?: XaaOAuth2UserToken;
}

export interface XaaCreateResult extends XaaSubscription {
	/** True when X said the subscription already existed; the existing one is returned. */
	alreadyExisted: boolean;
}

export interface XaaUpdateRequest {
	tag?: string;
	webhookId?: string;
}

const ID = /^\d{1,19}$/;

/** A create refusal that may mean "already exists": decided by listing, not by the wording. */
const mayBeDuplicate = (err: unknown): err is XApiError =>
	err instanceof XApiError && (err.status === 400 || err.status === 409);

function sameFilter(a: XaaFilter, b: XaaFilter): boolean {
	return (
		a.userId === b.userId &&
		(a.keyword ?? '').toLowerCase() === (b.keyword ?? '').toLowerCase() &&
		a.direction === b.direction
	);
}

/** The canonical request body, or an XaaValidationError naming what is wrong. */
export function validateXaaCreate(req: XaaCreateRequest): {
	eventType: XaaEventType;
	body: {
		event_type: XaaEventType;
		filter: Record<string, string>;
		tag?: string;
		webhook_id?: string;
	};
} {
	const eventType = canonicalXaaEventType(req?.eventType);
	if (!eventType) {
		throw new XaaValidationError(
			`"${String(req?.eventType)}" is not an XAA event type; use one of ${XAA_SUBSCRIBABLE_EVENT_TYPES.join(', ')}`,
			'event_type',
		);
	}
	const info = XAA_EVENT_CATALOGUE[eventType];
	if (!info.subscribable) {
		throw new XaaValidationError(
			`${eventType} cannot be subscribed to: X delivers it to the app unasked (with filter {})`,
			'event_type',
		);
	}
	const f = req.filter ?? {};
	const filter: Record<string, string> = {};
	if (info.filter === 'user_id') {
		const userId = typeof f.userId === 'string' ? f.userId.trim() : '';
		if (!ID.test(userId)) {
			throw new XaaValidationError(
				`${eventType} needs filter.user_id: a numeric user id (1 to 19 digits)${userId ? `, not "${userId}"` : ''}`,
				'filter.user_id',
			);
		}
		if (f.keyword !== undefined)
			throw new XaaValidationError(
				`${eventType} takes a user_id filter, not a keyword`,
				'filter.keyword',
			);
		filter.user_id = userId;
	} else {
		const keyword = typeof f.keyword === 'string' ? f.keyword.trim() : '';
		if (!keyword || keyword.length > XAA_LIMITS.keywordMaxLength) {
			throw new XaaValidationError(
				`${eventType} needs filter.keyword: 1 to ${XAA_LIMITS.keywordMaxLength} characters`,
				'filter.keyword',
			);
		}
		if (f.userId !== undefined)
			throw new XaaValidationError(
				`${eventType} takes a keyword filter, not a user_id`,
				'filter.user_id',
			);
		filter.keyword = keyword;
	}
	if (f.direction !== undefined) {
		if (!info.directional) {
			throw new XaaValidationError(
				`${eventType} does not take a direction${info.actorOnly ? ' (mute and block subscriptions are actor-only)' : ''}`,
				'filter.direction',
			);
		}
		if (!XAA_DIRECTIONS.includes(f.direction)) {
			throw new XaaValidationError(
				`filter.direction must be inbound or outbound, not "${String(f.direction)}"`,
				'filter.direction',
			);
		}
		filter.direction = f.direction;
	}
	const body: ReturnType<typeof validateXaaCreate>['body'] = { event_type: eventType, filter };
	const tag = validateTag(req.tag);
	if (tag !== undefined) body.tag = tag;
	const webhookId = validateWebhookId(req.webhookId);
	if (webhookId !== undefined) body.webhook_id = webhookId;
	return { eventType, body };
}

function validateTag(tag: unknown): string | undefined {
	if (tag === undefined) return undefined;
	if (typeof tag !== 'string' || tag.length < 1 || tag.length > XAA_LIMITS.tagMaxLength) {
		throw new XaaValidationError(`tag must be 1 to ${XAA_LIMITS.tagMaxLength} characters`, 'tag');
	}
	return tag;
}

function validateWebhookId(id: unknown): string | undefined {
	if (id === undefined) return undefined;
	if (typeof id !== 'string' || !ID.test(id.trim())) {
		throw new XaaValidationError(
			`webhook_id must be a numeric webhook id, not "${String(id)}"`,
			'webhook_id',
		);
	}
	return id.trim();
}

function validateSubscriptionId(id: unknown): string {
	if (typeof id !== 'string' || !ID.test(id.trim())) {
		throw new XaaValidationError(
			`"${String(id)}" is not a subscription id (1 to 19 digits)`,
			'subscription_id',
		);
	}
	return id.trim();
}

export class XaaClient {
	constructor(private readonly transport: XaaTransport) {}

	private send(
		method: RequestSpec['method'],
		operation: string,
		extra: Partial<Pick<RequestSpec, 'params' | 'query' | 'json'>> & {
			auth?: AuthSpec;
			template?: string;
		},
	): Promise<XResponse> {
		return this.transport.send({
			method,
			template: extra.template ?? XAA_SUBSCRIPTIONS_PATH,
			params: extra.params,
			query: extra.query,
			json: extra.json,
			auth: extra.auth ?? { kind: 'bearer' },
			operation,
			// create is repeatable: a second one answers "already exists", which counts as success
			idempotent: true,
		});
	}

	/**
	 * Creates a subscription, authorised by `xaaCreateAuth`. A 400 or 409 is checked against the
	 * list before it counts as a failure: a subscription with the same (event_type, filter) means
	 * it already exists, whatever X's wording (X publishes no failure vocabulary for XAA creates).
	 */
	async create(req: XaaCreateRequest): Promise<XaaCreateResult> {
		const { eventType, body } = validateXaaCreate(req);
		const auth = xaaCreateAuth(eventType, { user: req.user, oauth2: req.oauth2 });
		let res: XResponse;
		try {
			res = await this.send('POST', 'create XAA subscription', { json: body, auth });
		} catch (err) {
			if (!mayBeDuplicate(err)) throw err;
			let existing: XaaSubscription | undefined;
			try {
				existing = await this.findExisting(eventType, body.filter, body.webhook_id);
			} catch {
				throw err; // the list failed too: the create's own error says more
			}
			if (!existing) throw err;
			return { ...existing, alreadyExisted: true };
		}
		const sub =
			extractXaaSubscription(res.body) ??
			(await this.findExisting(eventType, body.filter, body.webhook_id));
		if (!sub)
			throw new Error(
				'create XAA subscription: X accepted it but the answer held no subscription, and listing did not find it',
			);
		return { ...sub, alreadyExisted: false };
	}

	/** The subscription X holds for this (event type, filter), preferring one on the same webhook. */
	private async findExisting(
		eventType: XaaEventType,
		rawFilter: Record<string, string>,
		webhookId: string | undefined,
	): Promise<XaaSubscription | undefined> {
		const filter: XaaFilter = {
			userId: rawFilter.user_id,
			keyword: rawFilter.keyword,
			direction: rawFilter.direction as XaaDirection | undefined,
		};
		const matches = (await this.listAll()).filter((s) => s.eventType === eventType && sameFilter(s.filter, filter));
		return matches.find((s) => s.webhookId === webhookId) ?? matches[matches.length - 1];
	}

	/** One page. `maxResults` 1..1000 (X's default when omitted). */
	async list(
		opts: { maxResults?: number; paginationToken?: string } = {},
	): Promise<XaaSubscriptionPage> {
		const query: Record<string, string | undefined> = {};
		if (opts.maxResults !== undefined) {
			const n = opts.maxResults;
			if (!Number.isInteger(n) || n < 1 || n > XAA_LIMITS.maxResults) {
				throw new XaaValidationError(
					`max_results must be an integer from 1 to ${XAA_LIMITS.maxResults}`,
					'max_results',
				);
			}
			query.max_results = String(n);
		}
		if (opts.paginationToken) query.pagination_token = opts.paginationToken;
		const res = await this.send('GET', 'list XAA subscriptions', { query });
		return normaliseXaaList(res.body);
	}

	/**
	 * Every subscription, following `meta.next_token`. Asks for 1,000 per page (OpenAPI); if X
	 * refuses that (one doc version caps max_results at 100), retries the first page with 100.
	 */
	async listAll(opts: { pageSize?: number } = {}): Promise<XaaSubscription[]> {
		let pageSize = opts.pageSize ?? XAA_LIMITS.maxResults;
		const out: XaaSubscription[] = [];
		const seen = new Set<string>();
		let token: string | undefined;
		for (let pages = 0; ; pages++) {
			let page: XaaSubscriptionPage;
			try {
				page = await this.list({ maxResults: pageSize, paginationToken: token });
			} catch (err) {
				if (
					pages === 0 &&
					opts.pageSize === undefined &&
					pageSize > 100 &&
					err instanceof XApiError &&
					err.status === 400 &&
					/max_results/i.test(err.xMessage)
				) {
					pageSize = 100;
					pages = -1;
					continue;
				}
				throw err;
			}
			for (const s of page.subscriptions) {
				if (seen.has(s.id)) continue;
				seen.add(s.id);
				out.push(s);
			}
			if (!page.nextToken || page.nextToken === token || page.subscriptions.length === 0) break;
			if (pages > 100_000) throw new Error('list XAA subscriptions: X kept sending next_token');
			token = page.nextToken;
		}
		return out;
	}

	/** Changes the tag and/or webhook. Event type and filter cannot change (delete and create). */
	async update(id: string, req: XaaUpdateRequest): Promise<XaaSubscription> {
		const subscriptionId = validateSubscriptionId(id);
		const json: Record<string, string> = {};
		const tag = validateTag(req?.tag);
		const webhookId = validateWebhookId(req?.webhookId);
		if (tag !== undefined) json.tag = tag;
		if (webhookId !== undefined) json.webhook_id = webhookId;
		if (!Object.keys(json).length) {
			throw new XaaValidationError(
				'update XAA subscription: give a tag and/or a webhookId (nothing else can change)',
				'tag',
			);
		}
		const res = await this.send('PUT', 'update XAA subscription', {
			template: XAA_SUBSCRIPTION_PATH,
			params: { subscription_id: subscriptionId },
			json,
		});
		const sub =
			extractXaaSubscription(res.body) ??
			(await this.listAll()).find((s) => s.id === subscriptionId);
		if (!sub)
			throw new Error(
				`update XAA subscription: X accepted it but subscription ${subscriptionId} was not found afterwards`,
			);
		return sub;
	}

	/** Deletes one subscription. With `missingOk`, an unknown id answers `{deleted: false}` instead of throwing. */
	async delete(
		id: string,
		opts: { missingOk?: boolean } = {},
	): Promise<{ deleted: boolean; totalSubscriptions?: number }> {
		const subscriptionId = validateSubscriptionId(id);
		try {
			const res = await this.send('DELETE', 'delete XAA subscription', {
				template: XAA_SUBSCRIPTION_PATH,
				params: { subscription_id: subscriptionId },
			});
			return normaliseXaaDelete(res.body);
		} catch (err) {
			if (
				opts.missingOk &&
				err instanceof XApiError &&
				(err.reason === 'SubscriptionNotFound' || err.status === 404)
			) {
				return { deleted: false };
			}
			throw err;
		}
	}

	/**
	 * Deletes many subscriptions, 100 per request, and answers one result per id in the order
	 * given. Ids that are not 1–19 digits are not sent (X would refuse the whole request).
	 */
	async deleteMany(ids: readonly string[]): Promise<XaaDeleteResult[]> {
		const results = new Map<string, XaaDeleteResult>();
		const valid: string[] = [];
		for (const raw of ids) {
			const id = typeof raw === 'string' ? raw.trim() : String(raw);
			if (results.has(id) || valid.includes(id)) continue;
			if (!ID.test(id))
				results.set(id, {
					id,
					deleted: false,
					error: 'not a subscription id (1 to 19 digits): not sent',
				});
			else valid.push(id);
		}
		for (let i = 0; i < valid.length; i += XAA_LIMITS.deleteIdsMax) {
			const chunk = valid.slice(i, i + XAA_LIMITS.deleteIdsMax);
			const res = await this.send('DELETE', 'delete XAA subscriptions', {
				query: { ids: chunk.join(',') },
			});
			for (const r of normaliseXaaDeleteMany(res.body, chunk)) results.set(r.id, r);
		}
		return ids.map((raw) => {
			const id = typeof raw === 'string' ? raw.trim() : String(raw);
			return results.get(id) ?? { id, deleted: false, error: 'not sent' };
		});
	}
}
