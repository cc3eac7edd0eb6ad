/**
 * The migration, as stages the data passes through once:
 *
 *   options ─► read ─► plan ─► run ─► verify ─► report
 *              users   units   journal  X's list  files + summary
 *
 * Every stage gets what the one before produced and the part of `options` it needs; none calls
 * back into an earlier one. What differs between AAA and XAA lives in the target
 * (targets/target.ts). `migrate(options, io)` is the whole command, callable in-process; the
 * CLI parses flags and wires process streams, and `--simulate` (simulate/) wraps this pipeline
 * around a simulator: nothing here imports it.
 */
import { XApiError } from '../client/errors';
import type { XClient } from '../client/x-client';
import { AAA_EQUIVALENT_XAA_TYPES } from '../client/xaa-event-types';
import { InputError } from './input';
import { Journal, lockJournal, unitsOf, type JournalRecord } from './journal';
import { migrationClient } from './migration-client';
import { ConfigError, USAGE, XAA_DEFAULT_CAP, XAA_DEFAULT_TAG, credentialsFromEnv, type MigrateOptions } from './options';
import { Progress, type ProgressSink } from './progress';
import { csvPathOf, typesCsvPathOf, type ReportSummary } from './report';
import { formatDryRun, planStage } from './stages/plan';
import { readStage, type ReadResult } from './stages/read';
import { formatSummary, writeReportFiles } from './stages/report';
import { countPending, runUnits, type MigrateHooks, type Runner } from './stages/run';
import { verifyUnits } from './stages/verify';
import { AaaTarget } from './targets/aaa-target';
import type { MigrationTarget } from './targets/target';
import { XaaTarget, overCapError } from './targets/xaa-target';
import { CODE_OF, FAILED, FAILED_TRANSIENT, MISSING_TOKEN, OVER_CAP, PENDING, UnitTable, isFinal } from './unit-table';

export { defaultStatePath } from './stages/plan';
export type { MigrateHooks, UnitOutcome } from './stages/run';

export interface MigrateIO {
	stdout: { write(text: string): unknown };
	stderr: ProgressSink;
	env: NodeJS.ProcessEnv;
	/** Aborting stops starting new users; the run then journals, reports and exits 1. */
	signal?: AbortSignal;
}

export interface MigrateResult {
	exitCode: number;
	summary?: ReportSummary & Record<string, unknown>;
	reportPath?: string;
	csvPath?: string;
	/** --to xaa: the per-event-type CSV. */
	typesCsvPath?: string;
	statePath?: string;
	/** Wall time of the send phase (ms). */
	runMs?: number;
	/** Users sent to X in the send phase of this run. */
	sent?: number;
	/** 429 answers seen (whole run). */
	rateLimited?: number;
	/** Rate-limit waits the gate made and their total length (ms). */
	waits?: number;
	waitedMs?: number;
	/** Units re-sent by verification. */
	resubscribed?: number;
}

export async function runMigrate(options: MigrateOptions, io: MigrateIO): Promise<number> {
	return (await migrate(options, io)).exitCode;
}

/** The whole command. Bad input or configuration: exit 2 before any request; X failing: exit 1. */
export async function migrate(options: MigrateOptions, io: MigrateIO, hooks: MigrateHooks = {}): Promise<MigrateResult> {
	if (options.help) {
		io.stdout.write(USAGE);
		return { exitCode: 0 };
	}
	try {
		return await pipeline(options, io, hooks);
	} catch (err) {
		if (err instanceof ConfigError || err instanceof InputError) {
			io.stderr.write(`x-aaa-migrate: ${err.message}\n`);
			return { exitCode: 2 };
		}
		io.stderr.write(`x-aaa-migrate: ${err instanceof Error ? err.message : String(err)}\n`);
		return { exitCode: 1 };
	}
}

/** The target `options.to` names. */
function chooseTarget(options: MigrateOptions, read: ReadResult, connect: () => XClient): MigrationTarget {
	if (options.to === 'xaa') {
		return new XaaTarget(connect, {
			webhookId: options.webhookId,
			webhookUrl: options.webhookUrl,
			tag: options.tag ?? XAA_DEFAULT_TAG,
			types: options.eventTypes ?? AAA_EQUIVALENT_XAA_TYPES,
			cap: options.cap ?? XAA_DEFAULT_CAP,
			partial: options.partial === true,
			fromAaa: read.fromAaa,
		});
	}
	return new AaaTarget(connect, {
		webhookId: options.webhookId,
		webhookUrl: options.webhookUrl,
		environment: options.api === 'premium' ? options.env : undefined,
	});
}

/** A refused app key (X code 32 / 99, or 401/403 on the bearer fetch) is a configuration error. */
async function checkAppKeys(client: XClient): Promise<void> {
	try {
		await client.getBearerToken();
	} catch (err) {
		if (err instanceof XApiError && (err.code === 99 || err.code === 32 || err.status === 401 || err.status === 403)) {
			throw new ConfigError(
				`X refused the app's consumer key and secret (X_CONSUMER_KEY, X_CONSUMER_SECRET): X answered ${err.status}` +
					`${err.code !== undefined ? ` code ${err.code}` : ''}. Check both in the developer portal (Keys and tokens); ` +
					'nothing was sent',
			);
		}
		throw err;
	}
}

