/** Account Subscription (AAA) → Create: X's "subscribe user" (the account's own token). */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { compact, userIdFromToken } from '../../helpers';
import { subscriptionScope } from '../output';
import { actingUser, type RunContext } from '../params';
import { accountActAsProperties, subscriptionWebhookId, subscriptionWebhookProperty } from './fields';

export const description = [
	...updateDisplayOptions({ show: { resource: ['subscription'], operation: ['subscribe'] } }, [
		subscriptionWebhookProperty,
	]),
	...accountActAsProperties('subscribe'),
];

export async function execute(
	this: IExecuteFunctions,
	run: RunContext,
	i: number,
	secrets: string[],
): Promise<IDataObject[]> {
	const webhookId = subscriptionWebhookId(this, run, i);
	const user = actingUser(this, i, secrets);
	const r = await run.client.subscribe({ webhookId, user });
	return [
		compact({
			user_id: user ? userIdFromToken(user.token) : undefined,
			account: user ? 'user token' : 'credential account',
			...subscriptionScope(run, webhookId),
			subscribed: true,
			already_subscribed: r.alreadySubscribed,
		}),
	];
}
