/**
 * The migrate run: config and inputs (exit 2 before any request), plan, journal, subscribe every
 * user at the rate X allows, verify, report. `migrate(options, io)` is the whole command and is
 * callable in-process; the CLI only parses flags and wires process streams.
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';

import pLimit from 'p-limit';

import { normaliseBaseUrl } from '../client/base-url';
import { InputError, buildPlan, formatPlan, readUsers, type MigrationPlan, type UserSet } from './input';
import { Journal, type Fingerprint, type JournalRecord } from './journal';
import { migrationClient } from './migration-client';
import { ConfigError, USAGE, credentialsFromEnv, type MigrateOptions } from './options';
import { Progress, type ProgressSink } from './progress';
import { csvPathOf, writeReport, type ReportRow, type ReportSummary, type UserStatus } from './report';
import {
	ALREADY,
	CODE_OF,
	FAILED,
	FAILED_TRANSIENT,
	isDone,
	MISSING_TOKEN,
	NEEDS_REAUTH,
	PENDING,
	SUBSCRIBED,
} from './status-codes';
import { AaaTarget, type MigrationTarget, type UnitOutcome } from './target';

export interface MigrateIO {
	stdout: { write(text: string): unknown };
	stderr: ProgressSink;
	env: NodeJS.ProcessEnv;
	/** Aborting stops starting new users; the run then journals, reports and exits 1. */
	signal?: AbortSignal;
}

export interface MigrateResult {
	exitCode: number;
	summary?: ReportSummary;
	reportPath?: string;
	csvPath?: string;
	/** --to xaa: the per-event-type CSV. */
	typesCsvPath?: string;
	statePath?: string;
	/** Wall time of the subscribe phase (ms). */
	runMs?: number;
	/** Users sent to X in the subscribe phase of this run. */
	sent?: number;
	/** 429 answers seen (whole run). */
	rateLimited?: number;
	/** Rate-limit waits the gate made and their total length (ms). */
	waits?: number;
	waitedMs?: number;
	/** Users re-subscribed by verification. */
	resubscribed?: number;
}


const NAMES: Record<number, UserStatus> = {
	[PENDING]: 'failed',
	[SUBSCRIBED]: 'subscribed',
	[ALREADY]: 'already_subscribed',
	[NEEDS_REAUTH]: 'needs_reauth',
	[MISSING_TOKEN]: 'missing_token',
	[FAILED]: 'failed',
	[FAILED_TRANSIENT]: 'failed',
};

/** Recorded outcomes a resumed run does not send again. Transient failures are retried. */
const isFinal = (s: number) => s === SUBSCRIBED || s === ALREADY || s === NEEDS_REAUTH || s === FAILED;

export async function runMigrate(options: MigrateOptions, io: MigrateIO): Promise<number> {
	return (await migrate(options, io)).exitCode;
}

/** Test and bench hooks. */
export interface MigrateHooks {
	/** Called after each user's outcome is journaled ('run': subscribe phase; 'verify': re-subscribe). */
	onUnit?: (userId: string, outcome: UnitOutcome, phase: 'run' | 'verify') => void | Promise<void>;
}

export async function migrate(options: MigrateOptions, io: MigrateIO, hooks: MigrateHooks = {}): Promise<MigrateResult> {
	if (options.help) {
		io.stdout.write(USAGE);
		return { exitCode: 0 };
	}
	if (options.simulate) {
		const { runSimulation } = await import('./simulate');
		return runSimulation(options, io);
	}
	try {
		if (options.to === 'xaa') {
			const { migrateXaa } = await import('./xaa-run');
			return await migrateXaa(options, io, hooks);
		}
		return await migrateChecked(options, io, hooks);
	} catch (err) {
		if (err instanceof ConfigError || err instanceof InputError) {
			io.stderr.write(`x-aaa-migrate: ${err.message}\n`);
			return { exitCode: 2 };
		}
		io.stderr.write(`x-aaa-migrate: ${err instanceof Error ? err.message : String(err)}\n`);
		return { exitCode: 1 };
	}
}

