/** Webhook → Trigger CRC: X's "validate webhook (CRC)"; re-enables a webhook X marked invalid. */
import { updateDisplayOptions } from 'n8n-workflow';
import { compact } from '../../helpers';
import type { OperationExecute } from '../params';
import { requiredWebhookId, requiredWebhookProperty } from './webhookId';

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['triggerCrc'] } },
	[requiredWebhookProperty('The webhook X should send a CRC check to now')],
);

export const execute: OperationExecute = async function (run, i) {
	const webhookId = requiredWebhookId(this, i);
	const r = await run.client.triggerCrc(webhookId);
	return [compact({ webhook_id: webhookId, environment: run.environment, valid: r.valid })];
};
