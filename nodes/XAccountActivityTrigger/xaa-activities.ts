/**
 * Which X Activity API subscriptions deliver each trigger activity for one account, so a
 * trigger set to XAA subscribes exactly what its selected activities need. Activities with no
 * subscribable XAA event (app_revoked arrives unasked; replay status has no XAA event; news
 * needs a keyword) map to nothing.
 */
import type { XaaSubscriptionSpec } from '../../client/xaa-registration';
import type { Activity } from './activities';

const PROFILE_FIELDS = ['bio', 'profile_picture', 'banner_picture', 'screenname', 'handle', 'geo', 'url', 'verified_badge', 'affiliate_badge'];

type Spec = { eventType: string; direction?: 'inbound' | 'outbound' };

const BY_ACTIVITY: Partial<Record<Activity, Spec[]>> = {
	mention: [{ eventType: 'post.mention.create' }],
	reply: [{ eventType: 'post.reply.create' }],
	quote: [{ eventType: 'post.quote.create' }],
	retweet: [{ eventType: 'post.repost.create' }],
	own_tweet: [{ eventType: 'post.create' }],
	tweet_deleted: [{ eventType: 'post.delete' }],
	// One like.create without direction delivers both sides; one follow.follow carries source and
	// target, so it serves both follow activities (the item builder classifies from the payload).
	like_received: [{ eventType: 'like.create' }],
	like_given: [{ eventType: 'like.create' }],
	new_follower: [{ eventType: 'follow.follow' }],
	follow_given: [{ eventType: 'follow.follow' }],
	unfollow: [{ eventType: 'follow.unfollow' }],
	block: [{ eventType: 'block.block' }],
	unblock: [{ eventType: 'block.unblock' }],
	mute: [{ eventType: 'mute.mute' }],
	unmute: [{ eventType: 'mute.unmute' }],
	dm_received: [{ eventType: 'dm.received' }],
	dm_sent: [{ eventType: 'dm.sent' }],
	typing: [{ eventType: 'dm.indicate_typing' }],
	read: [{ eventType: 'dm.read' }],
	profile_updated: PROFILE_FIELDS.map((f) => ({ eventType: `profile.update.${f}` })),
	chat_received: [{ eventType: 'chat.received' }],
	chat_sent: [{ eventType: 'chat.sent' }],
	chat_joined: [{ eventType: 'chat.conversation.join' }],
	space_started: [{ eventType: 'spaces.start' }],
	space_ended: [{ eventType: 'spaces.end' }],
	broadcast_started: [{ eventType: 'broadcast.start' }],
	broadcast_ended: [{ eventType: 'broadcast.end' }],
	broadcast_chat: [{ eventType: 'broadcast.chat' }],
};

/** The XAA subscriptions (deduplicated, in a stable order) for the activities of one account. */
export function xaaSpecsForActivities(activities: readonly string[], userId: string): XaaSubscriptionSpec[] {
	const chosen = activities.length > 0 ? activities : Object.keys(BY_ACTIVITY);
	const seen = new Set<string>();
	const out: XaaSubscriptionSpec[] = [];
	for (const activity of chosen) {
		for (const s of BY_ACTIVITY[activity as Activity] ?? []) {
			const key = `${s.eventType}|${s.direction ?? ''}`;
			if (seen.has(key)) continue;
			seen.add(key);
			out.push({ eventType: s.eventType, filter: { userId, ...(s.direction ? { direction: s.direction } : {}) } });
		}
	}
	return out;
}
