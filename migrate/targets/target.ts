/**
 * What a migration moves users onto. The pipeline (read → plan → run → verify → report) is
 * the same for every target; a target supplies only what differs:
 *
 * - `parts`: what one user becomes (AAA: one subscription, the unnamed part `''`; XAA: one
 *   subscription per event type). A unit of work is (user, part); the journal is keyed by it.
 * - `plan`: the target's arithmetic over the user set (caps, which units cannot be sent).
 * - `prepare`: find, adopt or register what users are moved onto (the webhook).
 * - `apply`: send one user's pending parts. Never throws: failures are outcomes.
 * - `listExisting`: what exists on X now (verification).
 * - `words`: how outcomes are described in the summary and the report.
 *
 * A new target (say, another API's subscriptions) is one more file beside aaa-target.ts and
 * xaa-target.ts, chosen in targets/index.ts.
 */
import { XApiError } from '../../client/errors';
import type { MergedUser, UserSet } from '../input';
import type { PartOutcome } from '../unit-table';

export interface TargetPlan {
	/** The plan's lines for the terminal (counts, caps, time estimate). */
	text: string;
	/** Users (input order) the run may send: all of them, or fewer when a cap cuts the list. */
	taken: number;
	/** Requests the plan needs (units to send). */
	sends: number;
	/** Why the plan cannot run (exit 2 before any request), if so. */
	refusal?: string;
	/** The state a unit starts in before anything is sent (MISSING_TOKEN, OVER_CAP), if not pending. */
	initial(ui: number, user: MergedUser, part: number): number | undefined;
	/** Extra summary fields of the report (XAA: event types, cap, per-type counts). */
	summaryExtras?: Record<string, unknown>;
}

/** Words for the summary and the report, per target. */
export interface TargetWords {
	/** "users" line suffix for subscribed users. */
	subscribed: string;
	needsReauth: string;
	missingToken: string;
	/** A unit with no token: why it was not sent. */
	missingTokenError: (user: MergedUser) => string;
	/** A done unit that X's list does not show after one re-send. */
	notVerified: string;
	verified: string;
	/** "Subscribe phase" / "Create phase". */
	phase: string;
	/** Verification found `units` done units of `users` users missing from X's list. */
	missing: (units: number, users: number) => string;
	/** "(3 re-subscribed by verification)". */
	resent: (units: number) => string;
}

export interface MigrationTarget {
	readonly kind: 'aaa' | 'xaa';
	/** What one user becomes: [''] when the user is the unit, else named parts (event types). */
	readonly parts: readonly string[];
	/** For messages: "webhook 123 (https://…)". */
	readonly label: string;
	/** The webhook id the journal records (undefined for premium without a webhook id). */
	readonly webhookId?: string;
	readonly words: TargetWords;
	plan(users: UserSet): TargetPlan;
	/** Finds, adopts or registers what the users are moved onto. Throws on failure. */
	prepare(): Promise<void>;
	/**
	 * Sends the user's pending parts (indexes into `parts`). Resolves with an outcome for each
	 * part sent; a part left out (the run was stopped) stays pending. Never throws.
	 */
	apply(user: MergedUser, parts: readonly number[], signal?: AbortSignal): Promise<Map<number, PartOutcome>>;
	/** Calls `on` for every (user id, part index) that exists on X now. */
	listExisting(on: (userId: string, part: number) => void): Promise<void>;
}

/** Turns a failed call into an outcome: the user's own token refused → needs_reauth. */
export function outcomeOfError(err: unknown): PartOutcome {
	if (err instanceof XApiError) {
		const what =
			err.status === 0
				? `no answer: ${err.xMessage}`
				: `X answered ${err.status}${err.code !== undefined ? ` code ${err.code}` : ''}: ${err.xMessage}`;
		if (err.status === 401 || err.code === 89 || err.code === 32) {
			return { status: 'needs_reauth', error: `${what} (the user must authorise the app again)` };
		}
		return { status: 'failed', error: what, ...(err.retryable ? { transient: true as const } : {}) };
	}
	return { status: 'failed', error: err instanceof Error ? err.message : String(err), transient: true };
}

/** One line of arithmetic: the minimum time for `sends` requests at `limit` per `windowMin` minutes. */
export function minimumTime(sends: number, limit: number, windowMin: number): string {
	if (sends <= limit) return `under ${windowMin} min (one window of ${limit.toLocaleString('en-US')})`;
	const windows = Math.ceil(sends / limit);
	const minutes = (windows - 1) * windowMin;
	const h = Math.floor(minutes / 60);
	const m = minutes % 60;
	return `at least ${h > 0 ? `${h} h ${m} min` : `${m} min`} (${windows.toLocaleString('en-US')} windows of ${limit.toLocaleString('en-US')})`;
}
