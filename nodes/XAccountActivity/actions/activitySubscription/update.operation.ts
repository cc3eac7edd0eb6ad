/**
 * Activity Subscription (XAA) → Update: `PUT /2/activity/subscriptions/:id`. Only the tag and the
 * webhook can change; event type and filter need Delete and Create.
 */
import { updateDisplayOptions } from 'n8n-workflow';
import { activitySubscriptionLocator, webhookLocator } from '../common.descriptions';
import { activitySubscriptionJson } from '../output';
import { fail, idParam, requireId, type OperationExecute } from '../params';
import { assertV2, optionalTag, optionalWebhookId, tagProperty } from './fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['activitySubscription'], operation: ['update'] } },
	[
		activitySubscriptionLocator({
			required: true,
			description:
				'The subscription to change: pick it from the list, or give its ID as returned by Create or Get Many (digits)',
		}),
		tagProperty('Leave empty to keep the current tag.'),
		webhookLocator({
			description:
				'The v2 webhook to deliver events to from now on. Leave empty to keep the current webhook.',
		}),
	],
);

export const execute: OperationExecute = async function (run, i) {
	assertV2(this, run, i);
	const id = requireId(
		this,
		i,
		'Subscription ID',
		idParam(this, 'subscriptionId', 'Subscription ID', i),
	);
	const tag = optionalTag(this, i);
	const webhookId = optionalWebhookId(this, i);
	if (tag === undefined && webhookId === undefined) {
		throw fail(
			this,
			i,
			`Update needs a Tag and/or a Webhook ID (item ${i}): only those can change. To change the event type or filter, delete the subscription and create a new one.`,
		);
	}
	return [activitySubscriptionJson(await run.client.xaa.update(id, { tag, webhookId }))];
};
