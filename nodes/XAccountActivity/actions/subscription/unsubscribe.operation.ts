/** Account Subscription (AAA) → Delete: X's "unsubscribe user", by user ID (app-only). */
import { updateDisplayOptions } from 'n8n-workflow';
import { compact, isNumericUserId } from '../../helpers';
import { subscribedUserLocator } from '../common.descriptions';
import { subscriptionScope } from '../output';
import { fail, idParam, type OperationExecute } from '../params';
import { subscriptionWebhookId, subscriptionWebhookProperty } from './fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['subscription'], operation: ['unsubscribe'] } },
	[
		subscriptionWebhookProperty,
		subscribedUserLocator({
			required: true,
			description:
				"The account to unsubscribe: pick it from the webhook's subscribed accounts, or give its numeric X user ID (digits, not the @handle)",
		}),
	],
);

export const execute: OperationExecute = async function (run, i) {
	const webhookId = subscriptionWebhookId(this, run, i);
	const userId = idParam(this, 'userId', 'User ID', i);
	if (!isNumericUserId(userId)) {
		throw fail(
			this,
			i,
			`User ID "${userId}" is not a numeric X user ID (item ${i}): give the account's ID as digits, not its @handle`,
		);
	}
	await run.client.unsubscribe({ webhookId, userId });
	return [compact({ user_id: userId, ...subscriptionScope(run, webhookId), subscribed: false })];
};
