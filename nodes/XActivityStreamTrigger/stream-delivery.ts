/**
 * One stream envelope → the items the webhook trigger would produce for the same delivery (same
 * parser, filter and output routing), or nothing when it was already emitted. Envelopes are
 * remembered by event_uuid and by content (event type, filter and payload), because backfill after
 * a reconnect re-sends what was seen, and X warns of duplicates and out-of-order events.
 */
import { createHash } from 'node:crypto';
import type { ActivityItem } from '../XAccountActivityTrigger/activity-item';
import { DedupeCache, type DedupeOptions } from '../XAccountActivityTrigger/dedupe';
import { parseDelivery } from '../XAccountActivityTrigger/delivery-parser';
import type { TriggerSettings } from '../XAccountActivityTrigger/delivery-handler';
import { applyFilter, compileFilter, routeToOutputs, type CompiledFilter } from '../XAccountActivityTrigger/item-filter';

export interface StreamOutput {
	outputs: ActivityItem[][];
	/**
	 * Passed to n8n's emit, which stores it in a unique column (varchar 255, across all workflows):
	 * `xaa-stream:` + a hash of the trigger's scope and the event's identity.
	 */
	deduplicationKey: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
	typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;

/** The identities of an envelope: by event_uuid, and by content. */
export function envelopeKeys(data: Obj): { uuid?: string; content: string } {
	const type = String(data.event_type ?? '');
	const filter = stableJson(obj(data.filter) ?? {});
	const uuid = data.event_uuid === undefined || data.event_uuid === null ? undefined : String(data.event_uuid);
	const payload = createHash('sha1')
		.update(stableJson(data.payload))
		.digest('base64');
	return {
		...(uuid !== undefined && uuid !== '' ? { uuid: `u\u0000${uuid}\u0000${type}\u0000${filter}` } : {}),
		content: `c\u0000${type}\u0000${filter}\u0000${payload}`,
	};
}

/** JSON with object keys sorted, so the same payload always hashes the same. */
function stableJson(v: unknown): string {
	if (Array.isArray(v)) return '[' + v.map(stableJson).join(',') + ']';
	const o = obj(v);
	if (o !== undefined)
		return (
			'{' +
			Object.keys(o)
				.sort()
				.map((k) => JSON.stringify(k) + ':' + stableJson(o[k]))
				.join(',') +
			'}'
		);
	return typeof v === 'bigint' ? v.toString() : (JSON.stringify(v) ?? 'null');
}

export class StreamDelivery {
	private readonly seen: DedupeCache;
	private readonly filter: CompiledFilter;

	constructor(
		private readonly settings: TriggerSettings,
		/** Which trigger emits (workflow id and node id): two workflows may receive the same event. */
		private readonly scope: string,
		dedupe: DedupeOptions = {},
	) {
		this.seen = new DedupeCache(dedupe);
		this.filter = compileFilter(settings);
	}

	/** The outputs for one envelope, or undefined when it is a duplicate, not an event, or filtered out. */
	take(body: { data: Obj }): StreamOutput | undefined {
		const keys = envelopeKeys(body.data);
		if ((keys.uuid !== undefined && this.seen.has(keys.uuid)) || this.seen.has(keys.content)) return undefined;
		if (keys.uuid !== undefined) this.seen.checkAndRecord(keys.uuid);
		this.seen.checkAndRecord(keys.content);
		const parsed = parseDelivery(body);
		if (!parsed.ok) return undefined;
		const items = applyFilter(parsed.items, this.filter);
		if (items.length === 0) return undefined;
		return {
			outputs: routeToOutputs(items, this.settings.outputMode),
			deduplicationKey:
				'xaa-stream:' +
				createHash('sha256')
					.update(this.scope + '\u0000' + (keys.uuid ?? keys.content))
					.digest('hex'),
		};
	}
}
