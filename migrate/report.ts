/**
 * The report: JSON (`--report`) and its CSV twin, written as a stream so a million users never
 * become one giant string. Holds user ids, statuses and X's error messages: never a secret.
 */
import { chmodSync, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

import type { PartStatus, UserStatus } from './unit-table';

export type { UserStatus } from './unit-table';

export interface ReportSummary {
	total: number;
	subscribed: number;
	already_subscribed: number;
	needs_reauth: number;
	missing_token: number;
	failed: number;
	/** Users the run never sent (stopped before their turn): the next run sends them. */
	not_started: number;
	/** Number of users found in X's subscription list (null with --no-verify). */
	verified: number | null;
	/** Users Site Streams listed with dm:false: no DM events until they re-authorise with DM permission. */
	dm_false: number;
}

/** --to xaa: the summary adds the plan's arithmetic and per-event-type counts. */
export interface XaaReportSummary extends ReportSummary {
	to: 'xaa';
	event_types: string[];
	tag: string;
	cap: number;
	/** Subscriptions the plan needs: users × types, minus private types of users without a token. */
	planned_subscriptions: number;
	/** Users left out by --partial (status failed, error "not attempted: over the subscription cap"). */
	over_cap: number;
	/** Per (user, event type) counts; `verified`: found in X's list after the run (null with --no-verify). */
	types: Record<XaaTypeStatus, number> & { verified: number | null };
}

/** One (user, event type) of an XAA migration. */
export type XaaTypeStatus = PartStatus;

export interface XaaTypeRow {
	event_type: string;
	status: XaaTypeStatus;
	verified: boolean | null;
	error: string | null;
}

export interface ReportRow {
	user_id: string;
	status: UserStatus;
	/** In X's subscription list after the run (null with --no-verify). */
	verified: boolean | null;
	error: string | null;
	/** Only when Site Streams listed the user with dm:false. */
	dm?: false;
	/** --to xaa: status per event type, e.g. {"post.mention.create":"subscribed"}. */
	types?: Record<string, XaaTypeStatus>;
	/** --to xaa: errors per event type, only for types that did not succeed. */
	type_errors?: Record<string, string>;
	/** --to xaa: per-type detail for the `-types.csv` (not written to the JSON). */
	typeRows?: XaaTypeRow[];
}

/** The CSV twin's path: the report's with .csv instead of .json (or .csv appended). */
export function csvPathOf(reportPath: string): string {
	return /\.json$/i.test(reportPath) ? reportPath.replace(/\.json$/i, '.csv') : `${reportPath}.csv`;
}

/** --to xaa: the per-type CSV beside the report: report-types.csv. */
export function typesCsvPathOf(reportPath: string): string {
	return /\.json$/i.test(reportPath) ? reportPath.replace(/\.json$/i, '-types.csv') : `${reportPath}-types.csv`;
}

class Out {
	private buf: string[] = [];
	private size = 0;

	constructor(
		private readonly stream: WriteStream,
		path: string,
	) {
		stream.once('open', () => {
			try {
				chmodSync(path, 0o600); // an existing file keeps its mode on open: set it
			} catch {
				// not every file system has modes
			}
		});
	}

	async write(text: string): Promise<void> {
		this.buf.push(text);
		this.size += text.length;
		if (this.size >= 64 * 1024) await this.flush();
	}

	async flush(): Promise<void> {
		if (this.buf.length === 0) return;
		const chunk = this.buf.join('');
		this.buf = [];
		this.size = 0;
		if (!this.stream.write(chunk)) await once(this.stream, 'drain');
	}

	async end(): Promise<void> {
		await this.flush();
		this.stream.end();
		await once(this.stream, 'finish');
	}
}

function csvField(v: string): string {
	return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export async function writeReport(
	path: string,
	summary: ReportSummary,
	rows: Iterable<ReportRow>,
	opts: { typesCsv?: boolean } = {},
): Promise<{ json: string; csv: string; typesCsv?: string }> {
	const csvPath = csvPathOf(path);
	const typesPath = opts.typesCsv ? typesCsvPathOf(path) : undefined;
	// 0600: the report names every user and X's answers; only the owner reads it.
	const open = (p: string) => {
		const stream = createWriteStream(p, { mode: 0o600 });
		return new Out(stream, p);
	};
	const json = open(path);
	const csv = open(csvPath);
	const tcsv = typesPath ? open(typesPath) : undefined;
	await json.write(`{"summary":${JSON.stringify(summary)},\n"users":[`);
	await csv.write('user_id,status,verified,error,dm\r\n');
	await tcsv?.write('user_id,event_type,status,verified,error\r\n');
	let first = true;
	for (const row of rows) {
		const { typeRows, ...jsonRow } = row;
		await json.write((first ? '\n' : ',\n') + JSON.stringify(jsonRow));
		first = false;
		await csv.write(
			`${row.user_id},${row.status},${row.verified === null ? '' : String(row.verified)},` +
				`${row.error === null ? '' : csvField(row.error)},${row.dm === false ? 'false' : ''}\r\n`,
		);
		if (tcsv && typeRows) {
			for (const t of typeRows) {
				await tcsv.write(
					`${row.user_id},${t.event_type},${t.status},${t.verified === null ? '' : String(t.verified)},${t.error === null ? '' : csvField(t.error)}\r\n`,
				);
			}
		}
	}
	await json.write('\n]}\n');
	await Promise.all([json.end(), csv.end(), tcsv?.end()]);
	return { json: path, csv: csvPath, ...(typesPath ? { typesCsv: typesPath } : {}) };
}
