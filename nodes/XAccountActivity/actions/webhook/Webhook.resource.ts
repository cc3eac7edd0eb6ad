/** Resource Webhook: the URLs X delivers account activity to (AAA and XAA share v2 webhooks). */
import type { INodeProperties } from 'n8n-workflow';
import { operationField } from '../common.descriptions';
import * as del from './delete.operation';
import * as list from './list.operation';
import * as register from './register.operation';
import * as triggerCrc from './triggerCrc.operation';

/** Operation values stay as saved workflows hold them; the names are n8n's. */
export const operations = { register, list, triggerCrc, delete: del };

export const description: INodeProperties[] = [
	operationField(
		'webhook',
		[
			{
				name: 'Create',
				value: 'register',
				action: 'Create a webhook',
				description: 'Register a URL with X; X checks it with a CRC request before accepting it',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a webhook',
				description:
					'Remove a webhook registration: X stops delivering to its URL and its subscriptions end',
			},
			{
				name: 'Get Many',
				value: 'list',
				action: 'Get many webhooks',
				description:
					"List the app's registered webhooks with their ID, URL and whether they are valid",
			},
			{
				name: 'Trigger CRC',
				value: 'triggerCrc',
				action: 'Trigger a CRC check of a webhook',
				description:
					'Ask X to send a CRC check to the webhook now; re-enables a webhook X marked invalid',
			},
		],
		'list',
	),
	...register.description,
	...list.description,
	...triggerCrc.description,
	...del.description,
];
