/**
 * JSON.parse that never loses a digit of a 64-bit id: integers outside the safe range come
 * back as decimal strings. X ids above 2^53 are routine (tweets, users, webhooks), and X
 * sometimes sends them as bare numbers (Site Streams `id`, `timestamp_ms`, tweet `id`).
 *
 * Fast path: when the text holds no run of 16+ digits outside a string, JSON.parse is exact.
 */

/** Numbers of 16+ digits may exceed 2^53; shorter ones never do. */
const LONG_DIGIT_RUN = /\d{16,}/;

export function parseJsonLossless(text: string): unknown {
	if (!LONG_DIGIT_RUN.test(text) || !hasLongNumberOutsideStrings(text)) return JSON.parse(text);
	return JSON.parse(quoteUnsafeIntegers(text));
}

function hasLongNumberOutsideStrings(text: string): boolean {
	let inString = false;
	let run = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 92 /* \ */) i++;
			else if (c === 34 /* " */) inString = false;
			continue;
		}
		if (c === 34) {
			inString = true;
			run = 0;
		} else if (c >= 48 && c <= 57) {
			if (++run >= 16) return true;
		} else run = 0;
	}
	return false;
}

/**
 * Rewrites the text so that every integer literal outside the safe range becomes a string
 * literal. Syntax errors are left in place for JSON.parse to report.
 */
function quoteUnsafeIntegers(text: string): string {
	let out = '';
	let last = 0;
	let i = 0;
	while (i < text.length) {
		const c = text.charCodeAt(i);
		if (c === 34) {
			// skip a string literal
			i++;
			while (i < text.length) {
				const d = text.charCodeAt(i);
				if (d === 92) i += 2;
				else if (d === 34) {
					i++;
					break;
				} else i++;
			}
			continue;
		}
		if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
			const start = i;
			i++;
			while (i < text.length) {
				const d = text.charCodeAt(i);
				if ((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45) i++;
				else break;
			}
			const literal = text.slice(start, i);
			if (/^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
				out += text.slice(last, start) + '"' + literal + '"';
				last = i;
			}
			continue;
		}
		i++;
	}
	return last === 0 ? text : out + text.slice(last);
}
