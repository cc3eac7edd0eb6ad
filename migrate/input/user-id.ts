/**
 * User id validation shared by every reader. Ids are strings end to end: a user id is a
 * positive decimal integer of at most 64 bits, kept digit for digit, never a JS number.
 */

/** 2^64 - 1, the largest id X could ever hand out. */
const MAX_ID = '18446744073709551615';

export type UserIdCheck = { ok: true; userId: string } | { ok: false; reason: string };

/**
 * Checks a user id as read from a file (CSV cell, JSON number literal or JSON string).
 * Leading zeros are dropped so that `007` and `7` merge; anything else is refused with a
 * reason fit to follow `users[3].id` or `user_id` in a message.
 */
export function checkUserId(raw: string): UserIdCheck {
	const text = raw.trim();
	const shown = quoteForMessage(text);
	if (text === '') return { ok: false, reason: 'is empty' };
	if (/^\d+$/.test(text)) {
		const digits = text.replace(/^0+/, '');
		if (digits === '') return { ok: false, reason: `is not a user id (${shown}): ids start at 1` };
		if (digits.length > MAX_ID.length || (digits.length === MAX_ID.length && digits > MAX_ID)) {
			return { ok: false, reason: `is not a user id (${shown}): larger than 64 bits` };
		}
		return { ok: true, userId: digits };
	}
	if (/^[+-]\d/.test(text) && /^[+-]\d+$/.test(text)) {
		return text.startsWith('-')
			? { ok: false, reason: `is not a user id (${shown}): negative` }
			: { ok: false, reason: `is not a numeric user id (${shown}): write the digits alone` };
	}
	if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
		const kind = /[eE]/.test(text) ? 'an exponent' : 'a decimal point';
		return {
			ok: false,
			reason:
				`is not a numeric user id (${shown}): it has ${kind}, so a spreadsheet or JSON tool ` +
				'has probably rounded it; re-export the ids as text',
		};
	}
	return { ok: false, reason: `is not a numeric user id (${shown})` };
}

/** A value for a message: JSON-quoted, cut at 40 characters. Only for ids and names. */
export function quoteForMessage(value: string): string {
	return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
}
