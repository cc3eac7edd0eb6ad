/**
 * The X Activity API (XAA) event-type catalogue, and the AAA → XAA mapping used by
 * `x-aaa-migrate --to xaa`, the action node and the README.
 *
 * Sources: REFERENCE.md "X Activity API (XAA)" and `xaa/openapi-activity-subset.json` (the
 * create-subscription `event_type` enum, the OAuth 2 scope rule and the actor-only rule for
 * mute/block).
 *
 * Visibility follows X's docs to the letter: the public list (app-only Bearer with the user id in
 * the filter) is profile.update.*, post.create, post.delete, broadcast.start and broadcast.end.
 * Every other type is private: it needs the filter user's own user-context authorisation (an
 * OAuth 2.0 user token with the type's scope, or an OAuth 1.0a user token, which the OpenAPI
 * accepts). User context is accepted for public types too. `direction` is documented for
 * like.create only.
 */

/** Every XAA event type X delivers (canonical dot-notation names). */
export const XAA_EVENT_TYPES = [
	'post.create',
	'post.delete',
	'post.mention.create',
	'post.reply.create',
	'post.quote.create',
	'post.repost.create',
	'like.create',
	'follow.follow',
	'follow.unfollow',
	'profile.update.bio',
	'profile.update.profile_picture',
	'profile.update.banner_picture',
	'profile.update.screenname',
	'profile.update.handle',
	'profile.update.geo',
	'profile.update.url',
	'profile.update.verified_badge',
	'profile.update.affiliate_badge',
	'dm.received',
	'dm.sent',
	'dm.read',
	'dm.indicate_typing',
	'chat.received',
	'chat.sent',
	'chat.conversation.join',
	'chat.conversation.member_added',
	'chat.conversation.member_removed',
	'chat.conversation.admin_added',
	'chat.conversation.admin_removed',
	'chat.update.group_name',
	'chat.update.restrictions',
	'mute.mute',
	'mute.unmute',
	'block.block',
	'block.unblock',
	'news.new',
	'spaces.start',
	'spaces.end',
	'broadcast.start',
	'broadcast.end',
	'broadcast.chat',
	'oauth.revoke',
] as const;

export type XaaEventType = (typeof XAA_EVENT_TYPES)[number];

export type XaaDirection = 'inbound' | 'outbound';

export const XAA_DIRECTIONS: readonly XaaDirection[] = ['inbound', 'outbound'];

/** Deprecated spellings X still accepts on create (responses use the canonical name). */
export const XAA_EVENT_TYPE_ALIASES: Readonly<Record<string, XaaEventType>> = {
	'chat.conversation_join': 'chat.conversation.join',
};

export type XaaCategory =
	| 'post'
	| 'like'
	| 'follow'
	| 'profile'
	| 'dm'
	| 'chat'
	| 'mute'
	| 'block'
	| 'news'
	| 'spaces'
	| 'broadcast'
	| 'oauth';

/** The OAuth 2.0 user-context scopes X names for XAA subscriptions. */
export type XaaOAuth2Scope =
	| 'tweet.read'
	| 'like.read'
	| 'dm.read'
	| 'mute.read'
	| 'block.read'
	| 'broadcast.read';

export interface XaaEventTypeInfo {
	type: XaaEventType;
	category: XaaCategory;
	/**
	 * public: app-only Bearer with the user id in the filter. private: the user's own user-context
	 * token (OAuth 1.0a user token accepted; OAuth 2 user tokens need `oauth2Scope`).
	 */
	visibility: 'public' | 'private';
	/** What the subscription filter holds: a user id, a keyword, or nothing (not subscribable). */
	filter: 'user_id' | 'keyword' | 'none';
	/** Whether `filter.direction` (inbound | outbound) may be given. */
	directional: boolean;
	/** mute.* / block.*: filter.user_id must be the authenticated user; X reports only their own actions. */
	actorOnly: boolean;
	/** False for oauth.revoke: X delivers it unasked (with `filter: {}`); it is not in the create enum. */
	subscribable: boolean;
	/** The OAuth 2.0 scope X requires of a user-context OAuth 2 token for this type. */
	oauth2Scope: XaaOAuth2Scope | null;
	/** What an event of this type means, for the subscription's user (or keyword). */
	description: string;
}

