// Read-only SQL against the user folder's sqlite database. Node 20 has no node:sqlite, so a tiny
// script runs on the cached Node 24 (node:sqlite is unflagged there). n8n keeps the database in
// WAL mode, so reading while it runs is safe.
import * as path from 'node:path';

import { baseEnv, runCommand } from './env';
import { ensureN8n } from './install';

export interface SqlQuery {
	sql: string;
	params?: Array<string | number | null>;
}

const QUERY_SCRIPT = `
const { DatabaseSync } = require('node:sqlite');
const [file, queries] = JSON.parse(process.argv[1]);
const db = new DatabaseSync(file, { readOnly: true });
db.exec('PRAGMA busy_timeout = 5000');
const results = queries.map((q) => db.prepare(q.sql).all(...(q.params || [])));
db.close();
process.stdout.write(JSON.stringify(results));
`;

export function databasePath(userFolder: string): string {
	return path.join(userFolder, '.n8n', 'database.sqlite');
}

/** Runs read-only queries in one go; returns one row array per query. */
export async function queryDb(
	userFolder: string,
	queries: SqlQuery[],
): Promise<Array<Array<Record<string, unknown>>>> {
	const install = await ensureN8n();
	const { stdout } = await runCommand(
		install.nodeBin,
		['--no-warnings', '-e', QUERY_SCRIPT, JSON.stringify([databasePath(userFolder), queries])],
		{
			env: baseEnv(),
			timeoutMs: 60_000,
		},
	);
	return JSON.parse(stdout) as Array<Array<Record<string, unknown>>>;
}
