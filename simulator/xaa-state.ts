/**
 * What X remembers about the app's X Activity API subscriptions, and the XAA part of the
 * simulator's configuration. Pure in-memory data; no I/O here.
 */
import type { XaaDirection, XaaEventType } from '../client/xaa-event-types';

/** XAA options of `startSimulator` (beside SimulatorConfig; not accepted in config files). */
export interface XaaSimulatorOptions {
	/** The app's tier, which sets the subscription cap X publishes. Default 'self-serve'. */
	tier?: XaaTier;
	/** Subscriptions per app; overrides the tier's cap (tests use small caps). */
	subscriptionLimit?: number;
	/**
	 * Body of create / update answers: 'openapi' (default) `{"data":{"subscription":{…}}}`,
	 * 'flat' `{"data":{…}}`, 'array' `{"data":[{…}]}` (each published somewhere).
	 */
	responseShape?: 'openapi' | 'flat' | 'array';
	/** GET page size when max_results is absent. Default 100. */
	defaultPageSize?: number;
}

export interface XaaSimulatorConfig {
	xaa?: XaaSimulatorOptions;
}

/** X's published caps on XAA subscriptions per app. */
export const XAA_TIER_CAPS = { 'self-serve': 1500, enterprise: 75_000, partner: 150_000 } as const;

export type XaaTier = keyof typeof XAA_TIER_CAPS;

export interface ResolvedXaaOptions {
	subscriptionLimit: number;
	responseShape: 'openapi' | 'flat' | 'array';
	defaultPageSize: number;
}

export function resolveXaaOptions(o: XaaSimulatorOptions = {}): ResolvedXaaOptions {
	const n = (v: unknown, what: string, dflt: number, min: number): number => {
		if (v === undefined) return dflt;
		if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
			throw new Error(`xaa.${what} must be an integer >= ${min}`);
		}
		return v;
	};
	if (o.tier !== undefined && !Object.prototype.hasOwnProperty.call(XAA_TIER_CAPS, o.tier)) {
		throw new Error(`xaa.tier must be one of ${Object.keys(XAA_TIER_CAPS).join(', ')}`);
	}
	if (o.responseShape !== undefined && !['openapi', 'flat', 'array'].includes(o.responseShape)) {
		throw new Error('xaa.responseShape must be openapi, flat or array');
	}
	return {
		subscriptionLimit: n(o.subscriptionLimit, 'subscriptionLimit', XAA_TIER_CAPS[o.tier ?? 'self-serve'], 0),
		responseShape: o.responseShape ?? 'openapi',
		defaultPageSize: n(o.defaultPageSize, 'defaultPageSize', 100, 1),
	};
}

export interface XaaFilterRecord {
	user_id?: string;
	keyword?: string;
	direction?: XaaDirection;
}

export interface XaaSubscriptionRecord {
	id: string;
	eventType: XaaEventType;
	filter: XaaFilterRecord;
	tag?: string;
	webhookId?: string;
	/** ms since epoch, X's clock */
	createdAt: number;
	updatedAt: number;
	/** The user whose token created it (private types); their revoke removes it. */
	authUserId?: string;
}

const filterKey = (f: XaaFilterRecord): string =>
	`${f.user_id ?? ''}|${(f.keyword ?? '').toLowerCase()}|${f.direction ?? ''}`;

/**
 * Receives every event of a subscription without webhook_id (X: "goes to the activity stream
 * only"). The activity stream (`GET /2/activity/stream`) registers one per open connection.
 */
export type XaaStreamListener = (envelope: Buffer, subscription: XaaSubscriptionRecord) => void;

export class XaaStore {
	private readonly subs = new Map<string, XaaSubscriptionRecord>();
	options: ResolvedXaaOptions = resolveXaaOptions();
	/** Hook for the activity stream: events of webhook-less subscriptions go here and nowhere else. */
	readonly streamListeners = new Set<XaaStreamListener>();

	publishToStream(envelope: Buffer, subscription: XaaSubscriptionRecord): void {
		for (const l of this.streamListeners) l(envelope, subscription);
	}

	configure(o: XaaSimulatorOptions | undefined): void {
		this.options = resolveXaaOptions(o);
	}

	get size(): number {
		return this.subs.size;
	}

	get(id: string): XaaSubscriptionRecord | undefined {
		return this.subs.get(id);
	}

	/** Oldest first (ids count up). */
	list(): XaaSubscriptionRecord[] {
		return [...this.subs.values()].sort((a, b) => compareIds(a.id, b.id));
	}

	add(rec: XaaSubscriptionRecord): void {
		this.subs.set(rec.id, rec);
	}

	delete(id: string): boolean {
		return this.subs.delete(id);
	}

	/** Same event type, filter and webhook (the tag does not count): X's duplicate (ours). */
	findDuplicate(
		eventType: string,
		filter: XaaFilterRecord,
		webhookId: string | undefined,
	): XaaSubscriptionRecord | undefined {
		const key = filterKey(filter);
		for (const s of this.subs.values()) {
			if (s.eventType === eventType && filterKey(s.filter) === key && s.webhookId === webhookId)
				return s;
		}
		return undefined;
	}

	/** Subscriptions of a type whose filter names the user (any direction). */
	forUser(eventType: string, userId: string): XaaSubscriptionRecord[] {
		return this.list().filter((s) => s.eventType === eventType && s.filter.user_id === userId);
	}

	forKeyword(eventType: string, keyword: string): XaaSubscriptionRecord[] {
		const k = keyword.toLowerCase();
		return this.list().filter(
			(s) => s.eventType === eventType && s.filter.keyword?.toLowerCase() === k,
		);
	}

	/** The user revoked the app: subscriptions that relied on their token go. Returns them. */
	dropAuthorisedBy(userId: string): XaaSubscriptionRecord[] {
		const gone: XaaSubscriptionRecord[] = [];
		for (const s of this.subs.values()) {
			if (s.authUserId === userId) {
				gone.push(s);
				this.subs.delete(s.id);
			}
		}
		return gone;
	}
}

/** Decimal ids of different lengths, compared as numbers. */
export function compareIds(a: string, b: string): number {
	return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
