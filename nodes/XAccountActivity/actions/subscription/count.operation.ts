/** Account Subscription (AAA) → Get Count: X's "count subscriptions" against the tier's allowance. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { compact } from '../../helpers';
import type { RunContext } from '../params';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, run: RunContext): Promise<IDataObject[]> {
	const c = await run.client.countSubscriptions();
	return [
		compact({
			account_name: c.accountName,
			subscriptions_count_all: c.all,
			subscriptions_count_direct_messages: c.directMessages,
			provisioned_count: c.provisioned,
		}),
	];
}
