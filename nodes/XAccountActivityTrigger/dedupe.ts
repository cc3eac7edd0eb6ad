/**
 * Duplicate suppression for webhook deliveries. X retries failed deliveries and sends one copy
 * per subscribed user involved (and per app when several share a URL), so the same event
 * arrives more than once.
 *
 * Keys (dedupe-key.ts): per API, AAA (event_type, event_id, for_user_id) and XAA (event_uuid,
 * event_type, filter), for same-API retries; and a cross-API key (activity, account, post / DM /
 * like / follow identity) so that during an AAA → XAA overlap the same activity delivered by
 * both APIs passes once. A cross-API key only ever suppresses a delivery of the *other* API:
 * within one API the per-API key decides. Replayed events are treated like any delivery (X
 * puts no replay marker on them; the key decides).
 *
 * Memory is bounded: a ring of the last `capacity` insertions (in insertion order = expiry
 * order, the TTL being fixed) plus a Map from key to its slot; the oldest key goes when a new one
 * would exceed the capacity, and expired keys are swept from the old end a few at a time. Every
 * operation is O(1); no I/O, no timers. (A ring rather than a Map's own insertion order: V8
 * leaves deleted Map entries as holes until a rehash, so repeatedly reading a Map's first key
 * under churn walks those holes and is not O(1).)
 * The cache lives in the process: several n8n main processes each keep their own.
 */
import type { ActivityItem } from './activity-item';
import { apiDedupeKey, crossApiKey, RELATION_ACTIVITIES } from './dedupe-key';

export interface DedupeOptions {
	/** Most keys held at once (default 10,000). */
	capacity?: number;
	/** How long a key is remembered, in ms (default one hour). */
	ttlMs?: number;
	/** Clock, for tests. */
	now?: () => number;
}

export const DEFAULT_DEDUPE_CAPACITY = 10_000;
export const DEFAULT_DEDUPE_TTL_MS = 60 * 60 * 1000;
/**
 * Follow/block/mute carry no time in XAA, so their cross-API key also matches a later real
 * repeat of the same relation: it only counts when the other API's copy is this recent.
 */
export const CROSS_API_RELATION_WINDOW_MS = 10 * 60 * 1000;

/** Expired keys removed per insertion at most, so one call never walks the whole cache. */
const SWEEP_PER_INSERT = 4;

export class DedupeCache {
	readonly capacity: number;
	readonly ttlMs: number;
	private readonly now: () => number;
	/** key → sequence number of its insertion. */
	private readonly index = new Map<string, number>();
	/** Ring of the last `capacity` insertions (slot = seq % capacity): key and time. */
	private readonly ring: Array<string | undefined>;
	private readonly stamps: Float64Array;
	/** Sequence number of the next insertion, and of the oldest one still in the ring. */
	private next = 0;
	private oldest = 0;

	constructor(options: DedupeOptions = {}) {
		this.capacity = Math.max(1, Math.floor(options.capacity ?? DEFAULT_DEDUPE_CAPACITY));
		this.ttlMs = Math.max(0, options.ttlMs ?? DEFAULT_DEDUPE_TTL_MS);
		this.now = options.now ?? Date.now;
		this.ring = new Array<string | undefined>(this.capacity).fill(undefined);
		this.stamps = new Float64Array(this.capacity);
	}

	get size(): number {
		return this.index.size;
	}

	/** Whether the key was seen within the TTL, or within `withinMs` when shorter (does not record it). */
	has(key: string, withinMs = this.ttlMs): boolean {
		const seq = this.index.get(key);
		return seq !== undefined && this.stamps[seq % this.capacity] + Math.min(withinMs, this.ttlMs) > this.now();
	}

	/** Records the key as seen now, whether or not it was seen before. */
	record(key: string): void {
		this.index.delete(key);
		this.insert(key, this.now());
	}

	/**
	 * Records the key. Returns true when it is new (or its earlier sighting expired), false for a
	 * duplicate. A duplicate does not extend the key's lifetime.
	 */
	checkAndRecord(key: string): boolean {
		const now = this.now();
		const seq = this.index.get(key);
		if (seq !== undefined) {
			if (this.stamps[seq % this.capacity] + this.ttlMs > now) return false;
			this.index.delete(key);
		}
		this.insert(key, now);
		return true;
	}

	private insert(key: string, now: number): void {
		this.sweep(now);
		if (this.next - this.oldest >= this.capacity) this.evict(this.oldest++);
		const slot = this.next % this.capacity;
		this.ring[slot] = key;
		this.stamps[slot] = now;
		this.index.set(key, this.next++);
	}

	clear(): void {
		this.index.clear();
		this.ring.fill(undefined);
		this.next = 0;
		this.oldest = 0;
	}

	/** Drops an insertion from the ring, and its key unless the key was inserted again since. */
	private evict(seq: number): void {
		const slot = seq % this.capacity;
		const key = this.ring[slot];
		if (key !== undefined && this.index.get(key) === seq) this.index.delete(key);
		this.ring[slot] = undefined;
	}

	/** Removes a few expired insertions from the old end (the ring is in time order). */
	private sweep(now: number): void {
		for (let n = 0; n < SWEEP_PER_INSERT && this.oldest < this.next; n++) {
			if (this.stamps[this.oldest % this.capacity] + this.ttlMs > now) return;
			this.evict(this.oldest++);
		}
	}
}

/** The identity of an event for duplicate detection (the item's `dedupe_key`). */
export function dedupeKey(item: ActivityItem): string {
	return item.dedupe_key ?? apiDedupeKey(item);
}

/**
 * Drops items already seen: a repeat of the per-API key, or an activity whose cross-API key
 * the other API delivered (relations: within CROSS_API_RELATION_WINDOW_MS). Every key is
 * recorded, so whichever API's copy arrives first is the one that passes.
 */
export function dropDuplicates(items: readonly ActivityItem[], cache: DedupeCache): ActivityItem[] {
	const out: ActivityItem[] = [];
	for (const item of items) {
		let fresh = cache.checkAndRecord(apiDedupeKey(item));
		const cross = crossApiKey(item);
		if (cross !== undefined) {
			const other = cross + (item.api === 'aaa' ? '|xaa' : '|aaa');
			const window = RELATION_ACTIVITIES.has(item.activity) ? CROSS_API_RELATION_WINDOW_MS : cache.ttlMs;
			if (cache.has(other, window)) fresh = false;
			cache.record(cross + '|' + item.api);
		}
		if (fresh) out.push(item);
	}
	return out;
}
