/**
 * `emitXaa`: build an X Activity API event and deliver it to every matching XAA subscription,
 * one signed POST per subscription as X does (the same event for two subscriptions arrives twice,
 * with the same event_uuid and each subscription's own filter and tag).
 *
 * Matching: user-id types match `filter.user_id`; like.create and follow.* match the user's
 * subscriptions whose direction is absent or equal to the event's, and the other party's
 * subscriptions whose direction is absent or the opposite; news.new matches `filter.keyword`
 * (case-insensitive). oauth.revoke needs no subscription: it goes (with `filter: {}`) to the
 * webhooks the user's subscriptions deliver to (else every valid v2 webhook), then the user's
 * token dies and every subscription that relied on it goes.
 *
 * Targets: the subscription's webhook_id (when that v2 webhook is valid). A subscription without
 * webhook_id is delivered to no webhook (X: "goes to the activity stream only"): its events go
 * to `ctx.state.xaa.publishToStream`, the hook the activity stream listens on.
 */
import type { XaaDirection, XaaEventType } from '../client/xaa-event-types';
import { XAA_EVENT_CATALOGUE } from '../client/xaa-event-types';
import type { DeliveryRecord, SimContext } from './context';
import { deliverTo } from './delivery';
import { STRANGER, type Payload, type Person } from './events';
import type { WebhookRecord } from './state';
import type { XaaEventBuilder } from './xaa-events';
import type { XaaSubscriptionRecord } from './xaa-state';
import { toRawJson } from './raw-json';

export interface XaaEmitOptions {
	/** The user the event is about (filter.user_id). Default: the first subscriber of the type, else the app owner. */
	userId?: string;
	/** The other party. Default: the first other known user. */
	fromUserId?: string;
	/** How many events. Default 1 (oauth.revoke: always 1). */
	count?: number;
	/** like.create / follow.*: outbound = the user acts, inbound (default) = the other party acts on the user. */
	direction?: XaaDirection;
	/** news.new: the keyword. Default: the first news.new subscription's keyword. */
	keyword?: string;
	/** Extra copies of each delivery. */
	duplicate?: number;
}

export interface XaaEmitResult {
	eventType: XaaEventType;
	userId?: string;
	keyword?: string;
	fromUserId: string;
	events: number;
	eventUuids: string[];
	/** Subscriptions matched (one POST per subscription and target webhook). */
	subscriptionIds: string[];
	webhookIds: string[];
	deliveries: DeliveryRecord[];
}

function person(ctx: SimContext, id: string): Person {
	const u = ctx.state.user(id);
	return u
		? { id: u.id, screenName: u.screenName, name: u.name }
		: { id, screenName: `user_${id}`, name: `User ${id}` };
}

/** Where a subscription's events go. */
export function xaaTargets(ctx: SimContext, s: XaaSubscriptionRecord | undefined): WebhookRecord[] {
	if (s?.webhookId !== undefined) {
		const w = ctx.state.webhooks.get(s.webhookId);
		return w && w.valid ? [w] : [];
	}
	if (s) return []; // webhook-less: the activity stream only
	// ours: oauth.revoke for a user with no webhook-bound subscription goes to every valid v2 webhook.
	return ctx.state.webhooksOf('v2').filter((w) => w.valid);
}

const filterJson = (s: XaaSubscriptionRecord): Payload => ({
	...(s.filter.user_id !== undefined ? { user_id: s.filter.user_id } : {}),
	...(s.filter.keyword !== undefined ? { keyword: s.filter.keyword } : {}),
	...(s.filter.direction !== undefined ? { direction: s.filter.direction } : {}),
});

