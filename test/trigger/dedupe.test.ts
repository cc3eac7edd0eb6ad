import { DedupeCache, dedupeKey, dropDuplicates } from '../../nodes/XAccountActivityTrigger/dedupe';
import { apiDedupeKey } from '../../nodes/XAccountActivityTrigger/dedupe-key';
import { parseDelivery } from '../../nodes/XAccountActivityTrigger/delivery-parser';
import type { ActivityItem } from '../../nodes/XAccountActivityTrigger/activity-item';

function aaa(
	eventId: string,
	forUser: string | null,
	extra: Partial<ActivityItem> = {},
): ActivityItem {
	return {
		activity: 'mention',
		event_type: 'tweet_create',
		for_user_id: forUser,
		event_id: eventId,
		api: 'aaa',
		replay: false,
		event: {},
		...extra,
	};
}
function xaa(
	uuid: string,
	filter: Record<string, unknown>,
	eventType = 'post.mention.create',
): ActivityItem {
	return {
		activity: 'mention',
		event_type: eventType,
		for_user_id: String(filter.user_id ?? ''),
		event_id: uuid,
		api: 'xaa',
		replay: false,
		event: {},
		event_uuid: uuid,
		filter,
	};
}

describe('DedupeCache', () => {
	test('a key is new once, then a duplicate', () => {
		const cache = new DedupeCache();
		expect(cache.checkAndRecord('k')).toBe(true);
		expect(cache.checkAndRecord('k')).toBe(false);
		expect(cache.has('k')).toBe(true);
		expect(cache.has('other')).toBe(false);
	});

	test('capacity bounds memory, evicting the oldest first', () => {
		const cache = new DedupeCache({ capacity: 3 });
		for (const k of ['a', 'b', 'c', 'd']) cache.checkAndRecord(k);
		expect(cache.size).toBe(3);
		expect(cache.has('a')).toBe(false);
		expect(cache.has('d')).toBe(true);
		for (let i = 0; i < 10_000; i++) cache.checkAndRecord('x' + i);
		expect(cache.size).toBe(3);
		// the evicted key counts as new again
		expect(cache.checkAndRecord('a')).toBe(true);
	});

	test('keys expire after the TTL', () => {
		let now = 1_000;
		const cache = new DedupeCache({ ttlMs: 100, now: () => now });
		expect(cache.checkAndRecord('k')).toBe(true);
		now += 99;
		expect(cache.checkAndRecord('k')).toBe(false);
		now += 1;
		expect(cache.has('k')).toBe(false);
		expect(cache.checkAndRecord('k')).toBe(true);
	});

	test('a duplicate does not extend the lifetime', () => {
		let now = 0;
		const cache = new DedupeCache({ ttlMs: 100, now: () => now });
		cache.checkAndRecord('k');
		now = 90;
		expect(cache.checkAndRecord('k')).toBe(false);
		now = 100;
		expect(cache.checkAndRecord('k')).toBe(true);
	});

	test('expired keys are swept as new ones arrive', () => {
		let now = 0;
		const cache = new DedupeCache({ ttlMs: 10, capacity: 1000, now: () => now });
		for (let i = 0; i < 100; i++) cache.checkAndRecord('old' + i);
		now = 20;
		for (let i = 0; i < 30; i++) cache.checkAndRecord('new' + i);
		expect(cache.size).toBe(30);
	});

	test('a key recorded again after expiry survives the eviction of its old slot', () => {
		let now = 0;
		const cache = new DedupeCache({ ttlMs: 10, capacity: 3, now: () => now });
		cache.checkAndRecord('k');
		now = 20;
		expect(cache.checkAndRecord('k')).toBe(true);
		cache.checkAndRecord('a');
		cache.checkAndRecord('b');
		expect(cache.has('k')).toBe(true);
		expect(cache.checkAndRecord('k')).toBe(false);
		cache.checkAndRecord('c');
		expect(cache.has('k')).toBe(false);
	});

	test('clear forgets everything', () => {
		const cache = new DedupeCache({ capacity: 2 });
		cache.checkAndRecord('a');
		cache.clear();
		expect(cache.size).toBe(0);
		expect(cache.checkAndRecord('a')).toBe(true);
	});

	test('defaults: 10,000 keys, one hour', () => {
		const cache = new DedupeCache();
		expect([cache.capacity, cache.ttlMs]).toEqual([10_000, 3_600_000]);
	});
});

