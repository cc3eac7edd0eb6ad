/**
 * Cut-over without doubles: during an AAA → XAA overlap the same activity arrives once per API.
 * Each pair below is a published XAA sample and the published AAA sample of the same kind,
 * the AAA one rewritten to describe the same activity (same account, post / DM / like ids and
 * users): X publishes no pair of one activity seen through both APIs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseJsonLossless } from '../../client/lossless-json';
import type { ActivityItem } from '../../nodes/XAccountActivityTrigger/activity-item';
import { CROSS_API_RELATION_WINDOW_MS } from '../../nodes/XAccountActivityTrigger/dedupe';
import {
	configureDedupe,
	handleDelivery,
	resetDeliveryState,
} from '../../nodes/XAccountActivityTrigger/delivery-handler';
import { EVERYTHING_ONCE } from './helpers/settings';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FIXTURES = path.resolve(__dirname, '../fixtures/events');
const load = (rel: string): Json => parseJsonLossless(readFileSync(path.join(FIXTURES, rel), 'utf8')) as Json;
const body = (o: Json): Buffer => Buffer.from(JSON.stringify(o));

const ACCOUNT = '1111111111111111111'; // the XAA samples' subscribed account (@ExampleUser)
const OTHER = '2222222222222222222'; // @OtherUser

const settings = EVERYTHING_ONCE;

interface Pair {
	name: string;
	activity: string;
	xaa: Json;
	aaa: Json;
	/** Relations keep per-API dedupe_keys (see dedupe-key.ts). */
	sameKey: boolean;
}

function mentionPair(): Pair {
	const xaa = load('xaa/post.mention.create.json');
	const aaa = load('aaa/tweet_create_events.mentions.json');
	const t = aaa.tweet_create_events[0];
	aaa.for_user_id = ACCOUNT;
	t.id = t.id_str = xaa.data.payload.id;
	t.text = xaa.data.payload.text;
	t.user.id = t.user.id_str = OTHER;
	t.user.screen_name = 'OtherUser';
	t.entities.user_mentions = [{ screen_name: 'ExampleUser', id: ACCOUNT, id_str: ACCOUNT, indices: [4, 16] }];
	return { name: 'mention', activity: 'mention', xaa, aaa, sameKey: true };
}

function replyPair(): Pair {
	const xaa = load('xaa/post.reply.create.json');
	const p = xaa.data.payload;
	const aaa = load('aaa/extra.tweet_create_events.reply.json');
	const t = aaa.tweet_create_events[0];
	aaa.for_user_id = xaa.data.filter.user_id;
	t.id = t.id_str = p.id;
	t.user.id = t.user.id_str = p.author_id;
	t.in_reply_to_user_id = t.in_reply_to_user_id_str = xaa.data.filter.user_id;
	return { name: 'reply', activity: 'reply', xaa, aaa, sameKey: true };
}

function dmPair(): Pair {
	const xaa = load('xaa/dm.received.json');
	const x = xaa.data.payload.direct_message_events[0];
	const aaa = load('aaa/direct_message_events.json');
	const d = aaa.direct_message_events[0];
	aaa.for_user_id = ACCOUNT;
	d.id = x.id;
	d.message_create.sender_id = x.message_create.sender_id;
	d.message_create.target.recipient_id = ACCOUNT;
	d.message_create.message_data.text = x.message_create.message_data.text;
	return { name: 'DM received', activity: 'dm_received', xaa, aaa, sameKey: true };
}

function likePair(): Pair {
	const xaa = load('xaa/like.create.json'); // outbound: the account liked @PublicUser's post
	const p = xaa.data.payload;
	const aaa = load('aaa/favorite_events.json');
	const f = aaa.favorite_events[0];
	aaa.for_user_id = ACCOUNT;
	f.id = p.id;
	f.timestamp_ms = Number(p.timestamp_ms);
	f.user = { id: ACCOUNT, id_str: ACCOUNT, screen_name: 'ExampleUser' };
	f.favorited_status.id = f.favorited_status.id_str = p.liked_tweet_id;
	f.favorited_status.user = { id: p.liked_tweet_author_id, id_str: p.liked_tweet_author_id };
	return { name: 'like given', activity: 'like_given', xaa, aaa, sameKey: true };
}

