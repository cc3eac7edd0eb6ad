/**
 * The migration plan: what `x-aaa-migrate` will do with the merged user set, and its
 * `--dry-run` printout. Nothing here prints a token or a secret.
 */
import type { InputFileSummary, MergedUser, UserSet } from './user-set';

/** A user the runner will subscribe (token present) or report (token missing). */
export type PlannedUser = MergedUser;

export interface PlanCounts {
	/** Users in the merged set. */
	total: number;
	/** Users with a token: the runner subscribes these. */
	withTokens: number;
	/** Users without a token: cannot be subscribed (AAA needs each user's own token). */
	missingToken: number;
	/** Site Streams users with dm:false: need re-authorisation with DM permission for DM events. */
	dmFalse: number;
	/** Listings merged into an earlier one (same user id listed again). */
	duplicateEntries: number;
	/** Token store rows for users outside the `--from` set: not used. */
	unmatchedTokens: number;
}

export interface MigrationPlan {
	/** Every user, in input order; each iteration starts afresh and builds users lazily. */
	users: Iterable<PlannedUser>;
	/** Users without a token, in input order. */
	missingToken: Iterable<PlannedUser>;
	/** Users flagged dm:false, in input order. */
	dmFalse: Iterable<PlannedUser>;
	counts: PlanCounts;
	inputs: readonly InputFileSummary[];
}

function filtered(users: UserSet, keep: (user: PlannedUser) => boolean): Iterable<PlannedUser> {
	return {
		*[Symbol.iterator]() {
			for (const user of users) if (keep(user)) yield user;
		},
	};
}

export function buildPlan(users: UserSet): MigrationPlan {
	const counts = users.counts;
	return {
		users,
		missingToken: filtered(users, (user) => user.token === undefined),
		dmFalse: filtered(users, (user) => user.dm === false),
		counts: {
			total: counts.total,
			withTokens: counts.withTokens,
			missingToken: counts.total - counts.withTokens,
			dmFalse: counts.dmFalse,
			duplicateEntries: counts.duplicateEntries,
			unmatchedTokens: counts.unmatchedTokens,
		},
		inputs: users.files,
	};
}

/** How many users of each list the dry run prints. */
const LISTED = 20;

function plural(n: number, one: string, many = `${one}s`): string {
	return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function describeUser(user: PlannedUser): string {
	const name = user.screenName === undefined ? '' : ` @${user.screenName}`;
	const where = user.sources.map((s) => `${s.file}:${s.line}`).join(', ');
	return `${user.userId}${name}  (${where})`;
}

function listSome(title: string, users: Iterable<PlannedUser>, total: number): string[] {
	if (total === 0) return [];
	const lines = [
		`${title} (${total > LISTED ? `first ${LISTED} of ` : ''}${total.toLocaleString('en-US')}):`,
	];
	let shown = 0;
	for (const user of users) {
		if (shown++ === LISTED) break;
		lines.push(`  ${describeUser(user)}`);
	}
	return lines;
}

function describeInput(input: InputFileSummary): string {
	const kind = input.format === 'sitestreams-json' ? 'Site Streams info.json' : 'CSV';
	if (input.role === 'tokens' && input.newUsers === 0 && input.rows > 0) {
		const used = input.tokens - input.unmatchedTokens;
		return (
			`${input.file}: token store, ${plural(input.rows, 'row')}, ${used.toLocaleString('en-US')} used` +
			(input.unmatchedTokens > 0
				? `, ${input.unmatchedTokens.toLocaleString('en-US')} for users not in the --from lists`
				: '')
		);
	}
	const role = input.role === 'tokens' ? 'token store used as the user list' : kind;
	const again = input.rows - input.newUsers;
	return (
		`${input.file}: ${role}, ${plural(input.rows, input.format === 'csv' ? 'row' : 'user')}` +
		(again > 0 ? ` (${again.toLocaleString('en-US')} already listed)` : '') +
		(input.tokens > 0 ? `, ${plural(input.tokens, 'token')}` : '')
	);
}

/** The `--dry-run` printout: inputs, counts, and the first users needing attention. */
export function formatPlan(plan: MigrationPlan): string {
	const { counts } = plan;
	const width = counts.total.toLocaleString('en-US').length;
	const n = (value: number): string => value.toLocaleString('en-US').padStart(width);
	const out = ['Migration plan (dry run: nothing was sent to X)', '', 'Inputs:'];
	for (const input of plan.inputs) out.push(`  ${describeInput(input)}`);
	out.push(
		'',
		`Users:           ${n(counts.total)}`,
		`  with a token:  ${n(counts.withTokens)}  will be subscribed`,
		`  no token:      ${n(counts.missingToken)}  cannot be subscribed: AAA needs each user's own access token`,
		`  dm:false:      ${n(counts.dmFalse)}  no DM events until the user re-authorises the app with DM permission`,
	);
	if (counts.duplicateEntries > 0) {
		out.push(`  merged:        ${n(counts.duplicateEntries)}  listings of a user already listed`);
	}
	if (counts.unmatchedTokens > 0) {
		out.push(
			`  unused tokens: ${n(counts.unmatchedTokens)}  token store rows for users not in the --from lists`,
		);
	}
	const missing = listSome('No token', plan.missingToken, counts.missingToken);
	const dmFalse = listSome(
		'dm:false (re-authorisation needed for DM events)',
		plan.dmFalse,
		counts.dmFalse,
	);
	for (const block of [missing, dmFalse]) if (block.length > 0) out.push('', ...block);
	return out.join('\n') + '\n';
}