function fingerprintOf(options: MigrateOptions, plan: MigrationPlan): Fingerprint {
	return {
		to: options.to,
		api: options.api,
		env: options.api === 'premium' ? (options.env ?? null) : null,
		baseUrl: normaliseBaseUrl(options.baseUrl),
		webhook: options.webhookId ? { id: options.webhookId } : options.webhookUrl ? { url: options.webhookUrl } : null,
		inputs: plan.inputs.map((i) => ({ file: resolve(i.file), role: i.role, bytes: statSync(i.file).size })),
	};
}

export function defaultStatePath(reportPath: string): string {
	const base = basename(reportPath).replace(/\.json$/i, '');
	return join(dirname(reportPath), `${base}.state.jsonl`);
}

function planSummary(plan: MigrationPlan): string {
	const c = plan.counts;
	const n = (v: number) => v.toLocaleString('en-US');
	const lines = [
		`Plan: ${n(c.total)} users from ${plan.inputs.length} input${plan.inputs.length === 1 ? '' : 's'}: ` +
			`${n(c.withTokens)} with a token, ${n(c.missingToken)} missing_token, ${n(c.dmFalse)} dm:false`,
	];
	if (c.dmFalse > 0) lines.push(`  dm:false users get no DM events until they re-authorise the app with DM permission`);
	if (c.missingToken > 0) lines.push(`  users without a token cannot be subscribed: AAA needs each user's own access token`);
	return lines.join('\n') + '\n';
}

