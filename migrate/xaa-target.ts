/**
 * `--to xaa`: X Activity API subscriptions, one per (user, event type), all tagged and bound to
 * one v2 webhook. Public event types are created with the app's Bearer (the user id goes in the
 * filter), private ones with the user's own OAuth 1.0a token. The webhook is found, adopted or
 * registered exactly as for AAA (v2 webhooks).
 */
import type { UserToken } from '../client/types';
import { XaaValidationError } from '../client/xaa-client';
import { isPrivateXaaEventType, type XaaEventType } from '../client/xaa-event-types';
import type { XClient } from '../client/x-client';
import { AaaTarget, outcomeOfError, type UnitOutcome } from './target';

export interface XaaTargetOptions {
	webhookId?: string;
	webhookUrl?: string;
	tag: string;
}

export interface XaaUnitUser {
	userId: string;
	token?: UserToken;
}

export class XaaTarget {
	webhookId?: string;

	constructor(
		private readonly client: XClient,
		private readonly opts: XaaTargetOptions,
	) {
		this.webhookId = opts.webhookId;
	}

	get label(): string {
		const hook = this.webhookId ?? this.opts.webhookUrl ?? '?';
		return `XAA subscriptions tagged ${this.opts.tag} on webhook ${hook}${this.webhookId && this.opts.webhookUrl ? ` (${this.opts.webhookUrl})` : ''}`;
	}

	/** Finds, adopts or registers the v2 webhook (as the AAA target does). Throws on failure. */
	async prepare(): Promise<void> {
		const hook = new AaaTarget(this.client, { webhookId: this.opts.webhookId, webhookUrl: this.opts.webhookUrl });
		await hook.prepare();
		this.webhookId = hook.webhookId;
	}

	/**
	 * Creates the user's subscriptions for `types`, one after the other. Never throws. Once X
	 * refuses the user's token (needs_reauth), the remaining private types are not sent: they
	 * would be refused the same way and each would cost the app a request.
	 */
	async apply(user: XaaUnitUser, types: readonly XaaEventType[]): Promise<UnitOutcome & { types: Record<string, UnitOutcome> }> {
		const out: Record<string, UnitOutcome> = {};
		let refused: string | undefined;
		for (const eventType of types) {
			const isPrivate = isPrivateXaaEventType(eventType);
			if (isPrivate && !user.token) {
				out[eventType] = { status: 'failed', error: 'no access token for this user: private event types need it' };
				continue;
			}
			if (isPrivate && refused !== undefined) {
				out[eventType] = { status: 'needs_reauth', error: `not sent: the user's token was refused for ${refused}` };
				continue;
			}
			try {
				const sub = await this.client.xaa.create({
					eventType,
					filter: { userId: user.userId },
					tag: this.opts.tag,
					webhookId: this.webhookId,
					user: isPrivate ? user.token : undefined,
				});
				out[eventType] = { status: sub.alreadyExisted ? 'already_subscribed' : 'subscribed' };
			} catch (err) {
				const o: UnitOutcome = err instanceof XaaValidationError ? { status: 'failed', error: err.message } : outcomeOfError(err);
				out[eventType] = o;
				if (o.status === 'needs_reauth' && isPrivate) refused = eventType;
			}
		}
		const all = Object.values(out);
		const first = (s: UnitOutcome['status']) => Object.entries(out).find(([, o]) => o.status === s);
		if (all.every((o) => o.status === 'subscribed' || o.status === 'already_subscribed')) {
			return { status: all.every((o) => o.status === 'already_subscribed') ? 'already_subscribed' : 'subscribed', types: out };
		}
		const bad = first('needs_reauth') ?? first('failed');
		return {
			status: bad?.[1].status ?? 'failed',
			error: bad ? `${bad[0]}: ${bad[1].error ?? 'failed'}` : undefined,
			...(all.some((o) => o.transient) ? { transient: true as const } : {}),
			types: out,
		};
	}

	/** Calls `on` for every (user id, event type) subscription on the webhook, as X lists them now. */
	async listExisting(on: (userId: string, eventType: string) => void): Promise<void> {
		for (const s of await this.client.xaa.listAll()) {
			if (s.webhookId !== this.webhookId || !s.filter.userId || s.filter.keyword || s.filter.direction) continue;
			on(s.filter.userId, s.eventType);
		}
	}
}
