/** Account Subscription (AAA) → Get: X's "check subscription" for one account. */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { actingUser, type RunContext } from '../params';
import {
	accountActAsProperties,
	accountResult,
	subscriptionWebhookId,
	subscriptionWebhookProperty,
} from './fields';

export const description = [
	...updateDisplayOptions({ show: { resource: ['subscription'], operation: ['check'] } }, [
		subscriptionWebhookProperty,
	]),
	...accountActAsProperties('check'),
];

export async function execute(
	this: IExecuteFunctions,
	run: RunContext,
	i: number,
	secrets: string[],
): Promise<IDataObject[]> {
	const webhookId = subscriptionWebhookId(this, run, i);
	const user = actingUser(this, i, secrets);
	const r = await run.client.checkSubscription({ webhookId, user });
	return [accountResult(run, webhookId, user, { subscribed: r.subscribed })];
}
