/**
 * Failures of the X Account Activity node against the X simulator: a wrong user token among
 * several items (continueOnFail), unknown webhooks, rate limits with short and long resets, and
 * a scan that no secret reaches an output item or an error.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ApiFlavour } from '../../client/types';
import { XAccountActivity } from '../../nodes/XAccountActivity/XAccountActivity.node';
import { startSimulator, type Simulator } from '../../simulator';
import { recorded, runNode, runNodeError } from './harness';
import { startReceiver, type Receiver } from './receiver';
import { allSecrets, credentialsFor, userItems, userTokenParams } from './setup';

const node = new XAccountActivity();
/** A token secret X does not know (the test looks for it in every output and error). */
const WRONG_VALUE = 'not-the-right-one-0123456789';
const sims: Simulator[] = [];

async function sim(config: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
	const s = await startSimulator(config);
	sims.push(s);
	return s;
}

afterAll(async () => {
	await Promise.all(sims.map((s) => s.stop()));
});

describe.each<ApiFlavour>(['enterprise', 'premium', 'v2'])('errors on %s', (flavour) => {
	let s: Simulator;
	let receiver: Receiver;
	let webhookId = '';

	beforeAll(async () => {
		s = await sim();
		receiver = await startReceiver(s.app.consumerSecret);
		const out = await runNode(node, {
			credentials: credentialsFor(s, flavour),
			params: { resource: 'webhook', operation: 'register', url: receiver.url() },
		});
		webhookId = out[0].json.webhook_id as string;
	});

	afterAll(async () => {
		await receiver?.stop();
	});

	/** Three users; the middle one's token secret is wrong (X: 401, v1.1 code 32). */
	const itemsWithOneBadToken = (): IDataObject[] => {
		const items = userItems(s).slice(0, 3);
		items[1] = { ...items[1], access_token_secret: WRONG_VALUE };
		return items;
	};
	const subscribeParams = () => ({
		resource: 'subscription',
		operation: 'subscribe',
		webhookId: flavour === 'premium' ? '' : webhookId,
		...userTokenParams,
	});

	it('continueOnFail: the item with a wrong token becomes an error item, the others succeed', async () => {
		const items = itemsWithOneBadToken();
		const out = await runNode(node, {
			credentials: credentialsFor(s, flavour),
			items,
			continueOnFail: true,
			params: subscribeParams(),
		});
		expect(out).toHaveLength(3);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json).toMatchObject({ user_id: items[0].user_id, subscribed: true });
		expect(out[2].json).toMatchObject({ user_id: items[2].user_id, subscribed: true });
		const bad = out[1].json;
		expect(bad.subscribed).toBeUndefined();
		expect(bad.status).toBe(401);
		expect(bad.error).toMatch(/subscribe user failed: X answered 401/);
		expect(bad.hint).toMatch(/could not authenticate/);
		if (flavour !== 'v2') {
			expect(bad.code).toBe(32);
			expect(bad.error).toMatch(/\(code 32\)/);
		}
		expect(JSON.stringify(bad)).not.toContain(WRONG_VALUE);
		const subscribed = s.subscriptions(flavour === 'premium' ? s.app.environment : webhookId);
		expect(subscribed).toContain(items[0].user_id);
		expect(subscribed).not.toContain(items[1].user_id);
	});

	it('without continueOnFail: a NodeApiError with the X code, message, hint and item index', async () => {
		const err = await runNodeError(node, {
			credentials: credentialsFor(s, flavour),
			items: itemsWithOneBadToken(),
			params: subscribeParams(),
		});
		expect(err.constructor.name).toBe('NodeApiError');
		expect(err.httpCode).toBe('401');
		expect((err.context as IDataObject).itemIndex).toBe(1);
		expect(err.description).toMatch(/could not authenticate/i);
		const response = err.errorResponse as IDataObject;
		expect(response.status).toBe(401);
		expect(typeof response.xMessage).toBe('string');
		if (flavour !== 'v2') expect(response.code).toBe(32);
		expect(JSON.stringify({ m: err.message, r: response })).not.toContain(WRONG_VALUE);
	});

	it('an unknown webhook: X\'s "does not exist" with the hint', async () => {
		const err = await runNodeError(node, {
			credentials: credentialsFor(s, flavour),
			params: { resource: 'webhook', operation: 'triggerCrc', webhookId: '1111111111111111111' },
		});
		expect(err.constructor.name).toBe('NodeApiError');
		expect(err.description).toMatch(/does not exist or belongs to another app/);
		if (flavour === 'v2') {
			expect((err.errorResponse as IDataObject).reason).toBe('WebhookIdInvalid');
		} else {
			expect(err.httpCode).toBe('404');
			expect(err.message).toMatch(/404 \(code 34\)/);
		}
	});
});

