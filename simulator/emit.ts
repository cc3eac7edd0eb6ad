/** `emit`: build realistic events for a user and deliver them to the webhooks that user is on. */
import type { DeliveryRecord, SimContext } from './context';
import { deliverTo } from './delivery';
import { EventBuilder, STRANGER, type EmitKind, type Person } from './events';

export interface EmitOptions {
	/** The subscribed user the events are for. Default: the first user subscribed to a valid webhook, else the app owner. */
	forUserId?: string;
	/** The other party. Default: the first other known user. */
	fromUserId?: string;
	/** How many events (one delivery each). Default 1; `revoke` always 1. */
	count?: number;
	/** Only this webhook (if valid). Default: every valid webhook the user is subscribed on. */
	webhookId?: string;
	/** Extra copies of each delivery. */
	duplicate?: number;
}

export interface EmitResult {
	kind: EmitKind;
	forUserId: string;
	fromUserId: string;
	webhookIds: string[];
	events: number;
	deliveries: DeliveryRecord[];
}

function person(ctx: SimContext, id: string): Person {
	const u = ctx.state.user(id);
	return u
		? { id: u.id, screenName: u.screenName, name: u.name }
		: { id, screenName: `user_${id}`, name: `User ${id}` };
}

function defaultForUser(ctx: SimContext): string {
	for (const w of ctx.state.webhooks.values()) {
		if (!w.valid) continue;
		const first = ctx.state.subscribers(ctx.state.scopeOf(w)).values().next();
		if (!first.done) return first.value;
	}
	return ctx.config.app.ownerUserId;
}

export async function emitEvents(
	ctx: SimContext,
	builder: EventBuilder,
	kind: EmitKind,
	opts: EmitOptions = {},
): Promise<EmitResult> {
	const forUser = person(ctx, opts.forUserId ?? defaultForUser(ctx));
	const other =
		opts.fromUserId !== undefined
			? person(ctx, opts.fromUserId)
			: (() => {
					const u = ctx.state.users().find((x) => x.id !== forUser.id);
					return u ? person(ctx, u.id) : STRANGER;
				})();
	let targets = ctx.state.webhooksFor(forUser.id);
	if (opts.webhookId !== undefined) targets = targets.filter((w) => w.id === opts.webhookId);
	const count = kind === 'revoke' ? 1 : Math.max(1, Math.floor(opts.count ?? 1));
	if (kind === 'revoke') {
		// The user revoked the app: the token dies and the subscriptions are gone.
		const u = ctx.state.user(forUser.id);
		if (u) u.revoked = true;
		ctx.state.dropUserEverywhere(forUser.id);
	}
	const deliveries: DeliveryRecord[] = [];
	const work: Array<Promise<DeliveryRecord[]>> = [];
	for (let i = 1; i <= count; i++) {
		work.push(
			deliverTo(ctx, targets, builder.build(kind, forUser, other, i), {
				duplicate: opts.duplicate,
			}),
		);
	}
	for (const recs of await Promise.all(work)) deliveries.push(...recs);
	return {
		kind,
		forUserId: forUser.id,
		fromUserId: other.id,
		webhookIds: targets.map((w) => w.id),
		events: count,
		deliveries,
	};
}
