/** Webhook → Get Many: X's "list webhooks" (optionally every premium environment's). */
import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';
import { returnAllLimitProperties } from '../common.descriptions';
import { webhookJson } from '../output';
import { fail, limited, param, type OperationExecute } from '../params';

const properties: INodeProperties[] = [
	{
		displayName: 'All Premium Environments',
		name: 'allEnvironments',
		type: 'boolean',
		default: false,
		description:
			"Whether to list the webhooks of every premium environment of the app instead of only the credential's environment (premium API only)",
	},
	...returnAllLimitProperties,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['list'] } },
	properties,
);

export const execute: OperationExecute = async function (run, i) {
	const all = param<boolean>(this, 'allEnvironments', i, false);
	if (all && run.flavour !== 'premium') {
		throw fail(
			this,
			i,
			'All Premium Environments works only with the premium API: turn it off for enterprise and v2',
		);
	}
	const { client } = run;
	const hooks = all ? await client.listAllEnvironmentWebhooks() : await client.listWebhooks();
	return limited(this, i, hooks).map(webhookJson);
};
