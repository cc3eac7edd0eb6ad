/**
 * Resource "Activity Subscription" (X Activity API) of the X Account Activity node against the X
 * simulator over HTTP, flavour v2: create (public with the bearer, private with the credential
 * account or user tokens from the items), list, update, delete one and many, validation before
 * anything is sent, the v2-only rule, continueOnFail, and a scan for secrets.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeProperties } from 'n8n-workflow';

import {
	XAA_EVENT_CATALOGUE,
	XAA_SUBSCRIBABLE_EVENT_TYPES,
	type XaaEventType,
} from '../../client/xaa-event-types';
import { parseIdList } from '../../nodes/XAccountActivity/actions/activitySubscription/delete.operation';
import { XAccountActivity } from '../../nodes/XAccountActivity/XAccountActivity.node';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator';
import { recorded, runNode, runNodeError } from './harness';
import { startReceiver, type Receiver } from './receiver';
import { allSecrets, credentialsFor, userItems, userTokenParams } from './setup';

const node = new XAccountActivity();
const RESOURCE = { resource: 'activitySubscription' };
const WRONG_VALUE = 'not-the-right-secret-9876543210';
const sims: Simulator[] = [];

async function sim(config: SimulatorOptions = {}): Promise<Simulator> {
	const s = await startSimulator(config);
	sims.push(s);
	return s;
}

afterAll(async () => {
	await Promise.all(sims.map((s) => s.stop()));
});

const xaaRequests = (s: Simulator, from = 0) =>
	s.requestLog.slice(from).filter((r) => r.path.startsWith('/2/activity/subscriptions'));

describe('description', () => {
	const props = node.description.properties;
	const shownFor = (name: string, eventType: string): INodeProperties[] =>
		props.filter((p) => {
			const show = p.displayOptions?.show;
			if (p.name !== name || !show?.resource?.includes('activitySubscription')) return false;
			if (!show.operation?.includes('create')) return false;
			return !show.eventType || show.eventType.includes(eventType);
		});

	it('offers the resource with create, list, update and delete', () => {
		const resource = props.find((p) => p.name === 'resource');
		expect(resource?.options?.map((o) => (o as { value: string }).value)).toContain(
			'activitySubscription',
		);
		const ops = props.find(
			(p) =>
				p.name === 'operation' &&
				p.displayOptions?.show?.resource?.includes('activitySubscription'),
		);
		expect(ops?.options?.map((o) => (o as { value: string }).value).sort()).toEqual([
			'create',
			'delete',
			'list',
			'update',
		]);
	});

	it('lists every subscribable event type, saying public or private and which filter', () => {
		const eventType = props.find(
			(p) => p.name === 'eventType' && p.displayOptions?.show?.operation?.includes('create'),
		);
		const options = (eventType?.options ?? []) as Array<{
			name: string;
			value: string;
			description: string;
		}>;
		expect(options.map((o) => o.value).sort()).toEqual([...XAA_SUBSCRIBABLE_EVENT_TYPES].sort());
		expect(options.map((o) => o.value)).not.toContain('oauth.revoke');
		for (const o of options) {
			const info = XAA_EVENT_CATALOGUE[o.value as XaaEventType];
			expect(o.description).toMatch(info.visibility === 'public' ? /^.+\. Public/ : /Private/);
			expect(o.description).toMatch(info.filter === 'keyword' ? /filter: Keyword/ : /User ID/);
		}
		expect(options.find((o) => o.value === 'like.create')?.description).toMatch(/Direction/);
		expect(options.find((o) => o.value === 'mute.mute')?.description).toMatch(/actor only/);
	});

	it('shows the filter fields and Act As only where the event type needs them', () => {
		expect(shownFor('userId', 'post.create')).toHaveLength(1);
		expect(shownFor('userId', 'post.create')[0].required).toBe(true);
		expect(shownFor('userId', 'dm.received')[0].required).toBeFalsy(); // defaults to the token's id
		expect(shownFor('userId', 'news.new')).toHaveLength(0);
		expect(shownFor('keyword', 'news.new')).toHaveLength(1);
		expect(shownFor('keyword', 'post.create')).toHaveLength(0);
		expect(shownFor('direction', 'like.create')).toHaveLength(1);
		// X documents direction for like.create only
		for (const t of XAA_SUBSCRIBABLE_EVENT_TYPES)
			expect([t, shownFor('direction', t).length]).toEqual([t, t === 'like.create' ? 1 : 0]);
		// the Authentication choice (OAuth 1.0a token or OAuth 2.0 credential) for private types only
		for (const t of XAA_SUBSCRIBABLE_EVENT_TYPES) {
			const isPrivate = XAA_EVENT_CATALOGUE[t].visibility === 'private';
			expect([t, shownFor('userAuthentication', t).length]).toEqual([t, isPrivate ? 1 : 0]);
		}
		expect(shownFor('direction', 'mute.mute')).toHaveLength(0);
		expect(shownFor('direction', 'post.create')).toHaveLength(0);
		expect(shownFor('actAs', 'dm.received')).toHaveLength(1);
		expect(shownFor('actAs', 'post.create')).toHaveLength(0);
		const secret = shownFor('accessTokenSecret', 'dm.received');
		expect(secret).toHaveLength(1);
		expect(secret[0].typeOptions?.password).toBe(true);
	});

	it('reads subscription ids from text, arrays and items, keeping them strings', () => {
		expect(parseIdList('1, 2 3,,4\n5')).toEqual(['1', '2', '3', '4', '5']);
		expect(parseIdList(['1', ['2', '1'], 3])).toEqual(['1', '2', '3']);
		expect(parseIdList('["1460000000000000001","1460000000000000002"]')).toEqual([
			'1460000000000000001',
			'1460000000000000002',
		]);
		expect(parseIdList([{ subscription_id: '7' }, { id: '8' }])).toEqual(['7', '8']);
		expect(parseIdList('')).toEqual([]);
		expect(() => parseIdList([JSON.parse('1460000000000000001') as number])).toThrow(/lost digits/);
	});
});

describe('Activity Subscription on v2', () => {
	let s: Simulator;
	let receiver: Receiver;
	let creds: ICredentialDataDecryptedObject;
	let webhookId = '';
	let otherWebhookId = '';
	let users: IDataObject[] = [];

	beforeAll(async () => {
		s = await sim();
		receiver = await startReceiver(s.app.consumerSecret);
		// the bearer is fetched with POST /oauth2/token: one more secret for the scan
		creds = credentialsFor(s, 'v2', { fetchBearer: true });
		users = userItems(s);
		for (const path of ['/hooks/xaa', '/hooks/xaa-2']) {
			const out = await runNode(node, {
				credentials: creds,
				params: { resource: 'webhook', operation: 'register', url: receiver.url(path) },
			});
			if (!webhookId) webhookId = out[0].json.webhook_id as string;
			else otherWebhookId = out[0].json.webhook_id as string;
		}
	});

	afterAll(async () => {
		await receiver?.stop();
	});

	const create = (params: Record<string, unknown>, items?: IDataObject[], continueOnFail = false) =>
		runNode(node, {
			credentials: creds,
			items,
			continueOnFail,
			params: { ...RESOURCE, operation: 'create', ...params },
		});

	describe('create', () => {
		it('a public event type with the bearer: the normalised subscription as snake_case', async () => {
			const before = s.requestLog.length;
			const alice = users[0];
			const out = await create(
				{
					eventType: 'post.create',
					userId: (json: IDataObject) => json.user_id,
					tag: 'alice posts',
					webhookId,
				},
				[alice],
			);
			expect(out).toHaveLength(1);
			expect(out[0].pairedItem).toEqual({ item: 0 });
			expect(out[0].json).toEqual({
				subscription_id: expect.stringMatching(/^\d{19}$/),
				event_type: 'post.create',
				filter: { user_id: alice.user_id },
				tag: 'alice posts',
				webhook_id: webhookId,
				created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
				updated_at: expect.any(String),
				already_existed: false,
			});
			const sent = xaaRequests(s, before);
			expect(sent).toHaveLength(1);
			expect(sent[0]).toMatchObject({ method: 'POST', auth: 'bearer', status: 200 });
			expect(s.xaaSubscriptions().map((x) => x.subscription_id)).toContain(
				out[0].json.subscription_id,
			);
		});

		it('a private event type as the credential account: User ID defaults to the owner', async () => {
			const before = s.requestLog.length;
			const out = await create({ eventType: 'dm.received', actAs: 'credential', webhookId });
			expect(out[0].json).toMatchObject({
				event_type: 'dm.received',
				filter: { user_id: s.app.ownerUserId },
				webhook_id: webhookId,
				already_existed: false,
			});
			expect(out[0].json.tag).toBeUndefined();
			expect(xaaRequests(s, before)[0]).toMatchObject({
				auth: 'oauth1-user',
				userId: s.app.ownerUserId,
				status: 200,
			});
		});

		it('a private event type with user tokens from the items, one subscription per item', async () => {
			const items = users.slice(0, 3);
			const before = s.requestLog.length;
			const out = await create(
				{
					eventType: 'like.create',
					userId: (json: IDataObject) => json.user_id,
					direction: 'inbound',
					webhookId,
					...userTokenParams,
				},
				items,
			);
			expect(out).toHaveLength(3);
			out.forEach((o, i) => {
				expect(o.pairedItem).toEqual({ item: i });
				expect(o.json).toMatchObject({
					event_type: 'like.create',
					filter: { user_id: items[i].user_id, direction: 'inbound' },
					already_existed: false,
				});
			});
			const sent = xaaRequests(s, before);
			expect(sent.map((r) => r.auth)).toEqual(['oauth1-user', 'oauth1-user', 'oauth1-user']);
			expect(sent.map((r) => r.userId)).toEqual(items.map((u) => u.user_id));
		});

		it('keyword news and a user id given as a (safe) number', async () => {
			const kw = await create({ eventType: 'news.new', keyword: 'electric vehicles' });
			expect(kw[0].json).toMatchObject({
				event_type: 'news.new',
				filter: { keyword: 'electric vehicles' },
			});
			const numeric = await create({ eventType: 'profile.update.bio', userId: 3001969357 });
			expect(numeric[0].json.filter).toEqual({ user_id: '3001969357' });
		});

		it('"already exists" is success: the existing subscription with already_existed true', async () => {
			// like.create is private (X's docs): created with the user's own token
			const params = {
				eventType: 'like.create',
				userId: users[1].user_id,
				actAs: 'userToken',
				accessToken: users[1].access_token,
				accessTokenSecret: users[1].access_token_secret,
				direction: 'outbound',
				tag: 'first',
				webhookId,
			};
			const first = await create(params);
			const again = await create({ ...params, tag: 'second' });
			expect(again[0].json).toMatchObject({
				subscription_id: first[0].json.subscription_id,
				tag: 'first',
				already_existed: true,
			});
			expect(
				s.xaaSubscriptions().filter((x) => x.subscription_id === first[0].json.subscription_id),
			).toHaveLength(1);
		});

		it.each<[string, Record<string, unknown>, RegExp]>([
			['a public type without a user id', { eventType: 'post.create' }, /User ID is required/],
			[
				'a handle instead of a user id',
				{ eventType: 'post.create', userId: '@alice' },
				/not a numeric X user ID.*not its @handle/,
			],
			[
				'a user id that lost digits as a number',
				{ eventType: 'post.create', userId: JSON.parse('1603419180975409153') as number },
				/lost digits/,
			],
			['news without a keyword', { eventType: 'news.new' }, /needs a Keyword of 1 to 150/],
			[
				'a tag over 200 characters',
				{ eventType: 'post.create', userId: '3001969357', tag: 'x'.repeat(201) },
				/Tag is 201 characters long/,
			],
			[
				'a webhook id that is not digits',
				{ eventType: 'post.create', userId: '3001969357', webhookId: 'my-hook' },
				/Webhook ID "my-hook" is not an X ID/,
			],
			[
				'an unknown event type from an expression',
				{ eventType: 'post.like', userId: '3001969357' },
				/"post.like" is not an XAA event type/,
			],
			[
				'oauth.revoke, which X delivers unasked',
				{ eventType: 'oauth.revoke' },
				/not an XAA event type one can subscribe to/,
			],
			[
				'a user token without its secret',
				{
					eventType: 'dm.sent',
					actAs: 'userToken',
					accessToken: '3001969357-abc',
					accessTokenSecret: '',
				},
				/Access Token Secret is empty for item 0/,
			],
			[
				'a bad direction from an expression',
				{ eventType: 'like.create', userId: '3001969357', direction: 'sideways' },
				/Direction must be both, inbound or outbound/,
			],
		])('refuses %s before sending anything', async (_what, params, message) => {
			const before = s.requestLog.length;
			const err = await runNodeError(node, {
				credentials: creds,
				params: { ...RESOURCE, operation: 'create', ...params },
			});
			expect(err.constructor.name).toBe('NodeOperationError');
			expect(err.message).toMatch(message);
			expect((err.context as IDataObject).itemIndex).toBe(0);
			expect(s.requestLog.length).toBe(before);
		});

		it('a private type as the credential account when the credential has no user token', async () => {
			const before = s.requestLog.length;
			const err = await runNodeError(node, {
				credentials: { ...creds, accessToken: '', accessTokenSecret: '' },
				params: { ...RESOURCE, operation: 'create', eventType: 'dm.sent' },
			});
			expect(err.message).toMatch(/credential has no Access Token.*Act As: User Token/);
			expect(s.requestLog.length).toBe(before);
		});

		it("X's refusal is a NodeApiError with reason and hint (mute for another user)", async () => {
			const err = await runNodeError(node, {
				credentials: creds,
				items: [users[0]],
				params: {
					...RESOURCE,
					operation: 'create',
					eventType: 'mute.mute',
					userId: users[1].user_id,
					...userTokenParams,
				},
			});
			expect(err.constructor.name).toBe('NodeApiError');
			expect(err.httpCode).toBe('403');
			expect(err.description).toMatch(
				/mute\/block subscriptions only work for the authenticated user/,
			);
			expect((err.errorResponse as IDataObject).operation).toBe('create XAA subscription');
		});

		it('continueOnFail: a wrong token becomes an error item, the other items succeed', async () => {
			const items = users.slice(2, 5).map((u) => ({ ...u }));
			items[1].access_token_secret = WRONG_VALUE;
			const out = await create(
				{
					eventType: 'post.reply.create',
					userId: (json: IDataObject) => json.user_id,
					...userTokenParams,
				},
				items,
				true,
			);
			expect(out).toHaveLength(3);
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(out[0].json).toMatchObject({
				event_type: 'post.reply.create',
				already_existed: false,
			});
			expect(out[2].json.filter).toEqual({ user_id: items[2].user_id });
			expect(out[1].json).toMatchObject({ status: 401, operation: 'create XAA subscription' });
			expect(out[1].json.error).toMatch(/create XAA subscription failed: X answered 401/);
			expect(out[1].json.subscription_id).toBeUndefined();
			expect(JSON.stringify(out)).not.toContain(WRONG_VALUE);
		});
	});

	describe('update', () => {
		let id = '';
		beforeAll(async () => {
			// follow.* is private (X's docs): the credential account's own subscription
			const out = await create({ eventType: 'follow.unfollow', actAs: 'credential' });
			id = out[0].json.subscription_id as string;
		});

		it('changes the tag and the webhook', async () => {
			const out = await runNode(node, {
				credentials: creds,
				params: { ...RESOURCE, operation: 'update', subscriptionId: id, tag: 'moved', webhookId },
			});
			expect(out[0].json).toMatchObject({
				subscription_id: id,
				event_type: 'follow.unfollow',
				filter: { user_id: s.app.ownerUserId },
				tag: 'moved',
				webhook_id: webhookId,
			});
			expect(out[0].json.already_existed).toBeUndefined();
		});

		it('changes only the webhook, keeping the tag', async () => {
			const out = await runNode(node, {
				credentials: creds,
				params: {
					...RESOURCE,
					operation: 'update',
					subscriptionId: id,
					webhookId: otherWebhookId,
				},
			});
			expect(out[0].json).toMatchObject({ tag: 'moved', webhook_id: otherWebhookId });
			expect(s.xaaSubscriptions().find((x) => x.subscription_id === id)).toMatchObject({
				tag: 'moved',
				webhook_id: otherWebhookId,
			});
		});

		it.each<[string, Record<string, unknown>, RegExp]>([
			['neither tag nor webhook', {}, /needs a Tag and\/or a Webhook ID/],
			['no subscription id', { subscriptionId: '', tag: 't' }, /Subscription ID is required/],
			['a bad subscription id', { subscriptionId: 'abc', tag: 't' }, /"abc" is not an X ID/],
		])('refuses %s before sending anything', async (_what, params, message) => {
			const before = s.requestLog.length;
			const err = await runNodeError(node, {
				credentials: creds,
				params: { ...RESOURCE, operation: 'update', subscriptionId: id, ...params },
			});
			expect(err.message).toMatch(message);
			expect(s.requestLog.length).toBe(before);
		});
	});

	describe('delete', () => {
		const createPosts = async (n: number): Promise<string[]> => {
			const out = await create(
				{ eventType: 'post.delete', userId: (json: IDataObject) => json.user_id },
				users.slice(0, n),
			);
			return out.map((o) => o.json.subscription_id as string);
		};

		it('deletes one', async () => {
			const [id] = await createPosts(1);
			const out = await runNode(node, {
				credentials: creds,
				params: { ...RESOURCE, operation: 'delete', subscriptionId: id },
			});
			expect(out).toEqual([
				{ json: { subscription_id: id, deleted: true }, pairedItem: { item: 0 } },
			]);
			expect(s.xaaSubscriptions().map((x) => x.subscription_id)).not.toContain(id);

			// deleting it again: X says it is not found, with the hint
			const err = await runNodeError(node, {
				credentials: creds,
				params: { ...RESOURCE, operation: 'delete', subscriptionId: id },
			});
			expect(err.constructor.name).toBe('NodeApiError');
			expect((err.errorResponse as IDataObject).reason).toBe('SubscriptionNotFound');
			expect(err.description).toMatch(/list the subscriptions/);
		});

		it('deletes many: one item per id, an unknown id reported in its item, not thrown', async () => {
			const ids = await createPosts(3);
			const unknown = '1460000000009999999';
			const before = s.requestLog.length;
			const out = await runNode(node, {
				credentials: creds,
				params: {
					...RESOURCE,
					operation: 'delete',
					deleteMode: 'many',
					subscriptionIds: `${ids[0]}, ${unknown} ${ids[1]},not-an-id,${ids[2]}`,
				},
			});
			expect(out.map((o) => o.json)).toEqual([
				{ subscription_id: ids[0], deleted: true },
				{
					subscription_id: unknown,
					deleted: false,
					error: expect.stringMatching(/SubscriptionNotFound/),
				},
				{ subscription_id: ids[1], deleted: true },
				{ subscription_id: 'not-an-id', deleted: false, error: expect.stringMatching(/not sent/) },
				{ subscription_id: ids[2], deleted: true },
			]);
			expect(out.every((o) => (o.pairedItem as { item: number }).item === 0)).toBe(true);
			expect(xaaRequests(s, before)).toHaveLength(1);
			const left = s.xaaSubscriptions().map((x) => x.subscription_id);
			for (const id of ids) expect(left).not.toContain(id);
		});

		it('deletes many from an array given by an expression, per input item', async () => {
			const ids = await createPosts(4);
			const out = await runNode(node, {
				credentials: creds,
				items: [{ ids: ids.slice(0, 2) }, { ids: ids.slice(2) }],
				params: {
					...RESOURCE,
					operation: 'delete',
					deleteMode: 'many',
					subscriptionIds: (json: IDataObject) => json.ids,
				},
			});
			expect(out.map((o) => [o.json.subscription_id, o.json.deleted, o.pairedItem])).toEqual([
				[ids[0], true, { item: 0 }],
				[ids[1], true, { item: 0 }],
				[ids[2], true, { item: 1 }],
				[ids[3], true, { item: 1 }],
			]);
		});

		it('the item fails only when the whole call fails (continueOnFail)', async () => {
			const ids = await createPosts(2);
			s.failNext(1, { status: 403, pathPattern: /^\/2\/activity\/subscriptions$/ });
			const out = await runNode(node, {
				credentials: creds,
				items: [{ ids: [ids[0]] }, { ids: [ids[1]] }],
				continueOnFail: true,
				params: {
					...RESOURCE,
					operation: 'delete',
					deleteMode: 'many',
					subscriptionIds: (json: IDataObject) => json.ids,
				},
			});
			expect(out).toHaveLength(2);
			expect(out[0].pairedItem).toEqual({ item: 0 });
			expect(out[0].json).toMatchObject({ status: 403, operation: 'delete XAA subscriptions' });
			expect(out[0].json.deleted).toBeUndefined();
			expect(out[1].json).toEqual({ subscription_id: ids[1], deleted: true });
		});

		it('refuses an empty list before sending anything', async () => {
			const before = s.requestLog.length;
			const err = await runNodeError(node, {
				credentials: creds,
				params: { ...RESOURCE, operation: 'delete', deleteMode: 'many', subscriptionIds: ' , ' },
			});
			expect(err.message).toMatch(/Subscription IDs is empty/);
			expect(s.requestLog.length).toBe(before);
		});
	});
});

describe('list', () => {
	const TYPES: XaaEventType[] = [
		'post.create',
		'post.delete',
		'profile.update.url',
		'profile.update.bio',
		'broadcast.start',
	];
	let s: Simulator;
	let creds: ICredentialDataDecryptedObject;
	let total = 0;

	beforeAll(async () => {
		s = await sim({
			generateUsers: { count: 210 },
			rateLimits: { 'xaa.subscriptions.create': 5000 },
		});
		creds = credentialsFor(s, 'v2');
		const items = s
			.users()
			.slice(0, 210)
			.flatMap((u, n) =>
				TYPES.map((t) => ({ user_id: u.id, event_type: t, tag: n % 2 ? 'odd' : 'even' })),
			);
		// more than 1,000 subscriptions: Return All needs two pages of X's largest page size
		const out = await runNode(node, {
			credentials: creds,
			items,
			params: {
				...RESOURCE,
				operation: 'create',
				eventType: (json: IDataObject) => json.event_type,
				userId: (json: IDataObject) => json.user_id,
				tag: (json: IDataObject) => json.tag,
			},
		});
		total = items.length;
		expect(out).toHaveLength(total);
		expect(out.every((o) => o.json.already_existed === false)).toBe(true);
	}, 60_000);

	const list = (params: Record<string, unknown>) =>
		runNode(node, { credentials: creds, params: { ...RESOURCE, operation: 'list', ...params } });

	it('Return All reads every page: one item per subscription', async () => {
		expect(total).toBeGreaterThan(1000);
		const before = s.requestLog.length;
		const out = await list({ returnAll: true });
		expect(out).toHaveLength(total);
		expect(new Set(out.map((o) => o.json.subscription_id)).size).toBe(total);
		expect(out.map((o) => o.json.subscription_id)).toEqual(
			s.xaaSubscriptions().map((x) => x.subscription_id),
		);
		expect(xaaRequests(s, before).map((r) => r.method)).toEqual(['GET', 'GET']);
		for (const o of out.slice(0, 3)) {
			expect(o.pairedItem).toEqual({ item: 0 });
			expect(typeof o.json.subscription_id).toBe('string');
			expect(typeof (o.json.filter as IDataObject).user_id).toBe('string');
			expect(o.json.already_existed).toBeUndefined();
		}
	});

	it('Limit: the first N, one request when N fits a page', async () => {
		const before = s.requestLog.length;
		const out = await list({ returnAll: false, limit: 30 });
		expect(out.map((o) => o.json.subscription_id)).toEqual(
			s
				.xaaSubscriptions()
				.slice(0, 30)
				.map((x) => x.subscription_id),
		);
		expect(xaaRequests(s, before)).toHaveLength(1);
		expect(await list({ returnAll: false, limit: 150 })).toHaveLength(150);
		expect(await list({})).toHaveLength(50); // the default limit
	});

	it('filters by event type and tag locally, across every page', async () => {
		const spaces = await list({ returnAll: true, filters: { eventType: 'broadcast.start' } });
		expect(spaces).toHaveLength(210);
		expect(spaces.every((o) => o.json.event_type === 'broadcast.start')).toBe(true);

		const oddBios = await list({
			returnAll: true,
			filters: { eventType: 'profile.update.bio', tag: 'odd' },
		});
		expect(oddBios).toHaveLength(105);
		expect(oddBios.every((o) => o.json.tag === 'odd')).toBe(true);

		const limited = await list({ returnAll: false, limit: 7, filters: { tag: 'even' } });
		expect(limited).toHaveLength(7);
		expect(limited.every((o) => o.json.tag === 'even')).toBe(true);

		expect(await list({ returnAll: true, filters: { tag: 'none such' } })).toEqual([]);
	});
});

describe('rate limits (per app, per method)', () => {
	it('a far reset fails at once with the reset time; a short one is waited for', async () => {
		const far = await sim({ rateLimits: { 'xaa.subscriptions.list': 1 } });
		const started = Date.now();
		const out = await runNode(node, {
			credentials: credentialsFor(far, 'v2'),
			items: [{}, {}],
			continueOnFail: true,
			params: { ...RESOURCE, operation: 'list', returnAll: true },
		});
		expect(Date.now() - started).toBeLessThan(5_000);
		// item 0: no subscriptions yet, so no items; item 1: the 429 as an error item
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual({ item: 1 });
		expect(out[0].json).toMatchObject({ status: 429, operation: 'list XAA subscriptions' });
		expect(out[0].json.rateLimitReset).toBeGreaterThan(Date.now() / 1000 + 60);
		const err = await runNodeError(node, {
			credentials: credentialsFor(far, 'v2'),
			params: { ...RESOURCE, operation: 'list', returnAll: true },
		});
		expect(err.constructor.name).toBe('NodeApiError');
		expect(err.httpCode).toBe('429');
		expect(err.message).toMatch(/rate-limit window resets at \d{4}-\d{2}-\d{2}T/);

		const short = await sim({
			rateLimitWindowSeconds: 2,
			rateLimits: { 'xaa.subscriptions.create': 1 },
		});
		const created = await runNode(node, {
			credentials: credentialsFor(short, 'v2'),
			items: [{ user_id: '3001969357' }, { user_id: '4337869213' }],
			params: {
				...RESOURCE,
				operation: 'create',
				eventType: 'post.create',
				userId: (json: IDataObject) => json.user_id,
			},
		});
		expect(created.map((o) => o.json.already_existed)).toEqual([false, false]);
		expect(short.stats.rateLimited).toBeGreaterThanOrEqual(1);
	});
});

describe('the credential must be v2', () => {
	it.each(['enterprise', 'premium'] as const)(
		'%s: a clear error before any request, or an error item with continueOnFail',
		async (flavour) => {
			const s = await sim();
			const before = s.requestLog.length;
			const err = await runNodeError(node, {
				credentials: credentialsFor(s, flavour),
				params: { ...RESOURCE, operation: 'list', returnAll: true },
			});
			expect(err.constructor.name).toBe('NodeOperationError');
			expect(err.message).toContain(
				"The X Activity API uses v2: set the credential's API Version to v2",
			);
			expect(err.message).toContain(flavour);
			const out = await runNode(node, {
				credentials: credentialsFor(s, flavour),
				items: [{}, {}],
				continueOnFail: true,
				params: { ...RESOURCE, operation: 'create', eventType: 'post.create', userId: '1' },
			});
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(out[0].json.error).toMatch(/uses v2/);
			expect(s.requestLog.length).toBe(before);
		},
	);
});

it('never put a secret in an output item or an error', () => {
	const text = recorded.join('\n');
	expect(text.length).toBeGreaterThan(0);
	for (const s of sims) for (const secret of allSecrets(s)) expect(text).not.toContain(secret);
	expect(text).not.toContain(WRONG_VALUE);
});
