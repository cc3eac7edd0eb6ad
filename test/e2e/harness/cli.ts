// n8n's own CLI (import:credentials, import:workflow, publish:workflow, …) against a user folder.
// Run these before startN8n: the CLI writes the database, a running n8n does not notice.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { n8nEnv, runCommand, type RunResult } from './env';
import { ensureN8n } from './install';

export async function runN8nCli(
	userFolder: string,
	args: string[],
	env: Record<string, string> = {},
): Promise<RunResult> {
	const install = await ensureN8n();
	return runCommand(install.nodeBin, [install.n8nBin, ...args], {
		cwd: userFolder,
		env: n8nEnv(install, userFolder, env),
		timeoutMs: 3 * 60 * 1000,
	});
}

export interface CredentialToImport {
	id: string;
	name: string;
	/** Credential type name, e.g. 'xAccountActivityApi'. */
	type: string;
	/** Plain (unencrypted) data; n8n encrypts it with the user folder's key on import. */
	data: Record<string, unknown>;
}

function writeInput(userFolder: string, name: string, value: unknown): string {
	const dir = path.join(userFolder, 'harness-input');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(
		dir,
		`${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`,
	);
	fs.writeFileSync(file, JSON.stringify(value, null, 2));
	return file;
}

/** `env`: extra env for the CLI, e.g. a Postgres DB_* set (queue mode); default the user folder's sqlite. */
export async function importCredential(
	userFolder: string,
	credential: CredentialToImport,
	env: Record<string, string> = {},
): Promise<void> {
	const file = writeInput(userFolder, 'credential', [credential]);
	await runN8nCli(userFolder, ['import:credentials', `--input=${file}`], env);
}

/** A workflow as n8n exports it; needs an `id` (a string) so it can be published by id. */
export interface WorkflowToImport {
	id: string;
	name: string;
	nodes: unknown[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export async function importWorkflow(
	userFolder: string,
	workflow: WorkflowToImport,
	env: Record<string, string> = {},
): Promise<void> {
	const file = writeInput(userFolder, 'workflow', { active: false, settings: {}, ...workflow });
	await runN8nCli(userFolder, ['import:workflow', `--input=${file}`], env);
}

/** Marks an imported workflow published: it goes live (webhooks registered) on the next start. */
export async function publishWorkflow(
	userFolder: string,
	id: string,
	env: Record<string, string> = {},
): Promise<void> {
	await runN8nCli(userFolder, ['publish:workflow', `--id=${id}`], env);
}

/** Unpublishes while n8n is stopped (no trigger delete runs; use deactivateWorkflow on a running n8n for that). */
export async function unpublishWorkflowOffline(userFolder: string, id: string): Promise<void> {
	await runN8nCli(userFolder, ['unpublish:workflow', `--id=${id}`]);
}
