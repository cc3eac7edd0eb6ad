/** Webhook → Create: X's "register webhook" (X checks the URL with a CRC request first). */
import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';
import { webhookJson } from '../output';
import { fail, trimmed, type OperationExecute } from '../params';

const properties: INodeProperties[] = [
	{
		displayName: 'Webhook URL',
		name: 'url',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://n8n.example.com/webhook/abc/webhook',
		description:
			"Public https URL without a port that answers X's CRC check with this app's consumer secret, e.g. the production URL of an X Account Activity Trigger",
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['register'] } },
	properties,
);

export const execute: OperationExecute = async function (run, i) {
	const url = trimmed(this, 'url', i);
	if (!url) throw fail(this, i, `Webhook URL is required (item ${i})`);
	return [webhookJson(await run.client.registerWebhook(url))];
};
