/** Account Subscription (AAA) → Get: X's "check subscription" for one account. */
import { accountOperation } from './fields';

export const { description, execute } = accountOperation('check', async (run, req) => {
	const r = await run.client.checkSubscription(req);
	return { subscribed: r.subscribed };
});