async function migrateChecked(options: MigrateOptions, io: MigrateIO, hooks: MigrateHooks): Promise<MigrateResult> {
	// 1. Configuration and inputs: everything that can exit 2 happens before any request.
	const creds = options.dryRun ? undefined : credentialsFromEnv(io.env, !!options.webhookUrl && options.api !== 'v2');
	const users = await readUsers(options.from, options.tokens);
	const plan = buildPlan(users);
	if (options.dryRun || !creds) {
		io.stdout.write(formatPlan(plan));
		return { exitCode: 0 };
	}
	const reportPath = options.report || 'migrate-report.json';
	const statePath = options.state ?? defaultStatePath(reportPath);
	const total = users.size;
	const status = new Uint8Array(total);
	const verified = new Uint8Array(total); // 0 unknown, 1 yes, 2 no
	const errors = new Map<number, string>();
	const interned = new Map<string, string>();
	const setError = (i: number, e: string | undefined) => {
		if (e === undefined) errors.delete(i);
		else {
			let s = interned.get(e);
			if (s === undefined) interned.set(e, (s = e));
			errors.set(i, s);
		}
	};
	const applyRecord = (r: JournalRecord) => {
		const i = users.indexOf(r.u);
		const code = CODE_OF[r.s];
		if (i === undefined || code === undefined) return;
		status[i] = code === FAILED && r.t === 1 ? FAILED_TRANSIENT : code;
		setError(i, r.e);
	};
	const opened = Journal.open(statePath, fingerprintOf(options, plan), applyRecord);
	const journal = opened.journal;
	try {
		io.stdout.write(planSummary(plan));
		if (opened.resumed && opened.records > 0) {
			let final = 0;
			for (let i = 0; i < total; i++) if (isFinal(status[i])) final++;
			io.stdout.write(`Resuming ${statePath}: ${final.toLocaleString('en-US')} users already recorded are not sent again\n`);
		}

		// 2. Client, gate and target.
		let rateLimited = 0;
		const progressRef: { current?: Progress } = {};
		const client = migrationClient(
			creds,
			options,
			(untilMs) => progressRef.current?.waiting(untilMs),
			() => rateLimited++,
		);
		const target: MigrationTarget = new AaaTarget(client, {
			webhookId: options.webhookId,
			webhookUrl: options.webhookUrl,
			environment: options.env,
		});
		// The app's keys first (one bearer fetch, needed for listing anyway): wrong keys or an
		// unreachable X stop here instead of marking every user needs_reauth.
		await client.getBearerToken();
		await target.prepare();
		if (opened.webhookId && target.webhookId && opened.webhookId !== target.webhookId) {
			io.stderr.write(
				`x-aaa-migrate: the journal's users were subscribed to webhook ${opened.webhookId}, now ${target.webhookId}: verification re-subscribes any it misses\n`,
			);
		}
		if (target.webhookId && opened.webhookId !== target.webhookId) journal.append({ type: 'webhook', id: target.webhookId });
		io.stdout.write(`Target: ${target.label} (${options.api})\n`);

		// 3. Subscribe: one unit of work per user, `concurrency` at a time, the gate pacing them.
		let skipped = 0;
		let toSend = 0;
		{
			let i = 0;
			for (const u of users) {
				if (u.token === undefined) status[i] = MISSING_TOKEN;
				else if (isFinal(status[i])) skipped++;
				else toSend++;
				i++;
			}
		}
		const progress = new Progress(io.stderr, skipped + toSend, skipped);
		progressRef.current = progress;
		const record = (i: number, userId: string, o: UnitOutcome, resub = false) => {
			status[i] = o.status === 'failed' && o.transient ? FAILED_TRANSIENT : CODE_OF[o.status];
			setError(i, o.error);
			journal.record({
				u: userId,
				s: o.status,
				...(o.error !== undefined ? { e: o.error } : {}),
				...(o.transient ? { t: 1 as const } : {}),
				...(resub ? { r: 1 as const } : {}),
			});
		};
		const t0 = performance.now();
		let sent = 0;
		const queue = pendingUsers(users, status);
		const worker = async () => {
			for (;;) {
				if (io.signal?.aborted) return;
				const next = queue.next();
				if (next.done) return;
				const { index, userId, token } = next.value;
				sent++;
				const outcome = await target.apply({ userId, token });
				record(index, userId, outcome);
				progress.tick();
				await hooks.onUnit?.(userId, outcome, 'run');
			}
		};
		await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(1, toSend)) }, worker));
		const runMs = performance.now() - t0;
		progress.stop();
		journal.sync();
		const aborted = io.signal?.aborted === true;
		if (aborted) io.stderr.write('x-aaa-migrate: stopped: users not yet sent are left for the next run (same command)\n');

		// 4. Verify: list what exists on X and compare; re-subscribe a missing user once.
		let resubscribed = 0;
		if (options.verify && !aborted) {
			try {
				resubscribed = await verifyAll(users, status, verified, target, options.concurrency, record, io, hooks);
			} catch (err) {
				io.stderr.write(`x-aaa-migrate: verification failed: ${err instanceof Error ? err.message : String(err)}\n`);
				verified.fill(2);
			}
		}
		journal.sync();

		// 5. Report.
		const summary: ReportSummary = {
			total,
			subscribed: 0,
			already_subscribed: 0,
			needs_reauth: 0,
			missing_token: 0,
			failed: 0,
			verified: options.verify && !aborted ? 0 : null,
			dm_false: plan.counts.dmFalse,
		};
		let attention = 0;
		for (let i = 0; i < total; i++) {
			summary[NAMES[status[i]]]++;
			if (summary.verified !== null && verified[i] === 1) summary.verified++;
			if (!isDone(status[i]) || (summary.verified !== null && verified[i] !== 1)) attention++;
		}
		const rows = function* (): Generator<ReportRow> {
			for (let i = 0; i < total; i++) {
				const u = users.at(i);
				const s = status[i];
				yield {
					user_id: u.userId,
					status: NAMES[s],
					verified: summary.verified === null ? null : verified[i] === 1,
					error:
						errors.get(i) ??
						(s === MISSING_TOKEN
							? 'no access token for this user in the inputs: the user must authorise the app'
							: s === PENDING
								? 'not sent (run stopped): run the same command again'
								: !isDone(s) || summary.verified === null || verified[i] === 1
									? null
									: 'reported subscribed but missing from X\'s subscription list after one re-subscribe'),
					...(u.dm === false ? { dm: false as const } : {}),
				};
			}
		};
		const written = await writeReport(reportPath, summary, rows());
		const exitCode = attention === 0 && !aborted ? 0 : 1;
		io.stdout.write(
			formatSummary(summary, {
				label: target.label,
				reportPath: written.json,
				csvPath: written.csv,
				statePath,
				runMs,
				sent,
				rateLimited,
				waits: progress.waits,
				waitedMs: progress.waitedMs,
				resubscribed,
				exitCode,
			}),
		);
		return {
			exitCode,
			summary,
			reportPath: written.json,
			csvPath: csvPathOf(reportPath),
			statePath,
			runMs,
			sent,
			rateLimited,
			waits: progress.waits,
			waitedMs: progress.waitedMs,
			resubscribed,
		};
	} finally {
		journal.close();
	}
}

