/**
 * The identity of an event for duplicate detection, as a plain string that also goes on every
 * item as `dedupe_key` (the field to deduplicate on downstream, e.g. with n8n's Remove
 * Duplicates node when several webhook processors share the traffic).
 *
 * Per API (what the in-process cache records for same-API retries):
 * - AAA: `aaa|<event_type>|<event_id>|<for_user_id>` (X: de-duplicate by event id and for_user_id;
 *   the event type only namespaces ids).
 * - XAA: `xaa|<event_type>|<event_uuid>|<filter>` (X: de-duplicate on event_uuid, event_type, filter).
 *
 * Free-text parts are escaped (`%`, `|`, `&`, `=`) so two different events never share a key.
 */
import type { ActivityItem, JsonObject } from './activity-item';

const SPECIAL = /[%|&=]/;

/** A key part with the separators escaped (fast path: nothing to escape). */
export function keyPart(value: string | null | undefined): string {
	if (value === null || value === undefined) return '';
	if (!SPECIAL.test(value)) return value;
	return value.replace(/%/g, '%25').replace(/\|/g, '%7C').replace(/&/g, '%26').replace(/=/g, '%3D');
}

/** A canonical, order-independent text form of an XAA filter. */
export function filterKey(filter: JsonObject | undefined): string {
	if (filter === undefined) return '';
	const keys = Object.keys(filter);
	if (keys.length === 0) return '';
	if (keys.length > 1) keys.sort();
	let out = '';
	for (const k of keys) {
		const v = filter[k];
		const text = typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
		out += (out === '' ? '' : '&') + keyPart(k) + '=' + keyPart(text);
	}
	return out;
}

/** The same-API key: what a retry of the same delivery by the same API repeats exactly. */
export function apiDedupeKey(item: ActivityItem): string {
	if (item.api === 'xaa') {
		return 'xaa|' + keyPart(item.event_type) + '|' + keyPart(item.event_id) + '|' + filterKey(item.filter);
	}
	return 'aaa|' + keyPart(item.event_type) + '|' + keyPart(item.event_id) + '|' + keyPart(item.for_user_id);
}
