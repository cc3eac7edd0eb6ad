/**
 * X Activity API subscriptions: one per (user, event type), all tagged and bound to one v2
 * webhook. Auth per type from the catalogue (`XAA_EVENT_CATALOGUE[t].visibility`): the user's own
 * token whenever the inputs hold one; the app's Bearer only for public types of users without
 * one (or whose token X refused); a private type without a user token is not sent and is
 * reported missing_token for that user and type.
 */
import { XaaValidationError } from '../../client/xaa-client';
import { XAA_EVENT_CATALOGUE, type XaaEventType } from '../../client/xaa-event-types';
import type { XClient } from '../../client/x-client';
import type { MergedUser, UserSet } from '../input';
import { MISSING_TOKEN, OVER_CAP, type PartOutcome } from '../unit-table';
import { minimumTime, outcomeOfError, type MigrationTarget, type TargetPlan, type TargetWords } from './target';
import { prepareWebhook } from './webhook';

const n = (v: number) => v.toLocaleString('en-US');
const plural = (v: number, one: string, many = `${one}s`) => `${n(v)} ${v === 1 ? one : many}`;

/** X's create limit (REFERENCE.md, XAA): 500 per 15 minutes per app. */
export const XAA_CREATE_LIMIT = 500;

const isPrivate = (t: XaaEventType) => XAA_EVENT_CATALOGUE[t].visibility === 'private';
/** A user token of either kind: OAuth 1.0a (access_token + secret) or OAuth 2.0 (oauth2_access_token). */
const hasUserToken = (u: MergedUser) => u.token !== undefined || u.oauth2 !== undefined;

export interface XaaTargetOptions {
	webhookId?: string;
	webhookUrl?: string;
	tag: string;
	types: readonly XaaEventType[];
	cap: number;
	partial: boolean;
	/** --from-aaa: where some users came from, for the plan's first line. */
	fromAaa?: { id: string; users: number };
}

export const overCapError = (cap: number) =>
	`not attempted: over the subscription cap (--cap ${cap}); run the same command with a higher --cap once the app has room`;

export class XaaTarget implements MigrationTarget {
	readonly kind = 'xaa';
	readonly parts: readonly XaaEventType[];
	webhookId?: string;
	readonly words: TargetWords;

	constructor(
		private readonly connect: () => XClient,
		private readonly opts: XaaTargetOptions,
	) {
		this.webhookId = opts.webhookId;
		this.parts = opts.types;
		const priv = opts.types.filter(isPrivate);
		this.words = {
			subscribed: 'every event type subscribed (or already was)',
			needsReauth: 'token refused: the user must authorise the app again',
			missingToken: 'no token: private types not created (public ones were)',
			missingTokenError: () =>
				`no access token for this user in the inputs: the private event types (${priv.join(', ')}) need the user's own ` +
				"token; the public ones were created with the app's Bearer",
			notVerified: "reported created but missing from X's subscription list after one re-create",
			verified: "users with every type found in X's subscription list",
			phase: 'Create phase',
			missing: (units, users) =>
				`${plural(units, 'subscription')} of ${plural(users, 'user')} reported created but missing from X's list: ` +
				`creating ${units === 1 ? 'it' : 'them'} once more`,
			resent: (units) => `${plural(units, 'subscription')} re-created by verification`,
		};
	}

	get label(): string {
		const hook = this.webhookId ?? this.opts.webhookUrl ?? '?';
		return `XAA subscriptions tagged ${this.opts.tag} on webhook ${hook}${this.webhookId && this.opts.webhookUrl ? ` (${this.opts.webhookUrl})` : ''}`;
	}