interface PendingUser {
	index: number;
	userId: string;
	token: { token: string; secret: string };
}

/** Users with a token and no final outcome yet, in input order, built lazily. */
function* pendingUsers(users: UserSet, status: Uint8Array): Generator<PendingUser> {
	let index = 0;
	for (const u of users) {
		const i = index++;
		if (u.token === undefined || isFinal(status[i])) continue;
		yield { index: i, userId: u.userId, token: u.token };
	}
}

async function verifyAll(
	users: UserSet,
	status: Uint8Array,
	verified: Uint8Array,
	target: MigrationTarget,
	concurrency: number,
	record: (i: number, userId: string, o: UnitOutcome, resub: boolean) => void,
	io: MigrateIO,
	hooks: MigrateHooks,
): Promise<number> {
	const mark = async () => {
		verified.fill(0);
		await target.listExisting((id) => {
			const i = users.indexOf(id);
			if (i !== undefined) verified[i] = 1;
		});
	};
	await mark();
	const missing: number[] = [];
	for (let i = 0; i < status.length; i++) if (isDone(status[i]) && verified[i] !== 1) missing.push(i);
	if (missing.length > 0) {
		io.stderr.write(
			`x-aaa-migrate: ${missing.length.toLocaleString('en-US')} user${missing.length === 1 ? '' : 's'} reported subscribed ` +
				`but missing from X's list: subscribing ${missing.length === 1 ? 'it' : 'them'} once more\n`,
		);
		const limit = pLimit(concurrency);
		await Promise.all(
			missing.map((i) =>
				limit(async () => {
					const u = users.at(i);
					if (!u.token) return;
					const outcome = await target.apply({ userId: u.userId, token: u.token });
					record(i, u.userId, outcome, true);
					await hooks.onUnit?.(u.userId, outcome, 'verify');
				}),
			),
		);
		await mark();
	}
	for (let i = 0; i < verified.length; i++) if (verified[i] !== 1) verified[i] = 2;
	return missing.length;
}

function formatSummary(
	s: ReportSummary,
	r: {
		label: string;
		reportPath: string;
		csvPath: string;
		statePath: string;
		runMs: number;
		sent: number;
		rateLimited: number;
		waits: number;
		waitedMs: number;
		resubscribed: number;
		exitCode: number;
	},
): string {
	const w = s.total.toLocaleString('en-US').length;
	const n = (v: number) => v.toLocaleString('en-US').padStart(w);
	const rate = r.runMs > 0 ? (r.sent / r.runMs) * 1000 : 0;
	const lines = [
		'',
		`Summary (${r.label})`,
		`  total               ${n(s.total)}`,
		`  subscribed          ${n(s.subscribed)}`,
		`  already_subscribed  ${n(s.already_subscribed)}`,
		`  needs_reauth        ${n(s.needs_reauth)}${s.needs_reauth > 0 ? '  token refused (401 code 89/32): the user must authorise the app again' : ''}`,
		`  missing_token       ${n(s.missing_token)}${s.missing_token > 0 ? '  no token in the inputs' : ''}`,
		`  failed              ${n(s.failed)}${s.failed > 0 ? '  see the report\'s error column' : ''}`,
		s.verified === null
			? `  verified            (not checked: --no-verify or stopped)`
			: `  verified            ${n(s.verified)}  users found in X's subscription list` +
				(r.resubscribed > 0 ? ` (${r.resubscribed.toLocaleString('en-US')} re-subscribed by verification)` : ''),
		`  dm:false            ${n(s.dm_false)}${s.dm_false > 0 ? '  need re-authorisation with DM permission for DM events' : ''}`,
		`Subscribe phase: ${r.sent.toLocaleString('en-US')} users in ${(r.runMs / 1000).toFixed(1)} s (${rate.toFixed(1)}/s), ` +
			`${r.waits} rate-limit wait${r.waits === 1 ? '' : 's'} (${(r.waitedMs / 1000).toFixed(1)} s), ${r.rateLimited} x 429`,
		`Report: ${r.reportPath} and ${r.csvPath}`,
		`Journal: ${r.statePath}`,
		r.exitCode === 0 ? 'Every user is subscribed and verified.' : 'Some users need attention (see the report): exit 1.',
	];
	return lines.join('\n') + '\n';
}