function deletePair(): Pair {
	const xaa = load('xaa/post.delete.json');
	const aaa = load('aaa/tweet_delete_events.json');
	aaa.for_user_id = ACCOUNT;
	aaa.tweet_delete_events[0].status = { id: xaa.data.payload.id, user_id: ACCOUNT };
	return { name: 'post deleted', activity: 'tweet_deleted', xaa, aaa, sameKey: true };
}

function followPair(): Pair {
	const xaa = load('xaa/follow.follow.json'); // the account follows @AnotherUser
	const aaa = load('aaa/follow_events.json');
	const e = aaa.follow_events[0];
	aaa.for_user_id = ACCOUNT;
	e.source = { id: ACCOUNT, id_str: ACCOUNT, screen_name: 'ExampleUser' };
	e.target = { id: xaa.data.payload.target.data.id, id_str: xaa.data.payload.target.data.id };
	return { name: 'follow given', activity: 'follow_given', xaa, aaa, sameKey: false };
}

function unfollowPair(): Pair {
	const xaa = load('xaa/follow.unfollow.json');
	const aaa = load('aaa/unfollow_events.json');
	const e = aaa.follow_events[0];
	aaa.for_user_id = xaa.data.filter.user_id;
	const src = xaa.data.payload.source.data.id;
	const tgt = xaa.data.payload.target.data.id;
	e.source = { id: src, id_str: src };
	e.target = { id: tgt, id_str: tgt };
	return { name: 'unfollow', activity: 'unfollow', xaa, aaa, sameKey: false };
}

const PAIRS: Pair[] = [mentionPair(), replyPair(), dmPair(), likePair(), deletePair(), followPair(), unfollowPair()];

afterEach(() => {
	resetDeliveryState();
	configureDedupe({});
});

function run(...deliveries: Json[]): ActivityItem[] {
	const out: ActivityItem[] = [];
	for (const d of deliveries) {
		const r = handleDelivery(body(d), settings, 'wf', 'node');
		if (!r.ok) throw new Error(r.reason);
		out.push(...r.outputs.flat());
	}
	return out;
}

describe.each(PAIRS)('the same $name through AAA and XAA', (pair) => {
	test('each API alone yields the activity', () => {
		const a = run(pair.aaa);
		resetDeliveryState();
		const x = run(pair.xaa);
		expect(a.map((i) => [i.api, i.activity])).toEqual([['aaa', pair.activity]]);
		expect(x.map((i) => [i.api, i.activity, i.for_user_id])).toEqual([['xaa', pair.activity, a[0].for_user_id]]);
		if (pair.sameKey) expect(x[0].dedupe_key).toBe(a[0].dedupe_key);
		else expect(x[0].dedupe_key).not.toBe(a[0].dedupe_key);
	});

	test('AAA then XAA: one execution', () => {
		expect(run(pair.aaa, pair.xaa).map((i) => i.api)).toEqual(['aaa']);
	});

	test('XAA then AAA: one execution', () => {
		expect(run(pair.xaa, pair.aaa).map((i) => i.api)).toEqual(['xaa']);
	});

	test('same-API retries of either copy stay dropped', () => {
		expect(run(pair.aaa, pair.aaa, pair.xaa, pair.xaa, pair.aaa)).toHaveLength(1);
	});
});

test('a real repeat of a relation after the cross-API window passes (XAA carries no time)', () => {
	let now = 1_000_000;
	configureDedupe({ now: () => now });
	const pair = followPair();
	expect(run(pair.aaa)).toHaveLength(1);
	now += CROSS_API_RELATION_WINDOW_MS + 1;
	// the AAA subscription is gone; the account follows the same user again
	expect(run(pair.xaa)).toHaveLength(1);
});

test('different activities of the same post are not merged (XAA delivers a reply that mentions as both)', () => {
	const m = mentionPair();
	const reply = JSON.parse(JSON.stringify(m.xaa)) as Json;
	reply.data.event_type = 'post.reply.create';
	expect(run(m.aaa, m.xaa, reply).map((i) => i.activity)).toEqual(['mention', 'reply']);
});

test('the same post id for two accounts stays two activities', () => {
	const m = mentionPair();
	const other = JSON.parse(JSON.stringify(m.xaa)) as Json;
	other.data.filter.user_id = '5555555555555555555';
	other.data.event_uuid = 'another';
	expect(run(m.aaa, other)).toHaveLength(2);
});
