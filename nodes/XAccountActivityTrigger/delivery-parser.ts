/**
 * Turns one webhook delivery body (already parsed with parseJsonLossless, so big ids may be
 * strings) into items: one per AAA event, one per XAA delivery. Pure and network-free. The
 * APIs are read in their own modules (aaa-delivery.ts, xaa-delivery.ts), which share the item
 * builders (item-builders.ts).
 *
 * Telling the APIs apart: an AAA body has a top-level `for_user_id` with one or more array-valued
 * `*_events` keys, or a `user_event` / `replay_job_status` object. An XAA body is
 * `{"data":{"event_uuid","event_type","filter","tag"?,"payload","includes"?}}`. X's webhook
 * replay wraps "any event" as `{"data":{…},"meta":{"replay":true}}`, so a `data` object holding an
 * AAA body is unwrapped as AAA (both readings of the replay guide are accepted).
 */
import { hasAaaKeys, parseAaa } from './aaa-delivery';
import { itemDedupeKey } from './dedupe-key';
import { isObject, isReplay, orderedItem, own, type ParseResult } from './item-builders';
import { parseXaa } from './xaa-delivery';

export type { ParseResult } from './item-builders';

export function parseDelivery(body: unknown): ParseResult {
	const result = parseBody(body);
	if (!result.ok) return result;
	const items = result.items.map((item) => {
		item.dedupe_key = itemDedupeKey(item);
		return orderedItem(item);
	});
	return { ok: true, api: result.api, items };
}

function parseBody(body: unknown): ParseResult {
	if (!isObject(body)) {
		return {
			ok: false,
			reason: Array.isArray(body)
				? 'body is a JSON array, not an event object'
				: 'body is not a JSON object',
		};
	}
	if (hasAaaKeys(body)) return parseAaa(body, isReplay(own(body, 'meta')));
	const data = own(body, 'data');
	if (isObject(data)) {
		const replay = isReplay(own(body, 'meta')) || isReplay(own(data, 'meta'));
		if (hasAaaKeys(data)) return parseAaa(data, replay);
		return parseXaa(data, replay);
	}
	if (data !== undefined) return { ok: false, reason: '"data" is not an object' };
	return {
		ok: false,
		reason:
			'not an Account Activity or X Activity API event (no for_user_id, *_events, user_event, replay_job_status or data)',
	};
}
