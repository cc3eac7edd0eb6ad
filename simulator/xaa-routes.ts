/**
 * The X Activity API subscription endpoints, `/2/activity/subscriptions`, as the OpenAPI subset
 * and the quickstart describe them: create (Bearer for public event types, the user's own
 * OAuth 1.0a token for private ones), list with `max_results` / `pagination_token` /
 * `meta.next_token`, update (tag and webhook_id only, Bearer), delete one and many (Bearer).
 * Each method is its own rate-limit group, counted per app (500 per 15 minutes).
 *
 * Error bodies are v2's: 400 `{"errors":[{"message":"<Reason>: <details>"}],"title","detail","type"}`
 * and RFC 7807 problems for auth. X publishes no XAA-specific failures; ours, each marked below:
 * - EventTypeInvalid / FilterInvalid / TagInvalid (field validation, 400);
 * - WebhookIdInvalid, DuplicateSubscriptionFailed, SubscriptionLimitExceeded, SubscriptionNotFound,
 *   QueryParamInvalid: the published v2 AAA reasons, reused;
 * - a private event type with Bearer: 403 "Unsupported Authentication" problem naming the type;
 * - a private type whose filter.user_id is not the authenticated user, or an OAuth 2.0 user token
 *   without the type's scope: 403 "Forbidden" problem (client-forbidden).
 */
import {
	XAA_DIRECTIONS,
	XAA_EVENT_CATALOGUE,
	XAA_SUBSCRIBABLE_EVENT_TYPES,
	canonicalXaaEventType,
	type XaaDirection,
} from '../client/xaa-event-types';
import type { RequestCtx, Route } from './router';
import { routeBuilder } from './router';
import { V2, isoV2, v2Invalid, v2Problem, type Reply } from './responses';
import { compareIds, type XaaFilterRecord, type XaaSubscriptionRecord } from './xaa-state';

const ID = /^\d{1,19}$/;
const TAG_MAX = 200;
const KEYWORD_MAX = 150;
const MAX_RESULTS = 1000;
const DELETE_IDS_MAX = 100;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function jsonBody(rc: RequestCtx): Obj | undefined {
	const text = rc.rawBody.toString('utf8').trim();
	if (!text) return undefined;
	try {
		const v = JSON.parse(text) as unknown;
		return isObj(v) ? v : undefined;
	} catch {
		return undefined;
	}
}

export function xaaSubscriptionJson(s: XaaSubscriptionRecord): Obj {
	const filter: Obj = {};
	if (s.filter.user_id !== undefined) filter.user_id = s.filter.user_id;
	if (s.filter.keyword !== undefined) filter.keyword = s.filter.keyword;
	if (s.filter.direction !== undefined) filter.direction = s.filter.direction;
	return {
		subscription_id: s.id,
		event_type: s.eventType,
		filter,
		created_at: isoV2(s.createdAt),
		updated_at: isoV2(s.updatedAt),
		...(s.tag !== undefined ? { tag: s.tag } : {}),
		...(s.webhookId !== undefined ? { webhook_id: s.webhookId } : {}),
	};
}

// --- pagination tokens: base32hex (RFC 4648 §7, no padding) of "after:<id>" ------------------

const B32 = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

