/**
 * XAA subscription shapes and the normalisers that turn every published answer into them.
 *
 * X's sources disagree on the body of a subscription answer; all of these are accepted:
 * - `{"data":{"subscription":{…}}}` (OpenAPI, create and update; update may add `total_subscriptions`);
 * - `{"data":{…}}` flat (quickstart create "object" and update);
 * - `{"data":[{…}],"meta":{…}}` an array of one (quickstart create "array");
 * - `{"data":{"total_subscriptions_for_instance_id":N}}` with no subscription at all (one doc
 *   version): the caller then has to look the subscription up.
 * The id is `subscription_id` (every sample) or `id` (older drafts). Ids are always strings.
 */
import type { XaaDirection } from './xaa-event-types';

export interface XaaFilter {
	userId?: string;
	keyword?: string;
	direction?: XaaDirection;
}

export interface XaaSubscription {
	id: string;
	/** Canonical dot-notation event type, as X returned it. */
	eventType: string;
	filter: XaaFilter;
	tag?: string;
	webhookId?: string;
	createdAt?: string;
	updatedAt?: string;
}

export interface XaaSubscriptionPage {
	subscriptions: XaaSubscription[];
	/** `meta.next_token`: pass as `paginationToken` for the next page. */
	nextToken?: string;
	/** `meta.total_subscriptions` (the app's total) when X sent it. */
	totalSubscriptions?: number;
	/** `meta.result_count` when X sent it. */
	resultCount?: number;
}

