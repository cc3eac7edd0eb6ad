/** Webhook → Delete: X's "delete webhook"; X stops delivering and the webhook's subscriptions end. */
import { updateDisplayOptions } from 'n8n-workflow';
import { compact } from '../../helpers';
import type { OperationExecute } from '../params';
import { requiredWebhookId, requiredWebhookProperty } from './webhookId';

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['delete'] } },
	[requiredWebhookProperty('The webhook to delete')],
);

export const execute: OperationExecute = async function (run, i) {
	const webhookId = requiredWebhookId(this, i);
	await run.client.deleteWebhook(webhookId);
	return [compact({ webhook_id: webhookId, environment: run.environment, deleted: true })];
};
