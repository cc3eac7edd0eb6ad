/**
 * What a migration moves users onto. The runner only knows "one unit of work per user" and
 * the verifier "list what exists and compare", so a later XAA target (`--to xaa`) plugs in
 * beside the AAA one without touching either.
 */
import { XApiError } from '../client/errors';
import { ensureRegistration, type RegistrationState } from '../client/webhook-registration';
import type { XClient } from '../client/x-client';
import type { UserToken } from '../client/types';
import { streamSubscriptionIds } from './stream-list';

export type UnitStatus = 'subscribed' | 'already_subscribed' | 'needs_reauth' | 'failed';

export interface UnitOutcome {
	status: UnitStatus;
	/** Why, for needs_reauth and failed: X's status, code and message (never a secret). */
	error?: string;
	/** A failure that may pass when tried again later (5xx, network): a resumed run retries it. */
	transient?: boolean;
	/** --to xaa: the outcome per event type sent (XaaTarget). */
	types?: Record<string, UnitOutcome>;
}

export interface UnitUser {
	userId: string;
	token: UserToken;
}

export interface MigrationTarget {
	/** For messages: "webhook 123 (https://…)", "premium environment dev". */
	readonly label: string;
	/** The webhook id the journal records (undefined for premium without a webhook id). */
	readonly webhookId?: string;
	/** Finds, adopts or registers what the users are moved onto. Throws on failure. */
	prepare(): Promise<void>;
	/** One unit of work: moves one user. Never throws: failures are outcomes. */
	apply(user: UnitUser): Promise<UnitOutcome>;
	/** Calls `onId` for every user id that exists on the target now (verification). */
	listExisting(onId: (userId: string) => void): Promise<void>;
}

/** Turns a failed call into an outcome: the user's own token refused → needs_reauth. */
export function outcomeOfError(err: unknown): UnitOutcome {
	if (err instanceof XApiError) {
		const what =
			err.status === 0
				? `no answer: ${err.xMessage}`
				: `X answered ${err.status}${err.code !== undefined ? ` code ${err.code}` : ''}: ${err.xMessage}`;
		if (err.status === 401 || err.code === 89 || err.code === 32) {
			return { status: 'needs_reauth', error: `${what} (the user must authorise the app again)` };
		}
		return { status: 'failed', error: what, ...(err.retryable ? { transient: true as const } : {}) };
	}
	return { status: 'failed', error: err instanceof Error ? err.message : String(err), transient: true };
}

export interface AaaTargetOptions {
	webhookId?: string;
	webhookUrl?: string;
	/** Premium environment name (for messages). */
	environment?: string;
}

/** Account Activity API subscriptions: enterprise and v2 per webhook, premium per environment. */
export class AaaTarget implements MigrationTarget {
	webhookId?: string;

	constructor(
		private readonly client: XClient,
		private readonly opts: AaaTargetOptions,
	) {
		this.webhookId = opts.webhookId;
	}

	get label(): string {
		const env = this.client.flavour === 'premium' ? ` in premium environment ${this.environment()}` : '';
		if (this.webhookId) return `webhook ${this.webhookId}${this.opts.webhookUrl ? ` (${this.opts.webhookUrl})` : ''}${env}`;
		return `webhook ${this.opts.webhookUrl ?? '?'}${env}`;
	}

	private environment(): string {
		return this.opts.environment ?? '';
	}

	async prepare(): Promise<void> {
		if (this.opts.webhookUrl) {
			const state: RegistrationState = {};
			await ensureRegistration(this.client, this.opts.webhookUrl, state, { subscribeOwnAccount: false });
			this.webhookId = state.webhookId;
			return;
		}
		if (this.opts.webhookId) {
			const hooks = await this.client.listWebhooks();
			const hook = hooks.find((w) => w.id === this.opts.webhookId);
			if (!hook) {
				throw new Error(
					`webhook ${this.opts.webhookId} is not registered for this app` +
						(this.client.flavour === 'premium' ? ` in environment ${this.environment()}` : '') +
						`: list the webhooks (registered: ${hooks.map((w) => w.id).join(', ') || 'none'})`,
				);
			}
			if (!hook.valid) await this.client.triggerCrc(hook.id);
		}
	}

	async apply(user: UnitUser): Promise<UnitOutcome> {
		try {
			const r = await this.client.subscribe({
				webhookId: this.client.flavour === 'premium' ? undefined : this.webhookId,
				user: user.token,
			});
			return { status: r.alreadySubscribed ? 'already_subscribed' : 'subscribed' };
		} catch (err) {
			return outcomeOfError(err);
		}
	}

	async listExisting(onId: (userId: string) => void): Promise<void> {
		const ok = await streamSubscriptionIds(
			this.client,
			{ webhookId: this.webhookId, environment: this.opts.environment, baseUrl: this.client.baseUrl },
			onId,
		).catch(() => false);
		if (ok) return;
		// Not a plain 200: the client gives the typed error, or waits out a 429 and lists.
		const list = await this.client.listSubscriptions({
			webhookId: this.client.flavour === 'premium' ? undefined : this.webhookId,
		});
		for (const id of list.userIds) onId(id);
	}
}
