/**
 * What the AAA and XAA parsers share: reading untrusted JSON values (own properties only, so
 * keys such as `__proto__` or `constructor` in a delivery never reach Object.prototype),
 * users, synthetic ids, and the item itself (base fields, optional fields, final field order).
 */
import { createHash } from 'node:crypto';
import type { Activity } from './activities';
import type { ActivityApi, ActivityItem, ActivityUser, JsonObject } from './activity-item';

export const EVENTS_SUFFIX = '_events';

export type ParseResult =
	| { ok: true; api: ActivityApi; items: ActivityItem[] }
	| { ok: false; reason: string };

// ---------------------------------------------------------------------------------------------
// reading values

const hasOwnProperty = Object.prototype.hasOwnProperty;

export function isObject(v: unknown): v is JsonObject {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asObject(v: unknown): JsonObject | undefined {
	return isObject(v) ? v : undefined;
}

export function hasOwn(o: JsonObject, key: string): boolean {
	return hasOwnProperty.call(o, key);
}

/** `o[key]` when `o` is an object holding `key` itself (never an inherited member). */
export function own(o: JsonObject | undefined, key: string): unknown {
	return o !== undefined && hasOwnProperty.call(o, key) ? o[key] : undefined;
}

export function str(v: unknown): string | null {
	return typeof v === 'string' ? v : null;
}

/** An id as a string: strings as they are, numbers in decimal (never the other way round). */
export function idOf(v: unknown): string | null {
	if (typeof v === 'string') return v === '' ? null : v;
	if (typeof v === 'number' && Number.isFinite(v))
		return Number.isInteger(v) ? v.toFixed(0) : String(v);
	if (typeof v === 'bigint') return v.toString();
	return null;
}

/** `*_str` first, then the plain field. */
export function idField(o: JsonObject | undefined, name: string): string | null {
	if (o === undefined) return null;
	return idOf(o[name + '_str']) ?? idOf(o[name]);
}

export function isReplay(meta: unknown): boolean {
	const m = asObject(meta);
	return m !== undefined && (m.replay === true || m.replay === 'true');
}

export function contentHash(...parts: unknown[]): string {
	return createHash('sha1').update(JSON.stringify(parts)).digest('hex');
}

/** A deterministic id from the event's identifying fields, e.g. `follow:12:34:1517588749178`. */
export function syntheticId(kind: string, ...parts: Array<string | null>): string {
	return kind + ':' + parts.map((p) => p ?? '').join(':');
}

export function boolish(v: unknown): boolean | undefined {
	if (typeof v === 'boolean') return v;
	if (v === 'true') return true;
	if (v === 'false') return false;
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// users

export function userOf(raw: unknown): ActivityUser | undefined {
	let u = asObject(raw);
	if (u === undefined) return undefined;
	// XAA wraps users as {"data":{…}}.
	if (u.id === undefined && u.id_str === undefined && isObject(u.data)) u = u.data;
	const id = idField(u, 'id');
	if (id === null) return undefined;
	return {
		id,
		screen_name: str(u.screen_name) ?? str(u.username),
		name: str(u.name),
		profile_image_url: str(u.profile_image_url_https) ?? str(u.profile_image_url),
		raw: u,
	};
}

export function bareUser(id: string): ActivityUser {
	return { id, screen_name: null, name: null, profile_image_url: null, raw: null };
}

/** A user from an id-keyed map (AAA `users`, XAA DM `users`), else just the id. */
export function userFromMap(
	id: string | null,
	...maps: Array<JsonObject | undefined>
): ActivityUser | undefined {
	if (id === null) return undefined;
	for (const map of maps) {
		const u = userOf(own(map, id));
		if (u !== undefined) return u;
	}
	return bareUser(id);
}

/** A user from XAA includes.users (an array, entries sometimes wrapped in {"data":{…}}), else just the id. */
export function userFromList(id: string | null, list: unknown): ActivityUser | undefined {
	if (id === null) return undefined;
	if (Array.isArray(list)) {
		for (const entry of list) {
			const u = userOf(entry);
			if (u !== undefined && u.id === id) return u;
		}
	}
	return bareUser(id);
}

// ---------------------------------------------------------------------------------------------
// items

export function baseItem(
	activity: Activity,
	eventType: string,
	forUser: string | null,
	eventId: string,
	api: ActivityApi,
	replay: boolean,
	event: JsonObject,
): ActivityItem {
	return {
		activity,
		event_type: eventType,
		for_user_id: forUser,
		event_id: eventId,
		api,
		replay,
		event,
	};
}

/** Sets optional fields only when they have a value, so items carry no undefined keys. */
export function withOptional(item: ActivityItem, extra: Partial<ActivityItem>): ActivityItem {
	for (const key of Object.keys(extra) as Array<keyof ActivityItem>) {
		const v = extra[key];
		if (v !== undefined) (item as unknown as JsonObject)[key] = v;
	}
	return item;
}

/**
 * The order fields appear in (n8n shows them in this order): what a workflow uses first, the
 * raw event last. Fields not listed keep their place before `event`.
 */
const FIELD_ORDER: ReadonlyArray<keyof ActivityItem> = [
	'activity',
	'text',
	'author',
	'sender',
	'recipient',
	'source',
	'target',
	'tweet_id',
	'message_id',
	'for_user_id',
	'changed',
	'event_type',
	'event_id',
	'dedupe_key',
	'api',
	'replay',
	'user_has_blocked',
	'app',
	'event_uuid',
	'filter',
	'tag',
	'includes',
];

/** The item with its fields in FIELD_ORDER, `event` last. */
export function orderedItem(item: ActivityItem): ActivityItem {
	const src = item as unknown as JsonObject;
	const out: JsonObject = {};
	for (const key of FIELD_ORDER) if (src[key] !== undefined) out[key] = src[key];
	for (const key of Object.keys(src)) if (key !== 'event' && !(key in out)) out[key] = src[key];
	out.event = src.event;
	return out as unknown as ActivityItem;
}
