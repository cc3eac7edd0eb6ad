/** Subscription logic shared by the flavours: a subscription is (scope, user id). */
import type { ApiFlavour } from '../client/types';
import type { SimUser } from './config';
import type { SimContext } from './context';
import { fail, ok, type Outcome } from './failures';

export function subscribe(
	ctx: SimContext,
	flavour: ApiFlavour,
	scope: string,
	user: SimUser,
): Outcome<true> {
	if (user.forbidden) return fail({ kind: 'user_forbidden' });
	if (ctx.state.isSubscribed(scope, user.id)) return fail({ kind: 'duplicate_subscription' });
	if (ctx.state.countFor(flavour) >= ctx.config.subscriptionLimit[flavour])
		return fail({ kind: 'subscription_limit' });
	ctx.state.subscribers(scope).add(user.id);
	return ok(true);
}

export function unsubscribe(ctx: SimContext, scope: string, userId: string): Outcome<true> {
	if (!ctx.state.isSubscribed(scope, userId)) return fail({ kind: 'subscription_not_found' });
	ctx.state.subscribers(scope).delete(userId);
	return ok(true);
}

/** Count endpoint values, as strings like X sends them. */
export function counts(ctx: SimContext, flavour: ApiFlavour): Record<string, string> {
	return {
		account_name: ctx.config.app.name,
		subscriptions_count_all: String(ctx.state.countFor(flavour)),
		// X's sample shows "0" beside an "all" count of 1; the simulator has no DM-only subscriptions.
		subscriptions_count_direct_messages: '0',
		provisioned_count: String(ctx.config.subscriptionLimit[flavour]),
	};
}