export async function emitXaaEvents(
	ctx: SimContext,
	builder: XaaEventBuilder,
	eventType: XaaEventType,
	opts: XaaEmitOptions = {},
): Promise<XaaEmitResult> {
	const info = XAA_EVENT_CATALOGUE[eventType];
	if (!info) throw new Error(`unknown XAA event type ${String(eventType)}`);
	const store = ctx.state.xaa;
	const all = store.list();
	const keyword =
		info.filter === 'keyword'
			? (opts.keyword ?? all.find((s) => s.eventType === eventType)?.filter.keyword ?? 'X')
			: undefined;
	const userId =
		opts.userId ??
		all.find((s) => s.eventType === eventType && s.filter.user_id !== undefined)?.filter.user_id ??
		ctx.config.app.ownerUserId;
	const user = person(ctx, userId);
	const other =
		opts.fromUserId !== undefined
			? person(ctx, opts.fromUserId)
			: (() => {
					const u = ctx.state.users().find((x) => x.id !== user.id);
					return u ? person(ctx, u.id) : STRANGER;
				})();
	const direction: XaaDirection = opts.direction ?? 'inbound';
	const count = eventType === 'oauth.revoke' ? 1 : Math.max(1, Math.floor(opts.count ?? 1));

	// Which subscriptions see the event (the same for every copy of the count).
	let matched: XaaSubscriptionRecord[] = [];
	if (info.filter === 'keyword') matched = store.forKeyword(eventType, keyword ?? '');
	else if (info.directional || info.category === 'follow') {
		// A like or a follow concerns two users (source and target): both users' subscriptions
		// see it, a like.create one only when its direction (if any) matches.
		const opposite: XaaDirection = direction === 'inbound' ? 'outbound' : 'inbound';
		matched = store
			.forUser(eventType, user.id)
			.filter((s) => !s.filter.direction || s.filter.direction === direction);
		if (other.id !== user.id) {
			matched.push(
				...store
					.forUser(eventType, other.id)
					.filter((s) => !s.filter.direction || s.filter.direction === opposite),
			);
		}
	} else if (info.subscribable) matched = store.forUser(eventType, user.id);

	const deliveries: DeliveryRecord[] = [];
	const webhookIds = new Set<string>();
	const eventUuids: string[] = [];
	const work: Array<Promise<DeliveryRecord[]>> = [];

	if (eventType === 'oauth.revoke') {
		const mine = all.filter((s) => s.filter.user_id === user.id || s.authUserId === user.id);
		const targets = new Map<string, WebhookRecord>();
		for (const s of mine) for (const w of xaaTargets(ctx, s)) targets.set(w.id, w);
		if (!targets.size) for (const w of xaaTargets(ctx, undefined)) targets.set(w.id, w);
		const uuid = builder.eventUuid();
		eventUuids.push(uuid);
		const body = builder.envelope(
			uuid,
			eventType,
			{},
			undefined,
			builder.build(eventType, user, other),
		);
		for (const w of targets.values()) webhookIds.add(w.id);
		work.push(deliverTo(ctx, [...targets.values()], body, { duplicate: opts.duplicate }));
		// The user revoked the app: the token dies, and with it every subscription that needed it.
		const u = ctx.state.user(user.id);
		if (u) u.revoked = true;
		store.dropAuthorisedBy(user.id);
		ctx.state.dropUserEverywhere(user.id);
	} else {
		for (let i = 1; i <= count; i++) {
			const parts = builder.build(eventType, user, other, { direction, keyword, n: i });
			const uuid = builder.eventUuid();
			eventUuids.push(uuid);
			for (const s of matched) {
				const targets = xaaTargets(ctx, s);
				for (const w of targets) webhookIds.add(w.id);
				const body = builder.envelope(uuid, eventType, filterJson(s), s.tag, parts);
				if (s.webhookId === undefined) store.publishToStream(Buffer.from(toRawJson(body)), s);
				else work.push(deliverTo(ctx, targets, body, { duplicate: opts.duplicate }));
			}
		}
	}
	for (const recs of await Promise.all(work)) deliveries.push(...recs);
	return {
		eventType,
		...(info.filter === 'keyword' ? { keyword } : { userId: user.id }),
		fromUserId: other.id,
		events: count,
		eventUuids,
		subscriptionIds: matched.map((s) => s.id),
		webhookIds: [...webhookIds],
		deliveries,
	};
}
