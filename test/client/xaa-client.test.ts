/**
 * The XAA surface of the client (`client.xaa`) against the simulator over real HTTP.
 */
import { XApiError } from '../../client/errors';
import type { XAppCredentials } from '../../client/types';
import { XaaValidationError } from '../../client/xaa-client';
import { XClient } from '../../client/x-client';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator';
import { startReceiver, type Receiver } from '../simulator/helpers';

const fast = { retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 2000 };

function creds(sim: Simulator, over: Partial<XAppCredentials> = {}): XAppCredentials {
	return {
		consumerKey: sim.app.consumerKey,
		consumerSecret: sim.app.consumerSecret,
		accessToken: sim.app.accessToken,
		accessTokenSecret: sim.app.accessTokenSecret,
		bearerToken: sim.app.bearerToken,
		apiVersion: 'v2',
		baseUrl: sim.baseUrl,
		...over,
	};
}

const ALICE = '1603419180975409153';
const BOB = '3001969357';

function tokenOf(sim: Simulator, id: string) {
	const u = sim.users().find((x) => x.id === id)!;
	return { token: u.token, secret: u.secret };
}

async function withSim<T>(
	opts: SimulatorOptions,
	fn: (sim: Simulator, client: XClient) => Promise<T>,
): Promise<T> {
	const sim = await startSimulator(opts);
	try {
		return await fn(sim, new XClient(creds(sim), fast));
	} finally {
		await sim.stop();
	}
}

