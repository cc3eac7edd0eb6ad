/**
 * The identity of an event for duplicate detection, as plain strings. One of them goes on every
 * item as `dedupe_key` (the field to deduplicate on downstream, e.g. with n8n's Remove
 * Duplicates node when several webhook processors share the traffic).
 *
 * Per API (same-API retries repeat it exactly):
 * - AAA: `aaa|<event_type>|<event_id>|<for_user_id>` (X: de-duplicate by event id and for_user_id;
 *   the event type only namespaces ids).
 * - XAA: `xaa|<event_type>|<event_uuid>|<filter>` (X: de-duplicate on event_uuid, event_type, filter).
 *
 * Across APIs (during an AAA → XAA overlap the same activity arrives once per API, with
 * different event ids): `x|<activity>|<account>|<identity>`, built only from what both payloads
 * carry: the post id (posts and deletions), the DM id, the like (its id, else post id and
 * time), or source and target (follow, block, mute). Typing, read receipts and the rest have no
 * identity both APIs carry, so they have no cross-API key.
 *
 * `dedupe_key` is the cross-API key where one exists, except for follow/block/mute: XAA's
 * payload carries no time, so their cross-API key would also match a later real re-follow of
 * the same pair; they keep the per-API key, and the trigger matches them across APIs only
 * within a short window (dedupe.ts).
 *
 * Free-text parts are escaped (`%`, `|`, `&`, `=`) so two different events never share a key.
 */
import { ACTIVITIES, type Activity } from './activities';
import type { ActivityItem, JsonObject } from './activity-item';

const SPECIAL = /[%|&=]/;

/** A key part with the separators escaped (fast path: nothing to escape). */
export function keyPart(value: string | null | undefined): string {
	if (value === null || value === undefined) return '';
	if (!SPECIAL.test(value)) return value;
	return value.replace(/%/g, '%25').replace(/\|/g, '%7C').replace(/&/g, '%26').replace(/=/g, '%3D');
}

/** A canonical, order-independent text form of an XAA filter. */
export function filterKey(filter: JsonObject | undefined): string {
	if (filter === undefined) return '';
	const keys = Object.keys(filter);
	if (keys.length === 0) return '';
	if (keys.length > 1) keys.sort();
	let out = '';
	for (const k of keys) {
		const v = filter[k];
		const text = typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
		out += (out === '' ? '' : '&') + keyPart(k) + '=' + keyPart(text);
	}
	return out;
}

/** The same-API key: what a retry of the same delivery by the same API repeats exactly. */
export function apiDedupeKey(item: ActivityItem): string {
	if (item.api === 'xaa') {
		return 'xaa|' + keyPart(item.event_type) + '|' + keyPart(item.event_id) + '|' + filterKey(item.filter);
	}
	return 'aaa|' + keyPart(item.event_type) + '|' + keyPart(item.event_id) + '|' + keyPart(item.for_user_id);
}

const POST_ACTIVITIES: ReadonlySet<Activity> = new Set<Activity>([
	'mention',
	'reply',
	'retweet',
	'quote',
	'own_tweet',
	'tweet_deleted',
]);
const DM_ACTIVITIES: ReadonlySet<Activity> = new Set<Activity>(['dm_received', 'dm_sent']);
const LIKE_ACTIVITIES: ReadonlySet<Activity> = new Set<Activity>(['like_received', 'like_given']);
/**
 * Relations (the Follows and Moderation groups: follow, unfollow, block, mute and their undos):
 * identified by who acted on whom, with no time both APIs carry.
 */
export const RELATION_ACTIVITIES: ReadonlySet<Activity> = new Set<Activity>(
	ACTIVITIES.filter((a) => a.group === 'follows' || a.group === 'moderation').map((a) => a.value),
);

function ownScalar(o: JsonObject, key: string): string | undefined {
	if (!Object.prototype.hasOwnProperty.call(o, key)) return undefined;
	const v = o[key];
	if (typeof v === 'string') return v === '' ? undefined : v;
	if (typeof v === 'number' && Number.isFinite(v)) return Number.isInteger(v) ? v.toFixed(0) : String(v);
	return undefined;
}

/** What identifies the activity in both APIs' payloads, or undefined when nothing does. */
function crossIdentity(item: ActivityItem): string | undefined {
	const activity = item.activity;
	if (POST_ACTIVITIES.has(activity)) return item.tweet_id ? 'post=' + keyPart(item.tweet_id) : undefined;
	if (DM_ACTIVITIES.has(activity)) return item.message_id ? 'dm=' + keyPart(item.message_id) : undefined;
	if (LIKE_ACTIVITIES.has(activity)) {
		// AAA favorite_events element and XAA like.create payload both carry the like's id and
		// timestamp_ms; the item's event is that element / payload.
		const likeId = ownScalar(item.event, 'id');
		if (likeId !== undefined) return 'like=' + keyPart(likeId);
		const at = ownScalar(item.event, 'timestamp_ms');
		return item.tweet_id && at ? 'like=' + keyPart(item.tweet_id) + '@' + keyPart(at) : undefined;
	}
	if (RELATION_ACTIVITIES.has(activity)) {
		const s = item.source?.id;
		const t = item.target?.id;
		return s && t ? 'pair=' + keyPart(s) + '>' + keyPart(t) : undefined;
	}
	return undefined;
}

/** The cross-API key (same activity of the same account, whichever API delivered it), if any. */
export function crossApiKey(item: ActivityItem): string | undefined {
	if (item.for_user_id === null || item.for_user_id === '') return undefined;
	const identity = crossIdentity(item);
	if (identity === undefined) return undefined;
	return 'x|' + item.activity + '|' + keyPart(item.for_user_id) + '|' + identity;
}

/** The item's `dedupe_key`: the cross-API key where it identifies one event for good, else the per-API key. */
export function itemDedupeKey(item: ActivityItem): string {
	if (!RELATION_ACTIVITIES.has(item.activity)) {
		const cross = crossApiKey(item);
		if (cross !== undefined) return cross;
	}
	return apiDedupeKey(item);
}
