/** The one secret scrubber (client/scrub.ts): every form of a secret, echoed credentials, readable text otherwise. */
import { scrubText, scrubValue, secretForms } from '../../client/scrub';

const CONSUMER_KEY = 'ck-dummy-Key+/=1234567890';
const ALL_SECRETS = ['cs/Secret+Value=é"\\&%25-abcdefghij0123', 'ats/Secret"Value+é=0987654321xyz', 'CredBearerTok%2FBearer%3DToken+xyz0123456789'];

const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const b64 = (s: string) => Buffer.from(s).toString('base64');

function forms(secret: string): Record<string, string> {
	return {
		raw: secret,
		base64: b64(secret),
		base64url: Buffer.from(secret).toString('base64url'),
		'base64(key:secret)': b64(`${CONSUMER_KEY}:${secret}`),
		'base64(pct(key):pct(secret))': b64(`${rfc3986(CONSUMER_KEY)}:${rfc3986(secret)}`),
		percent: encodeURIComponent(secret),
		'percent (RFC 3986)': rfc3986(secret),
		'percent, lower-case hex': encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
		'JSON-escaped': JSON.stringify(secret).slice(1, -1),
		'JSON-escaped, ASCII only': JSON.stringify(secret).slice(1, -1).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')),
	};
}

function leaks(text: string, secrets: string[]): string[] {
	const found: string[] = [];
	for (const s of secrets) for (const [form, f] of Object.entries(forms(s))) if (text.includes(f)) found.push(`${form} of ${s.slice(0, 6)}…`);
	return found;
}

describe('the scrubber', () => {
	test('removes every form of each secret, and echoed credentials whatever their value', () => {
		for (const s of ALL_SECRETS) {
			const dirty = Object.values(forms(s)).join(' and ');
			expect(leaks(scrubText(dirty, [s]), [s])).toEqual([]);
		}
		expect(scrubText('Authorization: OAuth oauth_consumer_key="k", oauth_signature="abc%2Bdef"', [])).not.toContain('abc%2Bdef');
		expect(scrubText('"authorization":"Basic dGhpcy1pcy1ub3QtYS1rbm93bi1zZWNyZXQ="', [])).not.toContain('dGhpcy1pcy1ub3Qt');
		expect(scrubText('sent Bearer AAAAAAAAAAAAAAAAAAAAAunknownTokenValue123', [])).not.toContain('unknownTokenValue');
		expect(scrubText('GET /x?oauth_signature=zz%3D&a=1', [])).toBe('GET /x?oauth_signature=***&a=1');
	});

	test('keeps ordinary text readable', () => {
		expect(scrubText('register webhook failed: X answered 403 (code 200): Forbidden.', ['a-secret-value'])).toBe(
			'register webhook failed: X answered 403 (code 200): Forbidden.',
		);
		expect(scrubText('a SECRET1 b', ['SECRET1', ''])).toBe('a *** b');
	});

	test('a secret embedded in longer base64 at any alignment is removed', () => {
		const secret = 'dummy-alignment-secret-42';
		for (const prefix of ['', 'a', 'ab', 'abc', 'abcd']) {
			const encoded = b64(prefix + secret + 'tail');
			const out = scrubText(encoded, [secret]);
			expect(out).toContain('***');
			expect(out.length).toBeLessThan(encoded.length);
		}
		expect(secretForms(secret)).toContain(secret);
	});

	test('scrubValue copies deeply and keeps a __proto__ key as data', () => {
		const v = JSON.parse('{"__proto__":{"polluted":"x SECRET1"},"a":["x SECRET1"]}') as Record<string, unknown>;
		const out = scrubValue(v, ['SECRET1']) as Record<string, unknown>;
		expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":"x ***"},"a":["x ***"]}');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});
