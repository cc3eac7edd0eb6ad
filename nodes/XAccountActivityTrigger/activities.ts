/**
 * The trigger's activity vocabulary: what an event means for the subscribed account, whatever
 * API (Account Activity API `aaa`, X Activity API `xaa`) delivered it. Every item the trigger
 * emits carries exactly one of these in `activity`; the node's "Activities" multi-select and its
 * "one output per activity group" mode are built from the tables below.
 */

export type Activity =
	| 'mention'
	| 'reply'
	| 'retweet'
	| 'quote'
	| 'own_tweet'
	| 'tweet_deleted'
	| 'like_received'
	| 'like_given'
	| 'new_follower'
	| 'follow_given'
	| 'unfollow'
	| 'block'
	| 'unblock'
	| 'mute'
	| 'unmute'
	| 'dm_received'
	| 'dm_sent'
	| 'typing'
	| 'read'
	| 'app_revoked'
	| 'replay_complete'
	| 'replay_incomplete'
	// X Activity API only
	| 'profile_updated'
	| 'chat_received'
	| 'chat_sent'
	| 'chat_joined'
	| 'chat_updated'
	| 'space_started'
	| 'space_ended'
	| 'broadcast_started'
	| 'broadcast_ended'
	| 'broadcast_chat'
	| 'news'
	// Both: an event type this version does not know (a new `*_events` key or XAA event_type).
	| 'unknown';

export type ActivityGroupId = 'mentions' | 'dms' | 'likes' | 'follows' | 'moderation' | 'other';

export interface ActivityInfo {
	value: Activity;
	/** Display name for the multi-select. */
	name: string;
	description: string;
	group: ActivityGroupId;
	/** Which API can deliver it. */
	api: 'aaa' | 'xaa' | 'both';
}

export interface ActivityGroup {
	id: ActivityGroupId;
	/** Output name shown on the node in "one output per activity group" mode. */
	name: string;
	description: string;
}

/**
 * Output groups, in output order. Where the less obvious activities go, and why:
 * - quote: Mentions and Replies. A quote carries new text addressed at the account's post and is
 *   usually answered like a reply.
 * - retweet: Likes and Retweets. A retweet adds no text to answer; like a like, it is engagement
 *   to count or thank for.
 * - typing, read, chat_*: Direct Messages. They belong to a DM conversation, and a DM bot wants
 *   them next to the messages (XChat `chat.*` is the encrypted successor of DMs).
 * - own_tweet, tweet_deleted: Other. They are the account's own posting, not an interaction with
 *   it, and must never reach reply/mention flows.
 * - app_revoked, replay_*, profile_updated, spaces, broadcasts, news, unknown: Other (account
 *   lifecycle and informational events).
 */
export const ACTIVITY_GROUPS: readonly ActivityGroup[] = [
	{
		id: 'mentions',
		name: 'Mentions and Replies',
		description: 'Mentions, replies and quotes of the account',
	},
	{
		id: 'dms',
		name: 'Direct Messages',
		description: 'Direct messages, typing and read indicators, XChat',
	},
	{
		id: 'likes',
		name: 'Likes and Retweets',
		description: 'Likes received and given, retweets of the account',
	},
	{ id: 'follows', name: 'Follows', description: 'New followers, follows given, unfollows' },
	{ id: 'moderation', name: 'Moderation', description: 'Blocks, unblocks, mutes, unmutes' },
	{
		id: 'other',
		name: 'Other',
		description:
			'Own posts, deletions, app revocation, replay status, profile, Spaces, broadcasts, news',
	},
];

