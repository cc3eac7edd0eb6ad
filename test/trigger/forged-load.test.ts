/**
 * Forged traffic costs one HMAC (benchmark-style: prints the figure). 500 concurrent POSTs with
 * a well-formed but wrong signature, against a credential whose read takes a few milliseconds
 * (n8n: a database read and a decryption), must cause at most 2 credential reads: the first
 * load and at most one forced re-read, all concurrent requests sharing them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { signWebhookPayload } from '../../client/webhook-signature';
import { XAccountActivityTrigger } from '../../nodes/XAccountActivityTrigger/XAccountActivityTrigger.node';
import { resetDeliveryState } from '../../nodes/XAccountActivityTrigger/delivery-handler';
import { clearSecretCache } from '../../nodes/XAccountActivityTrigger/secret-cache';
import { FakeNode } from './helpers/webhook-context';

const BODY = readFileSync(path.resolve(__dirname, '../fixtures/events/aaa/tweet_create_events.json'));
const FORGED = 500;

beforeEach(() => {
	clearSecretCache();
	resetDeliveryState();
});

async function fire(node: FakeNode, count: number, signature: () => string): Promise<number[]> {
	const trigger = new XAccountActivityTrigger();
	return await Promise.all(
		Array.from({ length: count }, async () => {
			const { ctx, response } = node.webhook({ method: 'POST', headers: { 'x-twitter-webhooks-signature': signature() }, rawBody: BODY });
			await trigger.webhook.call(ctx);
			return response.status ?? 200;
		}),
	);
}

test(`${FORGED} concurrent forged POSTs cause at most 2 credential reads, all refused with 401`, async () => {
	const node = new FakeNode({ secret: 'dummy-real-consumer-secret-0123456789', readDelayMs: 5 });
	let n = 0;
	const statuses = await fire(node, FORGED, () => signWebhookPayload('forger-' + n++, BODY));
	console.log(`forged load: ${node.reads} credential read(s) for ${FORGED} concurrent forged POSTs`);
	expect(statuses.every((s) => s === 401)).toBe(true);
	expect(node.reads).toBeLessThanOrEqual(2);
});

test('a second wave a second later costs at most one more read', async () => {
	const node = new FakeNode({ secret: 'dummy-real-consumer-secret-0123456789', readDelayMs: 5 });
	await fire(node, FORGED, () => signWebhookPayload('forger', BODY));
	const first = node.reads;
	await new Promise((r) => setTimeout(r, 1_050));
	await fire(node, FORGED, () => signWebhookPayload('forger', BODY));
	expect(node.reads - first).toBeLessThanOrEqual(1);
});

test('genuine deliveries arriving with forged ones are still accepted', async () => {
	const secret = 'dummy-real-consumer-secret-0123456789';
	const node = new FakeNode({ secret, readDelayMs: 5 });
	const statuses = await fire(node, 100, () => signWebhookPayload('forger', BODY));
	const trigger = new XAccountActivityTrigger();
	const { ctx, response } = node.webhook({ method: 'POST', headers: { 'x-twitter-webhooks-signature': signWebhookPayload(secret, BODY) }, rawBody: BODY });
	const result = await trigger.webhook.call(ctx);
	expect(statuses.every((s) => s === 401)).toBe(true);
	expect(response.status).toBeUndefined();
	expect(result.workflowData?.[0]).toHaveLength(1);
});