describe('rate limits', () => {
	it('waits for a short reset and succeeds', async () => {
		const s = await sim({
			rateLimitWindowSeconds: 2,
			rateLimits: { 'enterprise.subscriptions.count': 1 },
		});
		const started = Date.now();
		const out = await runNode(node, {
			credentials: credentialsFor(s, 'enterprise'),
			items: [{}, {}],
			params: { resource: 'subscription', operation: 'count' },
		});
		expect(out).toHaveLength(2);
		expect(out.every((o) => o.json.subscriptions_count_all === '0')).toBe(true);
		expect(s.stats.rateLimited).toBeGreaterThanOrEqual(1);
		expect(Date.now() - started).toBeGreaterThan(500);
	});

	it('fails at once with the reset time in the message when the reset is far', async () => {
		const s = await sim({ rateLimits: { 'enterprise.subscriptions.count': 1 } });
		const started = Date.now();
		const err = await runNodeError(node, {
			credentials: credentialsFor(s, 'enterprise'),
			items: [{}, {}],
			params: { resource: 'subscription', operation: 'count' },
		});
		expect(Date.now() - started).toBeLessThan(5_000);
		expect(err.constructor.name).toBe('NodeApiError');
		expect(err.httpCode).toBe('429');
		expect((err.context as IDataObject).itemIndex).toBe(1);
		const reset = (err.errorResponse as IDataObject).rateLimitReset as number;
		expect(reset).toBeGreaterThan(Date.now() / 1000 + 60);
		expect(err.message).toContain(`resets at ${new Date(reset * 1000).toISOString()}`);
		expect(err.message).toMatch(/code 88/);

		// continueOnFail: the error item says the same
		const out = await runNode(node, {
			credentials: credentialsFor(s, 'enterprise'),
			continueOnFail: true,
			params: { resource: 'subscription', operation: 'count' },
		});
		expect(out[0].json.error).toMatch(/rate-limit window resets at \d{4}-\d{2}-\d{2}T/);
		expect(out[0].json).toMatchObject({ status: 429, code: 88 });
	});

	it('v2: the reset time is stated too', async () => {
		const s = await sim({ rateLimits: { 'v2.subscriptions.count': 1 } });
		const err = await runNodeError(node, {
			credentials: credentialsFor(s, 'v2'),
			items: [{}, {}],
			params: { resource: 'subscription', operation: 'count' },
		});
		expect(err.httpCode).toBe('429');
		expect(err.message).toMatch(/rate-limit window resets at \d{4}-\d{2}-\d{2}T/);
	});
});

describe('credential problems', () => {
	it('premium without an environment name fails before any request', async () => {
		const s = await sim();
		const before = s.requestLog.length;
		const err = await runNodeError(node, {
			credentials: { ...credentialsFor(s, 'premium'), environment: '' },
			params: { resource: 'subscription', operation: 'count' },
		});
		expect(err.message).toMatch(/environment name/);
		expect(s.requestLog.length).toBe(before);
	});

	it('a wrong consumer secret: 401 without the secret anywhere', async () => {
		const s = await sim();
		const wrong = 'wrong-consumer-secret-abcdefghijklmnop';
		const out = await runNode(node, {
			credentials: { ...credentialsFor(s, 'enterprise'), consumerSecret: wrong },
			continueOnFail: true,
			params: { resource: 'webhook', operation: 'register', url: 'http://127.0.0.1:9/x' },
		});
		expect(out[0].json.status).toBe(401);
		expect(JSON.stringify(out)).not.toContain(wrong);
	});
});

describe('no answer from X', () => {
	it('names the operation and the host, not a generic text', async () => {
		const s = await sim();
		const port = s.port;
		await s.stop(); // nothing listens there any more
		const err = await runNodeError(node, {
			credentials: credentialsFor(s, 'enterprise'),
			params: { resource: 'subscription', operation: 'count' },
		});
		expect(err.constructor.name).toBe('NodeApiError');
		expect(err.message).toMatch(/count subscriptions failed: no answer from X/);
		expect(err.message).toContain(`127.0.0.1:${port}`);
	}, 30_000);
});

it('never put a secret in an output item or an error', () => {
	const text = recorded.join('\n');
	expect(text.length).toBeGreaterThan(0);
	for (const s of sims) for (const secret of allSecrets(s)) expect(text).not.toContain(secret);
	expect(text).not.toContain(WRONG_VALUE);
});
