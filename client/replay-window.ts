/**
 * Replay windows: X's `yyyymmddhhmm` UTC dates and each flavour's limits, checked before any
 * request so the user learns which limit was broken.
 */
import type { ApiFlavour } from './types';

const MINUTE = 60_000;

export function formatReplayDate(d: Date | string): string {
	if (typeof d === 'string' && /^\d{12}$/.test(d)) return d;
	const date = typeof d === 'string' ? new Date(d) : d;
	if (Number.isNaN(date.getTime())) throw new Error(`"${String(d)}" is not a date (use ISO 8601 or yyyymmddhhmm, UTC)`);
	const p = (n: number) => String(n).padStart(2, '0');
	return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}`;
}

export function parseReplayDate(s: string): Date {
	const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
	if (!m) return new Date(s);
	return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]));
}

/** Returns a message naming the broken limit, or undefined when the window is acceptable. */
export function checkReplayWindow(flavour: ApiFlavour, from: Date | string, to: Date | string, now = Date.now()): string | undefined {
	const f = typeof from === 'string' ? parseReplayDate(from) : from;
	const t = typeof to === 'string' ? parseReplayDate(to) : to;
	if (Number.isNaN(f.getTime())) return `The start date "${String(from)}" is not a date`;
	if (Number.isNaN(t.getTime())) return `The end date "${String(to)}" is not a date`;
	if (t.getTime() <= f.getTime()) return 'The end of the replay window must be after its start';
	if (flavour === 'premium') return 'Replay is not available on the premium Account Activity API (enterprise and v2 only)';
	if (flavour === 'enterprise') {
		if (f.getTime() < now - 5 * 24 * 60 * MINUTE) return 'Enterprise replay reaches back at most 5 days: move the start later';
		if (f.getTime() > now - 31 * MINUTE) return 'Enterprise replay must start at least 31 minutes ago: move the start earlier';
		if (t.getTime() > now - 10 * MINUTE) return 'Enterprise replay must end at least 10 minutes ago: move the end earlier';
		return undefined;
	}
	if (f.getTime() < now - 24 * 60 * MINUTE) return 'v2 replay reaches back at most 24 hours: move the start later';
	if (t.getTime() > now) return 'The end of the replay window is in the future';
	return undefined;
}
