/**
 * Applies the node's parameters to parsed items (which activities, which subscribed accounts,
 * whether to drop the account's own actions) and routes items to outputs.
 */
import { ACTIVITY_GROUPS, groupIndex } from './activities';
import type { ActivityItem } from './activity-item';

export { groupIndex };

export interface FilterSettings {
	/** Selected activities; empty or undefined means all. */
	activities?: readonly string[];
	/** Only items for these subscribed accounts; empty or undefined means all. */
	forUserIds?: readonly string[];
	/** Drop what the account did itself (default true): see isOwnActivity. */
	ignoreOwnActivity?: boolean;
}

export type OutputMode = 'single' | 'perGroup';

export interface CompiledFilter {
	activities: ReadonlySet<string> | null;
	forUserIds: ReadonlySet<string> | null;
	ignoreOwnActivity: boolean;
}

/** Builds the lookup sets once; reuse the result for every delivery with the same settings. */
export function compileFilter(settings: FilterSettings): CompiledFilter {
	const activities =
		settings.activities && settings.activities.length > 0 ? new Set(settings.activities) : null;
	const ids = (settings.forUserIds ?? []).map((id) => id.trim()).filter((id) => id !== '');
	return {
		activities,
		forUserIds: ids.length > 0 ? new Set(ids) : null,
		ignoreOwnActivity: settings.ignoreOwnActivity !== false,
	};
}

/**
 * What the subscribed account did itself and "Ignore Own Activity" drops: DMs (and XChat
 * messages) it sent, its own likes, and typing / read indicators it produced. Its own posts,
 * follows, blocks and mutes are not dropped: they are separate activities to select or not.
 */
export function isOwnActivity(item: ActivityItem): boolean {
	switch (item.activity) {
		case 'dm_sent':
		case 'chat_sent':
		case 'like_given':
			return true;
		case 'typing':
		case 'read':
			return item.for_user_id !== null && item.sender?.id === item.for_user_id;
		default:
			return false;
	}
}

export function itemPasses(item: ActivityItem, filter: CompiledFilter): boolean {
	if (filter.activities !== null && !filter.activities.has(item.activity)) return false;
	if (
		filter.forUserIds !== null &&
		(item.for_user_id === null || !filter.forUserIds.has(item.for_user_id))
	)
		return false;
	if (filter.ignoreOwnActivity && isOwnActivity(item)) return false;
	return true;
}

export function filterItems(
	items: readonly ActivityItem[],
	settings: FilterSettings,
): ActivityItem[] {
	return applyFilter(items, compileFilter(settings));
}

/** filterItems with settings compiled beforehand (the webhook hot path). */
export function applyFilter(
	items: readonly ActivityItem[],
	filter: CompiledFilter,
): ActivityItem[] {
	const out: ActivityItem[] = [];
	for (const item of items) if (itemPasses(item, filter)) out.push(item);
	return out;
}

/** One array per output: `single` → [items]; `perGroup` → one array per ACTIVITY_GROUPS entry. */
export function routeToOutputs(items: readonly ActivityItem[], mode: OutputMode): ActivityItem[][] {
	if (mode !== 'perGroup') return [items.slice()];
	const outputs: ActivityItem[][] = ACTIVITY_GROUPS.map(() => []);
	for (const item of items) outputs[groupIndex(item.activity)].push(item);
	return outputs;
}
