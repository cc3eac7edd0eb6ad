/**
 * The one secret scrubber: the client, both nodes and the CLI pass every text bound for a
 * message, log line, item, report or error through it. It removes each secret in every form it
 * can travel in:
 * - raw, percent-encoded (`encodeURIComponent` and OAuth's RFC 3986 form, either hex case),
 *   percent-decoded, and JSON-escaped;
 * - base64 and base64url of each of those, alone or embedded in a longer base64 text (such as
 *   `base64(consumer_key:consumer_secret)` in a Basic header): the characters that depend on
 *   the secret's bytes alone are removed, for each of the three alignments;
 * and it blanks echoed credentials whatever their value: `Authorization: …`, `Basic …`,
 * `Bearer …` and `oauth_signature=…`.
 * Scrub the whole text first, then truncate: a cut before scrubbing can leave a secret's prefix.
 */

export const REDACTED = '***';

/** Secrets shorter than this are not searched (they would match ordinary text). */
const MIN_SECRET_LENGTH = 4;
/** Shortest base64 fragment worth removing. */
const MIN_BASE64_FRAGMENT = 6;

/** OAuth 1.0a percent-encoding (RFC 3986: also `!*'()`). */
function rfc3986(s: string): string {
	return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function lowerHex(s: string): string {
	return s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}

/** The text inside a JSON string literal, in both forms JSON writers use for `/` and non-ASCII. */
function jsonForms(s: string): string[] {
	const plain = JSON.stringify(s).slice(1, -1);
	const ascii = plain.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
	return [plain, plain.replace(/\//g, '\\/'), ascii, ascii.replace(/\//g, '\\/')];
}

function percentDecoded(s: string): string | undefined {
	if (!s.includes('%')) return undefined;
	try {
		return decodeURIComponent(s);
	} catch {
		return undefined;
	}
}

/** The base64 characters that depend on `bytes` alone, when preceded by `offset` other bytes. */
function base64Fragments(bytes: Buffer): string[] {
	const out: string[] = [];
	for (let offset = 0; offset < 3; offset++) {
		const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
		const first = Math.ceil((8 * offset) / 6);
		const end = Math.floor((8 * (offset + bytes.length)) / 6);
		const fragment = encoded.slice(first, end);
		if (fragment.length >= MIN_BASE64_FRAGMENT) {
			out.push(fragment);
			out.push(fragment.replace(/\+/g, '-').replace(/\//g, '_'));
		}
	}
	return out;
}

/** Every form of one secret worth searching for, longest first. */
export function secretForms(secret: string): string[] {
	const sources = new Set<string>([secret, encodeURIComponent(secret), rfc3986(secret)]);
	const decoded = percentDecoded(secret);
	if (decoded !== undefined) sources.add(decoded);
	for (const s of [...sources]) for (const j of jsonForms(s)) sources.add(j);
	const forms = new Set<string>();
	for (const s of sources) {
		forms.add(s);
		forms.add(lowerHex(s));
		for (const fragment of base64Fragments(Buffer.from(s, 'utf8'))) forms.add(fragment);
	}
	return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** Forms per secret, computed once: error paths scrub the same few secrets again and again. */
const formCache = new Map<string, string[]>();
const FORM_CACHE_LIMIT = 64;

function cachedForms(secret: string): string[] {
	let forms = formCache.get(secret);
	if (forms === undefined) {
		forms = secretForms(secret);
		if (formCache.size >= FORM_CACHE_LIMIT) formCache.clear();
		formCache.set(secret, forms);
	}
	return forms;
}

/** Echoed credentials, whatever their value. */
const ECHOES: ReadonlyArray<[RegExp, string]> = [
	// `Authorization: …`, `"authorization":"…"`, `authorization=…` up to the end of the value
	[/\b((?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?)[^"'\\\r\n]+/gi, '$1' + REDACTED],
	// a Basic / Bearer credential anywhere (base64, or X's percent-encoded bearer tokens)
	[/\b(basic|bearer)(\s+)[A-Za-z0-9+/=._~%-]{16,}/gi, '$1$2' + REDACTED],
	// OAuth 1.0a signatures, in a header or a query
	[/(oauth_signature\\?"?\s*=\s*\\?"?)[^"\\&,\s]+/gi, '$1' + REDACTED],
];

/** The text with every form of every secret, and every echoed credential, replaced by ***. */
export function scrubText(text: string, secrets: ReadonlyArray<string | undefined | null>): string {
	let out = text;
	const forms: string[] = [];
	for (const s of secrets) if (typeof s === 'string' && s.length >= MIN_SECRET_LENGTH) forms.push(...cachedForms(s));
	if (forms.length > 0) {
		forms.sort((a, b) => b.length - a.length);
		for (const f of forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
	}
	for (const [pattern, replacement] of ECHOES) out = out.replace(pattern, replacement);
	return out;
}

/** Deep copy of a JSON value with every string (keys included) scrubbed. */
export function scrubValue<T>(value: T, secrets: ReadonlyArray<string | undefined | null>): T {
	if (typeof value === 'string') return scrubText(value, secrets) as unknown as T;
	if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets)) as unknown as T;
	if (value !== null && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
			// defineProperty: a key named `__proto__` stays data, never the copy's prototype
			Object.defineProperty(out, scrubText(k, secrets), { value: scrubValue(v, secrets), enumerable: true, writable: true, configurable: true });
		}
		return out as T;
	}
	return value;
}

/** Shortens scrubbed text to `max` characters. Scrub first: a cut can leave a secret's prefix. */
export function truncate(scrubbed: string, max: number): string {
	return scrubbed.length > max ? scrubbed.slice(0, max) + '…' : scrubbed;
}