describe('client.xaa against the simulator', () => {
	let sim: Simulator;
	let client: XClient;
	let receiver: Receiver;
	let webhookId: string;

	beforeAll(async () => {
		sim = await startSimulator();
		receiver = await startReceiver(sim.app.consumerSecret);
		client = new XClient(creds(sim, { bearerToken: undefined }), fast); // bearer fetched via /oauth2/token
		webhookId = (await client.registerWebhook(receiver.url)).id;
	});
	afterAll(async () => {
		await sim.stop();
		await receiver.close();
	});

	const lastRequest = () => sim.requestLog[sim.requestLog.length - 1];

	it('is one lazily created surface on the shared transport', () => {
		expect(client.xaa).toBe(client.xaa);
	});

	it('creates a public-event subscription with Bearer and normalises it', async () => {
		const sub = await client.xaa.create({
			eventType: 'post.create',
			filter: { userId: ALICE },
			tag: 'alice posts',
			webhookId,
		});
		expect(lastRequest()).toMatchObject({
			method: 'POST',
			path: '/2/activity/subscriptions',
			status: 200,
			auth: 'bearer',
		});
		expect(sub).toEqual({
			id: expect.stringMatching(/^\d{19}$/),
			eventType: 'post.create',
			filter: { userId: ALICE },
			tag: 'alice posts',
			webhookId,
			createdAt: expect.any(String),
			updatedAt: expect.any(String),
			alreadyExisted: false,
		});
		// the shared rate-limit state saw it
		expect(client.rateLimits.get('POST /2/activity/subscriptions')).toMatchObject({
			limit: 500,
			remaining: 499,
		});
	});

	it("creates a private-event subscription with the user's own OAuth 1.0a token", async () => {
		const sub = await client.xaa.create({
			eventType: 'like.create',
			filter: { userId: ALICE, direction: 'inbound' },
			user: tokenOf(sim, ALICE),
			webhookId,
		});
		expect(lastRequest()).toMatchObject({ auth: 'oauth1-user', userId: ALICE, status: 200 });
		expect(sub.filter).toEqual({ userId: ALICE, direction: 'inbound' });
	});

	it('refuses a private-event subscription without a user token before sending anything', async () => {
		const before = sim.requestLog.length;
		const err = await client.xaa
			.create({ eventType: 'dm.received', filter: { userId: ALICE } })
			.catch((e: unknown) => e);
		expect(err).toBeInstanceOf(XaaValidationError);
		expect((err as Error).message).toMatch(
			/dm.received is a private XAA event type.*OAuth 2.0 user token with scope dm.read, or an OAuth 1.0a user token/,
		);
		expect(sim.requestLog.length).toBe(before);
	});

	it("surfaces X's refusal of a mute subscription for another user, with a hint", async () => {
		const err = (await client.xaa
			.create({ eventType: 'mute.mute', filter: { userId: BOB }, user: tokenOf(sim, ALICE) })
			.catch((e: unknown) => e)) as XApiError;
		expect(err).toBeInstanceOf(XApiError);
		expect(err).toMatchObject({
			status: 403,
			retryable: false,
			operation: 'create XAA subscription',
		});
		expect(err.xMessage).toMatch(/actor-only: filter.user_id must identify the authenticated user/);
		expect(err.hint).toMatch(/mute\/block subscriptions only work for the authenticated user/);
		expect(err.message).not.toContain(tokenOf(sim, ALICE).secret);
		// the actor themselves may
		const ok = await client.xaa.create({
			eventType: 'mute.mute',
			filter: { userId: ALICE },
			user: tokenOf(sim, ALICE),
		});
		expect(ok.eventType).toBe('mute.mute');
	});

	it('treats "already exists" as success and returns the existing subscription', async () => {
		const first = await client.xaa.create({
			eventType: 'profile.update.bio',
			filter: { userId: BOB },
			tag: 'one',
			webhookId,
		});
		const again = await client.xaa.create({
			eventType: 'profile.update.bio',
			filter: { userId: BOB },
			tag: 'two',
			webhookId,
		});
		expect(again).toMatchObject({ id: first.id, tag: 'one', alreadyExisted: true });
	});

	it('sends the canonical name for the deprecated chat.conversation_join alias', async () => {
		const sub = await client.xaa.create({
			eventType: 'chat.conversation_join',
			filter: { userId: BOB },
			user: tokenOf(sim, BOB),
		});
		expect(sub.eventType).toBe('chat.conversation.join');
	});

	it('updates the tag and webhook only, and deletes one', async () => {
		const sub = await client.xaa.create({ eventType: 'profile.update.bio', filter: { userId: ALICE } });
		expect(sub.webhookId).toBeUndefined();
		const updated = await client.xaa.update(sub.id, { tag: 'new tag', webhookId });
		expect(updated).toMatchObject({
			id: sub.id,
			tag: 'new tag',
			webhookId,
			eventType: 'profile.update.bio',
		});
		await expect(client.xaa.update(sub.id, {})).rejects.toBeInstanceOf(XaaValidationError);
		const unknownHook = (await client.xaa
			.update(sub.id, { webhookId: '42' })
			.catch((e: unknown) => e)) as XApiError;
		expect(unknownHook).toMatchObject({ status: 400, reason: 'WebhookIdInvalid' });

		expect(await client.xaa.delete(sub.id)).toMatchObject({
			deleted: true,
			totalSubscriptions: expect.any(Number),
		});
		const gone = (await client.xaa.delete(sub.id).catch((e: unknown) => e)) as XApiError;
		expect(gone).toMatchObject({ status: 400, reason: 'SubscriptionNotFound' });
		expect(gone.hint).toMatch(/list the subscriptions/);
		expect(await client.xaa.delete(sub.id, { missingOk: true })).toEqual({ deleted: false });
	});
});

