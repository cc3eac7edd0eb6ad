/**
 * X webhook security primitives, shared by the trigger (receiving) and the simulator (sending).
 *
 * X computes every value here as `sha256=` + base64(HMAC-SHA256(key = consumer secret, message)):
 * - the CRC answer, over the crc_token;
 * - the `x-twitter-webhooks-signature` header of a POST, over the raw body bytes;
 * - the same header on a CRC GET, over the raw query string (`crc_token=…&nonce=…`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-twitter-webhooks-signature';

/** `sha256=<base64 HMAC-SHA256(secret, message)>`. */
export function signWebhookPayload(consumerSecret: string, message: string | Buffer): string {
	return 'sha256=' + createHmac('sha256', consumerSecret).update(message).digest('base64');
}

/** The JSON body X expects in answer to a CRC GET. */
export function crcResponse(consumerSecret: string, crcToken: string): { response_token: string } {
	return { response_token: signWebhookPayload(consumerSecret, crcToken) };
}

/** The one form X sends: `sha256=` + standard base64 of 32 bytes (43 characters and one `=`). */
const SIGNATURE_FORM = /^sha256=[A-Za-z0-9+/]{43}=$/;

/**
 * Whether a signature header has the one canonical form. Anything else (trailing text, spaces,
 * base64url, missing padding, two joined headers, an array) is refused before decoding: a
 * lenient base64 decoder would otherwise skip junk and accept many spellings of one MAC.
 */
export function isCanonicalSignature(header: unknown): header is string {
	return typeof header === 'string' && header.length === 51 && SIGNATURE_FORM.test(header);
}

/**
 * Constant-time check of a `sha256=…` header against the message. False for a missing,
 * non-canonical or wrong header; never throws.
 */
export function verifyWebhookSignature(
	consumerSecret: string,
	message: string | Buffer,
	header: string | string[] | undefined,
): boolean {
	if (!isCanonicalSignature(header)) return false;
	const given = Buffer.from(header.slice(7), 'base64');
	const expected = createHmac('sha256', consumerSecret).update(message).digest();
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/** X sends crc_tokens as base64 text (base64 of a UUID); 24..64 chars covers every seen form. */
const CRC_TOKEN_FORM = /^[A-Za-z0-9+/_-]{8,128}={0,2}$/;

/**
 * Whether a crc_token has the form X sends. Answering arbitrary tokens would make the CRC
 * endpoint a signing oracle (the CRC answer and event signatures share key and algorithm).
 * A JSON event body always starts with `{` and cannot pass this check.
 */
export function isPlausibleCrcToken(token: unknown): token is string {
	return typeof token === 'string' && token.length <= 130 && CRC_TOKEN_FORM.test(token);
}
