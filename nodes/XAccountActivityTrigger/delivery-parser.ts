/**
 * Turns one webhook delivery body (already parsed with parseJsonLossless, so big ids may be
 * strings) into items: one per AAA event, one per XAA delivery. Pure and network-free.
 *
 * Telling the APIs apart: an AAA body has a top-level `for_user_id` with one or more array-valued
 * `*_events` keys, or a `user_event` / `replay_job_status` object. An XAA body is
 * `{"data":{"event_uuid","event_type","filter","tag"?,"payload","includes"?}}`. X's webhook
 * replay wraps "any event" as `{"data":{…},"meta":{"replay":true}}`, so a `data` object holding an
 * AAA body is unwrapped as AAA (both readings of the replay guide are accepted).
 */
import { createHash } from 'node:crypto';
import type { Activity } from './activities';
import type { ActivityItem, ActivityUser, JsonObject } from './activity-item';
import { apiDedupeKey, filterKey } from './dedupe-key';

export type ParseResult =
	| { ok: true; api: 'aaa' | 'xaa'; items: ActivityItem[] }
	| { ok: false; reason: string };

const EVENTS_SUFFIX = '_events';

// ---------------------------------------------------------------------------------------------
// small helpers

function isObject(v: unknown): v is JsonObject {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asObject(v: unknown): JsonObject | undefined {
	return isObject(v) ? v : undefined;
}

function str(v: unknown): string | null {
	return typeof v === 'string' ? v : null;
}

/** An id as a string: strings as they are, numbers in decimal (never the other way round). */
function idOf(v: unknown): string | null {
	if (typeof v === 'string') return v === '' ? null : v;
	if (typeof v === 'number' && Number.isFinite(v))
		return Number.isInteger(v) ? v.toFixed(0) : String(v);
	if (typeof v === 'bigint') return v.toString();
	return null;
}

/** `*_str` first, then the plain field. */
function idField(o: JsonObject | undefined, name: string): string | null {
	if (o === undefined) return null;
	return idOf(o[name + '_str']) ?? idOf(o[name]);
}

function isReplay(meta: unknown): boolean {
	const m = asObject(meta);
	return m !== undefined && (m.replay === true || m.replay === 'true');
}

function contentHash(...parts: unknown[]): string {
	return createHash('sha1').update(JSON.stringify(parts)).digest('hex');
}

/** A deterministic id from the event's identifying fields, e.g. `follow:12:34:1517588749178`. */
function syntheticId(kind: string, ...parts: Array<string | null>): string {
	return kind + ':' + parts.map((p) => p ?? '').join(':');
}

function userOf(raw: unknown): ActivityUser | undefined {
	let u = asObject(raw);
	if (u === undefined) return undefined;
	// XAA wraps users as {"data":{…}}.
	if (u.id === undefined && u.id_str === undefined && isObject(u.data)) u = u.data;
	const id = idField(u, 'id');
	if (id === null) return undefined;
	return {
		id,
		screen_name: str(u.screen_name) ?? str(u.username),
		name: str(u.name),
		profile_image_url: str(u.profile_image_url_https) ?? str(u.profile_image_url),
		raw: u,
	};
}

function bareUser(id: string): ActivityUser {
	return { id, screen_name: null, name: null, profile_image_url: null, raw: null };
}

/** A user from an id-keyed map (AAA `users`, XAA DM `users`), else just the id. */
function userFromMap(
	id: string | null,
	...maps: Array<JsonObject | undefined>
): ActivityUser | undefined {
	if (id === null) return undefined;
	for (const map of maps) {
		if (map === undefined) continue;
		const u = userOf(map[id]);
		if (u !== undefined) return u;
	}
	return bareUser(id);
}

/** A user from XAA includes.users (an array, entries sometimes wrapped in {"data":{…}}), else just the id. */
function userFromList(id: string | null, list: unknown): ActivityUser | undefined {
	if (id === null) return undefined;
	if (Array.isArray(list)) {
		for (const entry of list) {
			const u = userOf(entry);
			if (u !== undefined && u.id === id) return u;
		}
	}
	return bareUser(id);
}

/** v1.1 tweet text: the long form first. */
function tweetText(t: JsonObject | undefined): string | undefined {
	if (t === undefined) return undefined;
	const ext = asObject(t.extended_tweet);
	return str(ext?.full_text) ?? str(t.full_text) ?? str(t.text) ?? undefined;
}

function mentionsUser(t: JsonObject, userId: string): boolean {
	const lists = [
		asObject(t.entities)?.user_mentions,
		asObject(asObject(t.extended_tweet)?.entities)?.user_mentions,
	];
	for (const list of lists) {
		if (!Array.isArray(list)) continue;
		for (const m of list) if (isObject(m) && idField(m, 'id') === userId) return true;
	}
	return false;
}

function boolish(v: unknown): boolean | undefined {
	if (typeof v === 'boolean') return v;
	if (v === 'true') return true;
	if (v === 'false') return false;
	return undefined;
}

/** Sets optional fields only when they have a value, so items carry no undefined keys. */
function withOptional(item: ActivityItem, extra: Partial<ActivityItem>): ActivityItem {
	for (const key of Object.keys(extra) as Array<keyof ActivityItem>) {
		const v = extra[key];
		if (v !== undefined) (item as unknown as JsonObject)[key] = v;
	}
	return item;
}

// ---------------------------------------------------------------------------------------------
// entry point

export function parseDelivery(body: unknown): ParseResult {
	const result = parseBody(body);
	if (result.ok) for (const item of result.items) item.dedupe_key = apiDedupeKey(item);
	return result;
}

function parseBody(body: unknown): ParseResult {
	if (!isObject(body)) {
		return {
			ok: false,
			reason: Array.isArray(body)
				? 'body is a JSON array, not an event object'
				: 'body is not a JSON object',
		};
	}
	if (hasAaaKeys(body)) return parseAaa(body, isReplay(body.meta));
	const data = body.data;
	if (isObject(data)) {
		if (hasAaaKeys(data)) return parseAaa(data, isReplay(body.meta) || isReplay(data.meta));
		return parseXaa(data, isReplay(body.meta) || isReplay(data.meta));
	}
	if (data !== undefined) return { ok: false, reason: '"data" is not an object' };
	return {
		ok: false,
		reason:
			'not an Account Activity or X Activity API event (no for_user_id, *_events, user_event, replay_job_status or data)',
	};
}

function hasAaaKeys(o: JsonObject): boolean {
	if ('for_user_id' in o || 'user_event' in o || 'replay_job_status' in o) return true;
	for (const key in o) if (key.endsWith(EVENTS_SUFFIX)) return true;
	return false;
}

// ---------------------------------------------------------------------------------------------
// AAA

interface AaaContext {
	forUser: string | null;
	replay: boolean;
	body: JsonObject;
	users: JsonObject | undefined;
	apps: JsonObject | undefined;
}

function parseAaa(body: JsonObject, replay: boolean): ParseResult {
	const forUser = idOf(body.for_user_id);
	const ctx: AaaContext = {
		forUser,
		replay,
		body,
		users: asObject(body.users),
		apps: asObject(body.apps),
	};
	const items: ActivityItem[] = [];
	let found = false;
	for (const key in body) {
		const value = body[key];
		if (key.endsWith(EVENTS_SUFFIX)) {
			if (!Array.isArray(value)) return { ok: false, reason: `${key} is not an array` };
			found = true;
			const eventType = key.slice(0, -EVENTS_SUFFIX.length);
			for (let i = 0; i < value.length; i++) {
				const el = value[i];
				if (!isObject(el)) return { ok: false, reason: `${key}[${i}] is not an object` };
				items.push(aaaArrayItem(eventType, el, ctx));
			}
		} else if (key === 'user_event' || key === 'replay_job_status') {
			if (!isObject(value)) return { ok: false, reason: `${key} is not an object` };
			found = true;
			items.push(key === 'user_event' ? userEventItem(value, ctx) : replayStatusItem(value, ctx));
		}
	}
	if (!found)
		return { ok: false, reason: 'no *_events array, user_event or replay_job_status in the body' };
	return { ok: true, api: 'aaa', items };
}

function baseItem(
	activity: Activity,
	eventType: string,
	forUser: string | null,
	eventId: string,
	api: 'aaa' | 'xaa',
	replay: boolean,
	event: JsonObject,
): ActivityItem {
	return {
		activity,
		event_type: eventType,
		for_user_id: forUser,
		event_id: eventId,
		api,
		replay,
		event,
	};
}

function aaaArrayItem(eventType: string, el: JsonObject, ctx: AaaContext): ActivityItem {
	switch (eventType) {
		case 'tweet_create':
			return tweetItem(el, ctx);
		case 'favorite':
			return favoriteItem(el, ctx);
		case 'follow':
		case 'block':
		case 'mute':
			return relationItem(eventType, el, ctx);
		case 'direct_message':
			return directMessageItem(el, ctx);
		case 'direct_message_indicate_typing':
		case 'direct_message_mark_read':
			return indicatorItem(eventType, el, ctx);
		case 'tweet_delete':
			return tweetDeleteItem(el, ctx);
		default: {
			const id = idField(el, 'id') ?? syntheticId(eventType, contentHash(el));
			return baseItem('unknown', eventType, ctx.forUser, id, 'aaa', ctx.replay, el);
		}
	}
}

/**
 * tweet_create_events carry the account's own tweets and every tweet that involves it. Order
 * matters: the account's own tweets win, so its own replies never reach "reply" flows.
 */
function classifyTweet(t: JsonObject, authorId: string | null, forUser: string | null): Activity {
	const retweeted = asObject(t.retweeted_status);
	const quoted = asObject(t.quoted_status);
	if (forUser === null) {
		// No account to relate to (never seen from X): classify by structure alone.
		if (retweeted) return 'retweet';
		if (quoted) return 'quote';
		if (idField(t, 'in_reply_to_user_id') !== null) return 'reply';
		return 'mention';
	}
	if (authorId === forUser) return 'own_tweet';
	if (retweeted && idField(asObject(retweeted.user), 'id') === forUser) return 'retweet';
	if (quoted && idField(asObject(quoted.user), 'id') === forUser) return 'quote';
	if (idField(t, 'in_reply_to_user_id') === forUser) return 'reply';
	if (mentionsUser(t, forUser)) return 'mention';
	// Delivered for the account but none of the above is visible in the payload: X only sends
	// tweet_create_events that involve the account, and what remains is it being addressed in a
	// way the entities do not show (a mention inside a retweeted/quoted tweet of someone else, a
	// reply-chain @prefix trimmed from the entities). Treat it as a mention: it is about the
	// account, and "mention" flows are where an unexpected address belongs.
	return 'mention';
}

function tweetItem(t: JsonObject, ctx: AaaContext): ActivityItem {
	const author = userOf(t.user);
	const activity = classifyTweet(t, author?.id ?? null, ctx.forUser);
	const tweetId = idField(t, 'id');
	const retweeted = asObject(t.retweeted_status);
	return withOptional(
		baseItem(
			activity,
			'tweet_create',
			ctx.forUser,
			tweetId ?? syntheticId('tweet_create', contentHash(t)),
			'aaa',
			ctx.replay,
			t,
		),
		{
			tweet_id: tweetId ?? undefined,
			text: retweeted ? tweetText(retweeted) : tweetText(t),
			author,
			user_has_blocked: boolish(t.user_has_blocked ?? ctx.body.user_has_blocked),
		},
	);
}

function favoriteItem(f: JsonObject, ctx: AaaContext): ActivityItem {
	const liker = userOf(f.user);
	const status = asObject(f.favorited_status);
	const tweetAuthor = userOf(status?.user);
	const tweetId = idField(status, 'id');
	const activity: Activity =
		ctx.forUser !== null && liker?.id === ctx.forUser ? 'like_given' : 'like_received';
	const id =
		idOf(f.id) ?? syntheticId('favorite', liker?.id ?? null, tweetId, idOf(f.timestamp_ms));
	return withOptional(baseItem(activity, 'favorite', ctx.forUser, id, 'aaa', ctx.replay, f), {
		tweet_id: tweetId ?? undefined,
		text: tweetText(status),
		author: tweetAuthor,
		source: liker,
		target: tweetAuthor,
	});
}

function relationItem(
	eventType: 'follow' | 'block' | 'mute',
	e: JsonObject,
	ctx: AaaContext,
): ActivityItem {
	const source = userOf(e.source);
	const target = userOf(e.target);
	const type = str(e.type) ?? eventType;
	let activity: Activity;
	if (eventType === 'follow') {
		if (type === 'unfollow') activity = 'unfollow';
		else if (ctx.forUser !== null && source?.id === ctx.forUser && target?.id !== ctx.forUser)
			activity = 'follow_given';
		else activity = 'new_follower';
	} else if (eventType === 'block') activity = type === 'unblock' ? 'unblock' : 'block';
	else activity = type === 'unmute' ? 'unmute' : 'mute';
	const id = syntheticId(type, source?.id ?? null, target?.id ?? null, idOf(e.created_timestamp));
	return withOptional(baseItem(activity, eventType, ctx.forUser, id, 'aaa', ctx.replay, e), {
		source,
		target,
	});
}

/** X's legacy docs sample nests the users map inside `apps`: look there too. */
function dmUserMaps(ctx: AaaContext): Array<JsonObject | undefined> {
	return [ctx.users, ctx.apps];
}

function directMessageItem(dm: JsonObject, ctx: AaaContext): ActivityItem {
	const mc = asObject(dm.message_create);
	const senderId = idOf(mc?.sender_id) ?? idOf(dm.sender_id);
	const recipientId =
		idOf(asObject(mc?.target)?.recipient_id) ?? idOf(asObject(dm.target)?.recipient_id);
	const activity: Activity =
		ctx.forUser !== null && senderId === ctx.forUser ? 'dm_sent' : 'dm_received';
	const dmId = idField(dm, 'id');
	const appId = idOf(mc?.source_app_id);
	const app = appId !== null ? asObject(ctx.apps?.[appId]) : undefined;
	return withOptional(
		baseItem(
			activity,
			'direct_message',
			ctx.forUser,
			dmId ?? syntheticId('direct_message', contentHash(dm)),
			'aaa',
			ctx.replay,
			dm,
		),
		{
			message_id: dmId ?? undefined,
			text: str(asObject(mc?.message_data)?.text) ?? undefined,
			sender: userFromMap(senderId, ...dmUserMaps(ctx)),
			recipient: userFromMap(recipientId, ...dmUserMaps(ctx)),
			app,
		},
	);
}

function indicatorItem(
	eventType: 'direct_message_indicate_typing' | 'direct_message_mark_read',
	e: JsonObject,
	ctx: AaaContext,
): ActivityItem {
	const senderId = idOf(e.sender_id);
	const recipientId = idOf(asObject(e.target)?.recipient_id);
	const typing = eventType === 'direct_message_indicate_typing';
	const id = typing
		? syntheticId('typing', senderId, recipientId, idOf(e.created_timestamp))
		: syntheticId(
				'read',
				senderId,
				recipientId,
				idOf(e.last_read_event_id),
				idOf(e.created_timestamp),
			);
	return withOptional(
		baseItem(typing ? 'typing' : 'read', eventType, ctx.forUser, id, 'aaa', ctx.replay, e),
		{
			sender: userFromMap(senderId, ...dmUserMaps(ctx)),
			recipient: userFromMap(recipientId, ...dmUserMaps(ctx)),
		},
	);
}

function tweetDeleteItem(e: JsonObject, ctx: AaaContext): ActivityItem {
	const status = asObject(e.status);
	const tweetId = idField(status, 'id');
	const authorId = idField(status, 'user_id');
	// Namespaced, so the deletion never dedupes against the tweet_create of the same id.
	const id = syntheticId('tweet_delete', tweetId, idOf(e.timestamp_ms));
	return withOptional(
		baseItem('tweet_deleted', 'tweet_delete', ctx.forUser, id, 'aaa', ctx.replay, e),
		{
			tweet_id: tweetId ?? undefined,
			author: authorId !== null ? bareUser(authorId) : undefined,
		},
	);
}

function userEventItem(e: JsonObject, ctx: AaaContext): ActivityItem {
	const revoke = asObject(e.revoke);
	if (revoke === undefined) {
		return baseItem(
			'unknown',
			'user_event',
			ctx.forUser,
			syntheticId('user_event', contentHash(e)),
			'aaa',
			ctx.replay,
			e,
		);
	}
	// user_event has no top-level for_user_id: the account is the one that revoked.
	const userId = idOf(asObject(revoke.source)?.user_id);
	const forUser = ctx.forUser ?? userId;
	const id = syntheticId(
		'revoke',
		userId,
		idOf(asObject(revoke.target)?.app_id),
		str(revoke.date_time),
	);
	return withOptional(baseItem('app_revoked', 'user_event', forUser, id, 'aaa', ctx.replay, e), {
		source: userId !== null ? bareUser(userId) : undefined,
	});
}

function replayStatusItem(e: JsonObject, ctx: AaaContext): ActivityItem {
	const state = str(e.job_state);
	const activity: Activity =
		state !== null && state.toLowerCase() === 'complete' ? 'replay_complete' : 'replay_incomplete';
	const id = syntheticId('replay_job_status', idOf(e.webhook_id), idOf(e.job_id), state);
	return baseItem(activity, 'replay_job_status', ctx.forUser, id, 'aaa', ctx.replay, e);
}

// ---------------------------------------------------------------------------------------------
// XAA

const XAA_ACTIVITIES: Readonly<Record<string, Activity>> = {
	'post.mention.create': 'mention',
	'post.reply.create': 'reply',
	'post.quote.create': 'quote',
	'post.repost.create': 'retweet',
	'post.create': 'own_tweet',
	'post.delete': 'tweet_deleted',
	'like.create': 'like_received',
	'follow.follow': 'new_follower',
	'follow.unfollow': 'unfollow',
	'block.block': 'block',
	'block.unblock': 'unblock',
	'mute.mute': 'mute',
	'mute.unmute': 'unmute',
	'dm.received': 'dm_received',
	'dm.sent': 'dm_sent',
	'dm.read': 'read',
	'dm.indicate_typing': 'typing',
	'chat.received': 'chat_received',
	'chat.sent': 'chat_sent',
	'chat.conversation.join': 'chat_joined',
	// deprecated alias X still accepts on create
	'chat.conversation_join': 'chat_joined',
	'oauth.revoke': 'app_revoked',
	'spaces.start': 'space_started',
	'spaces.end': 'space_ended',
	'broadcast.start': 'broadcast_started',
	'broadcast.end': 'broadcast_ended',
	'broadcast.chat': 'broadcast_chat',
	'news.new': 'news',
};

const PROFILE_UPDATE = 'profile.update.';

function xaaBaseActivity(eventType: string): Activity {
	const mapped = XAA_ACTIVITIES[eventType];
	if (mapped !== undefined) return mapped;
	if (eventType.startsWith(PROFILE_UPDATE)) return 'profile_updated';
	// chat.conversation.member_added/removed, admin_added/removed, chat.update.group_name/restrictions
	if (eventType.startsWith('chat.conversation.') || eventType.startsWith('chat.update.'))
		return 'chat_updated';
	return 'unknown';
}

function parseXaa(data: JsonObject, replay: boolean): ParseResult {
	const eventType = str(data.event_type);
	const payload = data.payload;
	if (eventType === null || eventType === '')
		return { ok: false, reason: 'X Activity API envelope without event_type' };
	if (!isObject(payload))
		return { ok: false, reason: 'X Activity API envelope without a payload object' };
	const filter = asObject(data.filter) ?? {};
	const includes = asObject(data.includes);
	const uuid = idOf(data.event_uuid);
	let forUser = idOf(filter.user_id);
	// oauth.revoke is delivered with filter:{}; the account is the user who revoked.
	if (forUser === null && eventType === 'oauth.revoke') forUser = idOf(payload.user_id);
	const eventId = uuid ?? syntheticId('xaa', eventType, contentHash(filterKey(filter), payload));

	const item = baseItem(
		xaaBaseActivity(eventType),
		eventType,
		forUser,
		eventId,
		'xaa',
		replay,
		payload,
	);
	item.event_uuid = uuid;
	item.filter = filter;
	item.tag = str(data.tag);
	if (includes !== undefined) item.includes = includes;
	describeXaa(item, eventType, payload, filter, includes);
	return { ok: true, api: 'xaa', items: [item] };
}

function postText(p: JsonObject | undefined): string | undefined {
	if (p === undefined) return undefined;
	return str(asObject(p.note_tweet)?.text) ?? str(p.text) ?? undefined;
}

function includedTweet(
	includes: JsonObject | undefined,
	id: string | null,
): JsonObject | undefined {
	const tweets = includes?.tweets;
	if (id === null || !Array.isArray(tweets)) return undefined;
	for (const t of tweets) {
		const o = asObject(t);
		const inner = o && o.id === undefined ? asObject(o.data) : o;
		if (inner !== undefined && idOf(inner.id) === id) return inner;
	}
	return undefined;
}

function referencedId(p: JsonObject, type: string): string | null {
	const refs = p.referenced_tweets;
	if (!Array.isArray(refs)) return null;
	for (const r of refs) if (isObject(r) && r.type === type) return idOf(r.id);
	return null;
}

/** Fills activity refinements, users, text and ids of an XAA item from its payload. */
function describeXaa(
	item: ActivityItem,
	eventType: string,
	p: JsonObject,
	filter: JsonObject,
	includes: JsonObject | undefined,
): void {
	const forUser = item.for_user_id;
	const users = includes?.users;
	const direction = str(filter.direction);
	switch (item.activity) {
		case 'mention':
		case 'reply':
		case 'quote':
		case 'retweet':
		case 'own_tweet': {
			const authorId = idOf(p.author_id);
			// As with AAA: the account's own posts win, so its own replies never reach reply flows.
			if (forUser !== null && authorId === forUser) item.activity = 'own_tweet';
			let text = postText(p);
			if (eventType === 'post.repost.create')
				text = postText(includedTweet(includes, referencedId(p, 'retweeted'))) ?? text;
			withOptional(item, {
				tweet_id: idOf(p.id) ?? undefined,
				text,
				author: userFromList(authorId, users),
			});
			return;
		}
		case 'tweet_deleted':
			withOptional(item, {
				tweet_id: idOf(p.id) ?? undefined,
				author: userFromList(idOf(p.author_id), users),
			});
			return;
		case 'like_received': {
			// like.create: direction from the filter, else by whose post was liked.
			const tweetAuthorId = idOf(p.liked_tweet_author_id) ?? idOf(p.tweet_author_id);
			let given: boolean;
			if (direction === 'outbound') given = true;
			else if (direction === 'inbound') given = false;
			else given = forUser !== null && tweetAuthorId !== null && tweetAuthorId !== forUser;
			if (given) item.activity = 'like_given';
			const tweetId = idOf(p.liked_tweet_id);
			const target = userFromList(tweetAuthorId, users);
			// The payload names no liker: for a like given it is the account; for a like received,
			// the included user who is not the post's author, when X includes one.
			let source: ActivityUser | undefined;
			if (given) source = userFromList(forUser, users);
			else if (Array.isArray(users)) {
				for (const u of users) {
					const user = userOf(u);
					if (user !== undefined && user.id !== tweetAuthorId) {
						source = user;
						break;
					}
				}
			}
			withOptional(item, {
				tweet_id: tweetId ?? undefined,
				text: postText(includedTweet(includes, tweetId)),
				author: target,
				source,
				target,
			});
			return;
		}
		case 'new_follower': {
			const source = userOf(p.source);
			const target = userOf(p.target);
			if (forUser !== null && source?.id === forUser && target?.id !== forUser)
				item.activity = 'follow_given';
			else if (forUser === null && direction === 'outbound') item.activity = 'follow_given';
			withOptional(item, { source, target });
			return;
		}
		case 'unfollow':
		case 'block':
		case 'unblock':
		case 'mute':
		case 'unmute':
			withOptional(item, { source: userOf(p.source), target: userOf(p.target) });
			return;
		case 'dm_received':
		case 'dm_sent':
		case 'typing':
		case 'read': {
			// XAA keeps AAA's DM shape: `direct_message_events` (or the typing / read arrays) with a
			// `users` map whose entries are wrapped as {"data":{…}}. A flat payload is read the same way.
			let el: JsonObject = p;
			for (const key in p) {
				const v = p[key];
				if (key.endsWith(EVENTS_SUFFIX) && Array.isArray(v) && isObject(v[0])) {
					el = v[0];
					break;
				}
			}
			const mc = asObject(el.message_create);
			const senderId = idOf(mc?.sender_id) ?? idOf(el.sender_id);
			const recipientId =
				idOf(asObject(mc?.target)?.recipient_id) ?? idOf(asObject(el.target)?.recipient_id);
			const map = asObject(p.users);
			withOptional(item, {
				message_id:
					item.activity === 'dm_received' || item.activity === 'dm_sent'
						? (idOf(el.id) ?? undefined)
						: undefined,
				text: str(asObject(mc?.message_data)?.text) ?? undefined,
				sender: map ? userFromMap(senderId, map) : userFromList(senderId, users),
				recipient: map ? userFromMap(recipientId, map) : userFromList(recipientId, users),
			});
			return;
		}
		case 'chat_received':
		case 'chat_sent':
		case 'chat_joined':
		case 'chat_updated':
			// XChat message bodies are end-to-end encrypted (encoded_event): no text.
			withOptional(item, {
				message_id: idOf(p.id) ?? undefined,
				sender: userFromList(idOf(p.sender_id), users),
			});
			return;
		case 'app_revoked': {
			const userId = idOf(p.user_id);
			withOptional(item, { source: userId !== null ? bareUser(userId) : undefined });
			return;
		}
		case 'profile_updated':
			item.changed = {
				field: eventType.slice(PROFILE_UPDATE.length),
				before: p.before ?? null,
				after: p.after ?? null,
			};
			return;
		case 'space_started':
		case 'space_ended':
		case 'broadcast_started':
		case 'broadcast_ended':
			withOptional(item, { text: str(p.title) ?? undefined, author: userOf(p.user) });
			return;
		case 'broadcast_chat':
			withOptional(item, {
				message_id: idOf(p.message_id) ?? undefined,
				text: str(p.message) ?? undefined,
				author: userOf(p.author),
			});
			return;
		case 'news':
			withOptional(item, { text: str(p.summary) ?? str(p.headline) ?? str(p.hook) ?? undefined });
			return;
		default:
			return;
	}
}
