/**
 * Every delivery fixture parses into items with the expected identity, activity and users.
 * The table must name every file in test/fixtures/events (a new fixture needs a row).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseJsonLossless } from '../../client/lossless-json';
import type { ActivityItem } from '../../nodes/XAccountActivityTrigger/activity-item';
import { parseDelivery } from '../../nodes/XAccountActivityTrigger/delivery-parser';

const FIXTURES = path.resolve(__dirname, '../fixtures/events');
const SHARED = path.resolve(__dirname, '../../../shared/x-aaa-reference');

interface Expected {
	event_type: string;
	activity: string;
	for_user_id: string | null;
	event_id: string;
	replay?: boolean;
	tweet_id?: string;
	message_id?: string;
	text?: string;
	/** user role → id */
	users?: Partial<Record<'author' | 'sender' | 'recipient' | 'source' | 'target', string>>;
	screen_names?: Partial<
		Record<'author' | 'sender' | 'recipient' | 'source' | 'target', string | null>
	>;
}

const XDEV = '2244994945';
const CAMPER = '3001969357';
const HARRIS = '4337869213';
const U1 = '1111111111111111111';
const U2 = '2222222222222222222';
const DELETER = '930524282358325248';
const LONGFORM = '1603419180975409153';
const GEAR_NERD = '1802345678901234567';
const BROADCASTER = '1234567890123456789';
const PUBLIC_USER = '3333333333333333333';

const mentionTweet: Expected = {
	event_type: 'tweet_create',
	activity: 'mention',
	for_user_id: XDEV,
	event_id: '1045396744374804480',
	tweet_id: '1045396744374804480',
	text: '@XDevelopers Is the Account Activity API the way to replace Site Streams for our app?',
	users: { author: CAMPER },
	screen_names: { author: 'furiouscamper' },
};
const mentionTweet2: Expected = {
	...mentionTweet,
	event_id: '1045401437415796737',
	tweet_id: '1045401437415796737',
	text: 'Just moved our bot from User Streams to webhooks, thanks @XDevelopers for the migration guide!',
};
const favorite: Expected = {
	event_type: 'favorite',
	activity: 'like_received',
	for_user_id: XDEV,
	event_id: 'a7ba59eab0bfcba386f7acedac279542',
	tweet_id: '1050118621198921728',
	users: { source: CAMPER, target: XDEV, author: XDEV },
};
const follow: Expected = {
	event_type: 'follow',
	activity: 'new_follower',
	for_user_id: XDEV,
	event_id: `follow:${CAMPER}:${XDEV}:1517588749178`,
	users: { source: CAMPER, target: XDEV },
	screen_names: { source: 'furiouscamper', target: 'XDevelopers' },
};
const unfollow: Expected = {
	event_type: 'follow',
	activity: 'unfollow',
	for_user_id: XDEV,
	event_id: `unfollow:${XDEV}:${CAMPER}:1517588749178`,
	users: { source: XDEV, target: CAMPER },
};
const relation = (eventType: string, type: string): Expected => ({
	event_type: eventType,
	activity: type,
	for_user_id: XDEV,
	event_id: `${type}:${XDEV}:${CAMPER}:1518127020304`,
	users: { source: XDEV, target: CAMPER },
});
const dm: Expected = {
	event_type: 'direct_message',
	activity: 'dm_received',
	for_user_id: HARRIS,
	event_id: '954491830116155396',
	message_id: '954491830116155396',
	text: 'Hello World!',
	users: { sender: CAMPER, recipient: HARRIS },
	screen_names: { sender: 'furiouscamper', recipient: 'Harris_0ff' },
};
const typing: Expected = {
	event_type: 'direct_message_indicate_typing',
	activity: 'typing',
	for_user_id: HARRIS,
	event_id: `typing:3284025577:${CAMPER}:1518127183443`,
	users: { sender: '3284025577', recipient: CAMPER },
	screen_names: { sender: 'bogusbogart', recipient: 'furiouscamper' },
};
const read: Expected = {
	event_type: 'direct_message_mark_read',
	activity: 'read',
	for_user_id: HARRIS,
	event_id: `read:199566737:${CAMPER}:963085315333238788:1518452444662`,
	users: { sender: '199566737', recipient: CAMPER },
	screen_names: { sender: 'LeBraat' },
};
const tweetDelete: Expected = {
	event_type: 'tweet_delete',
	activity: 'tweet_deleted',
	for_user_id: DELETER,
	event_id: 'tweet_delete:1045405559317569537:1432228155593',
	tweet_id: '1045405559317569537',
	users: { author: DELETER },
	screen_names: { author: null },
};
const revoke: Expected = {
	event_type: 'user_event',
	activity: 'app_revoked',
	for_user_id: '63046977',
	event_id: 'revoke:63046977:13090192:2018-05-24T09:48:12+00:00',
	users: { source: '63046977' },
};
const replayStatus = (
	state: 'Complete' | 'Incomplete',
	webhook: string,
	job: string,
): Expected => ({
	event_type: 'replay_job_status',
	activity: state === 'Complete' ? 'replay_complete' : 'replay_incomplete',
	for_user_id: null,
	event_id: `replay_job_status:${webhook}:${job}:${state}`,
});
const xaaMention: Expected = {
	event_type: 'post.mention.create',
	activity: 'mention',
	for_user_id: U1,
	event_id: '2080765813578191303',
	tweet_id: '2080765813578191303',
	text: 'hey @ExampleUser',
	users: { author: U2 },
};
const profile = (field: string, uuid: string): Expected => ({
	event_type: `profile.update.${field}`,
	activity: 'profile_updated',
	for_user_id: U1,
	event_id: uuid,
});

