/**
 * Stage 2, plan: the target's arithmetic over the user set (units, caps, time), the report and
 * journal paths (the report's folder checked writable now, not after every request), and the
 * fingerprint a journal must match. Nothing is sent here.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { normaliseBaseUrl } from '../../client/base-url';
import { buildPlan, formatPlan, type MigrationPlan, type UserSet } from '../input';
import type { Fingerprint } from '../journal';
import { ConfigError, type MigrateOptions } from '../options';
import type { MigrationTarget, TargetPlan } from '../targets/target';
import type { ReadResult } from './read';

export interface PlanResult {
	inputs: MigrationPlan;
	target: TargetPlan;
	reportPath: string;
	statePath: string;
	fingerprint: Fingerprint;
}

export function defaultStatePath(reportPath: string): string {
	const base = basename(reportPath).replace(/\.json$/i, '');
	return join(dirname(reportPath), `${base}.state.jsonl`);
}

/** The folder a file is to be written in must exist and be writable: exit 2 before any request. */
export function checkWritableFolder(flag: string, file: string): void {
	const dir = dirname(resolve(file));
	let isDir = false;
	try {
		isDir = statSync(dir).isDirectory();
	} catch {
		throw new ConfigError(`${flag} ${file}: the folder ${dir} does not exist`);
	}
	if (!isDir) throw new ConfigError(`${flag} ${file}: ${dir} is not a folder`);
	try {
		accessSync(dir, constants.W_OK);
	} catch {
		throw new ConfigError(`${flag} ${file}: the folder ${dir} is not writable`);
	}
	try {
		if (statSync(file).isDirectory()) throw new ConfigError(`${flag} ${file} is a folder, not a file`);
	} catch (err) {
		if (err instanceof ConfigError) throw err;
	}
}

export function planStage(options: MigrateOptions, read: ReadResult, target: MigrationTarget): PlanResult {
	const users: UserSet = read.users;
	const inputs = buildPlan(users);
	const reportPath = options.report || 'migrate-report.json';
	const statePath = options.state ?? defaultStatePath(reportPath);
	const fingerprint: Fingerprint = {
		to: options.to,
		api: options.api,
		env: options.api === 'premium' ? (options.env ?? null) : null,
		baseUrl: normaliseBaseUrl(options.baseUrl),
		webhook: options.webhookId ? { id: options.webhookId } : options.webhookUrl ? { url: options.webhookUrl } : null,
		inputs: inputs.inputs
			.filter((i) => i.file !== read.fromAaa?.label)
			.map((i) => ({ file: resolve(i.file), role: i.role, bytes: statSync(i.file).size })),
		...(options.to === 'xaa' ? { fromAaa: options.fromAaa ?? null } : {}),
	};
	if (!options.dryRun) {
		checkWritableFolder('--report', reportPath);
		checkWritableFolder('--state', statePath);
	}
	return { inputs, target: target.plan(users), reportPath, statePath, fingerprint };
}

/** The --dry-run printout: the inputs, then the target's plan. */
export function formatDryRun(p: PlanResult): string {
	return (
		formatPlan(p.inputs) +
		'\n' +
		p.target.text +
		(p.target.refusal ? `  a run would be refused (exit 2): ${p.target.refusal}\n` : '')
	);
}
