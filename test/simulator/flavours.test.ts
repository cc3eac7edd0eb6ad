import { startSimulator, type Simulator } from '../../simulator';
import {
	bearer,
	errorsOf,
	ownerCreds,
	signed,
	startReceiver,
	userCreds,
	type Receiver,
} from './helpers';

const alice = '1603419180975409153';
const bob = '3001969357';
const v2msg = (res: { json: unknown }) =>
	(res.json as { errors: Array<{ message: string }> }).errors[0].message;

describe('response shapes per flavour', () => {
	let sim: Simulator;
	let rx: Receiver;
	beforeEach(async () => {
		sim = await startSimulator({
			environments: ['dev', 'Prod'],
			subscriptionLimit: { enterprise: 2, v2: 1 },
			users: [
				{ id: '2244994945', screenName: 'owner', token: 'owner-token', secret: 'owner-secret' },
				{ id: alice, screenName: 'alice', token: 'alice-token', secret: 'alice-secret' },
				{ id: bob, screenName: 'bob', token: 'bob-token', secret: 'bob-secret' },
				{
					id: '42',
					screenName: 'locked',
					token: 'locked-token',
					secret: 'locked-secret',
					forbidden: true,
				},
			],
		});
		rx = await startReceiver(sim.app.consumerSecret);
	});
	afterEach(async () => {
		await sim.stop();
		await rx.close();
	});

	it('enterprise v1.1', async () => {
		const E = '/1.1/account_activity';
		const reg = await signed(
			sim,
			'POST',
			`${E}/webhooks.json?url=${encodeURIComponent(rx.url)}`,
			ownerCreds(sim),
		);
		const id = (reg.json as { id: string }).id;
		const list = await bearer(sim, 'GET', `${E}/webhooks.json`);
		expect(list.json).toEqual([{ id, url: rx.url, valid: true, created_at: expect.any(String) }]);

		const sub = `${E}/webhooks/${id}/subscriptions/all.json`;
		const notYet = await signed(sim, 'GET', sub, userCreds(sim, alice));
		expect(notYet.status).toBe(404);
		expect(errorsOf(notYet)[0].code).toBe(34);
		const created = await signed(sim, 'POST', sub, userCreds(sim, alice));
		expect(created.status).toBe(204);
		expect(created.text).toBe('');
		expect((await signed(sim, 'GET', sub, userCreds(sim, alice))).status).toBe(204);
		const twice = await signed(sim, 'POST', sub, userCreds(sim, alice));
		expect(twice.status).toBe(409);
		expect(errorsOf(twice)[0]).toEqual({ code: 355, message: 'Subscription already exists.' });
		const forbidden = await signed(sim, 'POST', sub, userCreds(sim, '42'));
		expect(forbidden.status).toBe(403);
		expect(errorsOf(forbidden)[0].code).toBe(348);
		expect((await signed(sim, 'POST', sub, ownerCreds(sim))).status).toBe(204);
		const capped = await signed(sim, 'POST', sub, userCreds(sim, bob));
		expect(capped.status).toBe(403);
		expect(errorsOf(capped)[0]).toEqual({ code: 214, message: 'Too many subscriptions.' });

		const subs = await bearer(sim, 'GET', `${E}/webhooks/${id}/subscriptions/all/list.json`);
		expect(subs.json).toEqual({
			webhook_id: id,
			webhook_url: rx.url,
			application_id: '29000001',
			subscriptions: [{ user_id: alice }, { user_id: '2244994945' }],
		});
		const count = await bearer(sim, 'GET', `${E}/subscriptions/count.json`);
		expect(count.json).toEqual({
			account_name: 'x-aaa-simulator',
			subscriptions_count_all: '2',
			subscriptions_count_direct_messages: '0',
			provisioned_count: '2',
		});

		expect(
			(await bearer(sim, 'DELETE', `${E}/webhooks/${id}/subscriptions/${alice}/all.json`)).status,
		).toBe(204);
		const again = await bearer(
			sim,
			'DELETE',
			`${E}/webhooks/${id}/subscriptions/${alice}/all.json`,
		);
		expect(again.status).toBe(404);
		expect(errorsOf(again)[0]).toEqual({ code: 34, message: 'Sorry, that page does not exist.' });
		expect((await signed(sim, 'DELETE', sub, ownerCreds(sim))).status).toBe(204);
		expect((await signed(sim, 'DELETE', `${E}/webhooks/${id}.json`, ownerCreds(sim))).status).toBe(
			204,
		);
		expect((await bearer(sim, 'GET', `${E}/webhooks.json`)).json).toEqual([]);
	});

	it('premium v1.1 (environment names are case-sensitive)', async () => {
		const P = '/1.1/account_activity/all';
		const wrongCase = await signed(
			sim,
			'POST',
			`${P}/prod/webhooks.json?url=${encodeURIComponent(rx.url)}`,
			ownerCreds(sim),
		);
		expect(wrongCase.status).toBe(403);
		expect(errorsOf(wrongCase)[0]).toEqual({ code: 200, message: 'Forbidden.' });
		const reg = await signed(
			sim,
			'POST',
			`${P}/Prod/webhooks.json?url=${encodeURIComponent(rx.url)}`,
			ownerCreds(sim),
		);
		expect(reg.status).toBe(200);
		const id = (reg.json as { id: string }).id;

		const all = await bearer(sim, 'GET', `${P}/webhooks.json`);
		expect(all.json).toEqual({
			environments: [
				{ environment_name: 'dev', webhooks: [] },
				{
					environment_name: 'Prod',
					webhooks: [{ id, url: rx.url, valid: true, created_at: expect.any(String) }],
				},
			],
		});
		expect((await bearer(sim, 'GET', `${P}/Prod/webhooks.json`)).json).toHaveLength(1);

		expect(
			(await signed(sim, 'POST', `${P}/Prod/subscriptions.json`, userCreds(sim, alice))).status,
		).toBe(204);
		expect(
			(await signed(sim, 'GET', `${P}/Prod/subscriptions.json`, userCreds(sim, alice))).status,
		).toBe(204);
		expect(
			(await signed(sim, 'GET', `${P}/Prod/subscriptions.json`, userCreds(sim, bob))).status,
		).toBe(404);
		const list = await bearer(sim, 'GET', `${P}/Prod/subscriptions/list.json`);
		expect(list.json).toEqual({
			environment: 'Prod',
			application_id: '29000001',
			subscriptions: [{ user_id: alice }],
		});
		expect(sim.subscriptions('Prod')).toEqual([alice]);
		const count = await bearer(sim, 'GET', `${P}/subscriptions/count.json`);
		expect((count.json as { subscriptions_count_all: string }).subscriptions_count_all).toBe('1');

		expect(sim.dropSubscription('Prod', alice)).toBe(true);
		expect(
			(await signed(sim, 'GET', `${P}/Prod/subscriptions.json`, userCreds(sim, alice))).status,
		).toBe(404);
		expect(
			(await signed(sim, 'POST', `${P}/Prod/subscriptions.json`, userCreds(sim, alice))).status,
		).toBe(204);
		expect((await bearer(sim, 'DELETE', `${P}/Prod/subscriptions/${alice}.json`)).status).toBe(204);
		expect(
			(await signed(sim, 'DELETE', `${P}/Prod/subscriptions.json`, userCreds(sim, alice))).status,
		).toBe(404);
		expect(
			(await signed(sim, 'PUT', `${P}/Prod/webhooks/${id}.json`, ownerCreds(sim))).status,
		).toBe(204);
		expect(
			(await signed(sim, 'DELETE', `${P}/dev/webhooks/${id}.json`, ownerCreds(sim))).status,
		).toBe(404);
		expect(
			(await signed(sim, 'DELETE', `${P}/Prod/webhooks/${id}.json`, ownerCreds(sim))).status,
		).toBe(204);
	});

	it('v2', async () => {
		expect((await bearer(sim, 'GET', '/2/webhooks')).json).toEqual({
			data: [],
			meta: { result_count: 0 },
		});
		const created = await bearer(sim, 'POST', '/2/webhooks', { url: rx.url });
		const hook = (created.json as { data: { id: string; created_at: string } }).data;
		expect(hook.created_at).toMatch(/\.\d{3}Z$/);
		expect((await bearer(sim, 'GET', '/2/webhooks')).json).toEqual({
			data: [{ id: hook.id, url: rx.url, valid: true, created_at: hook.created_at }],
			meta: { result_count: 1 },
		});
		expect((await bearer(sim, 'PUT', `/2/webhooks/${hook.id}`)).json).toEqual({
			data: { valid: true },
		});

		const sub = `/2/account_activity/webhooks/${hook.id}/subscriptions/all`;
		expect((await signed(sim, 'GET', sub, userCreds(sim, alice))).json).toEqual({
			data: { subscribed: false },
		});
		expect((await signed(sim, 'POST', sub, userCreds(sim, alice))).json).toEqual({
			data: { subscribed: true },
		});
		expect((await signed(sim, 'GET', sub, userCreds(sim, alice))).json).toEqual({
			data: { subscribed: true },
		});
		const dup = await signed(sim, 'POST', sub, userCreds(sim, alice));
		expect(dup.status).toBe(400);
		expect(v2msg(dup)).toMatch(/^DuplicateSubscriptionFailed: /);
		expect(v2msg(await signed(sim, 'POST', sub, userCreds(sim, bob)))).toMatch(
			/^SubscriptionLimitExceeded: /,
		);

		expect((await bearer(sim, 'GET', `${sub}/list`)).json).toEqual({
			data: {
				application_id: '29000001',
				webhook_id: hook.id,
				webhook_url: rx.url,
				subscriptions: [{ user_id: alice }],
			},
		});
		expect((await bearer(sim, 'GET', '/2/account_activity/subscriptions/count')).json).toEqual({
			data: {
				account_name: 'x-aaa-simulator',
				subscriptions_count_all: '1',
				subscriptions_count_direct_messages: '0',
				provisioned_count: '1',
			},
		});
		const del = `/2/account_activity/webhooks/${hook.id}/subscriptions/${alice}/all`;
		expect((await bearer(sim, 'DELETE', del)).json).toEqual({ data: { subscribed: false } });
		expect(v2msg(await bearer(sim, 'DELETE', del))).toMatch(/^SubscriptionNotFound: /);
		expect((await bearer(sim, 'DELETE', `/2/webhooks/${hook.id}`)).json).toEqual({
			data: { deleted: true },
		});
	});

	it('answers 403 for a flavour the app is not provisioned for', async () => {
		const only = await startSimulator({ flavours: ['v2'] });
		try {
			const res = await bearer(only, 'GET', '/1.1/account_activity/webhooks.json');
			expect(res.status).toBe(403);
			expect(errorsOf(res)[0].code).toBe(200);
			expect((await bearer(only, 'GET', '/2/webhooks')).status).toBe(200);
		} finally {
			await only.stop();
		}
	});

	it('generates many users with deterministic credentials, listed by the admin endpoint', async () => {
		const big = await startSimulator({ generateUsers: { count: 5000, seed: 3 } });
		const again = await startSimulator({ generateUsers: { count: 5000, seed: 3 } });
		try {
			expect(big.users()).toHaveLength(5006);
			expect(big.users()).toEqual(again.users());
			const res = await fetch(`${big.baseUrl}/_sim/users`);
			const body = (await res.json()) as {
				users: Array<{ id: string; token: string; secret: string }>;
			};
			expect(body.users).toHaveLength(5006);
			const last = body.users.at(-1)!;
			expect(last.id).toBe('1700000000000005000');
			// the generated token works
			expect(
				(
					await signed(big, 'GET', '/2/account_activity/webhooks/1/subscriptions/all', {
						token: last.token,
						secret: last.secret,
					})
				).status,
			).toBe(400);
		} finally {
			await big.stop();
			await again.stop();
		}
	});
});
