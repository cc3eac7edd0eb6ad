/**
 * What X remembers about the app: users and their tokens, webhooks, subscriptions, events
 * delivered (kept for replay) and replay jobs. Pure in-memory data; no I/O here.
 */
import type { ApiFlavour } from '../client/types';
import type { SimUser, SimUserInput } from './config';
import { normaliseUser } from './config';
import { XaaStore } from './xaa-state';
import { OAuth2UserTokens } from './oauth2-tokens';

export interface WebhookRecord {
	id: string;
	url: string;
	valid: boolean;
	/** ms since epoch, X's clock */
	createdAt: number;
	flavour: ApiFlavour;
	/** premium only */
	environment?: string;
}

export interface StoredEvent {
	seq: number;
	webhookId: string;
	/** ms since epoch, X's clock */
	at: number;
	body: Buffer;
}

export interface ReplayJobRecord {
	jobId: string;
	webhookId: string;
	flavour: ApiFlavour;
	fromMs: number;
	toMs: number;
	createdAt: number;
	state: 'Pending' | 'Running' | 'Complete' | 'Incomplete';
	delivered: number;
	failed: number;
}

/** Subscriptions live on a scope: the webhook id (enterprise, v2) or `env:<name>` (premium). */
export function premiumScope(environment: string): string {
	return `env:${environment}`;
}

export class SimState {
	private readonly usersById = new Map<string, SimUser>();
	private readonly usersByToken = new Map<string, SimUser>();
	readonly webhooks = new Map<string, WebhookRecord>();
	private readonly subs = new Map<string, Set<string>>();
	readonly events: StoredEvent[] = [];
	readonly replayJobs = new Map<string, ReplayJobRecord>();
	/** X Activity API subscriptions (`/2/activity/subscriptions`). */
	readonly xaa = new XaaStore();
	/** OAuth 2.0 user-context tokens (authorization code + PKCE, refresh). */
	readonly oauth2 = new OAuth2UserTokens();
	private nextId = 1460000000000000001n;
	private eventSeq = 0;

	constructor(users: SimUser[]) {
		for (const u of users) this.putUser(u);
	}

	/** 64-bit-looking decimal ids above 2^53, counting up (webhooks, replay jobs). */
	newId(): string {
		return (this.nextId++).toString();
	}

	private putUser(u: SimUser): void {
		const old = this.usersById.get(u.id);
		if (old) this.usersByToken.delete(old.token);
		this.usersById.set(u.id, u);
		this.usersByToken.set(u.token, u);
	}

	addUser(input: SimUserInput): SimUser {
		const u = normaliseUser(input);
		const clash = this.usersByToken.get(u.token);
		if (clash && clash.id !== u.id) throw new Error(`token already used by user ${clash.id}`);
		this.putUser(u);
		return u;
	}

	user(id: string): SimUser | undefined {
		return this.usersById.get(id);
	}

	userByToken(token: string): SimUser | undefined {
		return this.usersByToken.get(token);
	}

	users(): SimUser[] {
		return [...this.usersById.values()];
	}

	// --- webhooks -------------------------------------------------------------------------------

	webhooksOf(flavour: ApiFlavour, environment?: string): WebhookRecord[] {
		return [...this.webhooks.values()].filter(
			(w) => w.flavour === flavour && (environment === undefined || w.environment === environment),
		);
	}

	/** Subscription scope of a webhook. */
	scopeOf(w: WebhookRecord): string {
		return w.flavour === 'premium' ? premiumScope(w.environment ?? '') : w.id;
	}

	deleteWebhook(id: string): void {
		const w = this.webhooks.get(id);
		if (!w) return;
		this.webhooks.delete(id);
		if (w.flavour !== 'premium') this.subs.delete(id);
	}

	// --- subscriptions --------------------------------------------------------------------------

	subscribers(scope: string): Set<string> {
		let s = this.subs.get(scope);
		if (!s) {
			s = new Set();
			this.subs.set(scope, s);
		}
		return s;
	}

	isSubscribed(scope: string, userId: string): boolean {
		return this.subs.get(scope)?.has(userId) ?? false;
	}

	/** Subscriptions counted against one flavour's cap. */
	countFor(flavour: ApiFlavour): number {
		let n = 0;
		for (const [scope, set] of this.subs) {
			const isPremium = scope.startsWith('env:');
			if (
				flavour === 'premium'
					? isPremium
					: !isPremium && this.webhooks.get(scope)?.flavour === flavour
			) {
				n += set.size;
			}
		}
		return n;
	}

	/** Drops every subscription of a user (revoke). Returns the scopes it was on. */
	dropUserEverywhere(userId: string): string[] {
		const scopes: string[] = [];
		for (const [scope, set] of this.subs) if (set.delete(userId)) scopes.push(scope);
		return scopes;
	}

	/** Valid webhooks whose scope has the user subscribed. */
	webhooksFor(userId: string): WebhookRecord[] {
		return [...this.webhooks.values()].filter(
			(w) => w.valid && this.isSubscribed(this.scopeOf(w), userId),
		);
	}

	// --- events -----------------------------------------------------------------------------------

	storeEvent(webhookId: string, at: number, body: Buffer): void {
		this.events.push({ seq: ++this.eventSeq, webhookId, at, body });
	}

	/** Stored events of a webhook with fromMs <= at < toMs, oldest first. */
	eventsInWindow(webhookId: string, fromMs: number, toMs: number): StoredEvent[] {
		return this.events
			.filter((e) => e.webhookId === webhookId && e.at >= fromMs && e.at < toMs)
			.sort((a, b) => a.at - b.at || a.seq - b.seq);
	}

	runningReplay(webhookId: string): ReplayJobRecord | undefined {
		for (const j of this.replayJobs.values()) {
			if (j.webhookId === webhookId && (j.state === 'Pending' || j.state === 'Running')) return j;
		}
		return undefined;
	}
}
