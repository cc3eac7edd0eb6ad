/** Account Subscription (AAA) → Get Many: X's "list subscriptions", one item per user ID. */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { compact } from '../../helpers';
import { returnAllLimitProperties } from '../common.descriptions';
import { limited, type RunContext } from '../params';
import { subscriptionWebhookId, subscriptionWebhookProperty } from './fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['subscription'], operation: ['list'] } },
	[subscriptionWebhookProperty, ...returnAllLimitProperties],
);

export async function execute(
	this: IExecuteFunctions,
	run: RunContext,
	i: number,
): Promise<IDataObject[]> {
	const webhookId = subscriptionWebhookId(this, run, i);
	const list = await run.client.listSubscriptions({ webhookId });
	const common = compact({
		webhook_id: list.webhookId ?? webhookId,
		webhook_url: list.webhookUrl,
		environment: list.environment ?? run.environment,
		application_id: list.applicationId,
	});
	return limited(this, i, list.userIds).map((userId) => ({ user_id: userId, ...common }));
}
