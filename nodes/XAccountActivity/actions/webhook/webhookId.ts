/** The Webhook field of Webhook → Trigger CRC / Delete and Replay → Create, and its reading. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { webhookLocator } from '../common.descriptions';
import { fail, idParam, requireId } from '../params';

export function requiredWebhookProperty(description: string) {
	return webhookLocator({ required: true, description });
}

export function requiredWebhookId(ctx: IExecuteFunctions, i: number): string {
	const id = idParam(ctx, 'webhookId', 'Webhook ID', i);
	if (!id) throw fail(ctx, i, `Webhook ID is required (item ${i}): list the webhooks to find it`);
	return requireId(ctx, i, 'Webhook ID', id);
}
