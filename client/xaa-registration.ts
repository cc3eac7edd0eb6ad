/**
 * XAA subscriptions owned by one consumer (a trigger node), found by their tag: activate all or
 * nothing, and on removal delete exactly the ones carrying the tag.
 *
 * Activation: every spec's auth is decided first (`xaaCreateAuth`: the filter user's own context
 * when a token is at hand, app Bearer only for public types), so a private type without a user
 * token, or an OAuth 2.0 token without the type's scope, stops the activation before anything is
 * sent. Then the missing subscriptions are created, tagged; if one create fails, the ones this
 * attempt created are deleted and the error names the type and X's reason. The caller records
 * the tag before calling, so deactivation finds whatever an interrupted attempt left.
 */
import { XApiError } from './errors';
import type { XClient } from './x-client';
import { xaaCreateAuth, type XaaOAuth2UserToken } from './xaa-client';
import { canonicalXaaEventType } from './xaa-event-types';
import type { XaaFilter, XaaSubscription } from './xaa-normalise';
import type { UserToken } from './types';

export interface XaaSubscriptionSpec {
	eventType: string;
	filter: XaaFilter;
}

export interface XaaEnsureResult {
	created: number;
	existing: number;
	ids: string[];
}

/** The filter user's tokens, whichever the caller has. */
export interface XaaUserAuth {
	/** OAuth 1.0a user token. */
	user?: UserToken;
	/** OAuth 2.0 user access token with the scopes it was granted. */
	oauth2?: XaaOAuth2UserToken;
}

/** An activation that failed at one type; nothing this attempt created is left at X (unless `leftBehind`). */
export class XaaActivationError extends Error {
	constructor(
		message: string,
		readonly eventType: string,
		/** Subscriptions this attempt created and removed again. */
		readonly rolledBack: number,
		/** Ids that could not be removed (deactivation removes them by tag). */
		readonly leftBehind: string[],
		readonly cause?: unknown,
	) {
		super(message);
		this.name = 'XaaActivationError';
	}
}

const specKey = (s: { eventType: string; filter: XaaFilter }) =>
	[canonicalXaaEventType(s.eventType) ?? s.eventType, s.filter.userId ?? '', (s.filter.keyword ?? '').toLowerCase(), s.filter.direction ?? ''].join('|');

function reasonOf(err: unknown): string {
	if (err instanceof XApiError) return `X answered ${err.status}${err.reason ? ` ${err.reason}` : ''}: ${err.xMessage}`;
	return err instanceof Error ? err.message : String(err);
}

/**
 * Creates the specs' missing subscriptions, tagged, for a webhook; existing ones (same type and
 * filter) are kept. All or nothing: see the module comment.
 */
export async function ensureXaaSubscriptions(
	client: XClient,
	specs: readonly XaaSubscriptionSpec[],
	opts: { tag: string; webhookId?: string } & XaaUserAuth,
): Promise<XaaEnsureResult> {
	const auth = { user: opts.user, oauth2: opts.oauth2 };
	// Decide every type's auth before sending anything (throws XaaAuthError naming the type).
	for (const spec of specs) {
		const type = canonicalXaaEventType(spec.eventType);
		if (type) xaaCreateAuth(type, auth);
	}
	const existing = new Map(
		(await client.xaa.listAll()).filter((s) => !opts.webhookId || s.webhookId === opts.webhookId).map((s) => [specKey(s), s.id]),
	);
	const result: XaaEnsureResult = { created: 0, existing: 0, ids: [] };
	const createdNow: string[] = [];
	for (const spec of specs) {
		const have = existing.get(specKey(spec));
		if (have) {
			result.existing++;
			result.ids.push(have);
			continue;
		}
		try {
			const sub = await client.xaa.create({ ...spec, tag: opts.tag, webhookId: opts.webhookId, ...auth });
			if (sub.alreadyExisted) result.existing++;
			else {
				result.created++;
				createdNow.push(sub.id);
			}
			result.ids.push(sub.id);
		} catch (err) {
			const leftBehind = await rollBack(client, createdNow);
			const undone = createdNow.length - leftBehind.length;
			throw new XaaActivationError(
				`XAA subscription for ${spec.eventType} failed: ${reasonOf(err)}. ` +
					(createdNow.length === 0
						? 'Nothing had been created yet.'
						: `The ${undone} subscription(s) this activation had created were deleted again` +
							(leftBehind.length ? `; ${leftBehind.length} could not be and carry the tag "${opts.tag}"` : '') +
							'.'),
				spec.eventType,
				undone,
				leftBehind,
				err,
			);
		}
	}
	return result;
}

/** Deletes the ids; returns the ones still at X. Never throws. */
async function rollBack(client: XClient, ids: string[]): Promise<string[]> {
	if (ids.length === 0) return [];
	try {
		const results = await client.xaa.deleteMany(ids);
		return results.filter((r) => !r.deleted && r.reason !== 'SubscriptionNotFound').map((r) => r.id);
	} catch {
		return [...ids];
	}
}

/**
 * Whether every spec has a subscription delivering to the webhook. X refuses a second
 * subscription with the same type and filter whatever its tag, so one made by someone else
 * counts as present (it delivers the events) but is never ours to delete.
 */
export async function xaaSubscriptionsPresent(client: XClient, specs: readonly XaaSubscriptionSpec[], webhookId?: string): Promise<boolean> {
	const have = new Set((await client.xaa.listAll()).filter((s) => !webhookId || s.webhookId === webhookId).map(specKey));
	return specs.every((s) => have.has(specKey(s)));
}

/** Deletes every subscription carrying the tag; returns how many. */
/**
 * Deletes the subscriptions tagged `tag`. A subscription that someone else still needs (X keeps
 * one subscription per event type and filter, so another trigger may rely on this one) is handed
 * over instead: `handOverTo` names the tag to give it, and it is re-tagged (PUT, tag only) rather
 * than deleted. Returns how many were deleted.
 */
export async function removeXaaSubscriptions(
	client: XClient,
	tag: string,
	handOverTo?: (subscription: XaaSubscription) => string | undefined,
): Promise<number> {
	const tagged = (await client.xaa.listAll()).filter((s) => s.tag === tag);
	const mine: string[] = [];
	for (const s of tagged) {
		const heir = handOverTo?.(s);
		if (heir !== undefined && heir !== tag) await client.xaa.update(s.id, { tag: heir });
		else mine.push(s.id);
	}
	if (mine.length === 0) return 0;
	const results = await client.xaa.deleteMany(mine);
	const failed = results.filter((r) => !r.deleted && r.reason !== 'SubscriptionNotFound');
	if (failed.length > 0) {
		throw new Error(`could not delete ${failed.length} XAA subscription(s): ${failed.map((f) => `${f.id}: ${f.error ?? 'unknown error'}`).join('; ')}`);
	}
	return mine.length;
}
