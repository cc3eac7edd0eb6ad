/**
 * Realistic X Activity API deliveries, modelled on X's published samples (`xaa/events/` in the
 * reference): one event per POST in the envelope
 * `{"data":{"event_uuid","filter","event_type","tag"?,"payload","includes"?}}`.
 *
 * Payloads are v2 objects (string ids, `author_id`, `referenced_tweets`, `includes.users`); users
 * are wrapped as `{"data":{…}}` where the samples wrap them (follow source/target, DM `users`
 * map, spaces / broadcast `user`, post.delete includes); DM events keep AAA's
 * `direct_message_events` with a `users` map. Types without a published sample (dm.read,
 * dm.indicate_typing, mute.*, block.*, chat.conversation.* / chat.update.*, profile.update.handle
 * / verified_badge / affiliate_badge): ours: shaped like their nearest published sibling.
 *
 * Roles: `user` is the subscription's user, `other` the other party. For like.create and follow.*
 * the direction says who acts: outbound = the user acts on other, inbound = other acts on the user.
 */
import { createHash } from 'node:crypto';

import type { XaaDirection, XaaEventType } from '../client/xaa-event-types';
import type { Payload, Person } from './events';

const TWEPOCH = 1288834974657n;

function stat(id: string, salt: number, max: number): number {
	let h = salt;
	for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) >>> 0;
	return h % max;
}

const withStr = (o: Record<string, number>): Payload =>
	Object.fromEntries(
		Object.entries(o).flatMap(([k, v]) => [
			[k, v],
			[`${k}_str`, String(v)],
		]),
	);

export interface XaaEventParts {
	payload: Payload;
	includes?: Payload;
}

export interface XaaBuildOptions {
	/** like.create / follow.*: who acts. Default inbound (other acts on the user). */
	direction?: XaaDirection;
	/** news.new: the subscription keyword the story matches. */
	keyword?: string;
	/** Sequence number, for distinct texts. */
	n?: number;
}

export interface XaaEventBuilderOptions {
	now: () => number;
	appId: string;
}

export class XaaEventBuilder {
	private seq = 0;
	private uuids = 0;

	constructor(private readonly opts: XaaEventBuilderOptions) {}

	snowflake(ms = this.opts.now()): string {
		this.seq = (this.seq + 1) & 0x3fffff;
		return (((BigInt(Math.floor(ms)) - TWEPOCH) << 22n) | BigInt(this.seq)).toString();
	}

	/** Opaque event id: 19 digits, every third one negative as in X's samples. */
	eventUuid(): string {
		const id = this.snowflake();
		return ++this.uuids % 3 === 0 ? `-${id}` : id;
	}

	/** A v2 user object (as in includes.users; wrap with `{data: …}` where X wraps it). */
	user(p: Person): Payload {
		return {
			id: p.id,
			name: p.name,
			username: p.screenName,
			created_at: new Date(1230000000000 + stat(p.id, 1, 400000000) * 1000).toISOString(),
			description: `Simulated account @${p.screenName}`,
			location: '',
			url: '',
			protected: false,
			verified: false,
			verified_type: 'none',
			is_identity_verified: false,
			profile_image_url:
				'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png',
			profile_banner_url: '',
			public_metrics: withStr({
				followers_count: stat(p.id, 2, 5000),
				following_count: stat(p.id, 3, 900),
				tweet_count: stat(p.id, 6, 20000),
				listed_count: stat(p.id, 4, 50),
				like_count: stat(p.id, 5, 9000),
				media_count: stat(p.id, 7, 300),
			}),
		};
	}

	private wrapped(p: Person): Payload {
		return { data: this.user(p) };
	}

	/** A v2 Post by `author`. */
	post(author: Person, text: string, extra: Payload = {}, mentions: Person[] = []): Payload {
		const ms = this.opts.now();
		const id = this.snowflake(ms);
		const found: Payload[] = [];
		for (const m of mentions) {
			const at = text.indexOf(`@${m.screenName}`);
			if (at < 0) continue;
			const end = at + m.screenName.length + 1;
			found.push({
				start: at,
				start_str: String(at),
				end,
				end_str: String(end),
				username: m.screenName,
				id: m.id,
			});
		}
		return {
			paid_partnership: false,
			created_at: new Date(ms).toISOString(),
			edit_history_tweet_ids: [id],
			conversation_id: id,
			display_text_range: [0, text.length],
			text,
			...(found.length ? { entities: { mentions: found } } : {}),
			author_id: author.id,
			possibly_sensitive: false,
			public_metrics: withStr({
				retweet_count: 0,
				reply_count: 0,
				like_count: 0,
				quote_count: 0,
				bookmark_count: 0,
				impression_count: 0,
			}),
			reply_settings: 'everyone',
			id,
			lang: 'en',
			...extra,
		};
	}

	private dmUsers(a: Person, b: Person): Payload {
		return { [a.id]: this.wrapped(a), [b.id]: this.wrapped(b) };
	}