const TABLE: Record<string, Expected[]> = {
	'aaa/block_events.json': [relation('block', 'block')],
	'aaa/block_events.legacy-docs.json': [relation('block', 'block')],
	'aaa/unblock_events.json': [relation('block', 'unblock')],
	'aaa/unblock_events.legacy-docs.json': [relation('block', 'unblock')],
	'aaa/mute_events.json': [relation('mute', 'mute')],
	'aaa/mute_events.legacy-docs.json': [relation('mute', 'mute')],
	'aaa/unmute_events.json': [relation('mute', 'unmute')],
	'aaa/unmute_events.legacy-docs.json': [relation('mute', 'unmute')],
	'aaa/direct_message_events.json': [dm],
	'aaa/direct_message_events.legacy-docs.json': [dm],
	'aaa/direct_message_indicate_typing_events.json': [typing],
	'aaa/direct_message_indicate_typing_events.legacy-docs.json': [typing],
	'aaa/direct_message_mark_read_events.json': [read],
	'aaa/direct_message_mark_read_events.legacy-docs.json': [read],
	'aaa/favorite_events.json': [favorite],
	'aaa/favorite_events.legacy-docs.json': [favorite],
	'aaa/follow_events.json': [follow],
	'aaa/follow_events.legacy-docs.json': [follow],
	'aaa/unfollow_events.json': [unfollow],
	'aaa/unfollow_events.legacy-docs.json': [unfollow],
	'aaa/replay_event_envelope.webhooks-replay-guide.json': [{ ...xaaMention, replay: true }],
	'aaa/replay_job_status.complete.json': [replayStatus('Complete', '<WEBHOOK_ID>', '<JOB_ID>')],
	'aaa/replay_job_status.complete.legacy-docs.json': [
		replayStatus('Complete', '1234577122340233217', '1095098195724558337'),
	],
	'aaa/replay_job_status.complete.webhooks-replay-guide.json': [
		replayStatus('Complete', '1146654567674912769', '1995507200941260800'),
	],
	'aaa/replay_job_status.incomplete.json': [replayStatus('Incomplete', '<WEBHOOK_ID>', '<JOB_ID>')],
	'aaa/replay_job_status.incomplete.legacy-docs.json': [
		replayStatus('Incomplete', '123451374207332352', '1093226942650736640'),
	],
	'aaa/tweet_create_events.json': [mentionTweet],
	'aaa/tweet_create_events.legacy-docs.json': [mentionTweet],
	'aaa/tweet_create_events.mentions.json': [mentionTweet2],
	'aaa/tweet_create_events.mentions.legacy-docs.json': [mentionTweet2],
	'aaa/tweet_create_events.longform.json': [
		{
			event_type: 'tweet_create',
			activity: 'own_tweet',
			for_user_id: LONGFORM,
			// id_str, not the rounded `"id": 1924465506158879000` the sample also carries
			event_id: '1924465506158878979',
			tweet_id: '1924465506158878979',
			text: 'The Antikythera Mechanism: A Window into Ancient Ingenuity Discovered in 1901 among the wreckage of a Roman ship off the Greek island of Antikythera...',
			users: { author: LONGFORM },
		},
	],
	'aaa/tweet_delete_events.json': [tweetDelete],
	'aaa/tweet_delete_events.legacy-docs.json': [tweetDelete],
	'aaa/user_event.json': [revoke],
	'aaa/user_event.legacy-docs.json': [revoke],

	'aaa/extra.big_ids_bare_numbers.json': [
		{
			event_type: 'tweet_create',
			activity: 'reply',
			for_user_id: LONGFORM,
			event_id: '1924466361285382145',
			tweet_id: '1924466361285382145',
			users: { author: GEAR_NERD },
		},
	],
	'aaa/extra.direct_message_events.sent.json': [
		{
			event_type: 'direct_message',
			activity: 'dm_sent',
			for_user_id: HARRIS,
			event_id: '954492007853993989',
			text: 'Hi Jordan, got it!',
			users: { sender: HARRIS, recipient: CAMPER },
		},
	],
	'aaa/extra.direct_message_indicate_typing_events.own.json': [
		{
			event_type: 'direct_message_indicate_typing',
			activity: 'typing',
			for_user_id: CAMPER,
			event_id: `typing:${CAMPER}:3284025577:1518127183443`,
			users: { sender: CAMPER, recipient: '3284025577' },
		},
	],
	'aaa/extra.favorite_events.like_given.json': [
		{
			event_type: 'favorite',
			activity: 'like_given',
			for_user_id: XDEV,
			event_id: '0d4b8a8e2c1f7e6b5a4d3c2b1a09f8e7',
			tweet_id: '1045410861392371712',
			users: { source: XDEV, target: CAMPER, author: CAMPER },
		},
	],
	'aaa/extra.follow_events.follow_given.json': [
		{
			event_type: 'follow',
			activity: 'follow_given',
			for_user_id: XDEV,
			event_id: `follow:${XDEV}:${CAMPER}:1517588812345`,
			users: { source: XDEV, target: CAMPER },
		},
	],
	'aaa/extra.replay_envelope.aaa_in_data.json': [{ ...mentionTweet2, replay: true }],
	'aaa/extra.tweet_create_events.replayed.json': [{ ...mentionTweet, replay: true }],
	'aaa/extra.tweet_create_events.no_visible_mention.json': [
		{
			event_type: 'tweet_create',
			activity: 'mention',
			for_user_id: XDEV,
			event_id: '1045409999999999999',
			users: { author: CAMPER },
		},
	],
	'aaa/extra.tweet_create_events.own_reply.json': [
		{
			event_type: 'tweet_create',
			activity: 'own_tweet',
			for_user_id: XDEV,
			event_id: '1045408950231273472',
			users: { author: XDEV },
		},
	],
	'aaa/extra.tweet_create_events.quote.json': [
		{
			event_type: 'tweet_create',
			activity: 'quote',
			for_user_id: XDEV,
			event_id: '1050124509712056320',
			text: 'Finally! Our character counter agrees with the composer now. https://t.co/Qt0ZabCdEf',
			users: { author: CAMPER },
		},
	],
	'aaa/extra.tweet_create_events.reply.json': [
		{
			event_type: 'tweet_create',
			activity: 'reply',
			for_user_id: XDEV,
			event_id: '1045406183513280512',
			users: { author: CAMPER },
		},
	],
	'aaa/extra.tweet_create_events.retweet.json': [
		// text: the retweeted tweet's full text, not the truncated "RT @…" form
		{
			event_type: 'tweet_create',
			activity: 'retweet',
			for_user_id: XDEV,
			event_id: '1050121338705920000',
			tweet_id: '1050121338705920000',
			users: { author: CAMPER },
		},
	],

	'xaa/broadcast.chat.json': [
		{
			event_type: 'broadcast.chat',
			activity: 'broadcast_chat',
			for_user_id: U1,
			event_id: '7365873565827875221',
			message_id: '2090000000000000004',
			text: 'test',
			users: { author: U1 },
		},
	],
	'xaa/broadcast.end.json': [
		{
			event_type: 'broadcast.end',
			activity: 'broadcast_ended',
			for_user_id: BROADCASTER,
			event_id: '2234567890123456789',
			text: 'Example broadcast',
			users: { author: BROADCASTER },
		},
	],
	'xaa/broadcast.start.json': [
		{
			event_type: 'broadcast.start',
			activity: 'broadcast_started',
			for_user_id: BROADCASTER,
			event_id: BROADCASTER,
			users: { author: BROADCASTER },
			screen_names: { author: 'example_broadcaster' },
		},
	],
	'xaa/chat.received.json': [
		{
			event_type: 'chat.received',
			activity: 'chat_received',
			for_user_id: U1,
			event_id: '8511582263942905822',
			message_id: 'e4f4d3fc-8bbf-4928-92eb-e5058d6bb6f6',
			users: { sender: U2 },
		},
	],
	'xaa/chat.received.xchat-real-time-events.json': [
		// no filter in this published sample: no account to attribute it to
		{
			event_type: 'chat.received',
			activity: 'chat_received',
			for_user_id: null,
			event_id: '0f52b591-4b7e-4f13-92cd-30e6b2a3f18a',
			users: { sender: '1843439638876491776' },
		},
	],
	'xaa/chat.sent.json': [
		{
			event_type: 'chat.sent',
			activity: 'chat_sent',
			for_user_id: U1,
			event_id: '3723060601307155846',
			message_id: '8e75466b-56ec-4e88-bddf-b18f7cc6030e',
			users: { sender: U1 },
		},
	],
	'xaa/dm.received.json': [
		{
			event_type: 'dm.received',
			activity: 'dm_received',
			for_user_id: U1,
			event_id: '-6850472171600526495',
			message_id: '2080765901528535096',
			text: 'hello!',
			users: { sender: U2, recipient: U1 },
			screen_names: { sender: 'OtherUser', recipient: 'ExampleUser' },
		},
	],
	'xaa/dm.sent.json': [
		{
			event_type: 'dm.sent',
			activity: 'dm_sent',
			for_user_id: U1,
			event_id: '-3577827201104920132',
			message_id: '2080763914820927863',
			text: 'Thanks for the update!',
			users: { sender: U1, recipient: XDEV },
			screen_names: { recipient: 'XDevelopers' },
		},
	],
	'xaa/envelope.json': [
		{
			event_type: 'post.create',
			activity: 'own_tweet',
			for_user_id: U1,
			event_id: '2080761390344937796',
		},
	],
	'xaa/extra.follow.follow.inbound.json': [
		{
			event_type: 'follow.follow',
			activity: 'new_follower',
			for_user_id: '4444444444444444444',
			event_id: '-7953119945885597999',
			users: { source: U1, target: '4444444444444444444' },
		},
	],
	'xaa/extra.like.create.inbound.json': [
		{
			event_type: 'like.create',
			activity: 'like_received',
			for_user_id: U1,
			event_id: '6127380459318274650',
			tweet_id: '2080761390344937796',
			text: 'Hello from the Activity API',
			users: { source: U2, target: U1, author: U1 },
		},
	],
	'xaa/extra.post.reply.create.own.json': [
		{
			event_type: 'post.reply.create',
			activity: 'own_tweet',
			for_user_id: U1,
			event_id: '3091827364059182799',
			tweet_id: '2090000000000000009',
			users: { author: U1 },
		},
	],
	'xaa/follow.follow.json': [
		{
			event_type: 'follow.follow',
			activity: 'follow_given',
			for_user_id: U1,
			event_id: '-7953119945885597316',
			users: { source: U1, target: '4444444444444444444' },
			screen_names: { target: 'AnotherUser' },
		},
	],
	'xaa/follow.unfollow.json': [
		{
			event_type: 'follow.unfollow',
			activity: 'unfollow',
			for_user_id: U1,
			event_id: '-4233426745281461957',
			users: { source: U1, target: '4444444444444444444' },
		},
	],
	'xaa/like.create.json': [
		{
			event_type: 'like.create',
			activity: 'like_given',
			for_user_id: U1,
			event_id: '-3402274206530057851',
			tweet_id: '2079814480427442556',
			users: { source: U1, target: PUBLIC_USER, author: PUBLIC_USER },
			screen_names: { target: 'PublicUser' },
		},
	],
	'xaa/news.new.json': [
		{
			event_type: 'news.new',
			activity: 'news',
			for_user_id: null,
			event_id: '2080756868147019827',
		},
	],
	'xaa/oauth.revoke.json': [
		{
			event_type: 'oauth.revoke',
			activity: 'app_revoked',
			for_user_id: U1,
			event_id: '5934540941047412905',
			users: { source: U1 },
		},
	],
	'xaa/post.create.json': [
		{
			event_type: 'post.create',
			activity: 'own_tweet',
			for_user_id: U1,
			event_id: '2080761390344937796',
			tweet_id: '2080761390344937796',
			text: 'Hello from the Activity API',
			users: { author: U1 },
			screen_names: { author: 'ExampleUser' },
		},
	],
	'xaa/post.delete.json': [
		// includes.users entries wrapped as {"data":{…}}
		{
			event_type: 'post.delete',
			activity: 'tweet_deleted',
			for_user_id: U1,
			event_id: '-2781149976877970683',
			tweet_id: '2080761269309813134',
			users: { author: U1 },
			screen_names: { author: 'ExampleUser' },
		},
	],
	'xaa/post.mention.create.json': [{ ...xaaMention, screen_names: { author: 'OtherUser' } }],
	'xaa/post.quote.create.json': [
		{
			event_type: 'post.quote.create',
			activity: 'quote',
			for_user_id: U1,
			event_id: '4172938465017283645',
			tweet_id: '2090000000000000002',
			users: { author: U2 },
			screen_names: { author: null },
		},
	],
	'xaa/post.reply.create.json': [
		{
			event_type: 'post.reply.create',
			activity: 'reply',
			for_user_id: U1,
			event_id: '3091827364059182736',
			tweet_id: '2090000000000000001',
			text: '@ExampleUser Great post — thanks for sharing!',
			users: { author: U2 },
		},
	],
	'xaa/post.repost.create.json': [
		{
			event_type: 'post.repost.create',
			activity: 'retweet',
			for_user_id: U1,
			event_id: '5283049576128394756',
			tweet_id: '2090000000000000003',
			users: { author: U2 },
		},
	],
	'xaa/profile.update.banner_picture.json': [profile('banner_picture', '5061407317112342192')],
	'xaa/profile.update.bio.json': [profile('bio', '-8917909039855612786')],
	'xaa/profile.update.bio.quickstart-stream.json': [
		// no event_uuid in this sample: a content-derived id
		{
			event_type: 'profile.update.bio',
			activity: 'profile_updated',
			for_user_id: XDEV,
			event_id: 'xaa:profile.update.bio:9748f496b31655ca1721e6e2c20281dbddb5933c',
		},
	],
	'xaa/profile.update.geo.json': [profile('geo', '8309664692915093892')],
	'xaa/profile.update.profile_picture.json': [profile('profile_picture', '3497989179769309099')],
	'xaa/profile.update.screenname.json': [profile('screenname', '4123434298221215973')],
	'xaa/profile.update.url.json': [profile('url', '-6055744140117128555')],
	'xaa/spaces.end.json': [
		{
			event_type: 'spaces.end',
			activity: 'space_ended',
			for_user_id: U1,
			event_id: '-498317022904955631',
			users: { author: U1 },
		},
	],
	'xaa/spaces.start.json': [
		{
			event_type: 'spaces.start',
			activity: 'space_started',
			for_user_id: U1,
			event_id: '4093201169289922041',
			users: { author: U1 },
		},
	],
};

