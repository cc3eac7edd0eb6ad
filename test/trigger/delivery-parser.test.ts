import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseJsonLossless } from '../../client/lossless-json';
import { parseDelivery } from '../../nodes/XAccountActivityTrigger/delivery-parser';
import type { ActivityItem } from '../../nodes/XAccountActivityTrigger/activity-item';

const FIXTURES = path.resolve(__dirname, '../fixtures/events');
const fixture = (rel: string): unknown =>
	parseJsonLossless(readFileSync(path.join(FIXTURES, rel), 'utf8'));

function items(body: unknown): ActivityItem[] {
	const r = parseDelivery(body);
	if (!r.ok) throw new Error(r.reason);
	return r.items;
}

describe('parseDelivery rejects bodies that are not AAA/XAA events', () => {
	test.each<[string, unknown]>([
		['null', null],
		['a string', 'tweet_create_events'],
		['a number', 42],
		['a boolean', true],
		['an array', [{ for_user_id: '1', tweet_create_events: [] }]],
		['an empty object', {}],
		['an object with none of the known keys', { hello: 'world', id: '1' }],
		['for_user_id without events', { for_user_id: '2244994945' }],
		['*_events that is not an array', { for_user_id: '1', tweet_create_events: { id_str: '1' } }],
		['*_events with a non-object element', { for_user_id: '1', favorite_events: [42] }],
		['user_event that is not an object', { user_event: 'revoke' }],
		['replay_job_status that is not an object', { replay_job_status: ['Complete'] }],
		['data that is not an object', { data: 'x' }],
		['data as an array (a v2 list response)', { data: [{ id: '1' }], meta: { result_count: 1 } }],
		[
			'XAA envelope without event_type',
			{ data: { event_uuid: '1', filter: { user_id: '1' }, payload: {} } },
		],
		['XAA envelope with an empty event_type', { data: { event_type: '', payload: {} } }],
		[
			'XAA envelope without payload',
			{ data: { event_uuid: '1', event_type: 'post.create', filter: { user_id: '1' } } },
		],
		[
			'XAA envelope with a non-object payload',
			{ data: { event_type: 'post.create', payload: 'x' } },
		],
		['a v2 error response', { errors: [{ message: 'x' }] }],
		[
			'a filtered stream post',
			{ data: { id: '1', text: 'hi' }, matching_rules: [{ id: '1', tag: 'x' }] },
		],
	])('%s', (_name, body) => {
		const r = parseDelivery(body);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
	});

	test('an empty *_events array is a valid delivery with no items', () => {
		expect(parseDelivery({ for_user_id: '1', tweet_create_events: [] })).toEqual({
			ok: true,
			api: 'aaa',
			items: [],
		});
	});
});

