/**
 * Server-side OAuth 1.0a HMAC-SHA1 verification, written from RFC 5849 §3.4 (not a signing
 * library run backwards), and the Bearer / Basic checks of app-only auth.
 *
 * Base string = METHOD & enc(base URL as the client saw it) & enc(normalised parameters), where
 * the parameters are the query string, a form-encoded body and the oauth_* header parameters
 * (minus oauth_signature and realm), each name and value RFC 3986-encoded, sorted by name then
 * value, joined with `=` and `&`. Key = enc(consumer secret) & enc(token secret).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** RFC 3986 §2.3 unreserved characters stay; everything else is %XX of its UTF-8 bytes. */
export function percentEncode(s: string): string {
	return encodeURIComponent(s).replace(
		/[!'()*]/g,
		(c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
	);
}

/** application/x-www-form-urlencoded pairs: `+` is a space, then percent-decoding. */
export function parseFormPairs(text: string): Array<[string, string]> {
	const out: Array<[string, string]> = [];
	if (!text) return out;
	for (const part of text.split('&')) {
		if (!part) continue;
		const eq = part.indexOf('=');
		const rawName = eq < 0 ? part : part.slice(0, eq);
		const rawValue = eq < 0 ? '' : part.slice(eq + 1);
		out.push([formDecode(rawName), formDecode(rawValue)]);
	}
	return out;
}

function formDecode(s: string): string {
	const plus = s.replace(/\+/g, ' ');
	try {
		return decodeURIComponent(plus);
	} catch {
		return plus;
	}
}

/** RFC 5849 §3.4.1.2: lowercase scheme and host, default port dropped, path as sent. */
export function baseStringUri(scheme: string, host: string, path: string): string {
	const s = scheme.toLowerCase();
	let h = host.toLowerCase();
	if ((s === 'http' && h.endsWith(':80')) || (s === 'https' && h.endsWith(':443'))) {
		h = h.slice(0, h.lastIndexOf(':'));
	}
	return `${s}://${h}${path}`;
}

/** RFC 5849 §3.4.1.3.2: encode each pair, sort by name then value, join. */
export function normaliseParameters(pairs: Array<[string, string]>): string {
	return pairs
		.map(([k, v]) => [percentEncode(k), percentEncode(v)] as [string, string])
		.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
		.map(([k, v]) => `${k}=${v}`)
		.join('&');
}

export function signatureBaseString(
	method: string,
	baseUri: string,
	pairs: Array<[string, string]>,
): string {
	return [
		method.toUpperCase(),
		percentEncode(baseUri),
		percentEncode(normaliseParameters(pairs)),
	].join('&');
}

export function hmacSha1Signature(
	baseString: string,
	consumerSecret: string,
	tokenSecret: string,
): string {
	const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
	return createHmac('sha1', key).update(baseString).digest('base64');
}

/** Parses `OAuth k="v", …` into decoded parameters; undefined when it is not an OAuth header. */
export function parseOAuthHeader(header: string): Map<string, string> | undefined {
	const m = /^OAuth\s+(.*)$/is.exec(header.trim());
	if (!m) return undefined;
	const params = new Map<string, string>();
	const re = /([A-Za-z0-9_.~%-]+)\s*=\s*"([^"]*)"/g;
	let found: RegExpExecArray | null;
	while ((found = re.exec(m[1])) !== null) {
		try {
			params.set(decodeURIComponent(found[1]), decodeURIComponent(found[2]));
		} catch {
			return undefined;
		}
	}
	return params;
}

export type OAuthFailure =
	/** 401 code 32: unknown consumer key or token, bad signature, malformed header, replayed nonce. */
	| 'could_not_authenticate'
	/** 401 code 135: oauth_timestamp too far from the server clock. */
	| 'timestamp_out_of_bounds';

export interface OAuthRequest {
	method: string;
	scheme: string;
	host: string;
	path: string;
	/** Raw query string without `?`. */
	query: string;
	/** Raw body when the content type is application/x-www-form-urlencoded, else ''. */
	formBody: string;
	header: Map<string, string>;
}

