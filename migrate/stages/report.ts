/**
 * Stage 5, report: the unit table becomes per-user rows (and per-part rows for named parts),
 * the summary counts, the report files and the human summary on stdout.
 */
import type { UserSet } from '../input';
import { writeReport, type ReportRow, type ReportSummary, type XaaTypeRow } from '../report';
import type { MigrationTarget } from '../targets/target';
import { MISSING_TOKEN, OVER_CAP, PART_STATUS, PENDING, UnitTable, isDone, type PartStatus } from '../unit-table';

const NOT_STARTED = 'not started (the run was stopped before it): run the same command again';

const n = (v: number) => v.toLocaleString('en-US');

export interface ReportInput {
	users: UserSet;
	table: UnitTable;
	target: MigrationTarget;
	/** Verification ran (null counts otherwise). */
	verified: boolean;
	dmFalse: number;
	/** Summary fields the target's plan adds. */
	extras?: Record<string, unknown>;
	overCapError?: string;
}

export function partError(r: ReportInput, ui: number, k: number): string | undefined {
	const s = r.table.code(ui, k);
	if (s === MISSING_TOKEN) return r.target.kind === 'xaa' ? "no access token for this user: private event types need the user's own token" : r.target.words.missingTokenError(r.users.at(ui));
	if (s === OVER_CAP) return r.overCapError;
	if (s === PENDING) return NOT_STARTED;
	if (r.verified && isDone(s) && r.table.verified[ui * r.table.parts + k] !== 1) return r.target.words.notVerified;
	return r.table.error(ui, k);
}

/** Counts first (the summary goes first in the JSON), then the rows as a stream. */
export function buildReport(r: ReportInput): { summary: ReportSummary & Record<string, unknown>; rows: () => Generator<ReportRow>; attention: number } {
	const { table, target } = r;
	const named = target.parts.length > 1 || target.parts[0] !== '';
	const summary: ReportSummary & Record<string, unknown> = {
		total: table.users,
		subscribed: 0,
		already_subscribed: 0,
		needs_reauth: 0,
		missing_token: 0,
		failed: 0,
		not_started: 0,
		verified: r.verified ? 0 : null,
		dm_false: r.dmFalse,
		...r.extras,
	};
	const typeCounts: Record<PartStatus, number> & { verified: number | null } = {
		subscribed: 0,
		already_subscribed: 0,
		needs_reauth: 0,
		missing_token: 0,
		failed: 0,
		over_cap: 0,
		not_started: 0,
		verified: r.verified ? 0 : null,
	};
	let overCap = 0;
	let attention = 0;
	const row = (ui: number, count: boolean): ReportRow => {
		const user = r.users.at(ui);
		const roll = table.rollup(ui);
		let allVerified = true;
		const types: Record<string, PartStatus> = {};
		const typeErrors: Record<string, string> = {};
		const typeRows: XaaTypeRow[] = [];
		const missingFromX: string[] = [];
		for (let k = 0; k < table.parts; k++) {
			const s = table.code(ui, k);
			const name = PART_STATUS[s];
			const v = !r.verified ? null : isDone(s) ? table.verified[ui * table.parts + k] === 1 : false;
			if (v !== true) allVerified = false;
			if (isDone(s) && v === false) missingFromX.push(target.parts[k]);
			const err = partError(r, ui, k);
			if (named) {
				types[target.parts[k]] = name;
				if (err !== undefined) typeErrors[target.parts[k]] = err;
				typeRows.push({ event_type: target.parts[k], status: name, verified: v, error: err ?? null });
			}
			if (count && named) {
				typeCounts[name]++;
				if (v === true && typeCounts.verified !== null) typeCounts.verified++;
			}
		}
		const allDone = roll.status === 'subscribed' || roll.status === 'already_subscribed';
		const userVerified = !r.verified ? null : allDone && allVerified;
		let error: string | null = null;
		const decided = roll.decidedBy;
		const where = (k: number) => (named ? `${target.parts[k]}: ` : '');
		if (roll.overCap) error = r.overCapError ?? 'over the subscription cap';
		else if (allDone) {
			if (userVerified === false) {
				error = named
					? `reported subscribed but some types are missing from X's list after one re-create: ${missingFromX.join(', ')}`
					: target.words.notVerified;
			}
		} else if (roll.status === 'missing_token') {
			error = target.words.missingTokenError(user);
			const failedPart = [...Array(table.parts).keys()].find((k) => {
				const s = table.code(ui, k);
				return s !== MISSING_TOKEN && !isDone(s);
			});
			if (named && failedPart !== undefined) error += `; also ${where(failedPart)}${partError(r, ui, failedPart) ?? 'failed'}`;
		} else if (decided !== undefined) {
			error = `${where(decided)}${partError(r, ui, decided) ?? roll.status}`;
		}
		if (count) {
			summary[roll.status]++;
			if (roll.overCap) overCap++;
			if (userVerified === true && summary.verified !== null) summary.verified++;
			if (!allDone || userVerified === false) attention++;
		}
		return {
			user_id: user.userId,
			status: roll.status,
			verified: userVerified,
			error,
			...(user.dm === false ? { dm: false as const } : {}),
			...(named ? { types, ...(Object.keys(typeErrors).length > 0 ? { type_errors: typeErrors } : {}), typeRows } : {}),
		};
	};
	for (let ui = 0; ui < table.users; ui++) row(ui, true);
	if (named) {
		summary.over_cap = overCap;
		summary.types = typeCounts;
	}
	return {
		summary,
		attention,
		rows: function* () {
			for (let ui = 0; ui < table.users; ui++) yield row(ui, false);
		},
	};
}

