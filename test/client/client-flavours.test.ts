/**
 * Every client operation for every flavour against the simulator over real HTTP on 127.0.0.1.
 */
import { XClient } from '../../client/x-client';
import { XApiError } from '../../client/errors';
import type { ApiFlavour } from '../../client/types';
import { startSimulator, type Simulator } from '../../simulator';
import { simAppCredentials, startReceiver, type Receiver } from '../simulator/helpers';

const flavours: ApiFlavour[] = ['enterprise', 'premium', 'v2'];

const appCreds = simAppCredentials;

const fast = { retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 2000 };

describe.each(flavours)('%s flavour', (flavour) => {
	let sim: Simulator;
	let receiver: Receiver;
	let client: XClient;

	beforeAll(async () => {
		sim = await startSimulator();
		receiver = await startReceiver(sim.app.consumerSecret);
		client = new XClient(appCreds(sim, flavour), fast); // no bearer given: fetched with /oauth2/token
	});
	afterAll(async () => {
		await sim.stop();
		await receiver.close();
	});

	it('walks the whole webhook and subscription lifecycle with normalised shapes', async () => {
		const me = await client.verifyCredentials();
		expect(me.userId).toBe(sim.app.ownerUserId);

		const hook = await client.registerWebhook(receiver.url);
		expect(hook).toMatchObject({ url: receiver.url, valid: true });
		expect(typeof hook.id).toBe('string');
		expect(hook.id.length).toBeGreaterThan(15); // 64-bit ids stay strings
		expect(receiver.crcs().length).toBeGreaterThanOrEqual(1); // a real CRC round trip

		const listed = await client.listWebhooks();
		expect(listed.map((w) => w.id)).toContain(hook.id);
		expect(await client.triggerCrc(hook.id)).toEqual({ valid: true });

		const user = sim.users().find((u) => u.id !== sim.app.ownerUserId)!;
		const token = { token: user.token, secret: user.secret };
		expect(await client.subscribe({ webhookId: hook.id })).toEqual({ subscribed: true, alreadySubscribed: false });
		expect(await client.subscribe({ webhookId: hook.id, user: token })).toEqual({ subscribed: true, alreadySubscribed: false });
		expect(await client.subscribe({ webhookId: hook.id, user: token })).toEqual({ subscribed: true, alreadySubscribed: true });
		expect(await client.checkSubscription({ webhookId: hook.id, user: token })).toEqual({ subscribed: true });

		const subs = await client.listSubscriptions({ webhookId: hook.id });
		expect(subs.userIds.sort()).toEqual([sim.app.ownerUserId, user.id].sort());
		const count = await client.countSubscriptions();
		expect(count.all).toBe('2');

		expect(await client.unsubscribe({ webhookId: hook.id, userId: user.id })).toEqual({ subscribed: false });
		expect(await client.checkSubscription({ webhookId: hook.id, user: token })).toEqual({ subscribed: false });
		if (flavour !== 'v2') {
			await client.unsubscribeUserContext({ webhookId: hook.id });
			expect(sim.subscriptions(flavour === 'premium' ? sim.app.environment : hook.id)).toEqual([]);
		} else {
			await expect(client.unsubscribeUserContext({ webhookId: hook.id })).rejects.toThrow(/not available on the v2/);
		}

		expect(await client.deleteWebhook(hook.id)).toEqual({ deleted: true });
		expect((await client.listWebhooks()).map((w) => w.id)).not.toContain(hook.id);
	});

	it('starts a replay job where the flavour has replay, and reports a running job clearly', async () => {
		const hook = await client.registerWebhook(receiver.url + '/replay');
		const from = new Date(Date.now() - 3 * 3600_000);
		const to = new Date(Date.now() - 2 * 3600_000);
		if (flavour === 'premium') {
			await expect(client.startReplay({ webhookId: hook.id, from, to })).rejects.toThrow(/not available on the premium/);
		} else {
			const job = await client.startReplay({ webhookId: hook.id, from, to });
			expect(job.jobId).toMatch(/^\d+$/);
			const second = client.startReplay({ webhookId: hook.id, from, to });
			await expect(second).rejects.toMatchObject({ retryable: false });
			const err = (await second.catch((e: unknown) => e)) as XApiError;
			expect(err.hint).toMatch(/replay job is already running/);
			if (flavour === 'enterprise') expect(err).toMatchObject({ status: 409, code: 355 });
			else expect(err.reason).toBe('ReplayConflictError');
		}
		await client.deleteWebhook(hook.id);
	});

	it('maps X errors to typed errors with status, code, endpoint and a hint, without secrets', async () => {
		// 404 / unknown webhook
		const unknown = await client.triggerCrc('1460000000000009999').catch((e: unknown) => e);
		expect(unknown).toBeInstanceOf(XApiError);
		expect((unknown as XApiError).hint).toMatch(/does not exist/);
		expect((unknown as XApiError).endpoint).toMatch(/^PUT \/.*webhooks\/:webhook_id/);

		// 401 code 32: a token secret one byte off
		const bad = new XClient(appCreds(sim, flavour, { accessTokenSecret: sim.app.accessTokenSecret + 'x' }), fast);
		const e32 = (await bad.verifyCredentials().catch((e: unknown) => e)) as XApiError;
		if (flavour === 'v2') expect(e32).toMatchObject({ status: 401, retryable: false }); // v2: a problem body, no code
		else {
			expect(e32).toMatchObject({ status: 401, code: 32, retryable: false });
			expect(e32.message).toMatch(/verify credentials failed: X answered 401 \(code 32\)/);
		}
		expect(e32.hint).toMatch(/could not authenticate/);

		// 214 on registration: the receiver answers the CRC with a wrong token
		const wrong = await startReceiver(sim.app.consumerSecret, 'wrong-token');
		try {
			const e214 = (await client.registerWebhook(wrong.url).catch((e: unknown) => e)) as XApiError;
			expect(e214.status).toBe(400);
			if (flavour === 'v2') expect(e214.reason).toBe('CrcValidationFailed');
			else expect(e214.code).toBe(214);
			expect(e214.message).toMatch(/X could not validate your webhook: the CRC answer was wrong, slow or not 200/);
		} finally {
			await wrong.close();
		}

		for (const e of [unknown as XApiError, e32]) {
			const text = JSON.stringify(e.toJSON()) + e.message + String(e.stack);
			for (const secret of [sim.app.consumerSecret, sim.app.accessTokenSecret, sim.app.bearerToken]) {
				expect(text).not.toContain(secret);
			}
		}
	});
});