async function pipeline(options: MigrateOptions, io: MigrateIO, hooks: MigrateHooks): Promise<MigrateResult> {
	// The client is made on first need, so that inputs are checked before credentials.
	const meter = { rateLimited: 0, progress: undefined as Progress | undefined };
	let client: XClient | undefined;
	const needOwner = !!options.webhookUrl && options.api !== 'v2';
	const connect = () =>
		(client ??= migrationClient(
			credentialsFromEnv(io.env, needOwner),
			options,
			(untilMs) => meter.progress?.waiting(untilMs),
			() => meter.rateLimited++,
		));

	// 1. Read: inputs → user set.
	const read = await readStage(options, connect);

	// 2. Plan: the target's units, caps and time; paths checked; nothing sent.
	const target = chooseTarget(options, read, connect);
	const plan = planStage(options, read, target);
	if (options.dryRun) {
		io.stdout.write(formatDryRun(plan));
		return { exitCode: 0 };
	}
	io.stdout.write(plan.target.text);
	if (plan.target.refusal) throw new ConfigError(plan.target.refusal);
	connect(); // credentials, before the journal is touched

	const { users } = read;
	const table = new UnitTable(users.size, target.parts.length);
	const partIndex = new Map<string, number>(target.parts.map((p, k) => [p, k]));
	const recorded = new Uint8Array(users.size);
	const applyRecord = (r: JournalRecord) => {
		const ui = users.indexOf(r.u);
		if (ui === undefined) return;
		recorded[ui] = 1;
		for (const unit of unitsOf(r)) {
			const k = partIndex.get(unit.part);
			const code = CODE_OF[unit.status];
			if (k === undefined || code === undefined) continue;
			table.set(ui, k, code === FAILED && unit.transient ? FAILED_TRANSIENT : code, unit.error);
		}
	};
	const unlock = lockJournal(plan.statePath);
	let journal: Journal | undefined;
	try {
		const opened = Journal.open(plan.statePath, plan.fingerprint, applyRecord, { restart: options.restart });
		journal = opened.journal;
		// Starting states the plan decides (no token for a private type, over the cap).
		let i = 0;
		for (const u of users) {
			for (let k = 0; k < target.parts.length; k++) {
				const s = table.code(i, k);
				if (isFinal(s) && s !== OVER_CAP && s !== MISSING_TOKEN) continue;
				const start = plan.target.initial(i, u, k);
				if (start !== undefined) table.set(i, k, start);
				else if (s === OVER_CAP || s === MISSING_TOKEN) table.set(i, k, PENDING);
			}
			i++;
		}
		const pending = countPending(table);
		if (opened.resumed && opened.records > 0) {
			let settled = 0;
			for (let ui = 0; ui < users.size; ui++) if (recorded[ui] === 1 && !table.hasPending(ui)) settled++;
			io.stdout.write(
				`Resuming ${plan.statePath}: ${settled.toLocaleString('en-US')} users already recorded are not sent again` +
					(target.parts.length > 1 ? ' (nor any type recorded as done)' : '') +
					'\n',
			);
		}

		// The app's keys first (one bearer fetch, needed for listing anyway): wrong keys or an
		// unreachable X stop here instead of marking every user needs_reauth.
		await checkAppKeys(connect());
		await target.prepare();
		if (opened.webhookId && target.webhookId && opened.webhookId !== target.webhookId) {
			io.stderr.write(
				`x-aaa-migrate: the journal's units were sent to webhook ${opened.webhookId}, now ${target.webhookId}: ` +
					'verification re-sends any it misses\n',
			);
		}
		if (target.webhookId && opened.webhookId !== target.webhookId) journal.append({ type: 'webhook', id: target.webhookId });
		io.stdout.write(`Target: ${target.label} (${options.api})\n`);

		// 3. Run: one runner over the units.
		const progress = new Progress(io.stderr, pending.settled + pending.toSend, pending.settled);
		meter.progress = progress;
		const runner: Runner = { users, table, target, journal, concurrency: options.concurrency, signal: io.signal, hooks, progress };
		const run = await runUnits(runner, 'run');
		progress.stop();
		const stopped = io.signal?.aborted === true;
		if (stopped) io.stderr.write('x-aaa-migrate: stopped: users not yet sent are left for the next run (same command)\n');

		// 4. Verify.
		const verify = options.verify && !stopped;
		let resent = 0;
		if (verify) {
			const v = await verifyUnits(runner, (line) => io.stderr.write(`x-aaa-migrate: ${line}\n`));
			resent = v.resent;
			if (v.failed) io.stderr.write(`x-aaa-migrate: verification failed: ${v.failed}\n`);
		}
		journal.sync();

		// 5. Report.
		const report = await writeReportFiles(plan.reportPath, {
			users,
			table,
			target,
			verified: verify,
			dmFalse: plan.inputs.counts.dmFalse,
			extras: plan.target.summaryExtras,
			overCapError: options.to === 'xaa' ? overCapError(options.cap ?? XAA_DEFAULT_CAP) : undefined,
		});
		const exitCode = report.attention === 0 && !stopped ? 0 : 1;
		io.stdout.write(
			formatSummary(target, report.summary, {
				label: target.label,
				reportPath: report.json,
				csvPath: report.csv,
				typesCsvPath: report.typesCsv,
				statePath: plan.statePath,
				runMs: run.runMs,
				sent: run.sent,
				requests: run.requests,
				rateLimited: meter.rateLimited,
				waits: progress.waits,
				waitedMs: progress.waitedMs,
				resent,
				exitCode,
				stopped,
			}),
		);
		return {
			exitCode,
			summary: report.summary,
			reportPath: report.json,
			csvPath: csvPathOf(plan.reportPath),
			...(report.typesCsv ? { typesCsvPath: typesCsvPathOf(plan.reportPath) } : {}),
			statePath: plan.statePath,
			runMs: run.runMs,
			sent: run.sent,
			rateLimited: meter.rateLimited,
			waits: progress.waits,
			waitedMs: progress.waitedMs,
			resubscribed: resent,
		};
	} finally {
		journal?.close();
		unlock();
	}
}