describe('dropDuplicates', () => {
	test('drops a repeated (event_id, for_user_id), keeps another for_user_id', () => {
		const cache = new DedupeCache();
		expect(dropDuplicates([aaa('1', 'A')], cache)).toHaveLength(1);
		expect(dropDuplicates([aaa('1', 'A')], cache)).toHaveLength(0);
		expect(dropDuplicates([aaa('1', 'B')], cache)).toHaveLength(1);
		expect(dropDuplicates([aaa('2', 'A')], cache)).toHaveLength(1);
	});

	test('drops duplicates within one delivery', () => {
		expect(
			dropDuplicates([aaa('1', 'A'), aaa('1', 'A'), aaa('1', 'B')], new DedupeCache()),
		).toHaveLength(2);
	});

	test('replayed events are deduplicated like any delivery: no marker bypasses the key', () => {
		const cache = new DedupeCache();
		dropDuplicates([aaa('1', 'A')], cache);
		expect(dropDuplicates([aaa('1', 'A', { replay: true })], cache)).toHaveLength(0);
		expect(dropDuplicates([aaa('9', 'A', { replay: true })], cache)).toHaveLength(1);
		expect(dropDuplicates([aaa('9', 'A', { replay: true })], cache)).toHaveLength(0);
		expect(dropDuplicates([aaa('9', 'A')], cache)).toHaveLength(0);
	});

	test('XAA: by (event_uuid, event_type, filter), whatever the filter key order', () => {
		const cache = new DedupeCache();
		expect(dropDuplicates([xaa('-5', { user_id: '1', direction: 'inbound' })], cache)).toHaveLength(
			1,
		);
		expect(dropDuplicates([xaa('-5', { direction: 'inbound', user_id: '1' })], cache)).toHaveLength(
			0,
		);
		expect(
			dropDuplicates([xaa('-5', { user_id: '1', direction: 'outbound' })], cache),
		).toHaveLength(1);
		expect(dropDuplicates([xaa('-5', { user_id: '2', direction: 'inbound' })], cache)).toHaveLength(
			1,
		);
		expect(
			dropDuplicates([xaa('-5', { user_id: '1', direction: 'inbound' }, 'like.create')], cache),
		).toHaveLength(1);
	});

	test('AAA and XAA keys never collide', () => {
		expect(dedupeKey(aaa('5', '1'))).not.toBe(
			dedupeKey(xaa('5', { user_id: '1' }, 'tweet_create')),
		);
	});
});

describe('dedupe_key', () => {
	test('the item carries the key the cache records: cross-API for a post, with the per-API key beside it', () => {
		const parsed = parseDelivery({
			for_user_id: '2244994945',
			tweet_create_events: [{ id_str: '1045396744374804480', user: { id_str: '3001969357' }, text: 'hi' }],
		});
		if (!parsed.ok) throw new Error(parsed.reason);
		const item = parsed.items[0];
		expect(item.dedupe_key).toBe('x|mention|2244994945|post=1045396744374804480');
		expect(apiDedupeKey(item)).toBe('aaa|tweet_create|1045396744374804480|2244994945');
		expect(dedupeKey(item)).toBe(item.dedupe_key);
		const cache = new DedupeCache();
		dropDuplicates([item], cache);
		expect(cache.has(apiDedupeKey(item))).toBe(true);
		expect(cache.has(item.dedupe_key + '|aaa')).toBe(true);
	});

	test('XAA: event_type, event_uuid and the filter in a canonical order', () => {
		const a = xaa('-5', { user_id: '1', direction: 'inbound' }, 'like.create');
		const b = xaa('-5', { direction: 'inbound', user_id: '1' }, 'like.create');
		expect(apiDedupeKey(a)).toBe('xaa|like.create|-5|direction=inbound&user_id=1');
		expect(apiDedupeKey(b)).toBe(apiDedupeKey(a));
	});

	test('separators inside values cannot make two events share a key', () => {
		const a = xaa('u', { keyword: 'a&b=c' }, 'news.new');
		const b = xaa('u', { keyword: 'a', b: 'c' }, 'news.new');
		expect(apiDedupeKey(a)).not.toBe(apiDedupeKey(b));
		expect(apiDedupeKey(aaa('1|2', '3'))).not.toBe(apiDedupeKey(aaa('1', '2|3')));
	});
});