	private chat(sender: Person, recipient: Person, extra: Payload = {}): Payload {
		const ms = this.opts.now();
		const enc = (s: string) => Buffer.from(s).toString('base64');
		return {
			conversation_token: enc(`conversation:${sender.id}:${recipient.id}`),
			id: createHash('md5')
				.update(`${sender.id}:${this.snowflake(ms)}`)
				.digest('hex'),
			created_at_msec: String(ms),
			sender_id: sender.id,
			conversation_id: `${sender.id}:${recipient.id}`,
			conversation_key_version: String(ms - 86400000),
			encoded_event: enc(`simulated encrypted event ${this.seq}`),
			conversation_key_change_event: enc(`simulated key change ${this.seq}`),
			...extra,
		};
	}

	private liveUser(p: Person): Payload {
		return { user: this.wrapped(p) };
	}

	private broadcast(p: Person, state: 'Running' | 'Ended'): Payload {
		const now = this.opts.now();
		const created = now - 3_600_000;
		const t = (k: string, v: number): Payload => ({ [k]: v, [`${k}_str`]: String(v) });
		return {
			...this.liveUser(p),
			broadcast_id: createHash('md5').update(`${p.id}:broadcast`).digest('base64url').slice(0, 13),
			...t('event_timestamp_ms', now),
			title: `Simulated broadcast by @${p.screenName}`,
			broadcast_state: state,
			...t('created_timestamp_ms', created),
			...t('updated_timestamp_ms', now),
			...(state === 'Ended' ? t('duration_ms', now - created) : {}),
			language: 'en',
			thumbnail_url: 'https://example.com/broadcasts/thumbnail.jpg',
			available_for_replay: state === 'Ended',
		};
	}

