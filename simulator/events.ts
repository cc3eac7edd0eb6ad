/**
 * Realistic Account Activity payloads, modelled on X's published samples (events/ in the
 * reference). Tweet and tweet-author objects are v1.1 objects with `id` as a bare 64-bit number
 * (a bigint here, written with every digit by raw-json.ts) plus `id_str`; follow / block / mute
 * and DM `users` maps use X's compact user shape (`id` as a string, `created_timestamp`).
 *
 * Who is who, for an event delivered `for_user_id` = the subscribed user ("for") and another
 * user ("from"):
 * - tweet: for's own tweet. mention / reply / retweet / quote: from mentions / replies to /
 *   retweets / quotes for (a tweet of for's, for the last three).
 * - like: from likes for's tweet. follow: from follows for. unfollow, block, unblock, mute,
 *   unmute: for is the actor, from the target (X only reports these for the subscribed user's
 *   own actions).
 * - dm / typing / read: from → for. delete: for deleted a tweet. revoke: for revoked the app.
 */
import { createHash } from 'node:crypto';

export const EMIT_KINDS = [
	'tweet',
	'mention',
	'reply',
	'retweet',
	'quote',
	'like',
	'follow',
	'unfollow',
	'block',
	'unblock',
	'mute',
	'unmute',
	'dm',
	'typing',
	'read',
	'delete',
	'revoke',
] as const;

export type EmitKind = (typeof EMIT_KINDS)[number];

export const isEmitKind = (k: unknown): k is EmitKind =>
	typeof k === 'string' && (EMIT_KINDS as readonly string[]).includes(k);

export interface Person {
	id: string;
	screenName: string;
	name: string;
}

export type Payload = Record<string, unknown>;