export function encodePaginationToken(afterId: string): string {
	const bytes = Buffer.from(`after:${afterId}`, 'utf8');
	let bits = 0;
	let value = 0;
	let out = '';
	for (const b of bytes) {
		value = ((value << 8) | b) & 0xffff;
		bits += 8;
		while (bits >= 5) {
			out += B32[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) out += B32[(value << (5 - bits)) & 31];
	return out;
}

export function decodePaginationToken(token: string): string | undefined {
	if (token.length < 16 || !/^[0-9A-V]+$/i.test(token)) return undefined;
	let bits = 0;
	let value = 0;
	const bytes: number[] = [];
	for (const c of token.toUpperCase()) {
		value = ((value << 5) | B32.indexOf(c)) & 0xffff;
		bits += 5;
		if (bits >= 8) {
			bytes.push((value >>> (bits - 8)) & 255);
			bits -= 8;
		}
	}
	const m = /^after:(\d{1,19})$/.exec(Buffer.from(bytes).toString('utf8'));
	return m ? m[1] : undefined;
}

// --- validation ---------------------------------------------------------------------------------

const eventTypeInvalid = (given: unknown) =>
	v2Invalid(
		'EventTypeInvalid',
		`event_type ${JSON.stringify(given ?? null)} is not one of [${XAA_SUBSCRIBABLE_EVENT_TYPES.join(', ')}]`,
	);

function checkTag(tag: unknown): Reply | undefined {
	if (tag === undefined) return undefined;
	if (typeof tag !== 'string' || tag.length < 1 || tag.length > TAG_MAX) {
		return v2Invalid('TagInvalid', `tag must be a string of 1 to ${TAG_MAX} characters`);
	}
	return undefined;
}

function checkWebhookId(rc: RequestCtx, id: unknown): Reply | undefined {
	if (id === undefined) return undefined;
	if (typeof id !== 'string' || !ID.test(id)) {
		return v2Invalid('WebhookIdInvalid', 'webhook_id must be a string of 1 to 19 digits');
	}
	const w = rc.sim.state.webhooks.get(id);
	if (!w || w.flavour !== 'v2') {
		return v2Invalid('WebhookIdInvalid', `webhook ${id} is not a v2 webhook of this app`);
	}
	return undefined;
}

function subscriptionReply(
	rc: RequestCtx,
	s: XaaSubscriptionRecord,
	op: 'create' | 'update',
): Reply {
	const total = rc.sim.state.xaa.size;
	const json = xaaSubscriptionJson(s);
	switch (rc.sim.state.xaa.options.responseShape) {
		case 'flat':
			return { status: 200, body: { data: json, meta: { total_subscriptions: total } } };
		case 'array':
			return { status: 200, body: { data: [json], meta: { total_subscriptions: total } } };
		default:
			return {
				status: 200,
				body:
					op === 'create'
						? { data: { subscription: json }, meta: { total_subscriptions: total } }
						: { data: { subscription: json, total_subscriptions: total } },
			};
	}
}

function create(rc: RequestCtx): Reply {
	const body = jsonBody(rc);
	if (!body) return v2Invalid('InvalidRequest', 'the request body must be a JSON object');
	const extra = Object.keys(body).filter(
		(k) => !['event_type', 'filter', 'tag', 'webhook_id'].includes(k),
	);
	if (extra.length) return v2Invalid('InvalidRequest', `unknown field(s): ${extra.join(', ')}`);

	const eventType = canonicalXaaEventType(body.event_type);
	if (!eventType || !XAA_EVENT_CATALOGUE[eventType].subscribable)
		return eventTypeInvalid(body.event_type);
	const info = XAA_EVENT_CATALOGUE[eventType];

	if (!isObj(body.filter))
		return v2Invalid('FilterInvalid', 'filter is required and must be an object');
	const f = body.filter;
	const unknown = Object.keys(f).filter((k) => !['user_id', 'keyword', 'direction'].includes(k));
	if (unknown.length)
		return v2Invalid('FilterInvalid', `unknown filter field(s): ${unknown.join(', ')}`);
	const filter: XaaFilterRecord = {};
	if (info.filter === 'user_id') {
		if (typeof f.user_id !== 'string' || !ID.test(f.user_id)) {
			return v2Invalid(
				'FilterInvalid',
				`${eventType} needs filter.user_id: a string of 1 to 19 digits`,
			);
		}
		if (f.keyword !== undefined)
			return v2Invalid('FilterInvalid', `${eventType} does not take filter.keyword`);
		filter.user_id = f.user_id;
	} else {
		if (typeof f.keyword !== 'string' || f.keyword.length < 1 || f.keyword.length > KEYWORD_MAX) {
			return v2Invalid(
				'FilterInvalid',
				`${eventType} needs filter.keyword: 1 to ${KEYWORD_MAX} characters`,
			);
		}
		if (f.user_id !== undefined)
			return v2Invalid('FilterInvalid', `${eventType} does not take filter.user_id`);
		filter.keyword = f.keyword;
	}
	if (f.direction !== undefined) {
		// direction is documented for like.create only; the FilterInvalid reason is ours.
		if (!info.directional)
			return v2Invalid('FilterInvalid', `${eventType} does not take filter.direction`);
		if (typeof f.direction !== 'string' || !XAA_DIRECTIONS.includes(f.direction as XaaDirection)) {
			return v2Invalid('FilterInvalid', 'filter.direction must be one of [inbound, outbound]');
		}
		filter.direction = f.direction as XaaDirection;
	}
	const badTag = checkTag(body.tag);
	if (badTag) return badTag;
	const badHook = checkWebhookId(rc, body.webhook_id);
	if (badHook) return badHook;

	// Auth per type (REFERENCE.md): public types take the app's Bearer or user context; private
	// types only the user's own user context (OAuth 1.0a user token or OAuth 2.0 user token).
	let authUserId: string | undefined;
	if (rc.oauth2Scopes && info.oauth2Scope && !rc.oauth2Scopes.includes(info.oauth2Scope)) {
		// ours: X documents the scope each type needs, not the answer when it is missing.
		return V2.forbidden(
			`${eventType} needs the OAuth 2.0 scope ${info.oauth2Scope}; the token was granted: ${rc.oauth2Scopes.join(' ') || 'none'}`,
		);
	}
	if (info.visibility === 'private') {
		if (!rc.user) {
			// ours: the Unsupported Authentication problem X answers for a wrong auth type, naming the type.
			return v2Problem(
				403,
				'Unsupported Authentication',
				`Authenticating with OAuth 2.0 Application-Only is forbidden for event_type ${eventType}.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].`,
				'https://api.twitter.com/2/problems/unsupported-authentication',
			);
		}
		// "A private subscription needs the user's own user-context authorisation"; mute/block:
		// "filter must be the authenticated user". The 403 body is ours.
		if (filter.user_id !== undefined && filter.user_id !== rc.user.id) {
			return V2.forbidden(
				info.actorOnly
					? `${eventType} subscriptions are actor-only: filter.user_id must identify the authenticated user (${rc.user.id})`
					: `${eventType} is private: filter.user_id must identify the authenticated user (${rc.user.id}); use that user's own token`,
			);
		}
		authUserId = rc.user.id;
	}

	const webhookId = body.webhook_id as string | undefined;
	const store = rc.sim.state.xaa;
	const dup = store.findDuplicate(eventType, filter, webhookId);
	if (dup) {
		return v2Invalid(
			'DuplicateSubscriptionFailed',
			`a subscription for ${eventType} with this filter already exists (subscription_id ${dup.id})`,
		);
	}
	if (store.size >= store.options.subscriptionLimit) {
		// The caps are X's (self-serve 1,500, enterprise 75,000, partner 150,000); the reason is ours.
		return v2Invalid(
			'SubscriptionLimitExceeded',
			`the app has reached its limit of ${store.options.subscriptionLimit} subscriptions`,
		);
	}
	const now = rc.sim.config.now();
	const rec: XaaSubscriptionRecord = {
		id: rc.sim.state.newId(),
		eventType,
		filter,
		...(body.tag !== undefined ? { tag: body.tag as string } : {}),
		...(webhookId !== undefined ? { webhookId } : {}),
		createdAt: now,
		updatedAt: now,
		...(authUserId ? { authUserId } : {}),
	};
	store.add(rec);
	return subscriptionReply(rc, rec, 'create');
}

function list(rc: RequestCtx): Reply {
	const store = rc.sim.state.xaa;
	let size = store.options.defaultPageSize;
	const max = rc.query.get('max_results');
	if (max !== null) {
		const n = Number(max);
		if (!/^\d+$/.test(max) || n < 1 || n > MAX_RESULTS) {
			return v2Invalid(
				'QueryParamInvalid',
				`max_results must be an integer from 1 to ${MAX_RESULTS}`,
			);
		}
		size = n;
	}
	let all = store.list();
	const token = rc.query.get('pagination_token');
	if (token !== null) {
		const after = decodePaginationToken(token);
		if (!after) return v2Invalid('QueryParamInvalid', 'pagination_token is not a valid token');
		all = all.filter((s) => compareIds(s.id, after) > 0);
	}
	const page = all.slice(0, size);
	const meta: Obj = { result_count: page.length, total_subscriptions: store.size };
	if (all.length > size) meta.next_token = encodePaginationToken(page[page.length - 1].id);
	return { status: 200, body: { data: page.map(xaaSubscriptionJson), meta } };
}

function subscriptionIdOf(rc: RequestCtx): string | Reply {
	const id = rc.params.subscription_id;
	if (!ID.test(id)) return v2Invalid('InvalidRequest', 'subscription_id must be 1 to 19 digits');
	if (!rc.sim.state.xaa.get(id)) {
		return v2Invalid('SubscriptionNotFound', `no subscription ${id} for this app`);
	}
	return id;
}

function update(rc: RequestCtx): Reply {
	const id = subscriptionIdOf(rc);
	if (typeof id !== 'string') return id;
	const body = jsonBody(rc);
	if (!body) return v2Invalid('InvalidRequest', 'the request body must be a JSON object');
	const extra = Object.keys(body).filter((k) => k !== 'tag' && k !== 'webhook_id');
	if (extra.length) {
		return v2Invalid(
			'InvalidRequest',
			`only tag and webhook_id can be updated (got ${extra.join(', ')}): delete the subscription and create a new one to change its event_type or filter`,
		);
	}
	if (body.tag === undefined && body.webhook_id === undefined) {
		return v2Invalid('InvalidRequest', 'give a tag and/or a webhook_id');
	}
	const badTag = checkTag(body.tag);
	if (badTag) return badTag;
	const badHook = checkWebhookId(rc, body.webhook_id);
	if (badHook) return badHook;
	const rec = rc.sim.state.xaa.get(id)!;
	if (body.tag !== undefined) rec.tag = body.tag as string;
	if (body.webhook_id !== undefined) rec.webhookId = body.webhook_id as string;
	rec.updatedAt = rc.sim.config.now();
	return subscriptionReply(rc, rec, 'update');
}

function deleteOne(rc: RequestCtx): Reply {
	const id = subscriptionIdOf(rc);
	if (typeof id !== 'string') return id;
	rc.sim.state.xaa.delete(id);
	return {
		status: 200,
		body: { data: { deleted: true }, meta: { total_subscriptions: rc.sim.state.xaa.size } },
	};
}

function deleteMany(rc: RequestCtx): Reply {
	const raw = rc.query.get('ids');
	if (raw === null || raw === '') return v2Invalid('QueryParamInvalid', 'ids is required');
	const ids = raw.split(',');
	if (ids.length > DELETE_IDS_MAX) {
		return v2Invalid('QueryParamInvalid', `ids takes 1 to ${DELETE_IDS_MAX} subscription ids`);
	}
	const bad = ids.find((id) => !ID.test(id));
	if (bad !== undefined) {
		return v2Invalid(
			'QueryParamInvalid',
			`ids: ${JSON.stringify(bad)} is not a subscription id (1 to 19 digits)`,
		);
	}
	const store = rc.sim.state.xaa;
	const data: Obj[] = [];
	const errors: Obj[] = [];
	for (const id of [...new Set(ids)]) {
		if (store.delete(id)) data.push({ subscription_id: id, deleted: true });
		else {
			errors.push({
				subscription_id: id,
				reason: 'SubscriptionNotFound',
				message: `no subscription ${id} for this app`,
			});
		}
	}
	return {
		status: 200,
		body: {
			data,
			...(errors.length ? { errors } : {}),
			meta: { total_subscriptions: store.size },
		},
	};
}

export function xaaRoutes(): Route[] {
	const r = routeBuilder({ api: 'v2', perApp: true });
	const P = '/2/activity/subscriptions';
	return [
		r('POST', P, 'bearer-or-user', 'xaa.subscriptions.create', create),
		r('GET', P, 'bearer-or-user', 'xaa.subscriptions.list', list),
		r('DELETE', P, 'bearer', 'xaa.subscriptions.delete', deleteMany),
		r('PUT', `${P}/:subscription_id`, 'bearer', 'xaa.subscriptions.update', update),
		r('DELETE', `${P}/:subscription_id`, 'bearer', 'xaa.subscriptions.delete', deleteOne),
	];
}
