/**
 * Parameters of the X Account Activity action node: resources Webhook, Subscription, Replay
 * (Activity Subscription's are in activity-subscription.ts).
 */
import type { INodeProperties } from 'n8n-workflow';
import { userTokenProperties } from './params';

const webhookOps = { resource: ['webhook'] };
const subscriptionOps = { resource: ['subscription'] };
const replayOps = { resource: ['replay'] };

export const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Activity Subscription',
			value: 'activitySubscription',
			description:
				'X Activity API (XAA, v2 credential only): per-user, per-event-type subscriptions with filters: create, list, update, delete',
		},
		{
			name: 'Replay',
			value: 'replay',
			description:
				'Re-deliver past activity of a webhook (enterprise: last 5 days; v2: last 24 hours)',
		},
		{
			name: 'Subscription',
			value: 'subscription',
			description:
				'Which X accounts a webhook receives activity for: subscribe, check, list, count, unsubscribe',
		},
		{
			name: 'Webhook',
			value: 'webhook',
			description:
				'The URLs X delivers account activity to: register, list, re-validate (CRC), delete',
		},
	],
	default: 'webhook',
};

export const operationProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: webhookOps },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a webhook',
				description:
					'Remove a webhook registration: X stops delivering to its URL and its subscriptions end',
			},
			{
				name: 'List',
				value: 'list',
				action: 'List webhooks',
				description:
					"List the app's registered webhooks with their ID, URL and whether they are valid",
			},
			{
				name: 'Register',
				value: 'register',
				action: 'Register a webhook',
				description: 'Register a URL with X; X checks it with a CRC request before accepting it',
			},
			{
				name: 'Trigger CRC',
				value: 'triggerCrc',
				action: 'Re validate a webhook with a CRC check',
				description:
					'Ask X to send a CRC check to the webhook now; re-enables a webhook X marked invalid',
			},
		],
		default: 'list',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: subscriptionOps },
		options: [
			{
				name: 'Check',
				value: 'check',
				action: 'Check whether an account is subscribed',
				description:
					'Whether an account (the credential account, or the user whose token is given) is subscribed',
			},
			{
				name: 'Count',
				value: 'count',
				action: 'Count subscriptions',
				description: 'How many accounts the app has subscribed, and how many its tier allows',
			},
			{
				name: 'List',
				value: 'list',
				action: 'List subscribed accounts',
				description:
					'One item per subscribed account (user ID) of a webhook or premium environment',
			},
			{
				name: 'Subscribe',
				value: 'subscribe',
				action: 'Subscribe an account',
				description:
					"Start receiving an account's activity: the credential account, or any user who authorised the app (their access token and secret, e.g. from the input items)",
			},
			{
				name: 'Unsubscribe',
				value: 'unsubscribe',
				action: 'Unsubscribe an account by user ID',
				description:
					"Stop receiving an account's activity, by user ID (app-only, no user token needed)",
			},
		],
		default: 'subscribe',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: replayOps },
		options: [
			{
				name: 'Start',
				value: 'start',
				action: 'Start a replay job',
				description:
					'Ask X to re-deliver the activity of a time window to a webhook (enterprise and v2 only; one job per webhook at a time)',
			},
		],
		default: 'start',
	},
];

export const fieldProperties: INodeProperties[] = [
	// ----- webhook -----
	{
		displayName: 'Webhook URL',
		name: 'url',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://n8n.example.com/webhook/abc/webhook',
		displayOptions: { show: { ...webhookOps, operation: ['register'] } },
		description:
			"Public https URL without a port that answers X's CRC check with this app's consumer secret, e.g. the production URL of an X Account Activity Trigger",
	},
	{
		displayName: 'Webhook ID',
		name: 'webhookId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1234567890123456789',
		displayOptions: { show: { ...webhookOps, operation: ['triggerCrc', 'delete'] } },
		description: 'ID of the webhook, as returned by Register or List',
	},
	{
		displayName: 'All Premium Environments',
		name: 'allEnvironments',
		type: 'boolean',
		default: false,
		displayOptions: { show: { ...webhookOps, operation: ['list'] } },
		description:
			"Whether to list the webhooks of every premium environment of the app instead of only the credential's environment (premium API only)",
	},
	// ----- subscription -----
	{
		displayName: 'Webhook ID',
		name: 'webhookId',
		type: 'string',
		default: '',
		placeholder: '1234567890123456789',
		displayOptions: {
			show: { ...subscriptionOps, operation: ['subscribe', 'check', 'list', 'unsubscribe'] },
		},
		description:
			"ID of the webhook the subscription belongs to. Required on the enterprise and v2 APIs. Leave empty on premium: premium addresses subscriptions by the credential's environment name.",
	},
	{
		displayName: 'Act As',
		name: 'actAs',
		type: 'options',
		options: [
			{
				name: 'Credential Account',
				value: 'credential',
				description: 'The account whose access token is in the credential (the app owner)',
			},
			{
				name: 'User Token',
				value: 'userToken',
				description:
					'A user who authorised the app: give their access token and secret, usually as expressions from the input items',
			},
		],
		default: 'credential',
		displayOptions: { show: { ...subscriptionOps, operation: ['subscribe', 'check'] } },
		description:
			"Whose account to subscribe or check. X requires that account's own OAuth 1.0a token.",
	},
	...userTokenProperties({ ...subscriptionOps, operation: ['subscribe', 'check'] }),
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '2244994945',
		displayOptions: { show: { ...subscriptionOps, operation: ['unsubscribe'] } },
		description:
			'Numeric X user ID of the account to unsubscribe (a string of digits, not the @handle)',
	},
	// ----- return all / limit for lists -----
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		displayOptions: {
			show: { resource: ['webhook', 'subscription', 'activitySubscription'], operation: ['list'] },
		},
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: {
			show: {
				resource: ['webhook', 'subscription', 'activitySubscription'],
				operation: ['list'],
				returnAll: [false],
			},
		},
		description: 'Max number of results to return',
	},
	// ----- replay -----
	{
		displayName: 'Webhook ID',
		name: 'webhookId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1234567890123456789',
		displayOptions: { show: replayOps },
		description: 'ID of the webhook to re-deliver to',
	},
	{
		displayName: 'From (UTC)',
		name: 'fromDate',
		type: 'dateTime',
		required: true,
		default: '',
		displayOptions: { show: replayOps },
		description:
			'Start of the window, in UTC. Enterprise: within the last 5 days and at least 31 minutes ago. v2: within the last 24 hours.',
	},
	{
		displayName: 'To (UTC)',
		name: 'toDate',
		type: 'dateTime',
		required: true,
		default: '',
		displayOptions: { show: replayOps },
		description:
			'End of the window, in UTC, after the start. Enterprise: at least 10 minutes ago. v2: not in the future.',
	},
];