describe('AAA', () => {
	test('flattens every element of every *_events array, in order', () => {
		const body = fixture('aaa/follow_events.json') as { follow_events: unknown[] };
		const follow = body.follow_events[0] as Record<string, unknown>;
		const second = { ...follow, created_timestamp: '1517588749999' };
		const got = items({ ...body, follow_events: [follow, second] });
		expect(got.map((i) => i.event_id)).toEqual([
			'follow:3001969357:2244994945:1517588749178',
			'follow:3001969357:2244994945:1517588749999',
		]);
	});

	test('an unknown *_events key passes through as activity "unknown"', () => {
		const got = items({
			for_user_id: '12',
			tweet_edit_events: [{ id_str: '99', foo: 1 }, { bar: 2 }],
		});
		expect(
			got.map((i) => [
				i.event_type,
				i.activity,
				i.event_id.startsWith('tweet_edit:') || i.event_id,
			]),
		).toEqual([
			['tweet_edit', 'unknown', '99'],
			['tweet_edit', 'unknown', true],
		]);
	});

	test('ids above 2^53 sent as bare numbers stay exact', () => {
		const text = readFileSync(path.join(FIXTURES, 'aaa/extra.big_ids_bare_numbers.json'), 'utf8');
		const [item] = items(parseJsonLossless(text));
		expect(item.for_user_id).toBe('1603419180975409153');
		expect(item.event_id).toBe('1924466361285382145');
		expect(item.author?.id).toBe('1802345678901234567');
		expect(item.activity).toBe('reply');
		// the raw event keeps the exact digits too (as strings)
		expect(item.event.in_reply_to_status_id).toBe('1924465506158878979');
	});

	test('small numeric ids become strings', () => {
		const [item] = items({
			for_user_id: 2244994945,
			tweet_create_events: [{ id: 12345, user: { id: 777 }, text: 'hi' }],
		});
		expect(item.for_user_id).toBe('2244994945');
		expect(item.event_id).toBe('12345');
		expect(item.author?.id).toBe('777');
	});

	test('prefers id_str over a rounded id', () => {
		const [item] = items(fixture('aaa/tweet_create_events.longform.json'));
		expect(item.event_id).toBe('1924465506158878979');
		expect(item.event.id).toBe('1924465506158879000');
	});

	test('tweet text: extended_tweet.full_text first; a retweet carries the original full text', () => {
		const [longform] = items(fixture('aaa/tweet_create_events.longform.json'));
		expect(longform.text).toMatch(/off the Greek island of Antikythera\.\.\.$/);
		const [rt] = items(fixture('aaa/extra.tweet_create_events.retweet.json'));
		expect(rt.text).toMatch(/^To make room for more expression/);
		expect(rt.text).not.toMatch(/\u2026$/);
	});

	test('classification order: own tweet wins over reply and mention', () => {
		const base = {
			user: { id_str: '1' },
			in_reply_to_user_id_str: '1',
			entities: { user_mentions: [{ id_str: '1' }] },
			text: '@me',
		};
		expect(
			items({ for_user_id: '1', tweet_create_events: [{ ...base, id_str: '10' }] })[0].activity,
		).toBe('own_tweet');
		expect(
			items({
				for_user_id: '1',
				tweet_create_events: [{ ...base, id_str: '10', user: { id_str: '2' } }],
			})[0].activity,
		).toBe('reply');
		const retweetOfMine = {
			id_str: '11',
			user: { id_str: '2' },
			retweeted_status: { id_str: '5', user: { id_str: '1' } },
			entities: { user_mentions: [{ id_str: '1' }] },
		};
		expect(items({ for_user_id: '1', tweet_create_events: [retweetOfMine] })[0].activity).toBe(
			'retweet',
		);
		const quoteOfMine = {
			id_str: '12',
			user: { id_str: '2' },
			quoted_status: { id_str: '5', user: { id_str: '1' } },
			in_reply_to_user_id_str: '1',
		};
		expect(items({ for_user_id: '1', tweet_create_events: [quoteOfMine] })[0].activity).toBe(
			'quote',
		);
		const retweetOfOther = {
			id_str: '13',
			user: { id_str: '2' },
			retweeted_status: { id_str: '6', user: { id_str: '3' } },
			entities: { user_mentions: [{ id_str: '1' }] },
		};
		expect(items({ for_user_id: '1', tweet_create_events: [retweetOfOther] })[0].activity).toBe(
			'mention',
		);
		const mentionInExtended = {
			id_str: '14',
			user: { id_str: '2' },
			entities: { user_mentions: [] },
			extended_tweet: { full_text: 'x @me', entities: { user_mentions: [{ id_str: '1' }] } },
		};
		expect(items({ for_user_id: '1', tweet_create_events: [mentionInExtended] })[0].activity).toBe(
			'mention',
		);
	});

	test('user_has_blocked is read as a boolean from "false"/"true" or a boolean', () => {
		expect(items(fixture('aaa/tweet_create_events.mentions.json'))[0].user_has_blocked).toBe(false);
		const [item] = items({
			for_user_id: '1',
			tweet_create_events: [{ id_str: '2', user: { id_str: '3' }, user_has_blocked: true }],
		});
		expect(item.user_has_blocked).toBe(true);
		expect('user_has_blocked' in items(fixture('aaa/tweet_create_events.json'))[0]).toBe(false);
	});

	test('DMs resolve users from the top-level users map and the app from apps', () => {
		const [item] = items(fixture('aaa/direct_message_events.json'));
		expect(item.sender).toMatchObject({
			id: '3001969357',
			screen_name: 'furiouscamper',
			name: 'Jordan Brinks',
		});
		expect(item.sender?.raw?.followers_count).toBe(22);
		expect(item.app).toEqual({
			id: '13090192',
			name: 'FuriousCamperTestApp1',
			url: 'https://x.com/furiouscamper',
		});
	});

	test('a user the payload names only by id has nulls', () => {
		const [item] = items({
			for_user_id: '1',
			direct_message_indicate_typing_events: [
				{ sender_id: '9', target: { recipient_id: '1' }, created_timestamp: '5' },
			],
		});
		expect(item.sender).toEqual({
			id: '9',
			screen_name: null,
			name: null,
			profile_image_url: null,
			raw: null,
		});
	});

	test('deletion ids never collide with the created tweet id', () => {
		const [del] = items({
			for_user_id: '1',
			tweet_delete_events: [{ status: { id: '77', user_id: '1' }, timestamp_ms: '5' }],
		});
		expect(del.event_id).not.toBe('77');
		expect(del.tweet_id).toBe('77');
	});

	test('synthetic ids are deterministic: the same event parsed twice gives the same id', () => {
		for (const rel of [
			'aaa/follow_events.json',
			'aaa/block_events.json',
			'aaa/direct_message_indicate_typing_events.json',
			'aaa/direct_message_mark_read_events.json',
			'aaa/tweet_delete_events.json',
			'aaa/user_event.json',
			'aaa/replay_job_status.incomplete.json',
		]) {
			expect(items(fixture(rel))[0].event_id).toBe(items(fixture(rel))[0].event_id);
		}
		const a = items({
			for_user_id: '1',
			follow_events: [
				{
					type: 'follow',
					source: { id_str: '2' },
					target: { id_str: '1' },
					created_timestamp: '1',
				},
			],
		});
		const b = items({
			for_user_id: '1',
			follow_events: [
				{
					type: 'follow',
					source: { id_str: '3' },
					target: { id_str: '1' },
					created_timestamp: '1',
				},
			],
		});
		expect(a[0].event_id).not.toBe(b[0].event_id);
	});

	test('replay: meta.replay at top level or around the body marks every item', () => {
		const body = fixture('aaa/tweet_create_events.json') as Record<string, unknown>;
		expect(items(body)[0].replay).toBe(false);
		expect(items({ ...body, meta: { replay: true } })[0].replay).toBe(true);
		expect(items({ data: body, meta: { replay: true } })[0].replay).toBe(true);
		expect(items({ ...body, meta: { replay: false } })[0].replay).toBe(false);
	});

	test('user_event without revoke is passed through as unknown', () => {
		const [item] = items({ user_event: { something_new: { user_id: '5' } } });
		expect(item.activity).toBe('unknown');
		expect(item.event_type).toBe('user_event');
	});

	test('the raw event is the array element itself', () => {
		const body = fixture('aaa/favorite_events.json') as { favorite_events: unknown[] };
		expect(items(body)[0].event).toBe(body.favorite_events[0]);
	});
});

