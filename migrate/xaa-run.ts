/**
 * `--to xaa`: every user of the legacy lists (and/or of an AAA webhook's subscription list,
 * `--from-aaa`) becomes one X Activity API subscription per chosen event type. Same shape as the
 * AAA run: inputs and the plan (with the cap arithmetic) first, exit 2 before any create; then
 * journal, create at the rate X allows, verify per (user, type), report with per-type results.
 *
 * Per user: `subscribed` when every type is subscribed (or already existed); `needs_reauth` when
 * X refused the user's token; `missing_token` when private types were asked for and the inputs
 * hold no token (the public types are still created with the app's Bearer); `failed` otherwise.
 * `--partial` users beyond the cap: `failed`, "not attempted: over the subscription cap".
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

import pLimit from 'p-limit';

import { normaliseBaseUrl } from '../client/base-url';
import { AAA_EQUIVALENT_XAA_TYPES, isPrivateXaaEventType, type XaaEventType } from '../client/xaa-event-types';
import { buildPlan, formatPlan, readUsers, type UserSet } from './input';
import { Journal, type Fingerprint, type JournalRecord } from './journal';
import { migrationClient } from './migration-client';
import { ConfigError, XAA_DEFAULT_CAP, XAA_DEFAULT_TAG, credentialsFromEnv, type MigrateOptions } from './options';
import { Progress } from './progress';
import { typesCsvPathOf, writeReport, csvPathOf, type ReportRow, type XaaReportSummary, type XaaTypeRow, type XaaTypeStatus } from './report';
import { defaultStatePath, type MigrateHooks, type MigrateIO, type MigrateResult } from './run';
import {
	ALREADY,
	CODE_OF,
	FAILED,
	FAILED_TRANSIENT,
	isDone,
	MISSING_TOKEN,
	NEEDS_REAUTH,
	OVER_CAP,
	PENDING,
	SUBSCRIBED,
} from './status-codes';
import type { UnitOutcome } from './target';
import { XaaTarget } from './xaa-target';

// Per (user, type) status codes (status-codes.ts), held in one Uint8Array (user-major).

const TYPE_NAMES: Record<number, XaaTypeStatus> = {
	[PENDING]: 'not_sent',
	[SUBSCRIBED]: 'subscribed',
	[ALREADY]: 'already_subscribed',
	[NEEDS_REAUTH]: 'needs_reauth',
	[MISSING_TOKEN]: 'missing_token',
	[FAILED]: 'failed',
	[FAILED_TRANSIENT]: 'failed',
	[OVER_CAP]: 'over_cap',
};

/** States a run does not send again: done, refused, or failed for good. Pending and transient ones are sent. */
const isFinal = (s: number) => s === SUBSCRIBED || s === ALREADY || s === NEEDS_REAUTH || s === FAILED || s === MISSING_TOKEN || s === OVER_CAP;

const OVER_CAP_ERROR = (cap: number) =>
	`not attempted: over the subscription cap (--cap ${cap}); run the same command with a higher --cap once the app has room`;

const n = (v: number) => v.toLocaleString('en-US');

/** The cap arithmetic of a plan. */
export interface XaaCapPlan {
	types: readonly XaaEventType[];
	publicTypes: number;
	privateTypes: number;
	users: number;
	withoutToken: number;
	/** users × types, minus the private types of users without a token. */
	planned: number;
	cap: number;
	/** Users (input order) that fit: all of them, or fewer with --partial. */
	taken: number;
	/** Subscriptions of the taken users. */
	takenSubscriptions: number;
}

function capPlan(users: UserSet, types: readonly XaaEventType[], cap: number): XaaCapPlan {
	const privateTypes = types.filter((t) => isPrivateXaaEventType(t)).length;
	const publicTypes = types.length - privateTypes;
	let planned = 0;
	let withoutToken = 0;
	let taken = -1;
	let takenSubscriptions = 0;
	let i = 0;
	for (const u of users) {
		const need = publicTypes + (u.token ? privateTypes : 0);
		if (!u.token) withoutToken++;
		if (taken < 0 && planned + need > cap) {
			taken = i;
			takenSubscriptions = planned;
		}
		planned += need;
		i++;
	}
	if (taken < 0) {
		taken = users.size;
		takenSubscriptions = planned;
	}
	return { types, publicTypes, privateTypes, users: users.size, withoutToken, planned, cap, taken, takenSubscriptions };
}

