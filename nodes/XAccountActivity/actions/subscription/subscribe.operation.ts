/** Account Subscription (AAA) → Create: X's "subscribe user" (the account's own token). */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { actingUser, type RunContext } from '../params';
import {
	accountActAsProperties,
	accountResult,
	subscriptionWebhookId,
	subscriptionWebhookProperty,
} from './fields';

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
	return [accountResult(run, webhookId, user, { subscribed: true, already_subscribed: r.alreadySubscribed })];
}