type Row = [
	XaaEventType,
	XaaCategory,
	XaaEventTypeInfo['visibility'],
	XaaEventTypeInfo['filter'],
	string,
	Partial<Pick<XaaEventTypeInfo, 'directional' | 'actorOnly' | 'subscribable'>>?,
];

const ROWS: Row[] = [
	['post.create', 'post', 'public', 'user_id', 'the user published a post'],
	['post.delete', 'post', 'public', 'user_id', 'the user deleted a post'],
	['post.mention.create', 'post', 'private', 'user_id', 'a post @-mentions the user explicitly'],
	['post.reply.create', 'post', 'private', 'user_id', "a reply to one of the user's posts"],
	['post.quote.create', 'post', 'private', 'user_id', "a quote of one of the user's posts"],
	['post.repost.create', 'post', 'private', 'user_id', "a repost of one of the user's posts"],
	[
		'like.create',
		'like',
		'private',
		'user_id',
		"a like: inbound = someone liked the user's post, outbound = the user liked a post",
		{ directional: true },
	],
	// Follow events carry source and target: one follow.follow subscription without direction
	// serves both "new follower" and "follow given". Not on the docs' public list: private.
	[
		'follow.follow',
		'follow',
		'private',
		'user_id',
		'the user followed someone, or someone followed the user (source and target in the event)',
	],
	[
		'follow.unfollow',
		'follow',
		'private',
		'user_id',
		'the user unfollowed someone, or someone unfollowed the user',
	],
	['profile.update.bio', 'profile', 'public', 'user_id', 'the user changed their bio'],
	[
		'profile.update.profile_picture',
		'profile',
		'public',
		'user_id',
		'the user changed their profile picture',
	],
	[
		'profile.update.banner_picture',
		'profile',
		'public',
		'user_id',
		'the user changed their banner',
	],
	[
		'profile.update.screenname',
		'profile',
		'public',
		'user_id',
		'the user changed their display name',
	],
	['profile.update.handle', 'profile', 'public', 'user_id', 'the user changed their @handle'],
	['profile.update.geo', 'profile', 'public', 'user_id', 'the user changed their location'],
	['profile.update.url', 'profile', 'public', 'user_id', 'the user changed their website URL'],
	[
		'profile.update.verified_badge',
		'profile',
		'public',
		'user_id',
		"the user's verified badge changed",
	],
	[
		'profile.update.affiliate_badge',
		'profile',
		'public',
		'user_id',
		"the user's affiliate badge changed",
	],
	['dm.received', 'dm', 'private', 'user_id', 'the user received a direct message'],
	['dm.sent', 'dm', 'private', 'user_id', 'the user sent a direct message'],
	['dm.read', 'dm', 'private', 'user_id', 'a direct message conversation was marked read'],
	[
		'dm.indicate_typing',
		'dm',
		'private',
		'user_id',
		'someone is typing a direct message to the user',
	],
	['chat.received', 'chat', 'private', 'user_id', 'the user received an encrypted chat message'],
	['chat.sent', 'chat', 'private', 'user_id', 'the user sent an encrypted chat message'],
	['chat.conversation.join', 'chat', 'private', 'user_id', 'the user joined a chat conversation'],
	[
		'chat.conversation.member_added',
		'chat',
		'private',
		'user_id',
		'a member was added to a chat of the user',
	],
	[
		'chat.conversation.member_removed',
		'chat',
		'private',
		'user_id',
		'a member was removed from a chat of the user',
	],
	[
		'chat.conversation.admin_added',
		'chat',
		'private',
		'user_id',
		'an admin was added to a chat of the user',
	],
	[
		'chat.conversation.admin_removed',
		'chat',
		'private',
		'user_id',
		'an admin was removed from a chat of the user',
	],
	['chat.update.group_name', 'chat', 'private', 'user_id', 'a group chat of the user was renamed'],
	['chat.update.restrictions', 'chat', 'private', 'user_id', "a group chat's restrictions changed"],
	['mute.mute', 'mute', 'private', 'user_id', 'the user muted someone', { actorOnly: true }],
	['mute.unmute', 'mute', 'private', 'user_id', 'the user unmuted someone', { actorOnly: true }],
	['block.block', 'block', 'private', 'user_id', 'the user blocked someone', { actorOnly: true }],
	[
		'block.unblock',
		'block',
		'private',
		'user_id',
		'the user unblocked someone',
		{ actorOnly: true },
	],
	[
		'news.new',
		'news',
		'private',
		'keyword',
		'a new Grok-curated news story matches the keyword (enterprise)',
	],
	['spaces.start', 'spaces', 'private', 'user_id', 'the user started a Space'],
	['spaces.end', 'spaces', 'private', 'user_id', 'a Space of the user ended'],
	['broadcast.start', 'broadcast', 'public', 'user_id', 'the user started a live broadcast'],
	['broadcast.end', 'broadcast', 'public', 'user_id', 'a live broadcast of the user ended'],
	// Private, scope broadcast.read (REFERENCE.md, XAA subscriptions).
	[
		'broadcast.chat',
		'broadcast',
		'private',
		'user_id',
		'a chat message on a live broadcast of the user',
	],
	[
		'oauth.revoke',
		'oauth',
		'private',
		'none',
		'a user revoked the app (delivered unasked, with filter {})',
		{ subscribable: false },
	],
];

