/** How operations put X's normalised objects into items: snake_case keys, ids as strings. */
import type { IDataObject } from 'n8n-workflow';
import type { XaaSubscription } from '../../../client/xaa-normalise';
import { compact } from '../helpers';
import type { RunContext } from './params';

export function webhookJson(w: {
	id: string;
	url: string;
	valid: boolean;
	createdAt?: string;
	environment?: string;
}): IDataObject {
	return compact({
		webhook_id: w.id,
		url: w.url,
		valid: w.valid,
		created_at: w.createdAt,
		environment: w.environment,
	});
}

/** Where an Account Subscription (AAA) call was addressed: the webhook, or the premium environment. */
export function subscriptionScope(run: RunContext, webhookId: string | undefined): IDataObject {
	return compact({ webhook_id: webhookId, environment: run.environment });
}

/** An XAA subscription as the node puts it out. */
export function activitySubscriptionJson(
	s: XaaSubscription,
	alreadyExisted?: boolean,
): IDataObject {
	return compact({
		subscription_id: s.id,
		event_type: s.eventType,
		filter: compact({
			user_id: s.filter.userId,
			keyword: s.filter.keyword,
			direction: s.filter.direction,
		}),
		tag: s.tag,
		webhook_id: s.webhookId,
		created_at: s.createdAt,
		updated_at: s.updatedAt,
		already_existed: alreadyExisted,
	});
}