function capText(c: XaaCapPlan, partial: boolean, users: UserSet, fromAaa: { id: string; users: number } | undefined): string {
	const lines = [
		`XAA plan: ${n(c.users)} users${fromAaa ? ` (${n(fromAaa.users)} from the AAA subscriptions of webhook ${fromAaa.id})` : ''} × ` +
			`${c.types.length} event types (${c.publicTypes} public, ${c.privateTypes} private)`,
		`  event types: ${c.types.join(', ')}`,
		`  subscriptions: ${n(c.users)} × ${c.types.length} = ${n(c.users * c.types.length)}` +
			(c.withoutToken > 0 && c.privateTypes > 0
				? ` − ${n(c.withoutToken)} users without a token × ${c.privateTypes} private types = ${n(c.planned)}`
				: ''),
		`  cap: ${n(c.cap)} (--cap; self-serve 1,500, enterprise 75,000; subscriptions the app already holds count too): ` +
			(c.planned <= c.cap ? `fits, ${n(c.cap - c.planned)} to spare` : `does not fit: ${n(c.planned - c.cap)} over`),
	];
	if (c.withoutToken > 0 && c.privateTypes > 0) {
		lines.push(`  ${n(c.withoutToken)} users without a token get the public types only (reported missing_token)`);
	}
	if (c.planned > c.cap && partial) {
		const left = c.users - c.taken;
		lines.push(
			`  --partial: the first ${n(c.taken)} users (${n(c.takenSubscriptions)} subscriptions) are migrated; ` +
				`${n(left)} user${left === 1 ? ' is' : 's are'} left out (input position ${n(c.taken + 1)} on), ` +
				'reported failed: "not attempted: over the subscription cap"',
		);
		const shown: string[] = [];
		for (let i = c.taken; i < c.users && shown.length < 20; i++) shown.push(users.at(i).userId);
		lines.push(`  left out${left > 20 ? ` (first 20 of ${n(left)}; all are in the report)` : ''}: ${shown.join(', ')}`);
	}
	return lines.join('\n') + '\n';
}