function scopeOf(type: XaaEventType, category: XaaCategory): XaaEventTypeInfo['oauth2Scope'] {
	if (type === 'broadcast.chat') return 'broadcast.read';
	switch (category) {
		case 'dm':
		case 'chat':
			return 'dm.read';
		case 'like':
			return 'like.read';
		case 'mute':
			return 'mute.read';
		case 'block':
			return 'block.read';
		case 'oauth':
			return null;
		default:
			return 'tweet.read';
	}
}

/** The catalogue, keyed by canonical event type. */
export const XAA_EVENT_CATALOGUE: Readonly<Record<XaaEventType, XaaEventTypeInfo>> = Object.freeze(
	Object.fromEntries(
		ROWS.map(([type, category, visibility, filter, description, extra]) => [
			type,
			Object.freeze({
				type,
				category,
				visibility,
				filter,
				directional: extra?.directional ?? false,
				actorOnly: extra?.actorOnly ?? false,
				subscribable: extra?.subscribable ?? true,
				oauth2Scope: scopeOf(type, category),
				description,
			}),
		]),
	) as Record<XaaEventType, XaaEventTypeInfo>,
);

export function isXaaEventType(v: unknown): v is XaaEventType {
	return typeof v === 'string' && Object.prototype.hasOwnProperty.call(XAA_EVENT_CATALOGUE, v);
}

/** The canonical name of an event type or alias; undefined when X does not know it. */
export function canonicalXaaEventType(v: unknown): XaaEventType | undefined {
	if (typeof v !== 'string') return undefined;
	const t = v.trim();
	if (isXaaEventType(t)) return t;
	return XAA_EVENT_TYPE_ALIASES[t];
}

export function xaaEventTypeInfo(type: string): XaaEventTypeInfo | undefined {
	const canonical = canonicalXaaEventType(type);
	return canonical ? XAA_EVENT_CATALOGUE[canonical] : undefined;
}

/** Event types that take a subscription (everything but oauth.revoke). */
export const XAA_SUBSCRIBABLE_EVENT_TYPES: readonly XaaEventType[] = XAA_EVENT_TYPES.filter(
	(t) => XAA_EVENT_CATALOGUE[t].subscribable,
);

export const isPrivateXaaEventType = (type: string): boolean =>
	xaaEventTypeInfo(type)?.visibility === 'private';

// --- AAA → XAA ----------------------------------------------------------------------------------

export interface AaaToXaaMapping {
	/** The AAA activity (payload key, and which part of it). */
	aaa: string;
	/** The XAA event types that carry it (empty: no XAA equivalent). */
	xaa: XaaEventType[];
	/** Filter direction to use, when one subscription should cover only one side. */
	direction?: XaaDirection;
	/** What is lost or different, in one line. */
	note: string;
}