/** Sorted by display name, as n8n lists options. */
export const ACTIVITIES: readonly ActivityInfo[] = [
	{
		value: 'app_revoked',
		name: 'App Access Revoked',
		description: "The account revoked the app's access: its subscription is gone",
		group: 'other',
		api: 'both',
	},
	{
		value: 'block',
		name: 'Block',
		description: 'The account blocked someone',
		group: 'moderation',
		api: 'both',
	},
	{
		value: 'broadcast_chat',
		name: 'Broadcast Chat Message',
		description: 'A chat message in a live broadcast (X Activity API)',
		group: 'other',
		api: 'xaa',
	},
	{
		value: 'broadcast_ended',
		name: 'Broadcast Ended',
		description: 'A live broadcast ended (X Activity API)',
		group: 'other',
		api: 'xaa',
	},
	{
		value: 'broadcast_started',
		name: 'Broadcast Started',
		description: 'A live broadcast started (X Activity API)',
		group: 'other',
		api: 'xaa',
	},
	{
		value: 'chat_updated',
		name: 'Chat Conversation Changed',
		description: 'XChat group members, admins, name or restrictions changed (X Activity API)',
		group: 'dms',
		api: 'xaa',
	},
	{
		value: 'chat_joined',
		name: 'Chat Conversation Joined',
		description: 'The account joined an XChat conversation (X Activity API)',
		group: 'dms',
		api: 'xaa',
	},
	{
		value: 'chat_received',
		name: 'Chat Message Received',
		description: 'An encrypted XChat message reached the account (X Activity API)',
		group: 'dms',
		api: 'xaa',
	},
	{
		value: 'chat_sent',
		name: 'Chat Message Sent',
		description: 'The account sent an encrypted XChat message (X Activity API)',
		group: 'dms',
		api: 'xaa',
	},
	{
		value: 'dm_received',
		name: 'Direct Message Received',
		description: 'Someone sent the account a direct message',
		group: 'dms',
		api: 'both',
	},
	{
		value: 'dm_sent',
		name: 'Direct Message Sent',
		description: 'The account sent a direct message',
		group: 'dms',
		api: 'both',
	},
	{
		value: 'follow_given',
		name: 'Follow Given',
		description: 'The account followed someone',
		group: 'follows',
		api: 'both',
	},
	{
		value: 'like_given',
		name: 'Like Given',
		description: 'The account liked a post',
		group: 'likes',
		api: 'both',
	},
	{
		value: 'like_received',
		name: 'Like Received',
		description: "Someone liked one of the account's posts",
		group: 'likes',
		api: 'both',
	},
	{
		value: 'mention',
		name: 'Mention',
		description: 'Someone mentioned the account in a post',
		group: 'mentions',
		api: 'both',
	},
	{
		value: 'mute',
		name: 'Mute',
		description: 'The account muted someone',
		group: 'moderation',
		api: 'both',
	},
	{
		value: 'new_follower',
		name: 'New Follower',
		description: 'Someone followed the account',
		group: 'follows',
		api: 'both',
	},
	{
		value: 'news',
		name: 'News Story',
		description: 'A news story matching a keyword subscription (X Activity API)',
		group: 'other',
		api: 'xaa',
	},
	{
		value: 'unknown',
		name: 'Other Event',
		description: 'An event type this version of the node does not know yet, passed through raw',
		group: 'other',
		api: 'both',
	},
	{
		value: 'own_tweet',
		name: 'Own Post',
		description: 'The account posted (including its own replies, retweets and quotes)',
		group: 'other',
		api: 'both',
	},
	{
		value: 'tweet_deleted',
		name: 'Post Deleted',
		description: 'A post was deleted',
		group: 'other',
		api: 'both',
	},
	{
		value: 'profile_updated',
		name: 'Profile Updated',
		description:
			'The account changed its bio, name, handle, pictures, location, URL or badges (X Activity API)',
		group: 'other',
		api: 'xaa',
	},
	{
		value: 'quote',
		name: 'Quote',
		description: "Someone quoted one of the account's posts",
		group: 'mentions',
		api: 'both',
	},
	{
		value: 'read',
		name: 'Read Receipt',
		description: 'Direct messages were marked as read',
		group: 'dms',
		api: 'both',
	},
	{
		value: 'replay_complete',
		name: 'Replay Complete',
		description: 'A replay job delivered all its events',
		group: 'other',
		api: 'aaa',
	},
	{
		value: 'replay_incomplete',
		name: 'Replay Incomplete',
		description: 'A replay job failed to deliver all its events: retry it',
		group: 'other',
		api: 'aaa',
	},
	{
		value: 'reply',
		name: 'Reply',
		description: "Someone replied to the account's post",
		group: 'mentions',
		api: 'both',
	},
	{
		value: 'retweet',
		name: 'Retweet (Repost)',
		description: "Someone retweeted one of the account's posts",
		group: 'likes',
		api: 'both',
	},
	{
		value: 'space_ended',
		name: 'Space Ended',
		description: 'A Space ended (X Activity API)',
		group: 'other',
		api: 'xaa',
	},
	{
		value: 'space_started',
		name: 'Space Started',
		description: 'A Space started (X Activity API)',
		group: 'other',
		api: 'xaa',
	},
	{
		value: 'typing',
		name: 'Typing Indicator',
		description: 'Someone is typing a direct message',
		group: 'dms',
		api: 'both',
	},
	{
		value: 'unblock',
		name: 'Unblock',
		description: 'The account unblocked someone',
		group: 'moderation',
		api: 'both',
	},
	{
		value: 'unfollow',
		name: 'Unfollow',
		description: 'The account unfollowed someone',
		group: 'follows',
		api: 'both',
	},
	{
		value: 'unmute',
		name: 'Unmute',
		description: 'The account unmuted someone',
		group: 'moderation',
		api: 'both',
	},
];

const INFO_BY_VALUE = new Map<string, ActivityInfo>(ACTIVITIES.map((a) => [a.value, a]));

const GROUP_INDEX = new Map<string, number>(
	ACTIVITIES.map((a) => [a.value, ACTIVITY_GROUPS.findIndex((g) => g.id === a.group)]),
);

const OTHER_GROUP_INDEX = ACTIVITY_GROUPS.findIndex((g) => g.id === 'other');

export function isActivity(value: unknown): value is Activity {
	return typeof value === 'string' && INFO_BY_VALUE.has(value);
}

export function activityInfo(activity: Activity): ActivityInfo {
	return INFO_BY_VALUE.get(activity) as ActivityInfo;
}

/** Index into ACTIVITY_GROUPS (= output index in per-group mode); unknown values go to Other. */
export function groupIndex(activity: string): number {
	return GROUP_INDEX.get(activity) ?? OTHER_GROUP_INDEX;
}

/** A trigger's outputs: one, or one per activity group when Output is "One Output per Group". */
export const ACTIVITY_OUTPUTS_EXPRESSION: `={{${string}}}` = `={{$parameter["outputMode"] === "perGroup" ? ${JSON.stringify(
	ACTIVITY_GROUPS.map((g) => ({ type: 'main', displayName: g.name })),
)} : ["main"]}}`;
