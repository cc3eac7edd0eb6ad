/** Account Subscription (AAA) → Get Many: X's "list subscriptions", one item per user ID. */
import { updateDisplayOptions } from 'n8n-workflow';
import { compact } from '../../helpers';
import { returnAllLimitProperties } from '../common.descriptions';
import { limited, type OperationExecute } from '../params';
import { subscriptionWebhookId, subscriptionWebhookProperty } from './fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['subscription'], operation: ['list'] } },
	[subscriptionWebhookProperty, ...returnAllLimitProperties],
);

export const execute: OperationExecute = async function (run, i) {
	const webhookId = subscriptionWebhookId(this, run, i);
	const list = await run.client.listSubscriptions({ webhookId });
	const common = compact({
		webhook_id: list.webhookId ?? webhookId,
		webhook_url: list.webhookUrl,
		environment: list.environment ?? run.environment,
		application_id: list.applicationId,
	});
	return limited(this, i, list.userIds).map((userId) => ({ user_id: userId, ...common }));
};
