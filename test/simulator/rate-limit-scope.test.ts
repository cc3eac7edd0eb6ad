/** User-context limits counted per user (default) or per app (userLimitsPerApp). */
import { XClient } from '../../client/x-client';
import { XApiError } from '../../client/errors';
import { startSimulator, type Simulator } from '../../simulator';
import { startReceiver } from './helpers';

async function twoUsersSubscribe(sim: Simulator): Promise<Array<number | 'ok'>> {
	const receiver = await startReceiver(sim.app.consumerSecret);
	try {
		const client = new XClient(
			{
				consumerKey: sim.app.consumerKey,
				consumerSecret: sim.app.consumerSecret,
				accessToken: sim.app.accessToken,
				accessTokenSecret: sim.app.accessTokenSecret,
				bearerToken: sim.app.bearerToken,
				apiVersion: 'enterprise',
				baseUrl: sim.baseUrl,
			},
			{ maxRateLimitWaitMs: 0 },
		);
		const hook = await client.registerWebhook(receiver.url);
		const [a, b] = sim.users().filter((u) => u.id !== sim.app.ownerUserId);
		const out: Array<number | 'ok'> = [];
		for (const u of [a, b]) {
			try {
				await client.subscribe({ webhookId: hook.id, user: { token: u.token, secret: u.secret } });
				out.push('ok');
			} catch (e) {
				out.push((e as XApiError).status);
			}
		}
		return out;
	} finally {
		await receiver.close();
	}
}

describe('rate-limit scope of user-context endpoints', () => {
	it('counts per user by default', async () => {
		const sim = await startSimulator({ rateLimits: { 'enterprise.subscriptions.create': 1 } });
		try {
			expect(await twoUsersSubscribe(sim)).toEqual(['ok', 'ok']);
		} finally {
			await sim.stop();
		}
	});

	it('counts per app with userLimitsPerApp', async () => {
		const sim = await startSimulator({ userLimitsPerApp: true, rateLimits: { 'enterprise.subscriptions.create': 1 } });
		try {
			expect(await twoUsersSubscribe(sim)).toEqual(['ok', 429]);
			expect(sim.stats.rateLimitedByIdentity).toEqual({ app: 1 });
		} finally {
			await sim.stop();
		}
	});
});
