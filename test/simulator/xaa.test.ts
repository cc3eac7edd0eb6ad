/**
 * The simulator's X Activity API: `/2/activity/subscriptions` over raw HTTP (auth per event type,
 * validation, v2 error bodies, pagination, rate limits) and XAA deliveries (envelope, signature,
 * fan-out per subscription), including the admin emit endpoint.
 */
import { verifyWebhookSignature, SIGNATURE_HEADER } from '../../client/webhook-signature';
import { XAA_EVENT_CATALOGUE, XAA_EVENT_TYPES } from '../../client/xaa-event-types';
import { startSimulator, type Simulator } from '../../simulator';
import { decodePaginationToken, encodePaginationToken } from '../../simulator/xaa-routes';
import {
	bearer,
	oauthHeader,
	request,
	startReceiver,
	userCreds,
	type Creds,
	type RawResponse,
	type Receiver,
} from './helpers';

const P = '/2/activity/subscriptions';
const ALICE = '1603419180975409153';
const BOB = '3001969357';

function userJson(
	sim: Simulator,
	method: string,
	path: string,
	creds: Creds,
	body?: unknown,
): Promise<RawResponse> {
	const url = sim.baseUrl + path;
	return request(url, {
		method,
		headers: {
			authorization: oauthHeader(sim, method, url, creds),
			...(body !== undefined ? { 'content-type': 'application/json' } : {}),
		},
		body: body !== undefined ? JSON.stringify(body) : undefined,
	});
}

type Envelope = {
	data: {
		event_uuid: string;
		event_type: string;
		filter: Record<string, string>;
		tag?: string;
		payload: Record<string, unknown>;
		includes?: Record<string, unknown>;
	};
};

const message = (res: RawResponse) =>
	(res.json as { errors: Array<{ message: string }> }).errors[0].message;

