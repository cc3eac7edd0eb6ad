/** Account Subscription (AAA) → Get Count: X's "count subscriptions" against the tier's allowance. */
import type { INodeProperties } from 'n8n-workflow';
import { compact } from '../../helpers';
import type { OperationExecute } from '../params';

export const description: INodeProperties[] = [];

export const execute: OperationExecute = async function (run) {
	const c = await run.client.countSubscriptions();
	return [
		compact({
			account_name: c.accountName,
			subscriptions_count_all: c.all,
			subscriptions_count_direct_messages: c.directMessages,
			provisioned_count: c.provisioned,
		}),
	];
};