	plan(users: UserSet): TargetPlan {
		const { types, cap, partial } = this.opts;
		const privateTypes = types.filter(isPrivate).length;
		const publicTypes = types.length - privateTypes;
		let planned = 0;
		let withoutToken = 0;
		let taken = -1;
		let takenSubscriptions = 0;
		let i = 0;
		for (const u of users) {
			const need = publicTypes + (hasUserToken(u) ? privateTypes : 0);
			if (!hasUserToken(u)) withoutToken++;
			if (taken < 0 && planned + need > cap) {
				taken = i;
				takenSubscriptions = planned;
			}
			planned += need;
			i++;
		}
		if (taken < 0) {
			taken = users.size;
			takenSubscriptions = planned;
		}
		const total = users.size;
		const fa = this.opts.fromAaa;
		const lines = [
			`Plan: ${plural(total, 'user')} from ${plural(users.files.length, 'input')}: ` +
				`${n(total - withoutToken)} with a token, ${n(withoutToken)} without`,
			`XAA plan: ${plural(total, 'user')}${fa ? ` (${n(fa.users)} from the AAA subscriptions of webhook ${fa.id})` : ''} × ` +
				`${plural(types.length, 'event type')} (${n(publicTypes)} public, ${n(privateTypes)} private)`,
			`  event types: ${types.join(', ')}`,
			`  subscriptions: ${n(total)} × ${types.length} = ${n(total * types.length)}` +
				(withoutToken > 0 && privateTypes > 0
					? ` − ${n(withoutToken)} users without a token × ${privateTypes} private types = ${n(planned)}`
					: ''),
			`  cap: ${n(cap)} (--cap; self-serve 1,500, enterprise 75,000, partner 150,000; subscriptions the app already ` +
				`holds count too): ` +
				(planned <= cap ? `fits, ${n(cap - planned)} left after this run` : `does not fit: ${n(planned - cap)} over`),
			`  time: ${minimumTime(Math.min(planned, takenSubscriptions), XAA_CREATE_LIMIT, 15)} at X's ${XAA_CREATE_LIMIT} creates per 15 min`,
		];
		if (withoutToken > 0 && privateTypes > 0) {
			lines.push(`  ${plural(withoutToken, 'user')} without a token get the public types only (reported missing_token)`);
		}
		if (planned > cap && partial) {
			const left = total - taken;
			lines.push(
				`  --partial: the first ${n(taken)} users (${n(takenSubscriptions)} subscriptions) are migrated; ` +
					`${n(left)} user${left === 1 ? ' is' : 's are'} left out (input position ${n(taken + 1)} on), ` +
					'reported failed: "not attempted: over the subscription cap"',
			);
			const shown: string[] = [];
			for (let k = taken; k < total && shown.length < 20; k++) shown.push(users.at(k).userId);
			lines.push(`  left out${left > 20 ? ` (first 20 of ${n(left)}; all are in the report)` : ''}: ${shown.join(', ')}`);
		}
		let refusal: string | undefined;
		if (planned > cap && !partial) {
			refusal =
				`the plan needs ${n(planned)} XAA subscriptions but --cap is ${n(cap)}: nothing was created. ` +
				'Give --partial to migrate the users that fit (in input order), fewer --event-types, or a higher --cap ' +
				'(self-serve 1,500, enterprise 75,000)';
		} else if (total > 0 && withoutToken === total && privateTypes > 0) {
			refusal =
				`none of the ${plural(total, 'user')} has a token, so none of the ${plural(privateTypes, 'private event type')} could be ` +
				'created: give the token store with --tokens CSV (access_token,access_token_secret and/or oauth2_access_token ' +
				'per user), or only public --event-types. Nothing was sent';
		}
		return {
			text: lines.join('\n') + '\n',
			taken: partial ? taken : total,
			sends: Math.min(planned, takenSubscriptions),
			refusal,
			initial: (ui, user, k) => {
				if (ui >= taken && partial) return OVER_CAP;
				if (!hasUserToken(user) && isPrivate(types[k])) return MISSING_TOKEN;
				return undefined;
			},
			summaryExtras: { to: 'xaa', event_types: [...types], tag: this.opts.tag, cap, planned_subscriptions: planned },
		};
	}

	async prepare(): Promise<void> {
		this.webhookId = await prepareWebhook(this.connect(), { webhookId: this.opts.webhookId, webhookUrl: this.opts.webhookUrl });
	}

	/**
	 * Creates the user's subscriptions for the pending types, one after the other. Once X refuses
	 * the user's token, the remaining private types are not sent (they would be refused the same
	 * way) and public ones go with the app's Bearer.
	 */
	async apply(user: MergedUser, parts: readonly number[], signal?: AbortSignal): Promise<Map<number, PartOutcome>> {
		const out = new Map<number, PartOutcome>();
		let refused: string | undefined;
		for (const k of parts) {
			if (signal?.aborted) break; // the rest stay pending: not_started
			const eventType = this.parts[k];
			const priv = isPrivate(eventType);
			if (priv && !hasUserToken(user)) {
				out.set(k, { status: 'failed', error: 'no access token for this user: private event types need it' });
				continue;
			}
			if (priv && refused !== undefined) {
				out.set(k, { status: 'needs_reauth', error: `not sent: the user's token was refused for ${refused}` });
				continue;
			}
			let o = await this.create(eventType, user.userId, refused === undefined ? user : undefined);
			if (o.status === 'needs_reauth' && refused === undefined && hasUserToken(user)) {
				refused = `${eventType} (${o.error ?? 'refused'})`;
				if (!priv) o = await this.create(eventType, user.userId, undefined);
			}
			out.set(k, o);
		}
		return out;
	}

	private async create(eventType: XaaEventType, userId: string, user: MergedUser | undefined): Promise<PartOutcome> {
		try {
			const sub = await this.connect().xaa.create({
				eventType,
				filter: { userId },
				tag: this.opts.tag,
				webhookId: this.webhookId,
				user: user?.token,
				oauth2: user?.oauth2 ? { accessToken: user.oauth2.accessToken } : undefined,
			});
			return { status: sub.alreadyExisted ? 'already_subscribed' : 'subscribed' };
		} catch (err) {
			return err instanceof XaaValidationError ? { status: 'failed', error: err.message } : outcomeOfError(err);
		}
	}

	async listExisting(on: (userId: string, part: number) => void): Promise<void> {
		const index = new Map<string, number>(this.parts.map((t, k) => [t, k]));
		for (const s of await this.connect().xaa.listAll()) {
			if (s.webhookId !== this.webhookId || !s.filter.userId || s.filter.keyword || s.filter.direction) continue;
			const k = index.get(s.eventType);
			if (k !== undefined) on(s.filter.userId, k);
		}
	}
}