describe('XAA subscription endpoints', () => {
	let sim: Simulator;
	beforeEach(async () => {
		sim = await startSimulator({ rateLimitWindowSeconds: 60 });
	});
	afterEach(() => sim.stop());

	it('creates public types with Bearer in the OpenAPI shape, and refuses private types without user context', async () => {
		const res = await bearer(sim, 'POST', P, {
			event_type: 'profile.update.bio',
			filter: { user_id: ALICE },
			tag: 'bio',
		});
		expect(res.status).toBe(200);
		expect(res.json).toEqual({
			data: {
				subscription: {
					subscription_id: expect.stringMatching(/^\d{19}$/),
					event_type: 'profile.update.bio',
					filter: { user_id: ALICE },
					created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\.\d{3}Z$/),
					updated_at: expect.any(String),
					tag: 'bio',
				},
			},
			meta: { total_subscriptions: 1 },
		});
		expect(res.headers['x-rate-limit-limit']).toBe('500');

		const dm = await bearer(sim, 'POST', P, {
			event_type: 'dm.received',
			filter: { user_id: ALICE },
		});
		expect(dm.status).toBe(403);
		expect(dm.json).toMatchObject({
			title: 'Unsupported Authentication',
			status: 403,
			detail: expect.stringContaining('event_type dm.received'),
			type: 'https://api.twitter.com/2/problems/unsupported-authentication',
		});

		const withToken = await userJson(sim, 'POST', P, userCreds(sim, ALICE), {
			event_type: 'dm.received',
			filter: { user_id: ALICE },
		});
		expect(withToken.status).toBe(200);
		// a public type signed with a user token is accepted too (OpenAPI: any of the three)
		expect(
			(
				await userJson(sim, 'POST', P, userCreds(sim, BOB), {
					event_type: 'post.create',
					filter: { user_id: ALICE },
				})
			).status,
		).toBe(200);
	});

	it('keeps mute/block actor-only and private types to users who authorised the app', async () => {
		const other = await userJson(sim, 'POST', P, userCreds(sim, ALICE), {
			event_type: 'block.block',
			filter: { user_id: BOB },
		});
		expect(other.status).toBe(403);
		expect(other.json).toMatchObject({
			title: 'Forbidden',
			detail: expect.stringContaining('actor-only'),
		});
		const own = await userJson(sim, 'POST', P, userCreds(sim, ALICE), {
			event_type: 'block.block',
			filter: { user_id: ALICE },
		});
		expect(own.status).toBe(200);
		const stranger = await userJson(sim, 'POST', P, userCreds(sim, ALICE), {
			event_type: 'dm.sent',
			filter: { user_id: '42' },
		});
		expect(stranger.status).toBe(403);
		expect(
			(
				await userJson(sim, 'POST', P, userCreds(sim, ALICE), {
					event_type: 'mute.mute',
					filter: { user_id: ALICE, direction: 'inbound' },
				})
			).status,
		).toBe(400);
	});

	it('validates the body with v2 invalid-request errors', async () => {
		const cases: Array<[unknown, RegExp]> = [
			[{ event_type: 'ProfileBioUpdate', filter: { user_id: ALICE } }, /^EventTypeInvalid: /],
			[{ event_type: 'oauth.revoke', filter: {} }, /^EventTypeInvalid: /],
			[{ event_type: 'post.create' }, /^FilterInvalid: filter is required/],
			[
				{ event_type: 'post.create', filter: { user_id: 2244994945 } },
				/^FilterInvalid: .*1 to 19 digits/,
			],
			[
				{ event_type: 'post.create', filter: { user_id: ALICE, direction: 'inbound' } },
				/^FilterInvalid: post.create does not take filter.direction/,
			],
			[
				{ event_type: 'like.create', filter: { user_id: ALICE, direction: 'up' } },
				/^FilterInvalid: /,
			],
			[
				{ event_type: 'news.new', filter: { keyword: '' } },
				/^FilterInvalid: news.new needs filter.keyword/,
			],
			[
				{ event_type: 'post.create', filter: { user_id: ALICE, foo: 1 } },
				/^FilterInvalid: unknown filter field/,
			],
			[
				{ event_type: 'post.create', filter: { user_id: ALICE }, tag: 'x'.repeat(201) },
				/^TagInvalid: /,
			],
			[
				{ event_type: 'post.create', filter: { user_id: ALICE }, webhook_id: '123' },
				/^WebhookIdInvalid: /,
			],
			[
				{ event_type: 'post.create', filter: { user_id: ALICE }, extra: true },
				/^InvalidRequest: unknown field/,
			],
		];
		for (const [body, want] of cases) {
			const res = await bearer(sim, 'POST', P, body);
			expect(res.status).toBe(400);
			expect(res.json).toMatchObject({
				title: 'Invalid Request',
				type: 'https://api.twitter.com/2/problems/invalid-request',
			});
			expect(message(res)).toMatch(want);
		}
		// news.new is private: any user's own context (the filter is a keyword)
		const ok = await userJson(sim, 'POST', P, userCreds(sim, ALICE), {
			event_type: 'news.new',
			filter: { keyword: 'OpenAI' },
			tag: 'x'.repeat(200),
		});
		expect(ok.status).toBe(200);
		const dup = await userJson(sim, 'POST', P, userCreds(sim, ALICE), {
			event_type: 'news.new',
			filter: { keyword: 'openai' },
		});
		expect(dup.status).toBe(400);
		expect(message(dup)).toMatch(/^DuplicateSubscriptionFailed: .*subscription_id \d+/);
	});

	it('paginates with base32hex next_token and refuses bad query parameters', async () => {
		for (const u of sim.users()) {
			for (const t of ['post.create', 'post.delete']) {
				expect(
					(await bearer(sim, 'POST', P, { event_type: t, filter: { user_id: u.id } })).status,
				).toBe(200);
			}
		}
		const seen: string[] = [];
		let token: string | undefined;
		let pages = 0;
		do {
			const res = await bearer(
				sim,
				'GET',
				`${P}?max_results=5${token ? `&pagination_token=${token}` : ''}`,
			);
			expect(res.status).toBe(200);
			const body = res.json as {
				data: Array<{ subscription_id: string }>;
				meta: { next_token?: string; result_count: number; total_subscriptions: number };
			};
			expect(body.meta.total_subscriptions).toBe(12);
			expect(body.meta.result_count).toBe(body.data.length);
			seen.push(...body.data.map((d) => d.subscription_id));
			token = body.meta.next_token;
			pages++;
		} while (token);
		expect(pages).toBe(3);
		expect(new Set(seen).size).toBe(12);
		expect(message(await bearer(sim, 'GET', `${P}?max_results=1001`))).toMatch(
			/^QueryParamInvalid: /,
		);
		expect(message(await bearer(sim, 'GET', `${P}?pagination_token=nope`))).toMatch(
			/^QueryParamInvalid: /,
		);
		expect(decodePaginationToken(encodePaginationToken('1460000000000000001'))).toBe(
			'1460000000000000001',
		);
		// a user token may list too
		expect((await userJson(sim, 'GET', P, userCreds(sim, ALICE))).status).toBe(200);
	});

	it('updates tag / webhook only and deletes one and many with Bearer', async () => {
		const receiver = await startReceiver(sim.app.consumerSecret);
		try {
			const hook = (await bearer(sim, 'POST', '/2/webhooks', { url: receiver.url })).json as {
				data: { id: string };
			};
			const created = (
				await bearer(sim, 'POST', P, { event_type: 'post.create', filter: { user_id: ALICE } })
			).json as {
				data: { subscription: { subscription_id: string } };
			};
			const id = created.data.subscription.subscription_id;
			const upd = await bearer(sim, 'PUT', `${P}/${id}`, { tag: 'new', webhook_id: hook.data.id });
			expect(upd.status).toBe(200);
			expect(upd.json).toMatchObject({
				data: {
					subscription: { subscription_id: id, tag: 'new', webhook_id: hook.data.id },
					total_subscriptions: 1,
				},
			});
			expect(message(await bearer(sim, 'PUT', `${P}/${id}`, { filter: { user_id: BOB } }))).toMatch(
				/only tag and webhook_id/,
			);
			expect(
				(await userJson(sim, 'PUT', `${P}/${id}`, userCreds(sim, ALICE), { tag: 'x' })).status,
			).toBe(403);
			expect(message(await bearer(sim, 'PUT', `${P}/1460000000000009999`, { tag: 'x' }))).toMatch(
				/^SubscriptionNotFound: /,
			);

			const second = (
				await bearer(sim, 'POST', P, { event_type: 'post.delete', filter: { user_id: ALICE } })
			).json as {
				data: { subscription: { subscription_id: string } };
			};
			const many = await bearer(
				sim,
				'DELETE',
				`${P}?ids=${second.data.subscription.subscription_id},1460000000000009999`,
			);
			expect(many.json).toEqual({
				data: [{ subscription_id: second.data.subscription.subscription_id, deleted: true }],
				errors: [
					{
						subscription_id: '1460000000000009999',
						reason: 'SubscriptionNotFound',
						message: expect.any(String),
					},
				],
				meta: { total_subscriptions: 1 },
			});
			expect(
				message(
					await bearer(
						sim,
						'DELETE',
						`${P}?ids=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`,
					),
				),
			).toMatch(/1 to 100/);
			expect(message(await bearer(sim, 'DELETE', `${P}?ids=abc`))).toMatch(/^QueryParamInvalid/);
			expect((await bearer(sim, 'DELETE', `${P}/${id}`)).json).toEqual({
				data: { deleted: true },
				meta: { total_subscriptions: 0 },
			});
		} finally {
			await receiver.close();
		}
	});

	it('counts each method per app, whichever token signs, with its own window', async () => {
		const limited = await startSimulator({
			rateLimits: { 'xaa.subscriptions.create': 2 },
			rateLimitWindowSeconds: 60,
		});
		try {
			expect(
				(
					await bearer(limited, 'POST', P, {
						event_type: 'post.create',
						filter: { user_id: ALICE },
					})
				).status,
			).toBe(200);
			expect(
				(
					await userJson(limited, 'POST', P, userCreds(limited, BOB), {
						event_type: 'dm.sent',
						filter: { user_id: BOB },
					})
				).status,
			).toBe(200);
			const third = await userJson(limited, 'POST', P, userCreds(limited, ALICE), {
				event_type: 'dm.sent',
				filter: { user_id: ALICE },
			});
			expect(third.status).toBe(429);
			expect(third.json).toMatchObject({ title: 'Too Many Requests', status: 429 });
			expect(limited.stats.rateLimitedByIdentity).toEqual({ app: 1 });
			expect((await bearer(limited, 'GET', P)).headers['x-rate-limit-remaining']).toBe('499');
		} finally {
			await limited.stop();
		}
	});

	it('enforces the configurable subscription cap', async () => {
		const capped = await startSimulator({ xaa: { subscriptionLimit: 1 } });
		try {
			expect(
				(await bearer(capped, 'POST', P, { event_type: 'post.create', filter: { user_id: ALICE } }))
					.status,
			).toBe(200);
			const over = await bearer(capped, 'POST', P, {
				event_type: 'post.delete',
				filter: { user_id: ALICE },
			});
			expect(over.status).toBe(400);
			expect(message(over)).toMatch(/^SubscriptionLimitExceeded: .*limit of 1 /);
		} finally {
			await capped.stop();
		}
	});
});

