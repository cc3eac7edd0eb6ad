/**
 * Fields shared by the Account Subscription (AAA) operations: the webhook (none on premium,
 * which addresses subscriptions by environment) and Act As.
 */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import type { UserToken } from '../../../../client/types';
import { compact, userIdFromToken } from '../../helpers';
import { subscriptionScope } from '../output';
import { actAsProperties, webhookLocator } from '../common.descriptions';
import {
	actingUser,
	fail,
	idParam,
	requireId,
	type OperationExecute,
	type RunContext,
} from '../params';

export const subscriptionWebhookProperty: INodeProperties = webhookLocator({
	description:
		"The webhook the subscriptions belong to. Required on the enterprise and v2 APIs. Leave empty on premium: premium addresses subscriptions by the credential's environment name.",
});

/** Act As for Create and Get: X requires the account's own OAuth 1.0a token. */
export function accountActAsProperties(operation: string): INodeProperties[] {
	return actAsProperties(
		{ resource: ['subscription'], operation: [operation] },
		{
			description:
				"Whose account to subscribe or check. X requires that account's own OAuth 1.0a token.",
			credentialAccount: 'The account whose access token is in the credential (the app owner)',
		},
	);
}

/** Webhook ID of a subscription call: required except on premium (addressed by environment). */
export function subscriptionWebhookId(
	ctx: IExecuteFunctions,
	run: RunContext,
	i: number,
): string | undefined {
	const id = idParam(ctx, 'webhookId', 'Webhook ID', i);
	if (run.flavour === 'premium') return undefined;
	if (!id) {
		throw fail(
			ctx,
			i,
			`Webhook ID is required on the ${run.flavour} API (item ${i}): list the webhooks to find it. Only premium addresses subscriptions by environment.`,
		);
	}
	return requireId(ctx, i, 'Webhook ID', id);
}

/**
 * Create (subscribe) and Get (check) differ only in X's call and its answer: both act for one
 * account (Act As) on one webhook, and put out who, where, and the answer.
 */
export function accountOperation(
	operation: 'subscribe' | 'check',
	call: (run: RunContext, req: { webhookId?: string; user?: UserToken }) => Promise<IDataObject>,
) {
	const description: INodeProperties[] = [
		...updateDisplayOptions({ show: { resource: ['subscription'], operation: [operation] } }, [
			subscriptionWebhookProperty,
		]),
		...accountActAsProperties(operation),
	];
	const execute: OperationExecute = async function (run, i, secrets) {
		const webhookId = subscriptionWebhookId(this, run, i);
		const user = actingUser(this, i, secrets);
		const answer = await call(run, { webhookId, user });
		return [
			compact({
				user_id: user ? userIdFromToken(user.token) : undefined,
				account: user ? 'user token' : 'credential account',
				...subscriptionScope(run, webhookId),
				...answer,
			}),
		];
	};
	return { description, execute };
}