describe('client.xaa lists, bulk deletes, caps and limits', () => {
	it('lists across pages and follows next_token in listAll', async () => {
		await withSim({}, async (sim, client) => {
			const users = sim.users().map((u) => u.id);
			const types = [
				'post.create',
				'post.delete',
				'profile.update.bio',
				'profile.update.url',
				'profile.update.geo',
			] as const;
			for (const userId of users)
				for (const eventType of types) await client.xaa.create({ eventType, filter: { userId } });
			const total = users.length * types.length; // 30

			const first = await client.xaa.list({ maxResults: 12 });
			expect(first.subscriptions).toHaveLength(12);
			expect(first.totalSubscriptions).toBe(total);
			expect(first.nextToken).toMatch(/^[0-9A-V]{16,}$/);
			const second = await client.xaa.list({ maxResults: 12, paginationToken: first.nextToken });
			expect(second.subscriptions[0].id > first.subscriptions[11].id).toBe(true);

			const all = await client.xaa.listAll({ pageSize: 7 });
			expect(all).toHaveLength(total);
			expect(new Set(all.map((s) => s.id)).size).toBe(total);
			expect(
				sim.requestLog.filter((r) => r.method === 'GET' && r.path === '/2/activity/subscriptions')
					.length,
			).toBe(2 + 5);
			expect((await client.xaa.listAll()).map((s) => s.id)).toEqual(all.map((s) => s.id));
			await expect(client.xaa.list({ maxResults: 1001 })).rejects.toBeInstanceOf(
				XaaValidationError,
			);
		});
	});

	it('deletes many: per-id results with a bad id among good ones, chunks above 100', async () => {
		await withSim({ generateUsers: { count: 130 } }, async (sim, client) => {
			const ids: string[] = [];
			for (const u of sim.users().slice(0, 130))
				ids.push(
					(await client.xaa.create({ eventType: 'post.create', filter: { userId: u.id } })).id,
				);
			const before = sim.requestLog.length;
			const results = await client.xaa.deleteMany([
				ids[0],
				'1460000000009999999',
				'not-an-id',
				...ids.slice(1),
			]);
			expect(results).toHaveLength(132);
			expect(results[0]).toEqual({ id: ids[0], deleted: true });
			expect(results[1]).toMatchObject({
				id: '1460000000009999999',
				deleted: false,
				reason: 'SubscriptionNotFound',
			});
			expect(results[2]).toMatchObject({
				id: 'not-an-id',
				deleted: false,
				error: expect.stringMatching(/not sent/),
			});
			expect(results.slice(3).every((r) => r.deleted)).toBe(true);
			const calls = sim.requestLog.slice(before).filter((r) => r.method === 'DELETE');
			expect(calls).toHaveLength(2); // 131 numeric ids → 100 + 31
			expect(sim.xaaSubscriptions()).toEqual([]);
		});
	});

	it('reports the subscription cap as a typed error', async () => {
		await withSim({ xaa: { subscriptionLimit: 2 } }, async (_sim, client) => {
			await client.xaa.create({ eventType: 'post.create', filter: { userId: ALICE } });
			await client.xaa.create({ eventType: 'post.delete', filter: { userId: ALICE } });
			const err = (await client.xaa
				.create({ eventType: 'profile.update.bio', filter: { userId: ALICE } })
				.catch((e: unknown) => e)) as XApiError;
			expect(err).toMatchObject({
				status: 400,
				reason: 'SubscriptionLimitExceeded',
				retryable: false,
			});
			expect(err.hint).toMatch(/XAA subscription cap/);
		});
	});

	it('answers 429 per app per method, whoever signs, and the client reports the reset', async () => {
		await withSim(
			{ rateLimits: { 'xaa.subscriptions.create': 2 }, rateLimitWindowSeconds: 600 },
			async (sim, c) => {
				const client = new XClient(creds(sim), { ...fast, maxRateLimitWaitMs: 0 });
				await client.xaa.create({ eventType: 'post.create', filter: { userId: ALICE } });
				await client.xaa.create({
					eventType: 'like.create',
					filter: { userId: ALICE },
					user: tokenOf(sim, ALICE),
				});
				const err = (await client.xaa
					.create({ eventType: 'post.delete', filter: { userId: ALICE } })
					.catch((e: unknown) => e)) as XApiError;
				expect(err).toBeInstanceOf(XApiError);
				expect(err.isRateLimited).toBe(true);
				expect(err.rateLimitReset).toBeGreaterThan(Date.now() / 1000);
				expect(err.hint).toMatch(/Rate limit/);
				// another method has its own window
				expect((await c.xaa.list()).subscriptions).toHaveLength(2);
			},
		);
	});

	it.each(['flat', 'array', 'openapi'] as const)(
		'normalises the %s create/update answer end to end',
		async (responseShape) => {
			await withSim({ xaa: { responseShape } }, async (_sim, client) => {
				const sub = await client.xaa.create({
					eventType: 'profile.update.url',
					filter: { userId: BOB },
					tag: 'urls',
				});
				expect(sub).toMatchObject({
					eventType: 'profile.update.url',
					filter: { userId: BOB },
					tag: 'urls',
					alreadyExisted: false,
				});
				expect(await client.xaa.update(sub.id, { tag: 'renamed' })).toMatchObject({
					id: sub.id,
					tag: 'renamed',
				});
			});
		},
	);
});
