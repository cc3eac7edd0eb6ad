/**
 * Field builders shared by several operations: the id resource locators ("From list" backed by
 * `methods/listSearch.ts`, or "By ID"), Act As with the user token pair, and Return All / Limit.
 * Each operation file places them with its own display options; `params.ts` reads them.
 */
import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

type Show = NonNullable<IDisplayOptions['show']>;

export interface LocatorOptions {
	displayName?: string;
	required?: boolean;
	description: string;
}

/**
 * An X id as a resource locator: "From list" (filled by `searchListMethod` in
 * `methods/listSearch.ts`) or "By ID" (digits only, checked in the editor before anything runs).
 */
function idLocator(
	name: string,
	searchListMethod: string,
	what: string,
	placeholder: string,
	opts: LocatorOptions & { displayName: string },
): INodeProperties {
	return {
		displayName: opts.displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: opts.required,
		description: opts.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder,
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^\\s*\\d{1,19}\\s*$',
							errorMessage: `Not a ${what} ID: give 1 to 19 digits`,
						},
					},
				],
			},
		],
	};
}

/** Webhook: "From list" shows the app's webhooks (URL, validity, ID), or "By ID". */
export function webhookLocator(opts: LocatorOptions): INodeProperties {
	return idLocator('webhookId', 'webhookSearch', 'webhook', '1234567890123456789', {
		...opts,
		displayName: opts.displayName ?? 'Webhook',
	});
}

/** Activity Subscription (XAA): "From list" shows the app's XAA subscriptions, or "By ID". */
export function activitySubscriptionLocator(opts: LocatorOptions): INodeProperties {
	return idLocator(
		'subscriptionId',
		'activitySubscriptionSearch',
		'subscription',
		'1146654567674912769',
		{
			...opts,
			displayName: opts.displayName ?? 'Activity Subscription',
		},
	);
}

/** Account Subscription (AAA): "From list" shows the webhook's subscribed user IDs, or "By ID". */
export function subscribedUserLocator(opts: LocatorOptions): INodeProperties {
	return idLocator('userId', 'accountSubscriptionSearch', 'user', '2244994945', {
		...opts,
		displayName: opts.displayName ?? 'Subscribed Account',
	});
}

/**
 * Act As (credential account or a user token) and the Access Token / Access Token Secret pair,
 * shown where `show` says (n8n needs one property per display condition; `actingUser` reads
 * them).
 */
export function actAsProperties(
	show: Show,
	texts: { description: string; credentialAccount: string },
): INodeProperties[] {
	const tokenShow = { show: { ...show, actAs: ['userToken'] } };
	return [
		{
			displayName: 'Act As',
			name: 'actAs',
			type: 'options',
			options: [
				{
					name: 'Credential Account',
					value: 'credential',
					description: texts.credentialAccount,
				},
				{
					name: 'User Token',
					value: 'userToken',
					description:
						'A user who authorised the app: give their access token and secret, usually as expressions from the input items',
				},
			],
			default: 'credential',
			displayOptions: { show },
			description: texts.description,
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: '{{ $json.access_token }}',
			displayOptions: tokenShow,
			description:
				"The user's OAuth 1.0a access token for this app, usually an expression reading it from the input item",
		},
		{
			displayName: 'Access Token Secret',
			name: 'accessTokenSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: '{{ $json.access_token_secret }}',
			displayOptions: tokenShow,
			description:
				"The user's OAuth 1.0a access token secret, usually an expression reading it from the input item. Never copied into the output.",
		},
	];
}

/** Return All and Limit of a Get Many operation. */
export const returnAllLimitProperties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
];

/**
 * The Operation field of one resource: n8n's names (`name`), the values saved workflows hold
 * (`value`), X's words in `action` and `description`.
 */
export function operationField(
	resource: string,
	options: INodePropertyOptions[],
	defaultOperation: string,
): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options,
		default: defaultOperation,
	};
}
