/**
 * Resource Account Subscription (AAA), value `subscription`: which X accounts a webhook receives
 * Account Activity API deliveries for.
 */
import type { INodeProperties } from 'n8n-workflow';
import { operationField } from '../common.descriptions';
import * as check from './check.operation';
import * as count from './count.operation';
import * as list from './list.operation';
import * as subscribe from './subscribe.operation';
import * as unsubscribe from './unsubscribe.operation';

/** Operation values stay as saved workflows hold them; the names are n8n's. */
export const operations = { subscribe, check, list, count, unsubscribe };

export const description: INodeProperties[] = [
	operationField(
		'subscription',
		[
			{
				name: 'Create',
				value: 'subscribe',
				action: 'Subscribe an account',
				description:
					'Subscribe an account: start receiving its activity. The credential account, or any user who authorised the app (their access token and secret, e.g. from the input items).',
			},
			{
				name: 'Delete',
				value: 'unsubscribe',
				action: 'Unsubscribe an account',
				description:
					'Unsubscribe an account by user ID: stop receiving its activity (app-only, no user token needed)',
			},
			{
				name: 'Get',
				value: 'check',
				action: 'Check whether an account is subscribed',
				description:
					'Check a subscription: whether an account (the credential account, or the user whose token is given) is subscribed',
			},
			{
				name: 'Get Count',
				value: 'count',
				action: 'Count account subscriptions',
				description:
					'Count subscriptions: how many accounts the app has subscribed, and how many its tier allows',
			},
			{
				name: 'Get Many',
				value: 'list',
				action: 'Get many subscribed accounts',
				description:
					'List subscriptions: one item per subscribed account (user ID) of a webhook or premium environment',
			},
		],
		'subscribe',
	),
	...subscribe.description,
	...check.description,
	...list.description,
	...count.description,
	...unsubscribe.description,
];
