/**
 * The XAA normalisers over X's published answers (test/fixtures/xaa, copied verbatim) and the
 * other shapes X's sources show, plus the event-type catalogue and the AAA → XAA mapping.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parseJsonLossless } from '../../client/lossless-json';
import {
	AAA_EQUIVALENT_XAA_TYPES,
	AAA_TO_XAA,
	XAA_EVENT_CATALOGUE,
	XAA_EVENT_TYPES,
	canonicalXaaEventType,
	xaaSubscriptionsForAaaUser,
} from '../../client/xaa-event-types';
import {
	extractXaaSubscription,
	normaliseXaaDelete,
	normaliseXaaDeleteMany,
	normaliseXaaList,
} from '../../client/xaa-normalise';
import { XaaValidationError, validateXaaCreate } from '../../client/xaa-client';

const fixture = (name: string): unknown =>
	parseJsonLossless(readFileSync(path.join(__dirname, '../fixtures/xaa', name), 'utf8'));

const pick = (i: { visibility: string; directional: boolean; oauth2Scope: string | null }) => ({
	visibility: i.visibility,
	directional: i.directional,
	oauth2Scope: i.oauth2Scope,
});

describe('XAA response normalisers (published examples)', () => {
	it('create, array of one (quickstart 1)', () => {
		expect(
			extractXaaSubscription(fixture('create-subscription-response.quickstart-1-array.json')),
		).toEqual({
			id: '1976325569252868096',
			eventType: 'profile.update.bio',
			filter: { userId: '2244994945' },
			tag: "Xdevelopers' bio updates",
			createdAt: '2025-10-09T16:35:08.000Z',
			updatedAt: '2025-10-09T16:35:08.000Z',
		});
	});

	it('create, flat object (quickstart 2)', () => {
		expect(
			extractXaaSubscription(fixture('create-subscription-response.quickstart-2-object.json')),
		).toEqual({
			id: '1976325569252868096',
			eventType: 'profile.update.bio',
			filter: { userId: '123456789' },
			tag: 'my bio updates',
			webhookId: '1976325569252868099',
			createdAt: '2025-10-09T16:35:08.000Z',
			updatedAt: '2025-10-09T16:35:08.000Z',
		});
	});

	it('create and update, data.subscription (OpenAPI), with and without total', () => {
		const sub = {
			subscription_id: '1146654567674912769',
			event_type: 'like.create',
			filter: { user_id: '2244994945', direction: 'inbound' },
			created_at: '2023-11-07T05:31:56Z',
			updated_at: '2023-11-07T05:31:56Z',
			webhook_id: '1146654567674912770',
		};
		const want = {
			id: '1146654567674912769',
			eventType: 'like.create',
			filter: { userId: '2244994945', direction: 'inbound' },
			webhookId: '1146654567674912770',
			createdAt: '2023-11-07T05:31:56Z',
			updatedAt: '2023-11-07T05:31:56Z',
		};
		expect(
			extractXaaSubscription({
				data: { subscription: sub, total_subscriptions_for_instance_id: 3 },
			}),
		).toEqual(want);
		expect(extractXaaSubscription({ data: { subscription: sub, total_subscriptions: 3 } })).toEqual(
			want,
		);
		// one doc version answers without the subscription: the client must look it up
		expect(
			extractXaaSubscription({ data: { total_subscriptions_for_instance_id: 3 } }),
		).toBeUndefined();
	});

	it('keeps 64-bit ids sent as bare numbers exact', () => {
		const body = parseJsonLossless(
			'{"data":{"subscription_id":1976325569252868096,"event_type":"post.create","filter":{"user_id":1603419180975409153}}}',
		);
		expect(extractXaaSubscription(body)).toMatchObject({
			id: '1976325569252868096',
			filter: { userId: '1603419180975409153' },
		});
	});

	it('update (quickstart, flat with meta)', () => {
		expect(
			extractXaaSubscription(fixture('update-subscription-response.quickstart.json')),
		).toMatchObject({
			id: '1976325569252868096',
			tag: 'my new tag',
			webhookId: '192846273860294839',
			updatedAt: '2025-10-10T17:10:58.000Z',
		});
	});

	it('list (quickstart), and the OpenAPI meta with next_token and result_count', () => {
		const page = normaliseXaaList(fixture('list-subscriptions-response.quickstart.json'));
		expect(page.subscriptions.map((s) => [s.id, s.eventType, s.filter.userId])).toEqual([
			['1976325569252868096', 'profile.update.bio', '123456789'],
			['1976325569252868097', 'profile.update.profile_picture', '987654321'],
		]);
		expect(page.totalSubscriptions).toBe(2);
		expect(page.nextToken).toBeUndefined();
		const next = normaliseXaaList({
			data: [],
			meta: { next_token: 'ABCDEFGHIJKLMNOP', result_count: 0 },
		});
		expect(next).toEqual({ subscriptions: [], nextToken: 'ABCDEFGHIJKLMNOP', resultCount: 0 });
		expect(normaliseXaaList({ meta: { total_subscriptions: 0 } })).toEqual({
			subscriptions: [],
			totalSubscriptions: 0,
		});
	});

	it('delete one (quickstart)', () => {
		expect(normaliseXaaDelete(fixture('delete-subscription-response.quickstart.json'))).toEqual({
			deleted: true,
			totalSubscriptions: 0,
		});
	});

	it('delete many: per-id results in the order asked, from data and errors', () => {
		const body = {
			data: [{ subscription_id: '2', deleted: true }],
			errors: [
				{
					subscription_id: '1',
					reason: 'SubscriptionNotFound',
					message: 'no subscription 1 for this app',
				},
			],
			meta: { total_subscriptions: 4 },
		};
		expect(normaliseXaaDeleteMany(body, ['1', '2', '3'])).toEqual([
			{
				id: '1',
				deleted: false,
				reason: 'SubscriptionNotFound',
				error: 'SubscriptionNotFound: no subscription 1 for this app',
			},
			{ id: '2', deleted: true },
			{ id: '3', deleted: false, error: 'X did not report on this id' },
		]);
		// a bare {"data":{"deleted":true}}: everything not named in errors went
		expect(
			normaliseXaaDeleteMany(
				{ data: { deleted: true }, errors: [{ subscription_id: '9', detail: 'gone' }] },
				['8', '9'],
			),
		).toEqual([
			{ id: '8', deleted: true },
			{ id: '9', deleted: false, error: 'gone' },
		]);
	});
});

describe('XAA event-type catalogue', () => {
	it('covers every type of REFERENCE.md and the OpenAPI create enum, with auth and filter rules', () => {
		const openapi = JSON.parse(
			readFileSync(
				path.join(__dirname, '../fixtures/xaa/create-subscription-request.quickstart.json'),
				'utf8',
			),
		) as { event_type: string };
		expect(canonicalXaaEventType(openapi.event_type)).toBe('profile.update.bio');
		expect(XAA_EVENT_TYPES).toHaveLength(42);
		expect(XAA_EVENT_CATALOGUE['post.create']).toMatchObject({
			visibility: 'public',
			filter: 'user_id',
			directional: false,
		});
		expect(XAA_EVENT_CATALOGUE['like.create']).toMatchObject({
			visibility: 'private',
			directional: true,
			oauth2Scope: 'like.read',
		});
		expect(XAA_EVENT_CATALOGUE['mute.mute']).toMatchObject({
			visibility: 'private',
			actorOnly: true,
			directional: false,
		});
		expect(XAA_EVENT_CATALOGUE['news.new']).toMatchObject({
			visibility: 'private',
			filter: 'keyword',
		});
		expect(XAA_EVENT_CATALOGUE['oauth.revoke']).toMatchObject({
			subscribable: false,
			filter: 'none',
		});
		expect(XAA_EVENT_CATALOGUE['dm.read'].oauth2Scope).toBe('dm.read');
		expect(canonicalXaaEventType('chat.conversation_join')).toBe('chat.conversation.join');
		expect(canonicalXaaEventType('ProfileBioUpdate')).toBeUndefined();
	});

	it("holds X's public list, its scopes and the like.create-only direction rule exactly", () => {
		// REFERENCE.md: the public list is profile.update.*, post.create, post.delete,
		// broadcast.start and broadcast.end; every other subscribable type is private.
		const isDocumentedPublic = (t: string) =>
			t.startsWith('profile.update.') ||
			['post.create', 'post.delete', 'broadcast.start', 'broadcast.end'].includes(t);
		const expectedScope = (t: string) =>
			t.startsWith('dm.') || t.startsWith('chat.')
				? 'dm.read'
				: t === 'like.create'
					? 'like.read'
					: t.startsWith('mute.')
						? 'mute.read'
						: t.startsWith('block.')
							? 'block.read'
							: t === 'broadcast.chat'
								? 'broadcast.read'
								: 'tweet.read';
		for (const t of XAA_EVENT_TYPES.filter((x) => XAA_EVENT_CATALOGUE[x].subscribable)) {
			expect({ t, ...pick(XAA_EVENT_CATALOGUE[t]) }).toEqual({
				t,
				visibility: isDocumentedPublic(t) ? 'public' : 'private',
				directional: t === 'like.create',
				oauth2Scope: expectedScope(t),
			});
		}
	});

	it('maps every AAA activity, and the default --to xaa set is the 17 subscribable equivalents', () => {
		expect(AAA_EQUIVALENT_XAA_TYPES).toEqual([
			'post.create',
			'post.mention.create',
			'post.reply.create',
			'post.repost.create',
			'post.quote.create',
			'post.delete',
			'like.create',
			'follow.follow',
			'follow.unfollow',
			'block.block',
			'block.unblock',
			'mute.mute',
			'mute.unmute',
			'dm.received',
			'dm.sent',
			'dm.indicate_typing',
			'dm.read',
		]);
		expect(AAA_TO_XAA.every((m) => m.note.length > 0)).toBe(true);
		expect(AAA_EQUIVALENT_XAA_TYPES).not.toContain('oauth.revoke');
		expect(xaaSubscriptionsForAaaUser('42')).toHaveLength(17);
		expect(xaaSubscriptionsForAaaUser('42')[0]).toEqual({
			eventType: 'post.create',
			filter: { userId: '42' },
		});
	});
});

describe('validateXaaCreate', () => {
	const bad = (req: Parameters<typeof validateXaaCreate>[0], field: string) => {
		let err: unknown;
		try {
			validateXaaCreate(req);
		} catch (e) {
			err = e;
		}
		expect(err).toBeInstanceOf(XaaValidationError);
		expect((err as XaaValidationError).field).toBe(field);
		return (err as Error).message;
	};

	it('builds the canonical body', () => {
		expect(
			validateXaaCreate({
				eventType: 'chat.conversation_join',
				filter: { userId: ' 12 ' },
				tag: 't',
				webhookId: '9',
			}).body,
		).toEqual({
			event_type: 'chat.conversation.join',
			filter: { user_id: '12' },
			tag: 't',
			webhook_id: '9',
		});
		expect(
			validateXaaCreate({
				eventType: 'like.create',
				filter: { userId: '1', direction: 'outbound' },
			}).body.filter,
		).toEqual({
			user_id: '1',
			direction: 'outbound',
		});
		expect(
			validateXaaCreate({ eventType: 'news.new', filter: { keyword: 'OpenAI' } }).body.filter,
		).toEqual({ keyword: 'OpenAI' });
	});

	it('refuses what X would refuse, naming the field', () => {
		expect(
			bad({ eventType: 'tweet_create_events', filter: { userId: '1' } }, 'event_type'),
		).toMatch(/not an XAA event type/);
		expect(bad({ eventType: 'oauth.revoke', filter: { userId: '1' } }, 'event_type')).toMatch(
			/cannot be subscribed/,
		);
		expect(
			bad({ eventType: 'post.create', filter: { userId: '@jack' } }, 'filter.user_id'),
		).toMatch(/numeric user id/);
		expect(
			bad(
				{ eventType: 'post.create', filter: { userId: '12345678901234567890' } },
				'filter.user_id',
			),
		).toBeTruthy();
		expect(bad({ eventType: 'news.new', filter: {} }, 'filter.keyword')).toMatch(/1 to 150/);
		expect(
			bad({ eventType: 'news.new', filter: { keyword: 'x'.repeat(151) } }, 'filter.keyword'),
		).toBeTruthy();
		expect(
			bad(
				{ eventType: 'post.create', filter: { userId: '1', direction: 'inbound' } },
				'filter.direction',
			),
		).toMatch(/does not take a direction/);
		expect(
			bad(
				{ eventType: 'mute.mute', filter: { userId: '1', direction: 'inbound' } },
				'filter.direction',
			),
		).toMatch(/actor-only/);
		expect(
			bad(
				{ eventType: 'like.create', filter: { userId: '1', direction: 'sideways' as 'inbound' } },
				'filter.direction',
			),
		).toBeTruthy();
		expect(
			bad({ eventType: 'post.create', filter: { userId: '1' }, tag: 'x'.repeat(201) }, 'tag'),
		).toMatch(/1 to 200/);
		expect(bad({ eventType: 'post.create', filter: { userId: '1' }, tag: '' }, 'tag')).toBeTruthy();
		expect(
			bad({ eventType: 'post.create', filter: { userId: '1' }, webhookId: 'abc' }, 'webhook_id'),
		).toBeTruthy();
		expect(
			validateXaaCreate({ eventType: 'post.create', filter: { userId: '1' }, tag: 'x'.repeat(200) })
				.body.tag,
		).toHaveLength(200);
	});
});
