/**
 * Pure helpers of the X Account Activity action node: date parsing for the replay window,
 * secret scrubbing for output items and errors, and small validators.
 */
import type { IDataObject } from 'n8n-workflow';

/** X user ids: decimal strings of up to 20 digits (64-bit, may exceed 2^53). */
export function isNumericUserId(value: string): boolean {
	return /^\d{1,20}$/.test(value);
}

/** X's OAuth 1.0a user tokens start with the user's id and a dash ("2244994945-abc…"). */
export function userIdFromToken(token: string): string | undefined {
	const m = /^(\d{1,20})-/.exec(token);
	return m ? m[1] : undefined;
}

/**
 * A replay date from a dateTime parameter, read as UTC. n8n's date picker sends
 * "2025-01-31T10:00:00" without a zone: that is taken as UTC, as X's replay API counts in UTC.
 * Also accepts ISO 8601 with a zone, X's own yyyymmddhhmm, epoch milliseconds, a Date and
 * anything with toISO() / toJSDate() (a Luxon DateTime from an expression).
 */
export function toUtcDate(value: unknown, label: string): Date {
	const bad = () =>
		new Error(
			`${label} "${String(value)}" is not a date: use the date picker, ISO 8601 (UTC) or yyyymmddhhmm`,
		);
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) throw bad();
		return value;
	}
	if (typeof value === 'number') {
		const d = new Date(value);
		if (Number.isNaN(d.getTime())) throw bad();
		return d;
	}
	if (value && typeof value === 'object') {
		const v = value as { toJSDate?: () => unknown; toISO?: () => unknown };
		if (typeof v.toJSDate === 'function') return toUtcDate(v.toJSDate(), label);
		if (typeof v.toISO === 'function') return toUtcDate(v.toISO(), label);
		throw bad();
	}
	if (typeof value !== 'string' || !value.trim()) {
		throw new Error(`${label} is empty: pick a date and time (UTC)`);
	}
	const s = value.trim();
	const compact = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
	let d: Date;
	if (compact) {
		const [y, mo, day, h, mi] = compact.slice(1).map(Number);
		d = new Date(Date.UTC(y, mo - 1, day, h, mi));
	} else if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(s)) {
		// no zone: UTC
		d = new Date((s.length === 10 ? `${s}T00:00:00` : s.replace(' ', 'T')) + 'Z');
	} else {
		d = new Date(s);
	}
	if (Number.isNaN(d.getTime())) throw bad();
	return d;
}

/** Secret scrubbing: the one scrubber in client/scrub.ts (every encoding, echoed headers). */
export { scrubText, scrubValue } from '../../client/scrub';

/** The object without its undefined values (n8n items hold JSON). */
export function compact(obj: Record<string, unknown>): IDataObject {
	const out: IDataObject = {};
	for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v as IDataObject[string];
	return out;
}
