/** Webhook → Delete: X's "delete webhook"; X stops delivering and the webhook's subscriptions end. */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { compact } from '../../helpers';
import type { RunContext } from '../params';
import { requiredWebhookId, requiredWebhookProperty } from './webhookId';

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['delete'] } },
	[requiredWebhookProperty('The webhook to delete')],
);

export async function execute(
	this: IExecuteFunctions,
	run: RunContext,
	i: number,
): Promise<IDataObject[]> {
	const webhookId = requiredWebhookId(this, i);
	await run.client.deleteWebhook(webhookId);
	return [compact({ webhook_id: webhookId, environment: run.environment, deleted: true })];
}