/** One id of a delete-many call. */
export interface XaaDeleteResult {
	id: string;
	deleted: boolean;
	/** Why it was not deleted (X's per-id reason and message, or ours when the id was never sent). */
	error?: string;
	reason?: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const str = (v: unknown): string | undefined =>
	v === undefined || v === null || v === '' ? undefined : String(v);

const num = (v: unknown): number | undefined => {
	if (v === undefined || v === null || v === '') return undefined;
	const n = Number(v);
	return Number.isFinite(n) ? n : undefined;
};

/** The subscription's own fields (`subscription_id` or `id`). */
export function looksLikeXaaSubscription(v: unknown): v is Obj {
	return (
		isObj(v) &&
		(v.subscription_id !== undefined || (v.id !== undefined && v.event_type !== undefined))
	);
}

export function normaliseXaaFilter(raw: unknown): XaaFilter {
	const f = isObj(raw) ? raw : {};
	const out: XaaFilter = {};
	const userId = str(f.user_id ?? f.userId);
	const keyword = str(f.keyword);
	const direction = str(f.direction);
	if (userId) out.userId = userId;
	if (keyword) out.keyword = keyword;
	if (direction === 'inbound' || direction === 'outbound') out.direction = direction;
	return out;
}

/** One subscription object (any published spelling) → XaaSubscription. */
export function normaliseXaaSubscription(raw: unknown): XaaSubscription {
	if (!isObj(raw)) throw new Error('X answered with a subscription that is not an object');
	const id = str(raw.subscription_id ?? raw.id);
	if (!id) throw new Error('X answered with a subscription that has no subscription_id');
	const sub: XaaSubscription = {
		id,
		eventType: str(raw.event_type) ?? '',
		filter: normaliseXaaFilter(raw.filter),
	};
	const tag = str(raw.tag);
	const webhookId = str(raw.webhook_id);
	const createdAt = str(raw.created_at);
	const updatedAt = str(raw.updated_at);
	if (tag !== undefined) sub.tag = tag;
	if (webhookId) sub.webhookId = webhookId;
	if (createdAt) sub.createdAt = createdAt;
	if (updatedAt) sub.updatedAt = updatedAt;
	return sub;
}

/**
 * The subscription in a create / update answer, whatever the shape; undefined when the answer
 * holds none (the doc version with only `total_subscriptions_for_instance_id`).
 */
export function extractXaaSubscription(body: unknown): XaaSubscription | undefined {
	if (!isObj(body)) return undefined;
	const data = 'data' in body ? body.data : body;
	if (Array.isArray(data)) {
		const first = data.find(looksLikeXaaSubscription);
		return first ? normaliseXaaSubscription(first) : undefined;
	}
	if (!isObj(data)) return undefined;
	if (looksLikeXaaSubscription(data.subscription))
		return normaliseXaaSubscription(data.subscription);
	if (Array.isArray(data.subscription)) {
		const first = data.subscription.find(looksLikeXaaSubscription);
		if (first) return normaliseXaaSubscription(first);
	}
	if (looksLikeXaaSubscription(data)) return normaliseXaaSubscription(data);
	return undefined;
}

/** `meta.total_subscriptions`, `data.total_subscriptions` or `data.total_subscriptions_for_instance_id`. */
export function xaaTotal(body: unknown): number | undefined {
	if (!isObj(body)) return undefined;
	const meta = isObj(body.meta) ? body.meta : {};
	const data = isObj(body.data) ? body.data : {};
	return num(
		meta.total_subscriptions ??
			data.total_subscriptions ??
			data.total_subscriptions_for_instance_id,
	);
}

/** A list answer → one page. `data` may be absent when the app has no subscriptions. */
export function normaliseXaaList(body: unknown): XaaSubscriptionPage {
	const b = isObj(body) ? body : {};
	const data = b.data;
	const items = Array.isArray(data)
		? data
		: isObj(data) && Array.isArray(data.subscriptions)
			? data.subscriptions
			: [];
	const meta = isObj(b.meta) ? b.meta : {};
	const page: XaaSubscriptionPage = {
		subscriptions: items.filter(looksLikeXaaSubscription).map(normaliseXaaSubscription),
	};
	const next = str(meta.next_token);
	if (next) page.nextToken = next;
	const total = xaaTotal(b);
	if (total !== undefined) page.totalSubscriptions = total;
	const count = num(meta.result_count);
	if (count !== undefined) page.resultCount = count;
	return page;
}

/** Delete one: `{"data":{"deleted":true},"meta":{"total_subscriptions":N}}`. */
export function normaliseXaaDelete(body: unknown): {
	deleted: boolean;
	totalSubscriptions?: number;
} {
	const b = isObj(body) ? body : {};
	const data = isObj(b.data) ? b.data : {};
	const out: { deleted: boolean; totalSubscriptions?: number } = {
		deleted: data.deleted === true || data.deleted === 'true' || body === undefined,
	};
	const total = xaaTotal(b);
	if (total !== undefined) out.totalSubscriptions = total;
	return out;
}

/**
 * Delete many → one result per requested id, in the order asked. `data` lists
 * `{subscription_id, deleted}`, `errors` lists `{subscription_id, reason, message}` (OpenAPI);
 * a bare `{"data":{"deleted":true}}` means every id not named in `errors` went.
 */
export function normaliseXaaDeleteMany(body: unknown, ids: readonly string[]): XaaDeleteResult[] {
	const b = isObj(body) ? body : {};
	const byId = new Map<string, XaaDeleteResult>();
	const errors = Array.isArray(b.errors) ? b.errors.filter(isObj) : [];
	for (const e of errors) {
		const id = str(e.subscription_id ?? e.id ?? e.value);
		if (!id) continue;
		const reason = str(e.reason ?? e.title);
		const message = str(e.message ?? e.detail) ?? reason ?? 'not deleted';
		byId.set(id, {
			id,
			deleted: false,
			error: reason && !message.includes(reason) ? `${reason}: ${message}` : message,
			...(reason ? { reason } : {}),
		});
	}
	let allDeleted = false;
	if (Array.isArray(b.data)) {
		for (const d of b.data.filter(isObj)) {
			const id = str(d.subscription_id ?? d.id);
			if (!id || byId.has(id)) continue;
			const deleted = d.deleted === true || d.deleted === 'true';
			byId.set(
				id,
				deleted ? { id, deleted } : { id, deleted, error: 'X reported it as not deleted' },
			);
		}
	} else if (isObj(b.data) && (b.data.deleted === true || b.data.deleted === 'true')) {
		allDeleted = true;
	}
	return ids.map((id) => {
		const r = byId.get(id);
		if (r) return r;
		if (allDeleted) return { id, deleted: true };
		return { id, deleted: false, error: 'X did not report on this id' };
	});
}