	/** Payload (and includes) of one event. */
	build(type: XaaEventType, user: Person, other: Person, o: XaaBuildOptions = {}): XaaEventParts {
		const n = o.n ?? 1;
		const now = this.opts.now();
		const outbound = o.direction === 'outbound';
		const actor = outbound ? user : other;
		const target = outbound ? other : user;
		const before = (a: string, b: string): XaaEventParts => ({ payload: { before: a, after: b } });
		switch (type) {
			case 'post.create': {
				const p = this.post(user, `Simulated post #${n} from @${user.screenName}`);
				return { payload: p, includes: { tweets: [p], users: [this.user(user)] } };
			}
			case 'post.delete':
				return {
					payload: { id: this.snowflake(now - 3_600_000), author_id: user.id },
					includes: { users: [this.wrapped(user)] },
				};
			case 'post.mention.create': {
				const p = this.post(other, `hey @${user.screenName} #${n}`, {}, [user]);
				return {
					payload: p,
					includes: { users: [this.user(other), this.user(user)], tweets: [p] },
				};
			}
			case 'post.reply.create': {
				const original = this.snowflake(now - 60_000);
				const text = `@${user.screenName} a reply #${n}`;
				return {
					payload: this.post(
						other,
						text,
						{
							conversation_id: original,
							in_reply_to_tweet_id: original,
							in_reply_to_user_id: user.id,
							referenced_tweets: [{ type: 'replied_to', id: original }],
							display_text_range: [user.screenName.length + 2, text.length],
						},
						[user],
					),
					includes: {},
				};
			}
			case 'post.quote.create': {
				const original = this.snowflake(now - 60_000);
				return {
					payload: this.post(other, `Adding some context #${n} https://t.co/simulated`, {
						referenced_tweets: [{ type: 'quoted', id: original }],
					}),
					includes: {},
				};
			}
			case 'post.repost.create': {
				const original = this.snowflake(now - 60_000);
				return {
					payload: this.post(
						other,
						`RT @${user.screenName}: Worth sharing #${n}`,
						{ referenced_tweets: [{ type: 'retweeted', id: original }] },
						[user],
					),
					includes: {},
				};
			}
			case 'like.create': {
				const liked = this.post(target, `Likeable post #${n}`);
				return {
					payload: {
						id: createHash('md5')
							.update(`${actor.id}:${this.snowflake(now)}`)
							.digest('hex'),
						created_at: new Date(now).toISOString(),
						timestamp_ms: String(now),
						liked_tweet_author_id: target.id,
						liked_tweet_id: liked.id,
					},
					includes: {
						users: outbound ? [this.user(target)] : [this.user(actor), this.user(target)],
						tweets: [liked],
					},
				};
			}
			case 'follow.follow':
			case 'follow.unfollow':
			case 'mute.mute':
			case 'mute.unmute':
			case 'block.block':
			case 'block.unblock': {
				// mute / block are actor-only: the user is always the source.
				const actorOnly = type.startsWith('mute.') || type.startsWith('block.');
				const source = actorOnly ? user : actor;
				const dest = actorOnly ? other : target;
				return { payload: { source: this.wrapped(source), target: this.wrapped(dest) } };
			}
			case 'profile.update.bio':
				return before(
					`Simulated account @${user.screenName}`,
					`Simulated account @${user.screenName}, now updated #${n}`,
				);
			case 'profile.update.profile_picture':
				return before(
					`https://pbs.twimg.com/profile_images/${user.id}/old_normal.jpg`,
					`https://pbs.twimg.com/profile_images/${user.id}/new_${n}_normal.jpg`,
				);
			case 'profile.update.banner_picture':
				return before(
					`https://pbs.twimg.com/profile_banners/${user.id}/1500000000`,
					`https://pbs.twimg.com/profile_banners/${user.id}/${Math.floor(now / 1000)}`,
				);
			case 'profile.update.screenname':
				return before(user.name, `${user.name} #${n}`);
			case 'profile.update.handle':
				return before(user.screenName, `${user.screenName}_${n}`);
			case 'profile.update.geo':
				return before('New York, NY', 'San Francisco, CA');
			case 'profile.update.url':
				return before('https://t.co/oldlinkxx', `https://t.co/newlink${n}`);
			case 'profile.update.verified_badge':
				return before('none', 'blue');
			case 'profile.update.affiliate_badge':
				return before(
					'',
					'https://pbs.twimg.com/semantic_core_img/simulated/badge?format=png&name=orig',
				);
			case 'dm.received':
			case 'dm.sent': {
				const [from, to] = type === 'dm.received' ? [other, user] : [user, other];
				return {
					payload: {
						direct_message_events: [
							{
								type: 'message_create',
								id: this.snowflake(now),
								created_timestamp: String(now),
								message_create: {
									target: { recipient_id: to.id },
									sender_id: from.id,
									message_data: {
										text: `Hello from the simulator #${n}`,
										entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
									},
								},
							},
						],
						users: this.dmUsers(from, to),
					},
				};
			}
			case 'dm.read':
				return {
					payload: {
						direct_message_mark_read_events: [
							{
								created_timestamp: String(now),
								sender_id: other.id,
								target: { recipient_id: user.id },
								last_read_event_id: this.snowflake(now - 60_000),
							},
						],
						users: this.dmUsers(other, user),
					},
				};
			case 'dm.indicate_typing':
				return {
					payload: {
						direct_message_indicate_typing_events: [
							{
								created_timestamp: String(now),
								sender_id: other.id,
								target: { recipient_id: user.id },
							},
						],
						users: this.dmUsers(other, user),
					},
				};
			case 'chat.received':
				return { payload: this.chat(other, user) };
			case 'chat.sent':
				return { payload: this.chat(user, other) };
			case 'chat.conversation.join':
			case 'chat.conversation.member_added':
			case 'chat.conversation.member_removed':
			case 'chat.conversation.admin_added':
			case 'chat.conversation.admin_removed':
			case 'chat.update.group_name':
			case 'chat.update.restrictions':
				return { payload: this.chat(other, user, { affected_user_id: user.id }) };
			case 'news.new': {
				const keyword = o.keyword ?? 'X';
				return {
					payload: {
						summary: `Simulated news story #${n} about ${keyword}.`,
						contexts: { topics: ['Technology'], finance: { tickers: [] }, sports: { teams: [] } },
						id: this.snowflake(now),
						updated_at: new Date(now).toISOString(),
						hook: `What everyone is saying about ${keyword}.`,
						category: 'News',
						disclaimer:
							'This story is a summary of posts on X and may evolve over time. Grok can make mistakes, verify its outputs.',
						cluster_posts_results: [
							{ post_id: this.snowflake(now - 1000) },
							{ post_id: this.snowflake(now - 2000) },
						],
						name: `${keyword}: simulated headline #${n}`,
					},
				};
			}
			case 'spaces.start':
			case 'spaces.end':
				return {
					payload: {
						...this.liveUser(user),
						broadcast_id: createHash('md5')
							.update(`${user.id}:space`)
							.digest('base64url')
							.slice(0, 13),
						event_type: type === 'spaces.start' ? 'spaces_start' : 'spaces_end',
					},
				};
			case 'broadcast.start':
				return { payload: this.broadcast(user, 'Running') };
			case 'broadcast.end':
				return { payload: this.broadcast(user, 'Ended') };
			case 'broadcast.chat':
				return {
					payload: {
						broadcast_id: createHash('md5')
							.update(`${user.id}:broadcast`)
							.digest('base64url')
							.slice(0, 13),
						message_id: this.snowflake(now),
						message: `Simulated chat message #${n}`,
						author: this.wrapped(other),
					},
				};
			case 'oauth.revoke':
				return {
					payload: {
						date_time: new Date(now).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
						user_id: user.id,
						app_id: this.opts.appId,
					},
				};
		}
		throw new Error(`unknown XAA event type ${String(type)}`);
	}

	/** The delivery body, keys in the samples' order. */
	envelope(
		eventUuid: string,
		eventType: XaaEventType,
		filter: Payload,
		tag: string | undefined,
		parts: XaaEventParts,
	): Payload {
		return {
			data: {
				event_uuid: eventUuid,
				filter,
				event_type: eventType,
				...(tag !== undefined ? { tag } : {}),
				payload: parts.payload,
				...(parts.includes !== undefined ? { includes: parts.includes } : {}),
			},
		};
	}
}