/**
 * Derived from both APIs' docs (X's own table was not readable, REFERENCE.md). One row per AAA
 * activity; `AAA_EQUIVALENT_XAA_TYPES` is the union of the subscribable `xaa` columns.
 */
export const AAA_TO_XAA: readonly AaaToXaaMapping[] = [
	{
		aaa: "tweet_create_events (the user's own posts)",
		xaa: ['post.create'],
		note: 'same activity; payload is a v2 Post, not a v1.1 tweet',
	},
	{
		aaa: 'tweet_create_events (@mentions of the user)',
		xaa: ['post.mention.create'],
		note: "explicit @-mentions only; private: needs the user's own token",
	},
	{
		aaa: "tweet_create_events (replies to the user's posts)",
		xaa: ['post.reply.create'],
		note: "private: needs the user's own token",
	},
	{
		aaa: "tweet_create_events (retweets of the user's posts)",
		xaa: ['post.repost.create'],
		note: "private: needs the user's own token",
	},
	{
		aaa: "tweet_create_events (quotes of the user's posts)",
		xaa: ['post.quote.create'],
		note: "private: needs the user's own token",
	},
	{
		aaa: 'tweet_delete_events',
		xaa: ['post.delete'],
		note: 'same activity; payload is {id, author_id}',
	},
	{
		aaa: 'favorite_events (likes given and received)',
		xaa: ['like.create'],
		note: "one subscription without direction covers both sides; private: needs the user's own token",
	},
	{
		aaa: 'follow_events (follow)',
		xaa: ['follow.follow'],
		note: 'one subscription: follows by and of the user (source and target tell them apart); private',
	},
	{ aaa: 'follow_events (unfollow)', xaa: ['follow.unfollow'], note: 'same activity; private' },
	{
		aaa: 'block_events (block / unblock)',
		xaa: ['block.block', 'block.unblock'],
		note: 'actor only: the user\'s own blocks; "was blocked by" is lost',
	},
	{
		aaa: 'mute_events (mute / unmute)',
		xaa: ['mute.mute', 'mute.unmute'],
		note: "actor only: the user's own mutes",
	},
	{
		aaa: 'direct_message_events',
		xaa: ['dm.received', 'dm.sent'],
		note: 'two subscriptions (received, sent); payload keeps direct_message_events with a users map',
	},
	{
		aaa: 'direct_message_indicate_typing_events',
		xaa: ['dm.indicate_typing'],
		note: 'same activity',
	},
	{ aaa: 'direct_message_mark_read_events', xaa: ['dm.read'], note: 'same activity' },
	{
		aaa: 'user_event (revoke)',
		xaa: ['oauth.revoke'],
		note: 'not subscribable: X delivers oauth.revoke to the app unasked, with filter {}',
	},
	{
		aaa: 'replay_job_status',
		xaa: [],
		note: "no XAA event: replay is POST /2/webhooks/replay (last 24 h) or the stream's backfill_minutes",
	},
];

/**
 * The default `--to xaa` set: the subscribable equivalents of everything AAA delivered. One AAA
 * user becomes this many XAA subscriptions (17), each counting against the cap. oauth.revoke is
 * left out: it cannot be subscribed to and arrives anyway.
 */
export const AAA_EQUIVALENT_XAA_TYPES: readonly XaaEventType[] = Object.freeze([
	...new Set(AAA_TO_XAA.flatMap((m) => m.xaa).filter((t) => XAA_EVENT_CATALOGUE[t].subscribable)),
]);

/** The subscriptions (event type + filter) that replace one AAA subscription for `userId`. */
export function xaaSubscriptionsForAaaUser(
	userId: string,
	types: readonly XaaEventType[] = AAA_EQUIVALENT_XAA_TYPES,
): Array<{ eventType: XaaEventType; filter: { userId: string } }> {
	return types
		.filter(
			(t) => XAA_EVENT_CATALOGUE[t].subscribable && XAA_EVENT_CATALOGUE[t].filter === 'user_id',
		)
		.map((eventType) => ({ eventType, filter: { userId } }));
}
