/**
 * Duplicate suppression for webhook deliveries. X retries failed deliveries and sends one copy
 * per subscribed user involved (and per app when several share a URL), so the same event
 * arrives more than once.
 *
 * Keys: AAA (event_type, event_id, for_user_id); XAA (event_uuid, event_type, filter). The
 * event_type in the AAA key only namespaces ids; the same event always has the same type.
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
import { apiDedupeKey } from './dedupe-key';

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

	/** Whether the key was seen within the TTL (does not record it). */
	has(key: string): boolean {
		const seq = this.index.get(key);
		return seq !== undefined && this.stamps[seq % this.capacity] + this.ttlMs > this.now();
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
		this.sweep(now);
		if (this.next - this.oldest >= this.capacity) this.evict(this.oldest++);
		const slot = this.next % this.capacity;
		this.ring[slot] = key;
		this.stamps[slot] = now;
		this.index.set(key, this.next++);
		return true;
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
 * Drops items already seen. Replayed items always pass (they are marked `replay: true`), and
 * are recorded so that a late live retry of the same event is still dropped.
 */
export function dropDuplicates(items: readonly ActivityItem[], cache: DedupeCache): ActivityItem[] {
	const out: ActivityItem[] = [];
	for (const item of items) {
		const fresh = cache.checkAndRecord(dedupeKey(item));
		if (fresh || item.replay) out.push(item);
	}
	return out;
}