export async function writeReportFiles(path: string, r: ReportInput): Promise<{ summary: ReportSummary & Record<string, unknown>; attention: number; json: string; csv: string; typesCsv?: string }> {
	const built = buildReport(r);
	const named = r.target.parts.length > 1 || r.target.parts[0] !== '';
	const written = await writeReport(path, built.summary, built.rows(), { typesCsv: named });
	return { summary: built.summary, attention: built.attention, ...written };
}

export interface SummaryFacts {
	label: string;
	reportPath: string;
	csvPath: string;
	typesCsvPath?: string;
	statePath: string;
	runMs: number;
	sent: number;
	requests: number;
	rateLimited: number;
	waits: number;
	waitedMs: number;
	resent: number;
	exitCode: number;
	stopped: boolean;
}

const plural = (v: number, one: string, many = `${one}s`) => `${n(v)} ${v === 1 ? one : many}`;

/** The human summary: aligned counts, one number format, no JSON. */
export function formatSummary(target: MigrationTarget, s: ReportSummary & Record<string, unknown>, f: SummaryFacts): string {
	const named = target.parts.length > 1 || target.parts[0] !== '';
	const planned = typeof s.planned_subscriptions === 'number' ? s.planned_subscriptions : 0;
	const w = Math.max(s.total, planned).toLocaleString('en-US').length;
	const p = (v: number) => v.toLocaleString('en-US').padStart(w);
	const note = (v: number, text: string) => (v > 0 && text ? `  ${text}` : '');
	const rate = f.runMs > 0 ? (f.requests / f.runMs) * 1000 : 0;
	const words = target.words;
	const lines = [
		'',
		`Summary (${f.label})`,
		`  users               ${p(s.total)}`,
		`  subscribed          ${p(s.subscribed)}${note(s.subscribed, words.subscribed)}`,
		`  already_subscribed  ${p(s.already_subscribed)}`,
		`  needs_reauth        ${p(s.needs_reauth)}${note(s.needs_reauth, words.needsReauth)}`,
		`  missing_token       ${p(s.missing_token)}${note(s.missing_token, words.missingToken)}`,
		`  failed              ${p(s.failed)}${note(s.failed, "see the report's error column")}` +
			(typeof s.over_cap === 'number' && s.over_cap > 0 ? ` (${n(s.over_cap)} not attempted: over the cap)` : ''),
		`  not_started         ${p(s.not_started)}${note(s.not_started, 'the run was stopped first: the same command sends them')}`,
		s.verified === null
			? `  verified            (not checked: --no-verify or stopped)`
			: `  verified            ${p(s.verified)}  ${words.verified}` + (f.resent > 0 ? ` (${words.resent(f.resent)})` : ''),
		`  dm:false            ${p(s.dm_false)}${note(s.dm_false, 'need re-authorisation with DM permission for DM events')}`,
	];
	if (named) {
		const t = s.types as Record<string, number>;
		lines.push(
			`  subscriptions       ${p(t.subscribed + t.already_subscribed)}  of ${n(planned)} planned ` +
				`(${n(t.subscribed)} created, ${n(t.already_subscribed)} already existed, ${n(t.failed + t.needs_reauth)} refused` +
				`; cap ${n(Number(s.cap))})`,
		);
	}
	lines.push(
		`${words.phase}: ${plural(f.sent, 'user')}` +
			(named ? `, ${plural(f.requests, 'subscription')}` : '') +
			` in ${(f.runMs / 1000).toFixed(1)} s (${rate.toFixed(1)}/s), ` +
			`${plural(f.waits, 'rate-limit wait')} (${(f.waitedMs / 1000).toFixed(1)} s), ${n(f.rateLimited)} × 429`,
		f.typesCsvPath
			? `Report: ${f.reportPath}, ${f.csvPath} and ${f.typesCsvPath} (per event type)`
			: `Report: ${f.reportPath} and ${f.csvPath}`,
		`Journal: ${f.statePath}`,
		f.stopped
			? 'Stopped: users not yet sent are reported not_started; the same command continues. Exit 1.'
			: f.exitCode === 0
				? 'Every user is subscribed and verified.'
				: 'Some users need attention (see the report): exit 1.',
	);
	return lines.join('\n') + '\n';
}