describe('error paths shared by every flavour', () => {
	let sim: Simulator;
	let receiver: Receiver;
	beforeAll(async () => {
		sim = await startSimulator({ rateLimitWindowSeconds: 2, rateLimits: { 'enterprise.subscriptions.count': 2 } });
		receiver = await startReceiver(sim.app.consumerSecret);
	});
	afterAll(async () => {
		await sim.stop();
		await receiver.close();
	});

	it('revoked user: 401 code 89 with a re-authorise hint', async () => {
		const user = sim.addUser({ id: '1460000000000000777', screenName: 'gone', token: '777-tok', secret: 'sec777' });
		const client = new XClient(appCreds(sim, 'enterprise', { bearerToken: sim.app.bearerToken }), fast);
		const hook = await client.registerWebhook(receiver.url + '/89');
		sim.revokeUser(user.id);
		const e = (await client.subscribe({ webhookId: hook.id, user: { token: user.token, secret: user.secret } }).catch((x: unknown) => x)) as XApiError;
		expect(e).toMatchObject({ status: 401, code: 89 });
		expect(e.isAuthFailure).toBe(true);
		expect(e.hint).toMatch(/authorise the app again/);
	});

	it('403 code 348 for a user the app may not manage, 403 code 200 for a wrong premium environment', async () => {
		const user = sim.addUser({ id: '1460000000000000348', screenName: 'nope', token: '348-tok', secret: 'sec348', forbidden: true });
		const client = new XClient(appCreds(sim, 'enterprise', { bearerToken: sim.app.bearerToken }), fast);
		const hook = await client.registerWebhook(receiver.url + '/348');
		const e348 = (await client.subscribe({ webhookId: hook.id, user: { token: user.token, secret: user.secret } }).catch((x: unknown) => x)) as XApiError;
		expect(e348).toMatchObject({ status: 403, code: 348 });
		const premium = new XClient(appCreds(sim, 'premium', { environment: sim.app.environment.toUpperCase(), bearerToken: sim.app.bearerToken }), fast);
		const e200 = (await premium.listWebhooks().catch((x: unknown) => x)) as XApiError;
		expect(e200).toMatchObject({ status: 403, code: 200 });
		expect(e200.hint).toMatch(/environment name is wrong/);
	});

	it('429 code 88: waits for a short reset and succeeds; fails with the reset time when the wait is too long', async () => {
		sim.resetRateLimits();
		const waiting = new XClient(appCreds(sim, 'enterprise', { bearerToken: sim.app.bearerToken }), { ...fast, maxRateLimitWaitMs: 5000 });
		const started = Date.now();
		for (let i = 0; i < 3; i++) await waiting.countSubscriptions(); // limit 2 per 2 s window
		expect(Date.now() - started).toBeGreaterThan(200);
		expect(sim.stats.rateLimited).toBeGreaterThanOrEqual(1);
		expect(waiting.rateLimits.get('GET /1.1/account_activity/subscriptions/count.json')).toMatchObject({ limit: 2 });

		sim.resetRateLimits();
		const impatient = new XClient(appCreds(sim, 'enterprise', { bearerToken: sim.app.bearerToken }), { ...fast, maxRateLimitWaitMs: 0 });
		await impatient.countSubscriptions();
		await impatient.countSubscriptions();
		const e = (await impatient.countSubscriptions().catch((x: unknown) => x)) as XApiError;
		expect(e).toMatchObject({ status: 429, code: 88, retryable: true });
		expect(e.rateLimitReset).toBeGreaterThan(Date.now() / 1000 - 1);
		expect(e.message).toMatch(/rate-limit window resets at \d{4}-\d\d-\d\dT/);
	});

	it('retries 5xx on safe operations and gives up after the cap', async () => {
		const client = new XClient(appCreds(sim, 'enterprise', { bearerToken: sim.app.bearerToken }), fast);
		sim.failNext(2, { status: 503, pathPattern: 'webhooks\\.json' });
		expect(Array.isArray(await client.listWebhooks())).toBe(true);
		sim.failNext(4, { status: 500, pathPattern: 'webhooks\\.json' }); // the first try and all 3 retries
		const e = (await client.listWebhooks().catch((x: unknown) => x)) as XApiError;
		expect(e).toMatchObject({ status: 500, retryable: true });
		expect(Array.isArray(await client.listWebhooks())).toBe(true);
	});

	it('times out a request X never answers, and retries it when safe', async () => {
		const client = new XClient(appCreds(sim, 'enterprise', { bearerToken: sim.app.bearerToken }), { ...fast, timeoutMs: 300 });
		sim.hangNext(1, { pathPattern: 'webhooks\\.json' });
		expect(Array.isArray(await client.listWebhooks())).toBe(true); // second attempt answers
		const once = new XClient(appCreds(sim, 'enterprise', { bearerToken: sim.app.bearerToken }), { timeoutMs: 300, retry: { retries: 0 } });
		sim.hangNext(1, { pathPattern: 'webhooks\\.json' });
		const e = (await once.listWebhooks().catch((x: unknown) => x)) as XApiError;
		expect(e).toMatchObject({ status: 0, retryable: true });
		expect(e.message).toMatch(/timed out after 300 ms/);
	});

	it('refuses plain http for X hosts and bad base URLs before sending anything', () => {
		expect(() => new XClient({ ...appCreds(sim, 'enterprise'), baseUrl: 'http://api.x.com' })).toThrow(/must use https/);
		expect(() => new XClient({ ...appCreds(sim, 'enterprise'), baseUrl: 'ftp://example.com' })).toThrow(/must start with https/);
		expect(() => new XClient({ ...appCreds(sim, 'premium'), environment: '' })).toThrow(/environment name/);
	});
});
