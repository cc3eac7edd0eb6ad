/**
 * The state of every unit of a migration, held compactly: one byte per (user, part), where a
 * part is what the target sends for a user (AAA: the user itself, one unnamed part; XAA: one
 * event type). Journal records, the runner, verification and the report all read and write
 * this one table.
 */
export const PENDING = 0;
export const SUBSCRIBED = 1;
export const ALREADY = 2;
export const NEEDS_REAUTH = 3;
export const MISSING_TOKEN = 4;
export const FAILED = 5;
export const FAILED_TRANSIENT = 6;
export const OVER_CAP = 7;

/** The words a unit's state is reported (and journaled) with. */
export type PartStatus =
	| 'subscribed'
	| 'already_subscribed'
	| 'needs_reauth'
	| 'missing_token'
	| 'failed'
	| 'over_cap'
	| 'not_started';

export const PART_STATUS: Record<number, PartStatus> = {
	[PENDING]: 'not_started',
	[SUBSCRIBED]: 'subscribed',
	[ALREADY]: 'already_subscribed',
	[NEEDS_REAUTH]: 'needs_reauth',
	[MISSING_TOKEN]: 'missing_token',
	[FAILED]: 'failed',
	[FAILED_TRANSIENT]: 'failed',
	[OVER_CAP]: 'over_cap',
};

/** Journal status words → codes (only what a run records). */
export const CODE_OF: Readonly<Record<string, number>> = Object.freeze(
	Object.assign(Object.create(null) as Record<string, number>, {
		subscribed: SUBSCRIBED,
		already_subscribed: ALREADY,
		needs_reauth: NEEDS_REAUTH,
		failed: FAILED,
	}),
);

export const isDone = (s: number): boolean => s === SUBSCRIBED || s === ALREADY;
/** States a run does not send again. Pending units and transient failures are sent. */
export const isFinal = (s: number): boolean => s !== PENDING && s !== FAILED_TRANSIENT;

/** What happened to one part when the target applied it. */
export interface PartOutcome {
	status: 'subscribed' | 'already_subscribed' | 'needs_reauth' | 'failed';
	/** Why, for needs_reauth and failed: X's status, code and message (never a secret). */
	error?: string;
	/** A failure that may pass when tried again later (5xx, network): a resumed run retries it. */
	transient?: boolean;
}

export const codeOf = (o: PartOutcome): number => (o.status === 'failed' && o.transient ? FAILED_TRANSIENT : CODE_OF[o.status]);

/** A user's status in the report: the roll-up of its parts. */
export type UserStatus = 'subscribed' | 'already_subscribed' | 'needs_reauth' | 'missing_token' | 'failed' | 'not_started';

export class UnitTable {
	readonly codes: Uint8Array;
	/** 0 unknown, 1 found in X's list, 2 not found. */
	readonly verified: Uint8Array;
	private readonly errors = new Map<number, string>();
	private readonly interned = new Map<string, string>();

	constructor(
		readonly users: number,
		/** Parts per user (1 for AAA). */
		readonly parts: number,
	) {
		this.codes = new Uint8Array(users * parts);
		this.verified = new Uint8Array(users * parts);
	}

	code(ui: number, k: number): number {
		return this.codes[ui * this.parts + k];
	}

	error(ui: number, k: number): string | undefined {
		return this.errors.get(ui * this.parts + k);
	}

	set(ui: number, k: number, code: number, error?: string): void {
		const at = ui * this.parts + k;
		this.codes[at] = code;
		if (error === undefined) this.errors.delete(at);
		else {
			let s = this.interned.get(error);
			if (s === undefined) this.interned.set(error, (s = error));
			this.errors.set(at, s);
		}
	}

	/** Part indexes of the user still to send. */
	pending(ui: number): number[] {
		const out: number[] = [];
		for (let k = 0; k < this.parts; k++) if (!isFinal(this.codes[ui * this.parts + k])) out.push(k);
		return out;
	}

	hasPending(ui: number): boolean {
		for (let k = 0; k < this.parts; k++) if (!isFinal(this.codes[ui * this.parts + k])) return true;
		return false;
	}

	/** The user's status from its parts, and the part that decided it. */
	rollup(ui: number): { status: UserStatus; overCap: boolean; decidedBy?: number } {
		let allDone = true;
		let allAlready = true;
		let reauth: number | undefined;
		let missing: number | undefined;
		let failed: number | undefined;
		let pending: number | undefined;
		for (let k = 0; k < this.parts; k++) {
			const s = this.code(ui, k);
			if (s === OVER_CAP) return { status: 'failed', overCap: true, decidedBy: k };
			if (!isDone(s)) allDone = false;
			if (s !== ALREADY) allAlready = false;
			if (s === NEEDS_REAUTH) reauth ??= k;
			else if (s === MISSING_TOKEN) missing ??= k;
			else if (s === FAILED || s === FAILED_TRANSIENT) failed ??= k;
			else if (s === PENDING) pending ??= k;
		}
		if (allDone) return { status: allAlready ? 'already_subscribed' : 'subscribed', overCap: false };
		if (reauth !== undefined) return { status: 'needs_reauth', overCap: false, decidedBy: reauth };
		if (missing !== undefined) return { status: 'missing_token', overCap: false, decidedBy: missing };
		if (failed !== undefined) return { status: 'failed', overCap: false, decidedBy: failed };
		return { status: 'not_started', overCap: false, decidedBy: pending };
	}
}