function fixtureFiles(sub: string): string[] {
	return readdirSync(path.join(FIXTURES, sub))
		.filter((n) => n.endsWith('.json'))
		.sort();
}

function load(rel: string): unknown {
	return parseJsonLossless(readFileSync(path.join(FIXTURES, rel), 'utf8'));
}

const ALL = [
	...fixtureFiles('aaa').map((f) => `aaa/${f}`),
	...fixtureFiles('xaa').map((f) => `xaa/${f}`),
];

describe('delivery fixtures', () => {
	test('every fixture file has a table row and every row a file', () => {
		expect(ALL.filter((f) => !(f in TABLE))).toEqual([]);
		expect(Object.keys(TABLE).filter((f) => !ALL.includes(f))).toEqual([]);
	});

	test.each(ALL)('%s parses into the expected items', (rel) => {
		const result = parseDelivery(load(rel));
		if (!result.ok) throw new Error(`${rel}: ${result.reason}`);
		const expected = TABLE[rel];
		expect(result.api).toBe(expected[0].event_type.includes('.') ? 'xaa' : 'aaa');
		expect(result.items).toHaveLength(expected.length);
		result.items.forEach((item, i) => checkItem(item, expected[i]));
	});

	test.each(ALL)('%s items are plain JSON with string ids', (rel) => {
		const result = parseDelivery(load(rel));
		if (!result.ok) throw new Error(result.reason);
		for (const item of result.items) {
			expect(JSON.parse(JSON.stringify(item))).toEqual(item);
			expect(typeof item.event_id).toBe('string');
			expect(typeof item.dedupe_key).toBe('string');
			expect(item.dedupe_key).toMatch(/^(aaa|xaa|x)\|/);
			for (const role of ['author', 'sender', 'recipient', 'source', 'target'] as const) {
				const u = item[role];
				if (u !== undefined) expect(typeof u.id).toBe('string');
			}
		}
	});
});

