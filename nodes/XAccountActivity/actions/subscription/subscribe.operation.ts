/** Account Subscription (AAA) → Create: X's "subscribe user" (the account's own token). */
import { accountOperation } from './fields';

export const { description, execute } = accountOperation('subscribe', async (run, req) => {
	const r = await run.client.subscribe(req);
	return { subscribed: true, already_subscribed: r.alreadySubscribed };
});
