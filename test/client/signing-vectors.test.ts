/**
 * X's published vectors (copied from the shared reference into test/fixtures): the OAuth 1.0a
 * "Creating a signature" example and the webhook HMAC-SHA256 values.
 */
import vectors from '../fixtures/oauth1-vectors.json';
import { createOAuth1, oauth1Header, percentEncode } from '../../client/oauth1';
import { crcResponse, isPlausibleCrcToken, signWebhookPayload, verifyWebhookSignature } from '../../client/webhook-signature';

describe('OAuth 1.0a HMAC-SHA1', () => {
	it.each(vectors.hmac_sha1_vectors.map((v) => [v.name, v] as const))('reproduces %s exactly', (_name, v) => {
		const params = Object.fromEntries(v.params);
		const oauth = createOAuth1(
			{ consumerKey: params.oauth_consumer_key, consumerSecret: v.consumer_secret },
			{ nonce: params.oauth_nonce, timestamp: Number(params.oauth_timestamp) },
		);
		const request = { url: `${v.base_url}?include_entities=true`, method: v.method, data: { status: params.status } };
		const data = oauth.authorize(request, { key: params.oauth_token, secret: v.token_secret });
		const unsigned = { ...data } as Partial<typeof data>;
		delete unsigned.oauth_signature;
		expect(oauth.getParameterString(request, unsigned as typeof data)).toBe(v.expected_parameter_string);
		expect(oauth.getBaseString(request, unsigned as typeof data)).toBe(v.expected_signature_base_string);
		expect(oauth.getSigningKey(v.token_secret)).toBe(v.expected_signing_key);
		expect(data.oauth_signature).toBe(v.expected_signature);
		// and the header the client sends carries it percent-encoded
		const header = oauth1Header(oauth, { method: v.method, url: request.url, form: request.data }, {
			token: params.oauth_token,
			secret: v.token_secret,
		});
		expect(header).toContain(`oauth_signature="${v.expected_signature_percent_encoded}"`);
	});

	it.each(vectors.percent_encoding.cases)('percent-encodes %j as %s', (input, expected) => {
		expect(percentEncode(input)).toBe(expected);
	});
});

describe('webhook HMAC-SHA256', () => {
	const verifiable = vectors.webhook_vectors.vectors.filter((v) => v.verified_by_recomputation);

	it.each(verifiable.map((v) => [v.what, v] as const))('%s', (_what, v) => {
		const message = 'body' in v && v.body !== undefined ? v.body : (v as { message: string }).message;
		expect(signWebhookPayload(v.consumer_secret, message)).toBe(v.expected_header);
		expect(verifyWebhookSignature(v.consumer_secret, Buffer.from(message), v.expected_header)).toBe(true);
	});

	it('rejects a signature over a body with one byte changed, a wrong secret, and malformed headers', () => {
		const body = '{"for_user_id":"930524282358325248","tweet_delete_events":[]}';
		const good = signWebhookPayload('secret', body);
		expect(verifyWebhookSignature('secret', body, good)).toBe(true);
		expect(verifyWebhookSignature('secret', body.replace('93', '94'), good)).toBe(false);
		expect(verifyWebhookSignature('other', body, good)).toBe(false);
		expect(verifyWebhookSignature('secret', body, undefined)).toBe(false);
		expect(verifyWebhookSignature('secret', body, good.slice(7))).toBe(false);
		expect(verifyWebhookSignature('secret', body, 'sha256=')).toBe(false);
		expect(verifyWebhookSignature('secret', body, [good, good])).toBe(false);
	});

	it('builds the CRC answer X expects', () => {
		const v = vectors.webhook_vectors.vectors.find((x) => x.expected_response_body)!;
		expect(JSON.stringify(crcResponse(v.consumer_secret, (v as { message: string }).message))).toBe(v.expected_response_body);
	});

	it('only treats base64 text of bounded length as a CRC token', () => {
		expect(isPlausibleCrcToken('OWY4ODQ2ZjgtNDljMC00NDY2LWJhMGQtYTE4NzQ0MTM2OGFi')).toBe(true);
		expect(isPlausibleCrcToken('{"for_user_id":"1","tweet_create_events":[]}')).toBe(false);
		expect(isPlausibleCrcToken('a'.repeat(200))).toBe(false);
		expect(isPlausibleCrcToken('')).toBe(false);
		expect(isPlausibleCrcToken('abc def==')).toBe(false);
		expect(isPlausibleCrcToken(undefined)).toBe(false);
	});
});
