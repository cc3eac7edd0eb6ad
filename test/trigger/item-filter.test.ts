import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseJsonLossless } from '../../client/lossless-json';
import {
	ACTIVITIES,
	ACTIVITY_GROUPS,
	activityInfo,
	isActivity,
	type Activity,
} from '../../nodes/XAccountActivityTrigger/activities';
import type { ActivityItem } from '../../nodes/XAccountActivityTrigger/activity-item';
import { parseDelivery } from '../../nodes/XAccountActivityTrigger/delivery-parser';
import {
	filterItems,
	groupIndex,
	isOwnActivity,
	routeToOutputs,
} from '../../nodes/XAccountActivityTrigger/item-filter';

const FIXTURES = path.resolve(__dirname, '../fixtures/events');
function items(rel: string): ActivityItem[] {
	const r = parseDelivery(parseJsonLossless(readFileSync(path.join(FIXTURES, rel), 'utf8')));
	if (!r.ok) throw new Error(r.reason);
	return r.items;
}

const mention = items('aaa/tweet_create_events.json')[0];
const dmReceived = items('aaa/direct_message_events.json')[0];
const dmSent = items('aaa/extra.direct_message_events.sent.json')[0];
const likeReceived = items('aaa/favorite_events.json')[0];
const likeGiven = items('aaa/extra.favorite_events.like_given.json')[0];
const typingOther = items('aaa/direct_message_indicate_typing_events.json')[0];
const typingOwn = items('aaa/extra.direct_message_indicate_typing_events.own.json')[0];
const readOther = items('aaa/direct_message_mark_read_events.json')[0];
const ownTweet = items('aaa/extra.tweet_create_events.own_reply.json')[0];
const follower = items('aaa/follow_events.json')[0];
const block = items('aaa/block_events.json')[0];
const replayDone = items('aaa/replay_job_status.complete.json')[0];
const chatSent = items('xaa/chat.sent.json')[0];
const all = [
	mention,
	dmReceived,
	dmSent,
	likeReceived,
	likeGiven,
	typingOther,
	typingOwn,
	readOther,
	ownTweet,
	follower,
	block,
	replayDone,
	chatSent,
];

