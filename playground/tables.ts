// The n8n data tables the examples use (n8n 2.x Data Tables: stored in n8n's own database, so they
// work with the playground's sqlite and need no external service). Created through n8n's
// internal REST API as the owner, in the owner's personal project.
import type { N8nRestSession } from '../test/e2e/harness';

export interface TableSpec {
	name: string;
	columns: string[];
}

export const DM_INBOX: TableSpec = {
	name: 'x_dm_inbox',
	columns: ['received_at', 'message_id', 'sender_id', 'sender_screen_name', 'text', 'for_user_id'],
};

export const ACTIVITY_LOG: TableSpec = {
	name: 'x_activity_log',
	columns: ['received_at', 'activity', 'event_type', 'event_id', 'for_user_id', 'text', 'replay'],
};

export const TOKEN_STORE: TableSpec = {
	name: 'x_token_store',
	columns: ['user_id', 'screen_name', 'access_token', 'access_token_secret'],
};

export const TABLES: readonly TableSpec[] = [DM_INBOX, ACTIVITY_LOG, TOKEN_STORE];

interface DataTableInfo {
	id: string;
	name: string;
}

type Listing = { data?: DataTableInfo[] } | DataTableInfo[];

/**
 * Makes sure each table exists (string columns). Returns the tables that were created now, by
 * name, with their id, so the caller can fill them.
 */
export async function ensureTables(
	session: N8nRestSession,
	tables: readonly TableSpec[] = TABLES,
): Promise<Map<string, { projectId: string; id: string }>> {
	const project = await session.request<{ id: string }>('GET', 'projects/personal');
	const base = `projects/${encodeURIComponent(project.id)}/data-tables`;
	const listing = await session.request<Listing>('GET', `${base}?take=500`);
	const existing = new Set(
		(Array.isArray(listing) ? listing : (listing.data ?? [])).map((t) => t.name),
	);
	const created = new Map<string, { projectId: string; id: string }>();
	for (const table of tables) {
		if (existing.has(table.name)) continue;
		const made = await session.request<DataTableInfo>('POST', base, {
			name: table.name,
			columns: table.columns.map((name) => ({ name, type: 'string' })),
		});
		created.set(table.name, { projectId: project.id, id: made.id });
	}
	return created;
}

/** Appends rows to a table made by ensureTables. */
export async function insertRows(
	session: N8nRestSession,
	table: { projectId: string; id: string },
	rows: Array<Record<string, string>>,
): Promise<void> {
	if (rows.length === 0) return;
	await session.request(
		'POST',
		`projects/${encodeURIComponent(table.projectId)}/data-tables/${encodeURIComponent(table.id)}/insert`,
		{ data: rows },
	);
}
