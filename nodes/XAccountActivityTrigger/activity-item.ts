/**
 * The shape of one item the trigger emits: one per event (an AAA `*_events` array element, an
 * AAA `user_event` / `replay_job_status`, or an XAA delivery). Plain JSON, every id a string.
 *
 * Users: `author` always goes with `tweet_id` / `text` (the author of the post the item is
 * about, for a like the author of the liked post); `sender` / `recipient` for DMs, typing, read
 * and chat; `source` / `target` for follow, block, mute and like (source acted on target) and
 * `source` for app revocation. A user that the payload names only by id has the id and nulls.
 */
import type { Activity } from './activities';

export type ActivityApi = 'aaa' | 'xaa';

export type JsonObject = Record<string, unknown>;

export interface ActivityUser {
	id: string;
	/** v1.1 `screen_name`, v2 `username`. */
	screen_name: string | null;
	name: string | null;
	profile_image_url: string | null;
	/** The user object as X sent it (unwrapped from XAA's `{"data":{…}}`), or null when X sent only an id. */
	raw: JsonObject | null;
}

export interface ProfileChange {
	/** The event type suffix: bio, profile_picture, banner_picture, screenname, handle, geo, url, verified_badge, affiliate_badge. */
	field: string;
	before: unknown;
	after: unknown;
}

export interface ActivityItem {
	/** What the event means for the subscribed account. */
	activity: Activity;
	/** AAA: the `*_events` key without `_events` (tweet_create, favorite, follow, block, mute, direct_message, …), or user_event / replay_job_status. XAA: its event_type (post.mention.create, …). */
	event_type: string;
	/** The subscribed account the event was delivered for (AAA for_user_id, XAA filter.user_id); null when X names none (replay status, news). */
	for_user_id: string | null;
	/** AAA: tweet id_str / DM id / favorite id, or a deterministic id built from the event's content. XAA: event_uuid (content-derived when absent). */
	event_id: string;
	api: ActivityApi;
	/** The event's identity: equal keys mean the same event (see dedupe-key.ts). Deduplicate on it downstream. */
	dedupe_key?: string;
	/** Delivered by a replay job (`"meta":{"replay":true}`). */
	replay: boolean;
	/** The post the item is about (tweets, likes, deletions). */
	tweet_id?: string;
	/** The DM / chat message id. */
	message_id?: string;
	/** Post full text (extended_tweet.full_text / note_tweet.text first; for a retweet, the retweeted post's), DM text, broadcast chat message, news summary. */
	text?: string;
	author?: ActivityUser;
	sender?: ActivityUser;
	recipient?: ActivityUser;
	source?: ActivityUser;
	target?: ActivityUser;
	/** AAA DMs: the app the DM was sent with, from the top-level `apps` map. */
	app?: JsonObject;
	/** AAA mentions: whether the account has blocked the author (X sends "true"/"false" or a boolean). */
	user_has_blocked?: boolean;
	/** XAA only. */
	event_uuid?: string | null;
	filter?: JsonObject;
	tag?: string | null;
	includes?: JsonObject;
	/** XAA profile_updated: which field changed, with before/after values. */
	changed?: ProfileChange;
	/** The raw event: the AAA array element (or user_event / replay_job_status object), the XAA payload. */
	event: JsonObject;
}
