/**
 * Account Activity API subscriptions: one per user (the user is the unit), made with the user's
 * own OAuth 1.0a token; enterprise and v2 per webhook, premium per environment.
 */
import type { XClient } from '../../client/x-client';
import type { MergedUser, UserSet } from '../input';
import { streamSubscriptionIds } from '../stream-list';
import { MISSING_TOKEN, type PartOutcome } from '../unit-table';
import { minimumTime, outcomeOfError, type MigrationTarget, type TargetPlan, type TargetWords } from './target';
import { prepareWebhook, type WebhookChoice } from './webhook';

const n = (v: number) => v.toLocaleString('en-US');
const plural = (v: number, one: string, many = `${one}s`) => `${n(v)} ${v === 1 ? one : many}`;

/** X's subscribe limit (REFERENCE.md, rate limits): 500 per 15-minute window. */
const SUBSCRIBE_LIMIT = 500;

export class AaaTarget implements MigrationTarget {
	readonly kind = 'aaa';
	readonly parts = [''] as const;
	webhookId?: string;
	readonly words: TargetWords = {
		subscribed: '',
		needsReauth: 'token refused (401 code 89/32): the user must authorise the app again',
		missingToken: 'no token in the inputs',
		missingTokenError: () => 'no access token for this user in the inputs: the user must authorise the app',
		notVerified: "reported subscribed but missing from X's subscription list after one re-subscribe",
		verified: "users found in X's subscription list",
		phase: 'Subscribe phase',
		missing: (units) =>
			`${plural(units, 'user')} reported subscribed but missing from X's list: subscribing ${units === 1 ? 'it' : 'them'} once more`,
		resent: (units) => `${n(units)} re-subscribed by verification`,
	};

	constructor(
		private readonly connect: () => XClient,
		private readonly opts: WebhookChoice,
	) {
		this.webhookId = opts.webhookId;
	}

	get label(): string {
		const env = this.opts.environment !== undefined ? ` in premium environment ${this.opts.environment ?? ''}` : '';
		if (this.webhookId) return `webhook ${this.webhookId}${this.opts.webhookUrl ? ` (${this.opts.webhookUrl})` : ''}${env}`;
		return `webhook ${this.opts.webhookUrl ?? '?'}${env}`;
	}

	plan(users: UserSet): TargetPlan {
		// AAA subscribes with the user's OAuth 1.0a token; an OAuth 2.0 token alone does not do.
		const c = { ...users.counts, withTokens: users.counts.withOAuth1 };
		const missing = c.total - c.withTokens;
		const lines = [
			`Plan: ${plural(c.total, 'user')} from ${plural(users.files.length, 'input')}: ` +
				`${n(c.withTokens)} with a token, ${n(missing)} missing_token, ${n(c.dmFalse)} dm:false`,
			`  AAA (Account Activity API): deprecated by X, no date announced; --to xaa moves to its successor`,
			`  ${plural(c.withTokens, 'subscription')} to create: ${minimumTime(c.withTokens, SUBSCRIBE_LIMIT, 15)} at X's ` +
				`${SUBSCRIBE_LIMIT} per 15 min`,
		];
		if (c.dmFalse > 0) lines.push(`  dm:false users get no DM events until they re-authorise the app with DM permission`);
		if (missing > 0) lines.push(`  users without a token cannot be subscribed: AAA needs each user's own access token`);
		return {
			text: lines.join('\n') + '\n',
			taken: c.total,
			sends: c.withTokens,
			refusal:
				c.total > 0 && c.withTokens === 0
					? `none of the ${plural(c.total, 'user')} has an access token: AAA subscribes each user with their own ` +
						'token; give the token store with --tokens CSV (user_id,access_token,access_token_secret). Nothing was sent'
					: undefined,
			initial: (_ui: number, user: MergedUser) => (user.token === undefined ? MISSING_TOKEN : undefined),
		};
	}

	async prepare(): Promise<void> {
		this.webhookId = await prepareWebhook(this.connect(), this.opts);
	}

	async apply(user: MergedUser): Promise<Map<number, PartOutcome>> {
		let outcome: PartOutcome;
		if (!user.token) outcome = { status: 'failed', error: 'no access token for this user' };
		else {
			try {
				const r = await this.connect().subscribe({
					webhookId: this.connect().flavour === 'premium' ? undefined : this.webhookId,
					user: user.token,
				});
				outcome = { status: r.alreadySubscribed ? 'already_subscribed' : 'subscribed' };
			} catch (err) {
				outcome = outcomeOfError(err);
			}
		}
		return new Map([[0, outcome]]);
	}

	async listExisting(on: (userId: string, part: number) => void): Promise<void> {
		const onId = (id: string) => on(id, 0);
		const ok = await streamSubscriptionIds(
			this.connect(),
			{ webhookId: this.webhookId, environment: this.opts.environment, baseUrl: this.connect().baseUrl },
			onId,
		).catch(() => false);
		if (ok) return;
		// Not a plain 200: the client gives the typed error, or waits out a 429 and lists.
		const list = await this.connect().listSubscriptions({
			webhookId: this.connect().flavour === 'premium' ? undefined : this.webhookId,
		});
		for (const id of list.userIds) onId(id);
	}
}