export async function migrateXaa(options: MigrateOptions, io: MigrateIO, hooks: MigrateHooks): Promise<MigrateResult> {
	const types = options.eventTypes ?? AAA_EQUIVALENT_XAA_TYPES;
	const T = types.length;
	const tag = options.tag ?? XAA_DEFAULT_TAG;
	const cap = options.cap ?? XAA_DEFAULT_CAP;
	const partial = options.partial === true;

	// 1. Configuration and inputs: everything that can exit 2 happens before any create.
	const needClient = !options.dryRun || options.fromAaa !== undefined;
	const creds = needClient ? credentialsFromEnv(io.env, false) : undefined;
	// Every file is read (and checked) before the AAA list is asked for.
	let users: UserSet | undefined =
		options.from.length > 0 || options.tokens !== undefined ? await readUsers(options.from, options.tokens) : undefined;
	let rateLimited = 0;
	const progressRef: { current?: Progress } = {};
	const client = creds
		? migrationClient(
				creds,
				options,
				(untilMs) => progressRef.current?.waiting(untilMs),
				() => rateLimited++,
			)
		: undefined;
	let aaa: { id: string; users: number; label: string } | undefined;
	if (options.fromAaa !== undefined && client) {
		await client.getBearerToken();
		const list = await client.listSubscriptions({ webhookId: options.fromAaa });
		const label = `AAA subscriptions of webhook ${options.fromAaa}`;
		aaa = { id: options.fromAaa, users: list.userIds.length, label };
		users = await readUsers(options.from, options.tokens, { label, userIds: list.userIds });
	}
	if (!users) throw new ConfigError('give at least one --from FILE, a --tokens CSV or --from-aaa WEBHOOK_ID');
	const plan = buildPlan(users);
	const c = capPlan(users, types, cap);
	const capLines = capText(c, partial, users, aaa);
	if (options.dryRun) {
		io.stdout.write(formatPlan(plan) + '\n' + capLines);
		if (c.planned > c.cap && !partial) {
			io.stdout.write('  a run would be refused (exit 2): give --partial, fewer --event-types or a higher --cap\n');
		}
		return { exitCode: 0 };
	}
	if (c.planned > c.cap && !partial) {
		io.stdout.write(capLines);
		throw new ConfigError(
			`the plan needs ${n(c.planned)} XAA subscriptions but --cap is ${n(c.cap)}: nothing was created. ` +
				'Give --partial to migrate the users that fit (in input order), fewer --event-types, or a higher --cap ' +
				'(self-serve 1,500, enterprise 75,000)',
		);
	}
	if (!client || !creds) throw new ConfigError('missing credentials');

	const reportPath = options.report || 'migrate-report.json';
	const statePath = options.state ?? defaultStatePath(reportPath);
	const total = users.size;
	const st = new Uint8Array(total * T); // per (user, type)
	const ver = new Uint8Array(total * T); // 0 unknown, 1 yes, 2 no
	const errors = new Map<number, string>();
	const typeIndex = new Map<string, number>(types.map((t, k) => [t, k]));
	const applyRecord = (r: JournalRecord) => {
		const i = users!.indexOf(r.u);
		if (i === undefined || !r.y) return;
		for (const [t, s] of Object.entries(r.y)) {
			const k = typeIndex.get(t);
			const code = CODE_OF[s];
			if (k === undefined || code === undefined) continue;
			st[i * T + k] = code === FAILED && r.t === 1 ? FAILED_TRANSIENT : code;
			const e = r.ye?.[t];
			if (e === undefined) errors.delete(i * T + k);
			else errors.set(i * T + k, e);
		}
	};
	const fingerprint: Fingerprint = {
		to: 'xaa',
		api: 'v2',
		env: null,
		baseUrl: normaliseBaseUrl(options.baseUrl),
		webhook: options.webhookId ? { id: options.webhookId } : options.webhookUrl ? { url: options.webhookUrl } : null,
		inputs: plan.inputs
			.filter((i) => i.file !== aaa?.label)
			.map((i) => ({ file: resolve(i.file), role: i.role, bytes: statSync(i.file).size })),
		fromAaa: options.fromAaa ?? null,
	};
	const opened = Journal.open(statePath, fingerprint, applyRecord);
	const journal = opened.journal;
	try {
		io.stdout.write(
			`Plan: ${n(total)} users from ${plan.inputs.length} input${plan.inputs.length === 1 ? '' : 's'}: ` +
				`${n(plan.counts.withTokens)} with a token, ${n(plan.counts.missingToken)} without\n` +
				capLines,
		);
		// Per-type starting states: private types of users without a token, users over the cap.
		let i = 0;
		for (const u of users) {
			for (let k = 0; k < T; k++) {
				const at = i * T + k;
				if (isFinal(st[at]) && st[at] !== OVER_CAP) continue;
				if (i >= c.taken) st[at] = OVER_CAP;
				else if (!u.token && isPrivateXaaEventType(types[k])) st[at] = MISSING_TOKEN;
			}
			i++;
		}
		const userPending = (ui: number) => {
			for (let k = 0; k < T; k++) if (!isFinal(st[ui * T + k])) return true;
			return false;
		};
		if (opened.resumed && opened.records > 0) {
			let final = 0;
			for (let ui = 0; ui < Math.min(total, c.taken); ui++) if (!userPending(ui)) final++;
			io.stdout.write(`Resuming ${statePath}: ${n(final)} users already recorded are not sent again (nor any type recorded as done)\n`);
		}

		// 2. Target.
		const target = new XaaTarget(client, { webhookId: options.webhookId, webhookUrl: options.webhookUrl, tag });
		await client.getBearerToken();
		await target.prepare();
		if (opened.webhookId && target.webhookId && opened.webhookId !== target.webhookId) {
			io.stderr.write(
				`x-aaa-migrate: the journal's subscriptions were made for webhook ${opened.webhookId}, now ${target.webhookId}: verification re-creates any it misses\n`,
			);
		}
		if (target.webhookId && opened.webhookId !== target.webhookId) journal.append({ type: 'webhook', id: target.webhookId });
		io.stdout.write(`Target: ${target.label} (v2)\n`);

		// 3. Create: one unit per user (its pending types), `concurrency` users at a time.
		let skipped = 0;
		let toSend = 0;
		for (let ui = 0; ui < Math.min(total, c.taken); ui++) {
			if (userPending(ui)) toSend++;
			else skipped++;
		}
		const progress = new Progress(io.stderr, skipped + toSend, skipped);
		progressRef.current = progress;
		let typeRequests = 0;
		const record = (ui: number, userId: string, o: UnitOutcome, resub = false) => {
			const y: Record<string, string> = {};
			const ye: Record<string, string> = {};
			for (const [t, to] of Object.entries(o.types ?? {})) {
				const k = typeIndex.get(t);
				if (k === undefined) continue;
				st[ui * T + k] = to.status === 'failed' && to.transient ? FAILED_TRANSIENT : CODE_OF[to.status];
				if (to.error !== undefined) {
					errors.set(ui * T + k, to.error);
					ye[t] = to.error;
				} else errors.delete(ui * T + k);
				y[t] = to.status;
			}
			journal.record({
				u: userId,
				s: o.status,
				...(o.error !== undefined ? { e: o.error } : {}),
				...(o.transient ? { t: 1 as const } : {}),
				...(resub ? { r: 1 as const } : {}),
				y,
				...(Object.keys(ye).length > 0 ? { ye } : {}),
			});
		};
		const pendingTypes = (ui: number) => types.filter((_, k) => !isFinal(st[ui * T + k]));
		const t0 = performance.now();
		let sent = 0;
		let next = 0;
		const limit = Math.min(total, c.taken);
		const worker = async () => {
			for (;;) {
				if (io.signal?.aborted) return;
				while (next < limit && !userPending(next)) next++;
				if (next >= limit) return;
				const ui = next++;
				const u = users!.at(ui);
				const send = pendingTypes(ui);
				sent++;
				typeRequests += send.length;
				const outcome = await target.apply({ userId: u.userId, token: u.token }, send);
				record(ui, u.userId, outcome);
				progress.tick();
				await hooks.onUnit?.(u.userId, outcome, 'run');
			}
		};
		await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(1, toSend)) }, worker));
		const runMs = performance.now() - t0;
		progress.stop();
		journal.sync();
		const aborted = io.signal?.aborted === true;
		if (aborted) io.stderr.write('x-aaa-migrate: stopped: users not yet sent are left for the next run (same command)\n');

		// 4. Verify per (user, type): list the app's XAA subscriptions; re-create a missing one once.
		let recreated = 0;
		const verify = options.verify && !aborted;
		if (verify) {
			const mark = async () => {
				ver.fill(0);
				await target.listExisting((userId, eventType) => {
					const ui = users!.indexOf(userId);
					const k = typeIndex.get(eventType);
					if (ui !== undefined && k !== undefined) ver[ui * T + k] = 1;
				});
			};
			try {
				await mark();
				const missing = new Map<number, XaaEventType[]>();
				for (let ui = 0; ui < total; ui++) {
					for (let k = 0; k < T; k++) {
						if (isDone(st[ui * T + k]) && ver[ui * T + k] !== 1) {
							let list = missing.get(ui);
							if (!list) missing.set(ui, (list = []));
							list.push(types[k]);
							recreated++;
						}
					}
				}
				if (missing.size > 0) {
					io.stderr.write(
						`x-aaa-migrate: ${n(recreated)} subscription${recreated === 1 ? '' : 's'} of ${n(missing.size)} user${missing.size === 1 ? '' : 's'} ` +
							`reported created but missing from X's list: creating ${recreated === 1 ? 'it' : 'them'} once more\n`,
					);
					const lim = pLimit(options.concurrency);
					await Promise.all(
						[...missing].map(([ui, list]) =>
							lim(async () => {
								const u = users!.at(ui);
								const outcome = await target.apply({ userId: u.userId, token: u.token }, list);
								record(ui, u.userId, outcome, true);
								await hooks.onUnit?.(u.userId, outcome, 'verify');
							}),
						),
					);
					await mark();
				}
				for (let at = 0; at < ver.length; at++) if (ver[at] !== 1) ver[at] = 2;
			} catch (err) {
				io.stderr.write(`x-aaa-migrate: verification failed: ${err instanceof Error ? err.message : String(err)}\n`);
				ver.fill(2);
			}
		}
		journal.sync();

		// 5. Report.
		const summary: XaaReportSummary = {
			total,
			subscribed: 0,
			already_subscribed: 0,
			needs_reauth: 0,
			missing_token: 0,
			failed: 0,
			verified: verify ? 0 : null,
			dm_false: plan.counts.dmFalse,
			to: 'xaa',
			event_types: [...types],
			tag,
			cap,
			planned_subscriptions: c.planned,
			over_cap: 0,
			types: {
				subscribed: 0,
				already_subscribed: 0,
				needs_reauth: 0,
				missing_token: 0,
				failed: 0,
				over_cap: 0,
				not_sent: 0,
				verified: verify ? 0 : null,
			},
		};
		let attention = 0;
		const userRow = (ui: number, count: boolean): ReportRow => {
			const u = users!.at(ui);
			const tmap: Record<string, XaaTypeStatus> = {};
			const terr: Record<string, string> = {};
			const typeRows: XaaTypeRow[] = [];
			let allDone = true;
			let allVerified = true;
			let reauth: string | undefined;
			let missingTok = false;
			let failed: string | undefined;
			let overCap = false;
			for (let k = 0; k < T; k++) {
				const at = ui * T + k;
				const s = st[at];
				const name = TYPE_NAMES[s];
				tmap[types[k]] = name;
				let err = errors.get(at);
				if (s === MISSING_TOKEN) err = 'no access token for this user: private event types need the user\'s own token';
				else if (s === OVER_CAP) err = OVER_CAP_ERROR(cap);
				else if (s === PENDING) err = 'not sent (run stopped): run the same command again';
				const verified = !verify ? null : isDone(s) ? ver[at] === 1 : false;
				if (isDone(s) && verified === false) err = 'reported created but missing from X\'s subscription list after one re-create';
				if (err !== undefined && !(isDone(s) && verified !== false)) terr[types[k]] = err;
				typeRows.push({ event_type: types[k], status: name, verified, error: err ?? null });
				if (!isDone(s)) allDone = false;
				if (verified !== true) allVerified = false;
				if (s === NEEDS_REAUTH && reauth === undefined) reauth = `${types[k]}: ${err ?? 'token refused'}`;
				if (s === MISSING_TOKEN) missingTok = true;
				if ((s === FAILED || s === FAILED_TRANSIENT || s === PENDING) && failed === undefined) failed = `${types[k]}: ${err ?? 'failed'}`;
				if (s === OVER_CAP) overCap = true;
				if (count) {
					summary.types[name]++;
					if (verified === true && summary.types.verified !== null) summary.types.verified++;
				}
			}
			let status: ReportRow['status'];
			let error: string | null = null;
			if (overCap) {
				status = 'failed';
				error = OVER_CAP_ERROR(cap);
			} else if (allDone) status = 'subscribed';
			else if (reauth !== undefined) {
				status = 'needs_reauth';
				error = reauth;
			} else if (missingTok) {
				status = 'missing_token';
				const priv = types.filter((t) => isPrivateXaaEventType(t));
				error = `no access token for this user in the inputs: the private event types (${priv.join(', ')}) need the user's own token; the public ones were created with the app's Bearer`;
				if (failed !== undefined) error += `; also ${failed}`;
			} else {
				status = 'failed';
				error = failed ?? 'failed';
			}
			const userVerified = !verify ? null : allDone && allVerified;
			if (allDone && userVerified === false) error = `reported subscribed but some types are missing from X's list after one re-create: ${Object.keys(terr).join(', ')}`;
			if (count) {
				summary[status]++;
				if (overCap) summary.over_cap++;
				if (userVerified === true && summary.verified !== null) summary.verified++;
				if (!allDone || userVerified === false) attention++;
			}
			return {
				user_id: u.userId,
				status,
				verified: userVerified,
				error,
				...(u.dm === false ? { dm: false as const } : {}),
				types: tmap,
				...(Object.keys(terr).length > 0 ? { type_errors: terr } : {}),
				typeRows,
			};
		};
		// The summary goes first in the JSON: count in one pass, then stream the rows.
		for (let ui = 0; ui < total; ui++) userRow(ui, true);
		const rows = function* (): Generator<ReportRow> {
			for (let ui = 0; ui < total; ui++) yield userRow(ui, false);
		};
		const written = await writeReport(reportPath, summary, rows(), { typesCsv: true });
		const exitCode = attention === 0 && !aborted ? 0 : 1;
		io.stdout.write(
			formatXaaSummary(summary, {
				label: target.label,
				reportPath: written.json,
				csvPath: written.csv,
				typesCsvPath: written.typesCsv ?? typesCsvPathOf(reportPath),
				statePath,
				runMs,
				sent,
				typeRequests,
				rateLimited,
				waits: progress.waits,
				waitedMs: progress.waitedMs,
				recreated,
				exitCode,
			}),
		);
		return {
			exitCode,
			summary,
			reportPath: written.json,
			csvPath: csvPathOf(reportPath),
			typesCsvPath: typesCsvPathOf(reportPath),
			statePath,
			runMs,
			sent,
			rateLimited,
			waits: progress.waits,
			waitedMs: progress.waitedMs,
			resubscribed: recreated,
		};
	} finally {
		journal.close();
	}
}

