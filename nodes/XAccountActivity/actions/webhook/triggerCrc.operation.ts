/** Webhook → Trigger CRC: X's "validate webhook (CRC)"; re-enables a webhook X marked invalid. */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { compact } from '../../helpers';
import type { RunContext } from '../params';
import { requiredWebhookId, requiredWebhookProperty } from './webhookId';

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['triggerCrc'] } },
	[requiredWebhookProperty('The webhook X should send a CRC check to now')],
);

export async function execute(
	this: IExecuteFunctions,
	run: RunContext,
	i: number,
): Promise<IDataObject[]> {
	const webhookId = requiredWebhookId(this, i);
	const r = await run.client.triggerCrc(webhookId);
	return [compact({ webhook_id: webhookId, environment: run.environment, valid: r.valid })];
}