describe('activities vocabulary', () => {
	test('has every activity the trigger can emit, once, with a group', () => {
		const values = ACTIVITIES.map((a) => a.value);
		expect(new Set(values).size).toBe(values.length);
		for (const v of [
			'mention',
			'reply',
			'retweet',
			'quote',
			'own_tweet',
			'like_received',
			'like_given',
			'new_follower',
			'follow_given',
			'unfollow',
			'block',
			'unblock',
			'mute',
			'unmute',
			'dm_received',
			'dm_sent',
			'typing',
			'read',
			'tweet_deleted',
			'app_revoked',
			'replay_complete',
			'replay_incomplete',
			'profile_updated',
			'chat_received',
			'chat_sent',
			'space_started',
			'space_ended',
			'news',
			'unknown',
		]) {
			expect(isActivity(v)).toBe(true);
		}
		for (const a of ACTIVITIES) {
			expect(ACTIVITY_GROUPS.map((g) => g.id)).toContain(a.group);
			expect(a.name.length).toBeGreaterThan(2);
			expect(a.description.length).toBeGreaterThan(10);
		}
	});

	test('is sorted by display name', () => {
		const names = ACTIVITIES.map((a) => a.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});

	test('groups: six outputs in a fixed order', () => {
		expect(ACTIVITY_GROUPS.map((g) => g.name)).toEqual([
			'Mentions and Replies',
			'Direct Messages',
			'Likes and Retweets',
			'Follows',
			'Moderation',
			'Other',
		]);
	});

	test.each<[Activity, string]>([
		['mention', 'Mentions and Replies'],
		['reply', 'Mentions and Replies'],
		['quote', 'Mentions and Replies'],
		['dm_received', 'Direct Messages'],
		['typing', 'Direct Messages'],
		['read', 'Direct Messages'],
		['chat_received', 'Direct Messages'],
		['like_received', 'Likes and Retweets'],
		['like_given', 'Likes and Retweets'],
		['retweet', 'Likes and Retweets'],
		['new_follower', 'Follows'],
		['unfollow', 'Follows'],
		['block', 'Moderation'],
		['unmute', 'Moderation'],
		['own_tweet', 'Other'],
		['tweet_deleted', 'Other'],
		['app_revoked', 'Other'],
		['replay_incomplete', 'Other'],
		['profile_updated', 'Other'],
		['news', 'Other'],
		['unknown', 'Other'],
	])('%s goes to %s', (activity, group) => {
		expect(ACTIVITY_GROUPS[groupIndex(activity)].name).toBe(group);
		expect(ACTIVITY_GROUPS.find((g) => g.id === activityInfo(activity).group)?.name).toBe(group);
	});

	test('an unknown activity string routes to Other', () => {
		expect(ACTIVITY_GROUPS[groupIndex('not_an_activity')].id).toBe('other');
	});
});

describe('filterItems', () => {
	test('empty or missing activities means all (own activity aside)', () => {
		expect(filterItems(all, { ignoreOwnActivity: false })).toHaveLength(all.length);
		expect(filterItems(all, { activities: [], ignoreOwnActivity: false })).toHaveLength(all.length);
	});

	test('selected activities only', () => {
		expect(
			filterItems(all, { activities: ['mention', 'new_follower'] }).map((i) => i.activity),
		).toEqual(['mention', 'new_follower']);
	});

	test('ignoreOwnActivity (default on) drops DMs/chats sent, likes given, own typing and read', () => {
		const kept = filterItems(all, {});
		expect(kept).not.toContain(dmSent);
		expect(kept).not.toContain(likeGiven);
		expect(kept).not.toContain(typingOwn);
		expect(kept).not.toContain(chatSent);
		// someone else's indicators, the account's own tweets, follows and blocks stay
		for (const i of [
			typingOther,
			readOther,
			ownTweet,
			follower,
			block,
			mention,
			dmReceived,
			likeReceived,
			replayDone,
		])
			expect(kept).toContain(i);
		expect(filterItems(all, { ignoreOwnActivity: false })).toContain(dmSent);
	});

	test('isOwnActivity: read receipt produced by the account', () => {
		expect(isOwnActivity({ ...readOther, for_user_id: '199566737' })).toBe(true);
		expect(isOwnActivity(readOther)).toBe(false);
	});

	test('forUserIds keeps only those accounts; items without an account are dropped', () => {
		const kept = filterItems(all, { forUserIds: ['2244994945'], ignoreOwnActivity: false });
		expect(kept.length).toBeGreaterThan(0);
		expect(kept.every((i) => i.for_user_id === '2244994945')).toBe(true);
		expect(kept).not.toContain(replayDone);
		expect(filterItems(all, { forUserIds: [' 4337869213 ', ''] }).map((i) => i.activity)).toEqual([
			'dm_received',
			'typing',
			'read',
		]);
		expect(filterItems(all, { forUserIds: [], ignoreOwnActivity: false })).toHaveLength(all.length);
	});
});

describe('routeToOutputs', () => {
	test('single: one output with every item', () => {
		expect(routeToOutputs(all, 'single')).toEqual([all]);
	});

	test('perGroup: one output per group, items in their group in order', () => {
		const out = routeToOutputs(all, 'perGroup');
		expect(out).toHaveLength(ACTIVITY_GROUPS.length);
		expect(out[0]).toEqual([mention]);
		expect(out[1]).toEqual([dmReceived, dmSent, typingOther, typingOwn, readOther, chatSent]);
		expect(out[2]).toEqual([likeReceived, likeGiven]);
		expect(out[3]).toEqual([follower]);
		expect(out[4]).toEqual([block]);
		expect(out[5]).toEqual([ownTweet, replayDone]);
	});

	test('perGroup with no items: empty outputs', () => {
		expect(routeToOutputs([], 'perGroup')).toEqual([[], [], [], [], [], []]);
	});
});