function formatXaaSummary(
	s: XaaReportSummary,
	r: {
		label: string;
		reportPath: string;
		csvPath: string;
		typesCsvPath: string;
		statePath: string;
		runMs: number;
		sent: number;
		typeRequests: number;
		rateLimited: number;
		waits: number;
		waitedMs: number;
		recreated: number;
		exitCode: number;
	},
): string {
	const w = Math.max(s.total, s.planned_subscriptions).toLocaleString('en-US').length;
	const p = (v: number) => v.toLocaleString('en-US').padStart(w);
	const rate = r.runMs > 0 ? (r.typeRequests / r.runMs) * 1000 : 0;
	const lines = [
		'',
		`Summary (${r.label})`,
		`  users               ${p(s.total)}`,
		`  subscribed          ${p(s.subscribed)}  every event type subscribed (or already was)`,
		`  needs_reauth        ${p(s.needs_reauth)}${s.needs_reauth > 0 ? '  token refused: the user must authorise the app again' : ''}`,
		`  missing_token       ${p(s.missing_token)}${s.missing_token > 0 ? '  no token: private types not created (public ones were)' : ''}`,
		`  failed              ${p(s.failed)}${s.failed > 0 ? '  see the report\'s error column' : ''}${s.over_cap > 0 ? ` (${n(s.over_cap)} not attempted: over the cap)` : ''}`,
		s.verified === null
			? `  verified            (not checked: --no-verify or stopped)`
			: `  verified            ${p(s.verified)}  users with every type found in X's subscription list` +
				(r.recreated > 0 ? ` (${n(r.recreated)} subscriptions re-created by verification)` : ''),
		`  subscriptions       ${p(s.types.subscribed + s.types.already_subscribed)}  of ${n(s.planned_subscriptions)} planned ` +
			`(${n(s.types.subscribed)} created, ${n(s.types.already_subscribed)} already existed; cap ${n(s.cap)})`,
		`Create phase: ${n(r.sent)} users, ${n(r.typeRequests)} subscriptions in ${(r.runMs / 1000).toFixed(1)} s (${rate.toFixed(1)}/s), ` +
			`${r.waits} rate-limit wait${r.waits === 1 ? '' : 's'} (${(r.waitedMs / 1000).toFixed(1)} s), ${r.rateLimited} x 429`,
		`Report: ${r.reportPath}, ${r.csvPath} and ${r.typesCsvPath} (per event type)`,
		`Journal: ${r.statePath}`,
		r.exitCode === 0 ? 'Every user is subscribed and verified.' : 'Some users need attention (see the report): exit 1.',
	];
	return lines.join('\n') + '\n';
}
