/**
 * The receiving path as n8n calls it (webhook() with a request and a response): CRC answered
 * whatever its headers, one canonical signature form, 400 with a reason for signed non-events,
 * state freed on deactivation.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crcResponse, signWebhookPayload } from '../../client/webhook-signature';
import { XAccountActivityTrigger } from '../../nodes/XAccountActivityTrigger/XAccountActivityTrigger.node';
import { deliveryStateCount, resetDeliveryState } from '../../nodes/XAccountActivityTrigger/delivery-handler';
import { clearSecretCache, secretCacheSize } from '../../nodes/XAccountActivityTrigger/secret-cache';
import { FakeNode, type FakeRequest } from './helpers/webhook-context';

const SECRET = 'dummy-consumer-secret-0123456789';
const TOKEN = Buffer.from('9f8846f8-49c0-4466-ba0d-a187441368ab').toString('base64');
const MENTION = readFileSync(path.resolve(__dirname, '../fixtures/events/aaa/tweet_create_events.json'));

beforeEach(() => {
	clearSecretCache();
	resetDeliveryState();
});

async function send(node: FakeNode, req: FakeRequest) {
	const { ctx, response } = node.webhook(req);
	const result = await new XAccountActivityTrigger().webhook.call(ctx);
	return { result, response };
}

const post = (body: Buffer, signature: string | string[] | undefined): FakeRequest => ({
	method: 'POST',
	headers: signature === undefined ? {} : { 'x-twitter-webhooks-signature': signature },
	rawBody: body,
});

describe('CRC GET', () => {
	test.each<[string, Record<string, string>]>([
		['without a signature header', {}],
		['with a signature header that does not verify', { 'x-twitter-webhooks-signature': 'sha256=AAAA' }],
		['with a valid-looking signature of something else', { 'x-twitter-webhooks-signature': signWebhookPayload('other', 'x') }],
	])('a well-formed token is answered %s', async (_, headers) => {
		const node = new FakeNode({ secret: SECRET });
		const { response } = await send(node, { method: 'GET', headers, query: { crc_token: TOKEN, nonce: 'MTQ4' } });
		expect(response.status).toBe(200);
		expect(response.body).toEqual(crcResponse(SECRET, TOKEN));
	});

	test.each([['missing', undefined], ['a JSON body', '{"for_user_id":"1"}'], ['too long', 'a'.repeat(200)], ['an array', ['a', 'b']]])(
		'a token that is %s is refused with 400 and signs nothing',
		async (_, token) => {
			const node = new FakeNode({ secret: SECRET });
			const { response } = await send(node, { method: 'GET', query: token === undefined ? {} : { crc_token: token } });
			expect(response.status).toBe(400);
			expect(JSON.stringify(response.body)).not.toContain('sha256=');
			expect(node.reads).toBe(0);
		},
	);
});

describe('POST signature: one canonical form (sha256= + 44 base64 characters)', () => {
	// a body whose MAC holds a + or a /, so its base64url spelling differs
	let body = MENTION;
	while (!/[+/]/.test(signWebhookPayload(SECRET, body))) body = Buffer.concat([body, Buffer.from(' ')]);
	const good = signWebhookPayload(SECRET, body);
	const b64 = good.slice(7);

	test('the canonical form verifies and yields items', async () => {
		const node = new FakeNode({ secret: SECRET });
		const { result } = await send(node, post(body, good));
		expect(result.workflowData?.[0].map((i) => i.json.activity)).toEqual(['mention']);
	});

	test.each<[string, string | string[]]>([
		['trailing text after the padding', good + 'junk'],
		['a trailing space', good + ' '],
		['a space inside', 'sha256=' + b64.slice(0, 10) + ' ' + b64.slice(10)],
		['junk characters inside', 'sha256=' + b64.slice(0, 10) + '!!' + b64.slice(10)],
		['base64url', 'sha256=' + b64.replace(/\+/g, '-').replace(/\//g, '_')],
		['missing padding', good.slice(0, -1)],
		['two joined headers', good + ', ' + good],
		['two headers as an array', [good, good]],
		['upper-case prefix', 'SHA256=' + b64],
		['no prefix', b64],
		['sha1', 'sha1=' + b64],
		['empty', ''],
	])('%s → 401 before any credential read', async (_, signature) => {
		const node = new FakeNode({ secret: SECRET });
		const { response, result } = await send(node, post(body, signature));
		expect(response.status).toBe(401);
		expect(result.workflowData).toBeUndefined();
		expect(node.reads).toBe(0);
	});

	test('unsigned → 401', async () => {
		const node = new FakeNode({ secret: SECRET });
		expect((await send(node, post(MENTION, undefined))).response.status).toBe(401);
	});

	test('a wrong MAC in the canonical form → 401 after one HMAC', async () => {
		const node = new FakeNode({ secret: SECRET });
		const { response } = await send(node, post(MENTION, signWebhookPayload('not-the-secret', MENTION)));
		expect(response.status).toBe(401);
	});

	test('a rotated secret is accepted on the first delivery signed with it', async () => {
		let secret = SECRET;
		const node = new FakeNode({ secret: () => secret });
		await send(node, post(body, good));
		secret = 'dummy-rotated-secret-0123456789';
		await new Promise((r) => setTimeout(r, 1_050)); // the re-read budget: once a second
		const dm = readFileSync(path.resolve(__dirname, '../fixtures/events/aaa/direct_message_events.json'));
		const { result, response } = await send(node, post(dm, signWebhookPayload(secret, dm)));
		expect(response.status).toBeUndefined();
		expect(result.workflowData?.[0].map((i) => i.json.activity)).toEqual(['dm_received']);
	});
});

describe('signed bodies that are not events', () => {
	test.each([
		['not JSON', '{"for_user_id":'],
		['a JSON array', '[1,2]'],
		['an id-less event nested 10,000 deep', `{"for_user_id":"1","tweet_create_events":[${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}]}`],
	])('%s → 400 with a reason', async (_, text) => {
		const body = Buffer.from(text);
		const node = new FakeNode({ secret: SECRET });
		const { response } = await send(node, post(body, signWebhookPayload(SECRET, body)));
		expect(response.status).toBe(400);
		expect((response.body as { error: string }).error).toMatch(/\w+/);
	});
});

describe('deactivation frees the dedupe memory and the cached secret', () => {
	test('webhookMethods.default.delete releases this node, and only it', async () => {
		const a = new FakeNode({ secret: SECRET, workflowId: 'wf-a', credentialId: 'cred-a' });
		const b = new FakeNode({ secret: SECRET, workflowId: 'wf-b', credentialId: 'cred-b' });
		await send(a, post(MENTION, signWebhookPayload(SECRET, MENTION)));
		await send(b, post(MENTION, signWebhookPayload(SECRET, MENTION)));
		expect(deliveryStateCount()).toBe(2);
		expect(secretCacheSize()).toBe(2);
		const trigger = new XAccountActivityTrigger();
		await trigger.webhookMethods.default.delete.call(a.hook());
		expect(deliveryStateCount()).toBe(1);
		expect(secretCacheSize()).toBe(1);
		// b still remembers its event
		const again = await send(b, post(MENTION, signWebhookPayload(SECRET, MENTION)));
		expect(again.result.webhookResponse).toEqual({ accepted: 0 });
	});
});