describe('XAA deliveries', () => {
	let sim: Simulator;
	let receiver: Receiver;
	let hookA: string;
	beforeEach(async () => {
		sim = await startSimulator({ deliveryRetryDelaysMs: [] });
		receiver = await startReceiver(sim.app.consumerSecret);
		hookA = (
			(await bearer(sim, 'POST', '/2/webhooks', { url: receiver.url })).json as {
				data: { id: string };
			}
		).data.id;
	});
	afterEach(async () => {
		await sim.stop();
		await receiver.close();
	});

	const create = async (body: Record<string, unknown>, creds?: Creds): Promise<string> => {
		const res = creds
			? await userJson(sim, 'POST', P, creds, body)
			: await bearer(sim, 'POST', P, body);
		expect(res.status).toBe(200);
		return (res.json as { data: { subscription: { subscription_id: string } } }).data.subscription
			.subscription_id;
	};
	const envelopes = (): Envelope[] =>
		receiver.posts().map((p) => JSON.parse(p.body.toString('utf8')) as Envelope);

	it('posts the signed XAA envelope (no for_user_id, no *_events arrays) to the subscription webhook', async () => {
		await create({
			event_type: 'post.create',
			filter: { user_id: ALICE },
			tag: 'posts',
			webhook_id: hookA,
		});
		const r = await sim.emitXaa('post.create', { userId: ALICE });
		expect(r.deliveries).toHaveLength(1);
		expect(r.deliveries[0]).toMatchObject({ webhookId: hookA, delivered: true });
		const [post] = receiver.posts();
		expect(post.headers['content-type']).toBe('application/json');
		expect(
			verifyWebhookSignature(sim.app.consumerSecret, post.body, post.headers[SIGNATURE_HEADER]),
		).toBe(true);
		expect(verifyWebhookSignature('wrong secret', post.body, post.headers[SIGNATURE_HEADER])).toBe(
			false,
		);
		const env = JSON.parse(post.body.toString('utf8')) as Envelope & Record<string, unknown>;
		expect(Object.keys(env)).toEqual(['data']);
		expect(Object.keys(env.data)).toEqual([
			'event_uuid',
			'filter',
			'event_type',
			'tag',
			'payload',
			'includes',
		]);
		expect(env.data).toMatchObject({
			event_type: 'post.create',
			filter: { user_id: ALICE },
			tag: 'posts',
		});
		expect(env.data.event_uuid).toMatch(/^-?\d{19}$/);
		expect(env.data.payload).toMatchObject({
			author_id: ALICE,
			id: expect.stringMatching(/^\d+$/),
			edit_history_tweet_ids: [expect.any(String)],
		});
		expect((env.data.includes as { users: Array<{ id: string }> }).users[0].id).toBe(ALICE);
		expect(r.eventUuids).toEqual([env.data.event_uuid]);
	});

	it('fans one event out per subscription: same event_uuid, each with its own filter and tag', async () => {
		await create(
			{
				event_type: 'like.create',
				filter: { user_id: ALICE },
				tag: 'all likes',
				webhook_id: hookA,
			},
			userCreds(sim, ALICE),
		);
		await create(
			{
				event_type: 'like.create',
				filter: { user_id: ALICE, direction: 'inbound' },
				tag: 'likes received',
				webhook_id: hookA,
			},
			userCreds(sim, ALICE),
		);
		await create(
			{
				event_type: 'like.create',
				filter: { user_id: ALICE, direction: 'outbound' },
				tag: 'likes given',
				webhook_id: hookA,
			},
			userCreds(sim, ALICE),
		);
		await create(
			{
				event_type: 'like.create',
				filter: { user_id: BOB, direction: 'outbound' },
				tag: 'bob gives',
				webhook_id: hookA,
			},
			userCreds(sim, BOB),
		);

		const r = await sim.emitXaa('like.create', { userId: ALICE, fromUserId: BOB }); // Bob likes Alice's post
		expect(r.subscriptionIds).toHaveLength(3);
		const got = envelopes();
		expect(got.map((e) => e.data.tag).sort()).toEqual(['all likes', 'bob gives', 'likes received']);
		expect(new Set(got.map((e) => e.data.event_uuid)).size).toBe(1);
		expect(got.find((e) => e.data.tag === 'bob gives')!.data.filter).toEqual({
			user_id: BOB,
			direction: 'outbound',
		});
		expect(got.find((e) => e.data.tag === 'likes received')!.data.filter).toEqual({
			user_id: ALICE,
			direction: 'inbound',
		});
		expect(got[0].data.payload).toMatchObject({
			liked_tweet_author_id: ALICE,
			timestamp_ms: expect.stringMatching(/^\d+$/),
		});
	});

	it('delivers a subscription without webhook_id to no webhook, only to the activity stream hook', async () => {
		await create({ event_type: 'profile.update.bio', filter: { user_id: ALICE } });
		const streamed: Envelope[] = [];
		const off = sim.onXaaStreamEvent((envelope) => streamed.push(JSON.parse(envelope.toString('utf8')) as Envelope));
		const r = await sim.emitXaa('profile.update.bio', { userId: ALICE, count: 2 });
		expect(r.deliveries).toEqual([]);
		expect(r.webhookIds).toEqual([]);
		expect(r.subscriptionIds).toHaveLength(1);
		expect(envelopes()).toEqual([]);
		off();
		expect(streamed).toHaveLength(2);
		expect(streamed[0].data).toMatchObject({ event_type: 'profile.update.bio', filter: { user_id: ALICE } });
	});

	it('builds every XAA event type in the envelope X publishes', async () => {
		for (const t of XAA_EVENT_TYPES) {
			const info = XAA_EVENT_CATALOGUE[t];
			if (!info.subscribable) continue;
			const filter = info.filter === 'keyword' ? { keyword: 'OpenAI' } : { user_id: ALICE };
			await create(
				{ event_type: t, filter, tag: t, webhook_id: hookA },
				info.visibility === 'private' ? userCreds(sim, ALICE) : undefined,
			);
		}
		for (const t of XAA_EVENT_TYPES) {
			if (t === 'oauth.revoke') continue;
			const r = await sim.emitXaa(
				t,
				XAA_EVENT_CATALOGUE[t].filter === 'keyword'
					? { keyword: 'openai' }
					: { userId: ALICE, fromUserId: BOB },
			);
			expect({ t, n: r.deliveries.length }).toEqual({ t, n: 1 });
		}
		const byType = new Map(envelopes().map((e) => [e.data.event_type, e.data]));
		expect(byType.size).toBe(XAA_EVENT_TYPES.length - 1);
		for (const [t, d] of byType) {
			expect(d.tag).toBe(t);
			expect(typeof d.payload).toBe('object');
		}
		expect(byType.get('news.new')!.filter).toEqual({ keyword: 'OpenAI' });
		expect(byType.get('dm.received')!.payload).toMatchObject({
			direct_message_events: [
				{
					type: 'message_create',
					message_create: { sender_id: BOB, target: { recipient_id: ALICE } },
				},
			],
			users: { [ALICE]: { data: { id: ALICE } }, [BOB]: { data: { id: BOB } } },
		});
		expect(byType.get('post.reply.create')!.payload).toMatchObject({
			in_reply_to_user_id: ALICE,
			referenced_tweets: [{ type: 'replied_to' }],
		});
		expect(byType.get('post.repost.create')!.payload).toMatchObject({
			referenced_tweets: [{ type: 'retweeted' }],
		});
		expect(byType.get('post.quote.create')!.payload).toMatchObject({
			referenced_tweets: [{ type: 'quoted' }],
		});
		expect(byType.get('post.delete')!.payload).toEqual({
			id: expect.any(String),
			author_id: ALICE,
		});
		expect(byType.get('follow.follow')!.payload).toMatchObject({
			source: { data: { id: BOB } },
			target: { data: { id: ALICE } },
		});
		expect(byType.get('block.block')!.payload).toMatchObject({
			source: { data: { id: ALICE } },
			target: { data: { id: BOB } },
		});
		expect(byType.get('spaces.start')!.payload).toMatchObject({
			user: { data: { id: ALICE } },
			event_type: 'spaces_start',
		});
		expect(byType.get('broadcast.end')!.payload).toMatchObject({
			broadcast_state: 'Ended',
			available_for_replay: true,
		});
		// event_uuid is opaque; some look like negative numbers, as in X's samples
		expect(envelopes().some((e) => e.data.event_uuid.startsWith('-'))).toBe(true);
	});

	it("oauth.revoke arrives with filter {} and ends the user's private subscriptions", async () => {
		await create(
			{ event_type: 'dm.received', filter: { user_id: ALICE }, webhook_id: hookA },
			userCreds(sim, ALICE),
		);
		await create({ event_type: 'post.create', filter: { user_id: ALICE }, webhook_id: hookA });
		const r = await sim.emitXaa('oauth.revoke', { userId: ALICE });
		expect(r.deliveries).toHaveLength(1);
		const [env] = envelopes();
		expect(env.data).toEqual({
			event_uuid: expect.any(String),
			filter: {},
			event_type: 'oauth.revoke',
			payload: {
				date_time: expect.stringMatching(/\+00:00$/),
				user_id: ALICE,
				app_id: sim.app.appId,
			},
		});
		expect(sim.xaaSubscriptions().map((s) => s.event_type)).toEqual(['post.create']);
		const refused = await userJson(sim, 'POST', P, userCreds(sim, ALICE), {
			event_type: 'dm.sent',
			filter: { user_id: ALICE },
		});
		expect(refused.status).toBe(401);
	});

	it('emits XAA kinds through the admin endpoint', async () => {
		await create(
			{
				event_type: 'news.new',
				filter: { keyword: 'OpenAI' },
				tag: 'news',
				webhook_id: hookA,
			},
			userCreds(sim, ALICE),
		);
		const res = await request(`${sim.baseUrl}/_sim/emit`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ kind: 'news.new', keyword: 'OpenAI', count: 2 }),
		});
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({
			kind: 'news.new',
			keyword: 'OpenAI',
			events: 2,
			webhookIds: [hookA],
		});
		expect((res.json as { deliveries: unknown[] }).deliveries).toHaveLength(2);
		expect(envelopes().every((e) => e.data.filter.keyword === 'OpenAI')).toBe(true);
		const bad = await request(`${sim.baseUrl}/_sim/emit`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ kind: 'like.create', direction: 'up' }),
		});
		expect(bad.status).toBe(400);
		const unknown = await request(`${sim.baseUrl}/_sim/emit`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ kind: 'post.nope' }),
		});
		expect(unknown.status).toBe(400);
		expect((unknown.json as { error: string }).error).toMatch(/or an XAA event type/);
	});
});
