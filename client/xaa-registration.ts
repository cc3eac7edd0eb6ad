/**
 * XAA subscriptions owned by one consumer (a trigger node, a migration), found by their tag:
 * create what is missing, and on removal delete exactly the ones carrying the tag.
 */
import type { XClient } from './x-client';
import type { XaaFilter } from './xaa-normalise';
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

const specKey = (s: { eventType: string; filter: XaaFilter }) =>
	[s.eventType, s.filter.userId ?? '', s.filter.keyword ?? '', s.filter.direction ?? ''].join('|');

/** Creates the specs' subscriptions, tagged, for a webhook; existing ones (same type and filter) are kept. */
export async function ensureXaaSubscriptions(
	client: XClient,
	specs: readonly XaaSubscriptionSpec[],
	opts: { tag: string; webhookId?: string; user?: UserToken },
): Promise<XaaEnsureResult> {
	const existing = new Map(
		(await client.xaa.listAll()).filter((s) => !opts.webhookId || s.webhookId === opts.webhookId).map((s) => [specKey(s), s.id]),
	);
	const result: XaaEnsureResult = { created: 0, existing: 0, ids: [] };
	for (const spec of specs) {
		const have = existing.get(specKey(spec));
		if (have) {
			result.existing++;
			result.ids.push(have);
			continue;
		}
		const sub = await client.xaa.create({ ...spec, tag: opts.tag, webhookId: opts.webhookId, user: opts.user });
		if (sub.alreadyExisted) result.existing++;
		else result.created++;
		result.ids.push(sub.id);
	}
	return result;
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
export async function removeXaaSubscriptions(client: XClient, tag: string): Promise<number> {
	const mine = (await client.xaa.listAll()).filter((s) => s.tag === tag).map((s) => s.id);
	if (mine.length === 0) return 0;
	const results = await client.xaa.deleteMany(mine);
	const failed = results.filter((r) => !r.deleted && r.reason !== 'SubscriptionNotFound');
	if (failed.length > 0) {
		throw new Error(`could not delete ${failed.length} XAA subscription(s): ${failed.map((f) => `${f.id}: ${f.error ?? 'unknown error'}`).join('; ')}`);
	}
	return mine.length;
}
