/**
 * The webhook POST path after the signature check: raw body → items → filter → dedupe → outputs.
 * The node class calls handleDelivery; everything here is synchronous and network-free.
 */
import { parseJsonLossless } from '../../client/lossless-json';
import type { ActivityItem } from './activity-item';
import { DedupeCache, type DedupeOptions, dropDuplicates } from './dedupe';
import { parseDelivery } from './delivery-parser';
import {
	applyFilter,
	type CompiledFilter,
	compileFilter,
	type OutputMode,
	routeToOutputs,
} from './item-filter';

export interface TriggerSettings {
	/** Selected activities; empty means all. */
	activities: string[];
	outputMode: OutputMode;
	dedupe: boolean;
	/** Subscribed accounts to keep; empty means all. */
	forUserIds: string[];
	ignoreOwnActivity: boolean;
}

/** The part of IWebhookFunctions this module reads (kept structural: no n8n-workflow import). */
export interface ParameterSource {
	getNodeParameter(parameterName: string, fallbackValue?: unknown): unknown;
}

export function settingsFromParameters(ctx: ParameterSource): TriggerSettings {
	const activities = ctx.getNodeParameter('activities', []);
	const outputMode = ctx.getNodeParameter('outputMode', 'single');
	const options = ctx.getNodeParameter('options', {});
	const o =
		typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {};
	return {
		activities: Array.isArray(activities)
			? activities.filter((a): a is string => typeof a === 'string')
			: [],
		outputMode: outputMode === 'perGroup' ? 'perGroup' : 'single',
		dedupe: o.dedupe !== false,
		forUserIds: parseUserIdList(o.forUserIds),
		ignoreOwnActivity: o.ignoreOwnActivity !== false,
	};
}

/** "2244994945, 4337869213" (commas, spaces or newlines) or a list → trimmed non-empty ids. */
export function parseUserIdList(value: unknown): string[] {
	const parts = Array.isArray(value)
		? value.map((v) => String(v))
		: typeof value === 'string' || typeof value === 'number'
			? String(value).split(/[\s,;]+/)
			: [];
	return parts.map((p) => p.trim()).filter((p) => p !== '');
}

export type DeliveryOutcome =
	| { ok: true; api: 'aaa' | 'xaa'; outputs: ActivityItem[][]; received: number }
	| { ok: false; reason: string };

interface NodeState {
	cache: DedupeCache;
	filterKey: string;
	filter: CompiledFilter;
}

let dedupeOptions: DedupeOptions = {};

/** One dedupe cache (and compiled filter) per trigger node: workflow id + node id. */
const states = new Map<string, NodeState>();

function stateFor(workflowId: string, nodeId: string, settings: TriggerSettings): NodeState {
	const id = workflowId + '\u0000' + nodeId;
	const key =
		settings.activities.join(',') +
		'|' +
		settings.forUserIds.join(',') +
		'|' +
		String(settings.ignoreOwnActivity);
	let state = states.get(id);
	if (state === undefined) {
		state = {
			cache: new DedupeCache(dedupeOptions),
			filterKey: key,
			filter: compileFilter(settings),
		};
		states.set(id, state);
	} else if (state.filterKey !== key) {
		state.filterKey = key;
		state.filter = compileFilter(settings);
	}
	return state;
}

/** Changes the dedupe cache size / TTL for caches created from now on (tests, benchmarks). */
export function configureDedupe(options: DedupeOptions): void {
	dedupeOptions = options;
}

/** How many trigger nodes hold dedupe memory in this process. */
export function deliveryStateCount(): number {
	return states.size;
}

/** Forgets a node's dedupe memory, e.g. when its workflow is deactivated. Without ids: all. */
export function resetDeliveryState(workflowId?: string, nodeId?: string): void {
	if (workflowId === undefined) states.clear();
	else states.delete(workflowId + '\u0000' + (nodeId ?? ''));
}

/**
 * Parses, filters, de-duplicates and routes one delivery. `ok: false` (answer 400) when the
 * body is not JSON or not an AAA/XAA event; otherwise one array per output (possibly empty).
 */
export function handleDelivery(
	raw: Buffer | string,
	settings: TriggerSettings,
	workflowId: string,
	nodeId: string,
): DeliveryOutcome {
	const text = typeof raw === 'string' ? raw : raw.toString('utf8');
	if (nestedDeeperThan(text, MAX_JSON_DEPTH))
		return { ok: false, reason: `body is nested deeper than ${MAX_JSON_DEPTH} levels` };
	let body: unknown;
	try {
		body = parseJsonLossless(text);
	} catch {
		return { ok: false, reason: 'body is not valid JSON' };
	}
	try {
		const parsed = parseDelivery(body);
		if (!parsed.ok) return parsed;
		const state = stateFor(workflowId, nodeId, settings);
		let items = applyFilter(parsed.items, state.filter);
		if (settings.dedupe && items.length > 0) items = dropDuplicates(items, state.cache);
		return {
			ok: true,
			api: parsed.api,
			outputs: routeToOutputs(items, settings.outputMode),
			received: parsed.items.length,
		};
	} catch (err) {
		// A signed body this code cannot read is refused with a reason (400), never a 500 that
		// X would retry.
		const what = err instanceof Error ? err.name : 'error';
		return { ok: false, reason: `the event could not be read (${what})` };
	}
}

/**
 * X's deliveries nest about ten levels deep. Far deeper bodies are refused before parsing:
 * every later step (hashing, n8n storing the item) walks them recursively.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether arrays/objects in the JSON text nest deeper than `max` (brackets inside strings do not count). */
export function nestedDeeperThan(text: string, max: number): boolean {
	let depth = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 34 /* " */) {
			for (i++; i < text.length; i++) {
				const d = text.charCodeAt(i);
				if (d === 92 /* \\ */) i++;
				else if (d === 34) break;
			}
		} else if (c === 123 /* { */ || c === 91 /* [ */) {
			if (++depth > max) return true;
		} else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
	}
	return false;
}