describe('XAA', () => {
	test('carries event_uuid, filter and tag', () => {
		const [item] = items(fixture('xaa/like.create.json'));
		expect(item).toMatchObject({
			api: 'xaa',
			event_uuid: '-3402274206530057851',
			filter: { user_id: '1111111111111111111', direction: 'outbound' },
			tag: 'likes',
		});
	});

	test('profile_updated says what changed', () => {
		const [item] = items(fixture('xaa/profile.update.bio.json'));
		expect(item.changed).toEqual({
			field: 'bio',
			before: 'Building with the X API',
			after: 'Building with the X API @XDevelopers',
		});
		expect(items(fixture('xaa/profile.update.screenname.json'))[0].changed?.field).toBe(
			'screenname',
		);
		const [handle] = items({
			data: {
				event_uuid: '1',
				filter: { user_id: '5' },
				event_type: 'profile.update.handle',
				payload: { after: 'new' },
			},
		});
		expect(handle.changed).toEqual({ field: 'handle', before: null, after: 'new' });
	});

	test.each<[string, string]>([
		['post.mention.create', 'mention'],
		['post.reply.create', 'reply'],
		['post.quote.create', 'quote'],
		['post.repost.create', 'retweet'],
		['post.create', 'own_tweet'],
		['post.delete', 'tweet_deleted'],
		['follow.unfollow', 'unfollow'],
		['block.block', 'block'],
		['block.unblock', 'unblock'],
		['mute.mute', 'mute'],
		['mute.unmute', 'unmute'],
		['dm.received', 'dm_received'],
		['dm.sent', 'dm_sent'],
		['dm.read', 'read'],
		['dm.indicate_typing', 'typing'],
		['chat.received', 'chat_received'],
		['chat.sent', 'chat_sent'],
		['chat.conversation.join', 'chat_joined'],
		['chat.conversation_join', 'chat_joined'],
		['chat.conversation.member_added', 'chat_updated'],
		['chat.update.group_name', 'chat_updated'],
		['oauth.revoke', 'app_revoked'],
		['profile.update.verified_badge', 'profile_updated'],
		['spaces.start', 'space_started'],
		['spaces.end', 'space_ended'],
		['broadcast.start', 'broadcast_started'],
		['broadcast.end', 'broadcast_ended'],
		['broadcast.chat', 'broadcast_chat'],
		['news.new', 'news'],
		['something.brand.new', 'unknown'],
	])('%s → %s', (eventType, activity) => {
		const [item] = items({
			data: {
				event_uuid: '7',
				filter: { user_id: '5' },
				event_type: eventType,
				payload: { author_id: '9' },
			},
		});
		expect(item.activity).toBe(activity);
		expect(item.event_type).toBe(eventType);
	});

	test('like.create without a direction: by whose post was liked', () => {
		const like = (author: string) =>
			items({
				data: {
					event_uuid: '1',
					filter: { user_id: '5' },
					event_type: 'like.create',
					payload: { liked_tweet_id: '8', tweet_author_id: author },
				},
			})[0].activity;
		expect(like('5')).toBe('like_received');
		expect(like('6')).toBe('like_given');
	});

	test('XAA typing and read with a flat payload', () => {
		const [typing] = items({
			data: {
				event_uuid: '1',
				filter: { user_id: '5' },
				event_type: 'dm.indicate_typing',
				payload: { sender_id: '6', target: { recipient_id: '5' } },
			},
		});
		expect([typing.sender?.id, typing.recipient?.id]).toEqual(['6', '5']);
		const [read] = items({
			data: {
				event_uuid: '2',
				filter: { user_id: '5' },
				event_type: 'dm.read',
				payload: {
					direct_message_mark_read_events: [{ sender_id: '5', target: { recipient_id: '6' } }],
				},
			},
		});
		expect([read.sender?.id, read.recipient?.id]).toEqual(['5', '6']);
	});

	test('replay marker outside the XAA envelope', () => {
		const body = fixture('xaa/post.mention.create.json') as Record<string, unknown>;
		expect(items(body)[0].replay).toBe(false);
		expect(items({ ...body, meta: { replay: true } })[0].replay).toBe(true);
	});

	test('big XAA ids sent as bare numbers stay exact', () => {
		const text =
			'{"data":{"event_uuid":-6850472171600526495,"filter":{"user_id":1111111111111111111},"event_type":"post.delete","payload":{"id":2080761269309813134,"author_id":1111111111111111111}}}';
		const [item] = items(parseJsonLossless(text));
		expect([item.event_id, item.for_user_id, item.tweet_id, item.author?.id]).toEqual([
			'-6850472171600526495',
			'1111111111111111111',
			'2080761269309813134',
			'1111111111111111111',
		]);
	});
});