function checkItem(item: ActivityItem, e: Expected): void {
	expect({
		event_type: item.event_type,
		activity: item.activity,
		for_user_id: item.for_user_id,
		event_id: item.event_id,
		replay: item.replay,
	}).toEqual({
		event_type: e.event_type,
		activity: e.activity,
		for_user_id: e.for_user_id,
		event_id: e.event_id,
		replay: e.replay ?? false,
	});
	if (e.tweet_id !== undefined) expect(item.tweet_id).toBe(e.tweet_id);
	if (e.message_id !== undefined) expect(item.message_id).toBe(e.message_id);
	if (e.text !== undefined) expect(item.text).toBe(e.text);
	const roles = ['author', 'sender', 'recipient', 'source', 'target'] as const;
	const got: Record<string, string> = {};
	for (const role of roles) if (item[role] !== undefined) got[role] = item[role].id;
	expect(got).toEqual(e.users ?? {});
	for (const [role, name] of Object.entries(e.screen_names ?? {}))
		expect(item[role as (typeof roles)[number]]?.screen_name).toBe(name);
	expect(typeof item.event).toBe('object');
}

const sharedPresent =
	existsSync(path.join(SHARED, 'events')) && existsSync(path.join(SHARED, 'xaa', 'events'));
(sharedPresent ? describe : describe.skip)('fixtures cover the shared reference samples', () => {
	test('every shared AAA sample has a fixture of the same name', () => {
		const shared = readdirSync(path.join(SHARED, 'events')).filter(
			(n) => n.endsWith('.json') && n !== '_index.json',
		);
		expect(shared.length).toBeGreaterThan(30);
		expect(shared.filter((n) => !fixtureFiles('aaa').includes(n))).toEqual([]);
	});

	test('every shared XAA sample has a fixture of the same name', () => {
		const shared = readdirSync(path.join(SHARED, 'xaa', 'events')).filter((n) =>
			n.endsWith('.json'),
		);
		expect(shared.length).toBeGreaterThan(20);
		expect(shared.filter((n) => !fixtureFiles('xaa').includes(n))).toEqual([]);
	});

	test('samples that were valid JSON are copied verbatim', () => {
		const index = JSON.parse(
			readFileSync(path.join(SHARED, 'events', '_index.json'), 'utf8'),
		) as Record<string, string[]>;
		for (const [name, [, validity]] of Object.entries(index)) {
			if (!validity.startsWith('valid JSON')) continue;
			expect(readFileSync(path.join(FIXTURES, 'aaa', name), 'utf8')).toBe(
				readFileSync(path.join(SHARED, 'events', name), 'utf8'),
			);
		}
		for (const name of readdirSync(path.join(SHARED, 'xaa', 'events'))) {
			expect(readFileSync(path.join(FIXTURES, 'xaa', name), 'utf8')).toBe(
				readFileSync(path.join(SHARED, 'xaa', 'events', name), 'utf8'),
			);
		}
	});
});
