/**
 * Stage 3, run: ONE runner for every target. Walks the users in input order, sends each one's
 * pending parts through the target, `concurrency` users at a time; the client's rate gate paces
 * the requests and retries transient failures. Every outcome goes to the journal as it happens
 * and into the unit table. A stop (Ctrl-C) lets the users in flight finish and starts no new
 * one: the rest stay pending and are reported not_started.
 */
import type { MergedUser, UserSet } from '../input';
import type { Journal, JournalRecord } from '../journal';
import type { Progress } from '../progress';
import type { MigrationTarget } from '../targets/target';
import { UnitTable, codeOf, isDone, type PartOutcome } from '../unit-table';

/** What the hooks see after each user: the user's roll-up of the parts just sent. */
export interface UnitOutcome {
	status: PartOutcome['status'];
	error?: string;
	transient?: boolean;
	/** Per named part (XAA event type) sent. */
	types?: Record<string, PartOutcome>;
}

export interface MigrateHooks {
	/** Called after each user's outcome is journaled ('run': send phase; 'verify': re-send). */
	onUnit?: (userId: string, outcome: UnitOutcome, phase: 'run' | 'verify') => void | Promise<void>;
}

export interface Runner {
	users: UserSet;
	table: UnitTable;
	target: MigrationTarget;
	journal: Journal;
	concurrency: number;
	signal?: AbortSignal;
	hooks: MigrateHooks;
	progress?: Progress;
}

export interface RunStats {
	/** Users sent to X. */
	sent: number;
	/** Parts (requests) sent. */
	requests: number;
	runMs: number;
}

/** The user-level outcome of the parts just sent, for the journal's `s` and the hooks. */
function rollupOutcome(target: MigrationTarget, outcomes: Map<number, PartOutcome>): UnitOutcome {
	const named = target.parts.length > 1 || target.parts[0] !== '';
	const all = [...outcomes.values()];
	const types = named ? Object.fromEntries([...outcomes].map(([k, o]) => [target.parts[k], o])) : undefined;
	if (all.length === 1 && !named) return { ...all[0] };
	const transient = all.some((o) => o.transient);
	if (all.every((o) => isDone(codeOf(o)))) {
		return { status: all.every((o) => o.status === 'already_subscribed') ? 'already_subscribed' : 'subscribed', types };
	}
	const bad = [...outcomes].find(([, o]) => o.status === 'needs_reauth') ?? [...outcomes].find(([, o]) => o.status === 'failed');
	return {
		status: bad?.[1].status ?? 'failed',
		...(bad ? { error: `${target.parts[bad[0]]}: ${bad[1].error ?? 'failed'}` } : {}),
		...(transient ? { transient: true } : {}),
		types,
	};
}

/** The journal line for one user's outcomes: `{u, s, e, t}` for an unnamed part, `y`/`ye` per named part. */
function journalLine(userId: string, target: MigrationTarget, outcomes: Map<number, PartOutcome>, resend: boolean): JournalRecord {
	const o = rollupOutcome(target, outcomes);
	const rec: JournalRecord = {
		u: userId,
		s: o.status,
		...(o.error !== undefined ? { e: o.error } : {}),
		...(o.transient ? { t: 1 as const } : {}),
		...(resend ? { r: 1 as const } : {}),
	};
	if (o.types) {
		rec.y = {};
		const ye: Record<string, string> = {};
		for (const [t, po] of Object.entries(o.types)) {
			rec.y[t] = po.status;
			if (po.error !== undefined) ye[t] = po.error;
		}
		if (Object.keys(ye).length > 0) rec.ye = ye;
	}
	return rec;
}

/**
 * Sends every user with pending parts (or, for verification, exactly the parts in `only`).
 * Resolves when all are done or the run was stopped.
 */
export async function runUnits(r: Runner, phase: 'run' | 'verify', only?: Map<number, number[]>): Promise<RunStats> {
	const { users, table, target, journal } = r;
	const order = only ? [...only.keys()] : undefined;
	const limit = order ? order.length : users.size;
	let next = 0;
	let sent = 0;
	let requests = 0;
	const t0 = performance.now();
	const take = (): { ui: number; parts: number[] } | undefined => {
		while (next < limit) {
			const ui = order ? order[next++] : next++;
			const parts = only ? (only.get(ui) ?? []) : table.pending(ui);
			if (parts.length > 0) return { ui, parts };
		}
		return undefined;
	};
	const worker = async () => {
		for (;;) {
			if (r.signal?.aborted) return;
			const job = take();
			if (!job) return;
			const user: MergedUser = users.at(job.ui);
			sent++;
			requests += job.parts.length;
			const outcomes = await target.apply(user, job.parts);
			if (outcomes.size === 0) continue;
			for (const [k, o] of outcomes) table.set(job.ui, k, codeOf(o), o.error);
			journal.record(journalLine(user.userId, target, outcomes, phase === 'verify'));
			r.progress?.tick();
			await r.hooks.onUnit?.(user.userId, rollupOutcome(target, outcomes), phase);
		}
	};
	const workers = Math.max(1, Math.min(r.concurrency, limit));
	await Promise.all(Array.from({ length: workers }, worker));
	journal.sync();
	return { sent, requests, runMs: performance.now() - t0 };
}

/** Users with something left to send, and users already settled (for the progress display). */
export function countPending(table: UnitTable): { toSend: number; settled: number } {
	let toSend = 0;
	for (let ui = 0; ui < table.users; ui++) if (table.hasPending(ui)) toSend++;
	return { toSend, settled: table.users - toSend };
}