export interface OAuthVerifyOptions {
	consumerKey: string;
	consumerSecret: string;
	/** Token secret for a token, or undefined when the token is unknown. */
	tokenSecret: (token: string) => string | undefined;
	nowSeconds: number;
	skewSeconds: number;
	nonces: NonceStore;
}

export type OAuthVerdict = { ok: true; token: string } | { ok: false; failure: OAuthFailure };

function safeEqual(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

export function verifyOAuth1(req: OAuthRequest, opts: OAuthVerifyOptions): OAuthVerdict {
	const fail = (failure: OAuthFailure): OAuthVerdict => ({ ok: false, failure });
	const h = req.header;
	const consumerKey = h.get('oauth_consumer_key');
	const token = h.get('oauth_token');
	const signature = h.get('oauth_signature');
	const timestamp = h.get('oauth_timestamp');
	const nonce = h.get('oauth_nonce');
	if (!consumerKey || !token || !signature || !timestamp || !nonce)
		return fail('could_not_authenticate');
	if (h.get('oauth_signature_method') !== 'HMAC-SHA1') return fail('could_not_authenticate');
	const version = h.get('oauth_version');
	if (version !== undefined && version !== '1.0') return fail('could_not_authenticate');
	if (!safeEqual(consumerKey, opts.consumerKey)) return fail('could_not_authenticate');
	const tokenSecret = opts.tokenSecret(token);
	if (tokenSecret === undefined) return fail('could_not_authenticate');

	const pairs: Array<[string, string]> = [
		...parseFormPairs(req.query),
		...parseFormPairs(req.formBody),
	];
	for (const [k, v] of h) if (k !== 'oauth_signature' && k !== 'realm') pairs.push([k, v]);
	const base = signatureBaseString(
		req.method,
		baseStringUri(req.scheme, req.host, req.path),
		pairs,
	);
	const expected = hmacSha1Signature(base, opts.consumerSecret, tokenSecret);
	if (!safeEqual(signature, expected)) return fail('could_not_authenticate');

	const ts = Number(timestamp);
	if (!/^\d{1,12}$/.test(timestamp) || Math.abs(opts.nowSeconds - ts) > opts.skewSeconds) {
		return fail('timestamp_out_of_bounds');
	}
	if (
		!opts.nonces.claim(
			`${consumerKey}|${token}|${timestamp}|${nonce}`,
			ts,
			opts.nowSeconds,
			opts.skewSeconds,
		)
	) {
		return fail('could_not_authenticate');
	}
	return { ok: true, token };
}

/** Nonces seen within the timestamp window; a second use of (token, timestamp, nonce) is a replay. */
export class NonceStore {
	private readonly seen = new Map<string, number>();

	/** False when the nonce was already used. */
	claim(key: string, timestamp: number, nowSeconds: number, skewSeconds: number): boolean {
		if (this.seen.size > 10000) this.prune(nowSeconds, skewSeconds);
		if (this.seen.has(key)) return false;
		this.seen.set(key, timestamp);
		return true;
	}

	private prune(nowSeconds: number, skewSeconds: number): void {
		for (const [k, ts] of this.seen)
			if (Math.abs(nowSeconds - ts) > skewSeconds) this.seen.delete(k);
	}
}

/** `Bearer <token>` → token, else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
	const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
	return m ? m[1] : undefined;
}

/** `Basic base64(key:secret)` → [key, secret] with each part form-decoded (RFC 6749 §2.3.1), else undefined. */
export function basicCredentials(header: string | undefined): [string, string] | undefined {
	const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
	if (!m) return undefined;
	const text = Buffer.from(m[1], 'base64').toString('utf8');
	const colon = text.indexOf(':');
	if (colon < 0) return undefined;
	return [formDecode(text.slice(0, colon)), formDecode(text.slice(colon + 1))];
}

export function constantTimeEqual(a: string, b: string): boolean {
	return safeEqual(a, b);
}