/** X's epoch for snowflake ids. */
const TWEPOCH = 1288834974657n;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** v1.1 `created_at`: `Mon May 19 14:01:46 +0000 2025`. */
export function twitterDate(ms: number): string {
	const d = new Date(ms);
	const p = (n: number) => String(n).padStart(2, '0');
	return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(
		d.getUTCMinutes(),
	)}:${p(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

/** Small stable numbers derived from a user id (follower counts and the like). */
function stat(id: string, salt: number, max: number): number {
	let h = salt;
	for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) >>> 0;
	return h % max;
}

export interface EventBuilderOptions {
	now: () => number;
	appId: string;
	appName: string;
}

export class EventBuilder {
	private seq = 0;

	constructor(private readonly opts: EventBuilderOptions) {}

	/** A snowflake-style id (time << 22 | sequence): 19 digits, above 2^53. */
	snowflake(ms = this.opts.now()): string {
		this.seq = (this.seq + 1) & 0x3fffff;
		return (((BigInt(Math.floor(ms)) - TWEPOCH) << 22n) | BigInt(this.seq)).toString();
	}

	/** v1.1 user object as embedded in tweets and favorite events. */
	user(p: Person): Payload {
		const created = 1230000000000 + stat(p.id, 1, 400000000) * 1000;
		return {
			id: BigInt(p.id),
			id_str: p.id,
			name: p.name,
			screen_name: p.screenName,
			location: null,
			url: null,
			description: `Simulated account @${p.screenName}`,
			translator_type: 'none',
			protected: false,
			verified: false,
			followers_count: stat(p.id, 2, 5000),
			friends_count: stat(p.id, 3, 900),
			listed_count: stat(p.id, 4, 50),
			favourites_count: stat(p.id, 5, 9000),
			statuses_count: stat(p.id, 6, 20000),
			created_at: twitterDate(created),
			utc_offset: null,
			time_zone: null,
			geo_enabled: false,
			lang: null,
			contributors_enabled: false,
			is_translator: false,
			profile_background_color: 'F5F8FA',
			profile_image_url:
				'http://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png',
			profile_image_url_https:
				'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png',
			profile_link_color: '1DA1F2',
			default_profile: true,
			default_profile_image: false,
			following: null,
			follow_request_sent: null,
			notifications: null,
		};
	}

	/** Compact user: DM `users` maps and follow / block / mute `source` / `target`. */
	compactUser(p: Person): Payload {
		return {
			id: p.id,
			created_timestamp: String(1230000000000 + stat(p.id, 1, 400000000) * 1000),
			name: p.name,
			screen_name: p.screenName,
			description: `Simulated account @${p.screenName}`,
			protected: false,
			verified: false,
			followers_count: stat(p.id, 2, 5000),
			friends_count: stat(p.id, 3, 900),
			statuses_count: stat(p.id, 6, 20000),
			profile_image_url:
				'http://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png',
			profile_image_url_https:
				'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png',
		};
	}

	private mention(p: Person, start: number): Payload {
		return {
			screen_name: p.screenName,
			name: p.name,
			id: BigInt(p.id),
			id_str: p.id,
			indices: [start, start + p.screenName.length + 1],
		};
	}

	/** A v1.1 tweet object by `author`. */
	tweet(author: Person, text: string, extra: Payload = {}, mentions: Person[] = []): Payload {
		const ms = this.opts.now();
		const id = this.snowflake(ms);
		const userMentions: Payload[] = [];
		for (const m of mentions) {
			const at = text.indexOf(`@${m.screenName}`);
			if (at >= 0) userMentions.push(this.mention(m, at));
		}
		return {
			created_at: twitterDate(ms),
			id: BigInt(id),
			id_str: id,
			text,
			display_text_range: [0, text.length],
			source: `<a href="https://x.com" rel="nofollow">${this.opts.appName}</a>`,
			truncated: false,
			in_reply_to_status_id: null,
			in_reply_to_status_id_str: null,
			in_reply_to_user_id: null,
			in_reply_to_user_id_str: null,
			in_reply_to_screen_name: null,
			user: this.user(author),
			geo: null,
			coordinates: null,
			place: null,
			contributors: null,
			is_quote_status: false,
			quote_count: 0,
			reply_count: 0,
			retweet_count: 0,
			favorite_count: 0,
			entities: { hashtags: [], urls: [], user_mentions: userMentions, symbols: [] },
			favorited: false,
			retweeted: false,
			filter_level: 'low',
			lang: 'en',
			timestamp_ms: String(ms),
			...extra,
		};
	}

	build(kind: EmitKind, forUser: Person, from: Person, n = 1): Payload {
		const now = this.opts.now();
		const forUserId = forUser.id;
		const tce = (tweet: Payload, mentioned = false): Payload => ({
			for_user_id: forUserId,
			// X puts user_has_blocked on mention deliveries, as a string in the sample.
			...(mentioned ? { user_has_blocked: 'false' } : {}),
			tweet_create_events: [tweet],
		});
		const pair = (key: string, type: string, source: Person, target: Person): Payload => ({
			for_user_id: forUserId,
			[key]: [
				{
					type,
					created_timestamp: String(now),
					target: this.compactUser(target),
					source: this.compactUser(source),
				},
			],
		});
		switch (kind) {
			case 'tweet':
				return tce(this.tweet(forUser, `Simulated tweet #${n} from @${forUser.screenName}`));
			case 'mention':
				return tce(
					this.tweet(from, `@${forUser.screenName} hello from the simulator #${n}`, {}, [forUser]),
					true,
				);
			case 'reply': {
				const original = this.tweet(forUser, `Original tweet #${n}`);
				return tce(
					this.tweet(
						from,
						`@${forUser.screenName} a reply #${n}`,
						{
							in_reply_to_status_id: original.id,
							in_reply_to_status_id_str: original.id_str,
							in_reply_to_user_id: BigInt(forUser.id),
							in_reply_to_user_id_str: forUser.id,
							in_reply_to_screen_name: forUser.screenName,
							display_text_range: [
								forUser.screenName.length + 2,
								`@${forUser.screenName} a reply #${n}`.length,
							],
						},
						[forUser],
					),
					true,
				);
			}
			case 'retweet': {
				const original = this.tweet(forUser, `Worth sharing #${n}`);
				return tce(
					this.tweet(
						from,
						`RT @${forUser.screenName}: Worth sharing #${n}`,
						{ retweeted_status: original },
						[forUser],
					),
				);
			}
			case 'quote': {
				const original = this.tweet(forUser, `Quotable #${n}`);
				return tce(
					this.tweet(from, `So true #${n}`, {
						is_quote_status: true,
						quoted_status_id: original.id,
						quoted_status_id_str: original.id_str,
						quoted_status: original,
					}),
				);
			}
			case 'like':
				return {
					for_user_id: forUserId,
					favorite_events: [
						{
							id: createHash('md5')
								.update(`${from.id}:${this.snowflake(now)}`)
								.digest('hex'),
							created_at: twitterDate(now),
							timestamp_ms: now,
							favorited_status: this.tweet(forUser, `Likeable tweet #${n}`),
							user: this.user(from),
						},
					],
				};
			case 'follow':
				return pair('follow_events', 'follow', from, forUser);
			case 'unfollow':
				return pair('follow_events', 'unfollow', forUser, from);
			case 'block':
			case 'unblock':
				return pair('block_events', kind, forUser, from);
			case 'mute':
			case 'unmute':
				return pair('mute_events', kind, forUser, from);
			case 'dm':
				return {
					for_user_id: forUserId,
					direct_message_events: [
						{
							type: 'message_create',
							id: this.snowflake(now),
							created_timestamp: String(now),
							message_create: {
								target: { recipient_id: forUser.id },
								sender_id: from.id,
								source_app_id: this.opts.appId,
								message_data: {
									text: `Hello from the simulator #${n}`,
									entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
								},
							},
						},
					],
					apps: {
						[this.opts.appId]: {
							id: this.opts.appId,
							name: this.opts.appName,
							url: 'https://x.com',
						},
					},
					users: { [from.id]: this.compactUser(from), [forUser.id]: this.compactUser(forUser) },
				};
			case 'typing':
				return {
					for_user_id: forUserId,
					direct_message_indicate_typing_events: [
						{
							created_timestamp: String(now),
							sender_id: from.id,
							target: { recipient_id: forUser.id },
						},
					],
					users: { [from.id]: this.compactUser(from), [forUser.id]: this.compactUser(forUser) },
				};
			case 'read':
				return {
					for_user_id: forUserId,
					direct_message_mark_read_events: [
						{
							created_timestamp: String(now),
							sender_id: from.id,
							target: { recipient_id: forUser.id },
							last_read_event_id: this.snowflake(now - 60000),
						},
					],
					users: { [from.id]: this.compactUser(from), [forUser.id]: this.compactUser(forUser) },
				};
			case 'delete':
				return {
					for_user_id: forUserId,
					tweet_delete_events: [
						{
							status: { id: this.snowflake(now - 3600000), user_id: forUser.id },
							timestamp_ms: String(now),
						},
					],
				};
			case 'revoke':
				return {
					user_event: {
						revoke: {
							date_time: new Date(now).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
							target: { app_id: this.opts.appId },
							source: { user_id: forUser.id },
						},
					},
				};
		}
		throw new Error(`unknown event kind ${String(kind)}`);
	}

	replayJobStatus(webhookId: string, jobId: string, complete: boolean): Payload {
		return replayJobStatus(webhookId, jobId, complete);
	}
}

/** The status X posts when a replay job ends (quickstart samples). */
export function replayJobStatus(webhookId: string, jobId: string, complete: boolean): Payload {
	return {
		replay_job_status: {
			webhook_id: webhookId,
			job_state: complete ? 'Complete' : 'Incomplete',
			job_state_description: complete
				? 'Job completed successfully'
				: 'Job failed to deliver all events, please retry your replay job',
			job_id: jobId,
		},
	};
}

/** Someone outside the app's user list, for events "from" a stranger. */
export const STRANGER: Person = { id: '783214', screenName: 'XDevelopers', name: 'X Developers' };
