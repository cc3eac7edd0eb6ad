/**
 * X Activity API deliveries: `{"data":{"event_uuid","event_type","filter","tag"?,"payload","includes"?}}`,
 * one event per delivery. Items keep the AAA vocabulary (`activity`), classified from the
 * payload and the filter.
 */
import type { Activity } from './activities';
import type { ActivityItem, ActivityUser, JsonObject } from './activity-item';
import { filterKey } from './dedupe-key';
import {
	asObject,
	bareUser,
	baseItem,
	contentHash,
	EVENTS_SUFFIX,
	idOf,
	isObject,
	type ParseResult,
	str,
	syntheticId,
	userFromList,
	userFromMap,
	userOf,
	withOptional,
} from './item-builders';

const XAA_ACTIVITIES: ReadonlyMap<string, Activity> = new Map<string, Activity>(Object.entries({
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
}));

const PROFILE_UPDATE = 'profile.update.';

function xaaBaseActivity(eventType: string): Activity {
	const mapped = XAA_ACTIVITIES.get(eventType);
	if (mapped !== undefined) return mapped;
	if (eventType.startsWith(PROFILE_UPDATE)) return 'profile_updated';
	// chat.conversation.member_added/removed, admin_added/removed, chat.update.group_name/restrictions
	if (eventType.startsWith('chat.conversation.') || eventType.startsWith('chat.update.'))
		return 'chat_updated';
	return 'unknown';
}

export function parseXaa(data: JsonObject, replay: boolean): ParseResult {
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
			for (const key of Object.keys(p)) {
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
