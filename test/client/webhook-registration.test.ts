/**
 * The trigger's activation/deactivation logic against the simulator: never a second webhook,
 * adopt what exists, re-validate an invalid one, undo only what was created.
 */
import { XClient } from '../../client/x-client';
import {
	ensureRegistration,
	registrationExists,
	removeRegistration,
	type RegistrationState,
} from '../../client/webhook-registration';
import type { ApiFlavour } from '../../client/types';
import { startSimulator, type Simulator } from '../../simulator';
import { simAppCredentials, startReceiver, type Receiver } from '../simulator/helpers';

describe.each<ApiFlavour>(['enterprise', 'premium', 'v2'])('webhook registration (%s)', (flavour) => {
	let sim: Simulator;
	let receiver: Receiver;
	let client: XClient;
	const scope = () => (flavour === 'premium' ? sim.app.environment : sim.webhooks()[0].id);

	beforeEach(async () => {
		sim = await startSimulator();
		receiver = await startReceiver(sim.app.consumerSecret);
		client = new XClient(simAppCredentials(sim, flavour));
	});
	afterEach(async () => {
		await sim.stop();
		await receiver.close();
	});

	it('registers once, subscribes the owner, and checkExists stays true without creating anything', async () => {
		const state: RegistrationState = {};
		expect(await registrationExists(client, receiver.url, state)).toBe(false);
		await ensureRegistration(client, receiver.url, state, { subscribeOwnAccount: true });
		expect(state).toMatchObject({ createdWebhook: true, subscribedUserId: sim.app.ownerUserId, webhookUrl: receiver.url });
		for (let i = 0; i < 3; i++) expect(await registrationExists(client, receiver.url, state)).toBe(true);
		await ensureRegistration(client, receiver.url, state, { subscribeOwnAccount: true }); // a second create, e.g. after a lost checkExists
		expect(sim.webhooks()).toHaveLength(1);
		expect(sim.subscriptions(scope())).toEqual([sim.app.ownerUserId]);

		await removeRegistration(client, state, false);
		expect(sim.webhooks()).toEqual([]);
		expect(state).toEqual({});
	});

	it('adopts a registration it did not create, and leaves it (and an existing subscription) in place on removal', async () => {
		const existing = await client.registerWebhook(receiver.url);
		await client.subscribe({ webhookId: existing.id });
		const state: RegistrationState = {};
		await ensureRegistration(client, receiver.url, state, { subscribeOwnAccount: true });
		expect(state.webhookId).toBe(existing.id);
		expect(state.createdWebhook).toBe(false);
		expect(state.subscribedUserId).toBeUndefined();
		await removeRegistration(client, state, false);
		expect(sim.webhooks().map((w) => w.id)).toEqual([existing.id]);
		expect(sim.subscriptions(scope())).toEqual([sim.app.ownerUserId]);
	});

	it('two activations racing for one URL end with one webhook: the loser adopts what X reports as a duplicate', async () => {
		const a: RegistrationState = {};
		const b: RegistrationState = {};
		await Promise.all([
			ensureRegistration(client, receiver.url, a, { subscribeOwnAccount: false }),
			ensureRegistration(client, receiver.url, b, { subscribeOwnAccount: false }),
		]);
		expect(sim.webhooks()).toHaveLength(1);
		expect(a.webhookId).toBe(b.webhookId);
		expect([a.createdWebhook, b.createdWebhook].sort()).toEqual([false, true]);
	});

	it('retires the webhook it created when its URL changes', async () => {
		const state: RegistrationState = {};
		await ensureRegistration(client, receiver.url, state, { subscribeOwnAccount: true });
		const old = state.webhookId;
		expect(await registrationExists(client, receiver.url + '/moved', state)).toBe(false);
		await ensureRegistration(client, receiver.url + '/moved', state, { subscribeOwnAccount: true });
		expect(sim.webhooks().map((w) => w.url)).toEqual([receiver.url + '/moved']);
		expect(state.webhookId).not.toBe(old);
		expect(sim.subscriptions(scope())).toEqual([sim.app.ownerUserId]);
	});

	it('re-validates a webhook X marked invalid', async () => {
		const state: RegistrationState = {};
		await ensureRegistration(client, receiver.url, state, { subscribeOwnAccount: false });
		receiver.crc = 'wrong-token';
		await sim.runCrc(state.webhookId!);
		expect(sim.webhooks()[0].valid).toBe(false);
		receiver.crc = 'ok';
		expect(await registrationExists(client, receiver.url, state)).toBe(true);
		expect(sim.webhooks()[0].valid).toBe(true);
	});

	it('keeps the registration when asked to, and tolerates one already gone', async () => {
		const state: RegistrationState = {};
		await ensureRegistration(client, receiver.url, state, { subscribeOwnAccount: true });
		await removeRegistration(client, { ...state }, true);
		expect(sim.webhooks()).toHaveLength(1);
		await client.deleteWebhook(state.webhookId!);
		await expect(removeRegistration(client, state, false)).resolves.toBeUndefined();
	});

	it('reports a webhook that fails the CRC as an error, registering nothing', async () => {
		receiver.crc = 'non200';
		await expect(ensureRegistration(client, receiver.url, {}, { subscribeOwnAccount: true })).rejects.toThrow(/CRC/);
		expect(sim.webhooks()).toEqual([]);
	});
});
