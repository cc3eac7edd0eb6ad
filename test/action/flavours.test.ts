/**
 * Every operation of the X Account Activity node, for each API flavour, against the X simulator
 * over HTTP on 127.0.0.1, with a receiver that answers the simulator's real CRC checks.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { ApiFlavour } from '../../client/types';
import { XAccountActivity } from '../../nodes/XAccountActivity/XAccountActivity.node';
import { startSimulator, type Simulator } from '../../simulator';
import { recorded, runNode, runNodeError } from './harness';
import { startReceiver, type Receiver } from './receiver';
import {
	allSecrets,
	credentialsFor,
	MINUTE,
	pickerDate,
	userItems,
	userTokenParams,
} from './setup';

const node = new XAccountActivity();
const FLAVOURS: ApiFlavour[] = ['enterprise', 'premium', 'v2'];

describe.each(FLAVOURS)('X Account Activity node on %s', (flavour) => {
	let sim: Simulator;
	let receiver: Receiver;
	let creds: ICredentialDataDecryptedObject;
	let webhookId = '';
	let secondWebhookId = '';
	let users: IDataObject[] = [];
	const premium = flavour === 'premium';
	/** Premium addresses subscriptions by environment: the node is given no webhook id there. */
	const subWebhookId = () => (premium ? '' : webhookId);

	beforeAll(async () => {
		sim = await startSimulator({ replayStartDelayMs: 3_000 });
		receiver = await startReceiver(sim.app.consumerSecret);
		// v2 leaves the bearer out of the credential: the client fetches one (a secret, too).
		creds = credentialsFor(sim, flavour, { fetchBearer: flavour === 'v2' });
		users = userItems(sim);
	});

	afterAll(async () => {
		await receiver?.stop();
		await sim?.stop();
	});

	const requestsTo = (re: RegExp) => sim.requestLog.filter((e) => re.test(e.path)).length;

	describe('webhook', () => {
		it('registers a URL after a real CRC check', async () => {
			const before = receiver.crcCount();
			const out = await runNode(node, {
				credentials: creds,
				params: { resource: 'webhook', operation: 'register', url: receiver.url('/hooks/one') },
			});
			expect(out).toHaveLength(1);
			expect(out[0].pairedItem).toEqual({ item: 0 });
			const json = out[0].json;
			expect(typeof json.webhook_id).toBe('string');
			expect(json.webhook_id).toMatch(/^\d+$/);
			expect(json.url).toBe(receiver.url('/hooks/one'));
			expect(json.valid).toBe(true);
			if (premium) expect(json.environment).toBe(sim.app.environment);
			expect(receiver.crcCount()).toBeGreaterThan(before);
			webhookId = json.webhook_id as string;
			expect(sim.webhooks().map((w) => w.id)).toContain(webhookId);
		});

		it('registers a second webhook (enterprise and v2 allow several)', async () => {
			if (premium) {
				// premium: one webhook per environment; the simulator says so
				const err = await runNodeError(node, {
					credentials: creds,
					params: { resource: 'webhook', operation: 'register', url: receiver.url('/hooks/two') },
				});
				expect(err.message).toMatch(/register webhook failed/);
				return;
			}
			const out = await runNode(node, {
				credentials: creds,
				params: { resource: 'webhook', operation: 'register', url: receiver.url('/hooks/two') },
			});
			secondWebhookId = out[0].json.webhook_id as string;
			expect(secondWebhookId).not.toBe(webhookId);
		});

		it('lists webhooks, one item per webhook (return all)', async () => {
			const out = await runNode(node, {
				credentials: creds,
				params: { resource: 'webhook', operation: 'list', returnAll: true },
			});
			const ids = out.map((o) => o.json.webhook_id);
			expect(ids).toContain(webhookId);
			expect(out).toHaveLength(premium ? 1 : 2);
			for (const o of out) {
				expect(o.pairedItem).toEqual({ item: 0 });
				expect(typeof o.json.webhook_id).toBe('string');
				expect(o.json.valid).toBe(true);
			}
		});

		it('lists webhooks up to the limit', async () => {
			const out = await runNode(node, {
				credentials: creds,
				params: { resource: 'webhook', operation: 'list', returnAll: false, limit: 1 },
			});
			expect(out).toHaveLength(1);
		});

		it('lists the webhooks of every premium environment (premium only)', async () => {
			const run = () =>
				runNode(node, {
					credentials: creds,
					params: {
						resource: 'webhook',
						operation: 'list',
						returnAll: true,
						allEnvironments: true,
					},
				});
			if (!premium) {
				await expect(run()).rejects.toThrow(/only with the premium API/);
				return;
			}
			const out = await run();
			expect(out.map((o) => o.json.webhook_id)).toContain(webhookId);
			expect(out.every((o) => typeof o.json.environment === 'string')).toBe(true);
		});

		it('triggers a CRC check (re-validation)', async () => {
			const before = receiver.crcCount();
			const out = await runNode(node, {
				credentials: creds,
				params: { resource: 'webhook', operation: 'triggerCrc', webhookId },
			});
			expect(out).toHaveLength(1);
			expect(out[0].json).toMatchObject({ webhook_id: webhookId, valid: true });
			expect(receiver.crcCount()).toBeGreaterThan(before);
		});
	});

	describe('subscription', () => {
		it('checks a user who is not subscribed yet', async () => {
			const out = await runNode(node, {
				credentials: creds,
				items: [users[0]],
				params: {
					resource: 'subscription',
					operation: 'check',
					webhookId: subWebhookId(),
					...userTokenParams,
				},
			});
			expect(out[0].json).toMatchObject({ user_id: users[0].user_id, subscribed: false });
		});

		it('subscribes many users from item fields in one execution', async () => {
			const out = await runNode(node, {
				credentials: creds,
				items: users,
				params: {
					resource: 'subscription',
					operation: 'subscribe',
					webhookId: subWebhookId(),
					...userTokenParams,
				},
			});
			expect(out).toHaveLength(users.length);
			out.forEach((o, i) => {
				expect(o.pairedItem).toEqual({ item: i });
				expect(o.json).toMatchObject({
					user_id: users[i].user_id,
					subscribed: true,
					already_subscribed: false,
					account: 'user token',
				});
				if (premium) expect(o.json).toMatchObject({ environment: sim.app.environment });
				else expect(o.json).toMatchObject({ webhook_id: webhookId });
				expect(o.json).not.toHaveProperty('access_token');
				expect(o.json).not.toHaveProperty('access_token_secret');
			});
			const subscribed = sim.subscriptions(premium ? sim.app.environment : webhookId);
			for (const u of users) expect(subscribed).toContain(u.user_id);
		});

		it("subscribes the credential's own account", async () => {
			const out = await runNode(node, {
				credentials: creds,
				params: {
					resource: 'subscription',
					operation: 'subscribe',
					webhookId: subWebhookId(),
					actAs: 'credential',
				},
			});
			expect(out[0].json).toMatchObject({ subscribed: true, account: 'credential account' });
			expect(sim.subscriptions(premium ? sim.app.environment : webhookId)).toContain(
				sim.app.ownerUserId,
			);
		});

		it('treats "already subscribed" as success', async () => {
			const out = await runNode(node, {
				credentials: creds,
				items: [users[1]],
				params: {
					resource: 'subscription',
					operation: 'subscribe',
					webhookId: subWebhookId(),
					...userTokenParams,
				},
			});
			expect(out[0].json).toMatchObject({ subscribed: true, already_subscribed: true });
		});

		it('checks subscribed users (user tokens) and the credential account', async () => {
			const out = await runNode(node, {
				credentials: creds,
				items: users.slice(0, 2),
				params: {
					resource: 'subscription',
					operation: 'check',
					webhookId: subWebhookId(),
					...userTokenParams,
				},
			});
			expect(out.map((o) => o.json.subscribed)).toEqual([true, true]);
			const own = await runNode(node, {
				credentials: creds,
				params: {
					resource: 'subscription',
					operation: 'check',
					webhookId: subWebhookId(),
					actAs: 'credential',
				},
			});
			expect(own[0].json).toMatchObject({ subscribed: true });
		});

		it('lists subscriptions, one item per user (return all)', async () => {
			const out = await runNode(node, {
				credentials: creds,
				params: {
					resource: 'subscription',
					operation: 'list',
					webhookId: subWebhookId(),
					returnAll: true,
				},
			});
			const ids = out.map((o) => o.json.user_id);
			expect(ids.sort()).toEqual(
				[sim.app.ownerUserId, ...users.map((u) => u.user_id as string)].sort(),
			);
			for (const o of out) {
				expect(typeof o.json.user_id).toBe('string');
				expect(o.pairedItem).toEqual({ item: 0 });
				if (premium) expect(o.json.environment).toBe(sim.app.environment);
				else expect(o.json.webhook_id).toBe(webhookId);
			}
			// ids above 2^53 survive as strings
			expect(ids).toContain('1603419180975409153');
		});

		it('lists subscriptions up to the limit', async () => {
			const out = await runNode(node, {
				credentials: creds,
				params: {
					resource: 'subscription',
					operation: 'list',
					webhookId: subWebhookId(),
					returnAll: false,
					limit: 2,
				},
			});
			expect(out).toHaveLength(2);
		});

		it('counts subscriptions (decimal strings)', async () => {
			const out = await runNode(node, {
				credentials: creds,
				params: { resource: 'subscription', operation: 'count' },
			});
			expect(out).toHaveLength(1);
			expect(out[0].json.subscriptions_count_all).toBe(String(users.length + 1));
			expect(typeof out[0].json.provisioned_count).toBe('string');
		});

		it('unsubscribes by user ID (app-only)', async () => {
			const userId = users[2].user_id as string;
			const out = await runNode(node, {
				credentials: creds,
				items: [{ id: userId }],
				params: {
					resource: 'subscription',
					operation: 'unsubscribe',
					webhookId: subWebhookId(),
					userId: (json: IDataObject) => json.id,
				},
			});
			expect(out[0].json).toMatchObject({ user_id: userId, subscribed: false });
			expect(sim.subscriptions(premium ? sim.app.environment : webhookId)).not.toContain(userId);
		});

		it('refuses a user ID that is not numeric, without calling X', async () => {
			const before = sim.requestLog.length;
			const err = await runNodeError(node, {
				credentials: creds,
				params: {
					resource: 'subscription',
					operation: 'unsubscribe',
					webhookId: subWebhookId(),
					userId: '@alice_sim',
				},
			});
			expect(err.message).toMatch(/"@alice_sim" is not a numeric X user ID/);
			expect(sim.requestLog.length).toBe(before);
		});

		it(
			premium ? 'needs no webhook ID on premium' : 'requires the webhook ID on this flavour',
			async () => {
				const run = () =>
					runNode(node, {
						credentials: creds,
						params: { resource: 'subscription', operation: 'list', webhookId: '', returnAll: true },
					});
				if (premium) await expect(run()).resolves.toHaveLength(users.length);
				else
					await expect(run()).rejects.toThrow(
						new RegExp(`Webhook ID is required on the ${flavour} API`),
					);
			},
		);
	});

	describe('replay', () => {
		const replay = (from: unknown, to: unknown, continueOnFail = false) =>
			runNode(node, {
				credentials: creds,
				continueOnFail,
				params: { resource: 'replay', operation: 'start', webhookId, fromDate: from, toDate: to },
			});
		const replayRequests = () => requestsTo(/replay/);

		if (flavour === 'premium') {
			it('says replay is not available on premium, without calling X', async () => {
				const now = Date.now();
				const before = replayRequests();
				await expect(
					replay(pickerDate(now - 120 * MINUTE), pickerDate(now - 60 * MINUTE)),
				).rejects.toThrow(/not available on the premium/);
				expect(replayRequests()).toBe(before);
			});
			return;
		}

		const invalid: Array<[string, (now: number) => [unknown, unknown], RegExp]> =
			flavour === 'enterprise'
				? [
						[
							'a start more than 5 days back',
							(now) => [now - 6 * 24 * 60 * MINUTE, now - 60 * MINUTE],
							/at most 5 days/,
						],
						[
							'a start less than 31 minutes ago',
							(now) => [now - 20 * MINUTE, now - 15 * MINUTE],
							/at least 31 minutes ago/,
						],
						[
							'an end less than 10 minutes ago',
							(now) => [now - 60 * MINUTE, now - 5 * MINUTE],
							/at least 10 minutes ago/,
						],
						[
							'an end before the start',
							(now) => [now - 60 * MINUTE, now - 90 * MINUTE],
							/must be after its start/,
						],
					]
				: [
						[
							'a start more than 24 hours back',
							(now) => [now - 25 * 60 * MINUTE, now - 60 * MINUTE],
							/at most 24 hours/,
						],
						[
							'an end in the future',
							(now) => [now - 60 * MINUTE, now + 10 * MINUTE],
							/in the future/,
						],
						[
							'an end before the start',
							(now) => [now - 60 * MINUTE, now - 90 * MINUTE],
							/must be after its start/,
						],
					];

		it.each(invalid)(
			'refuses %s with the broken limit named, without calling X',
			async (_what, window, message) => {
				const [from, to] = window(Date.now());
				const before = replayRequests();
				const err = await runNodeError(node, {
					credentials: creds,
					params: {
						resource: 'replay',
						operation: 'start',
						webhookId,
						fromDate: pickerDate(from as number),
						toDate: pickerDate(to as number),
					},
				});
				expect(err.constructor.name).toBe('NodeOperationError');
				expect(err.message).toMatch(message);
				expect(replayRequests()).toBe(before);
				// continueOnFail: an error item instead, still nothing sent
				const out = await replay(pickerDate(from as number), pickerDate(to as number), true);
				expect(out[0].json.error).toMatch(message);
				expect(out[0].pairedItem).toEqual({ item: 0 });
				expect(replayRequests()).toBe(before);
			},
		);

		it('refuses a date that is not a date', async () => {
			await expect(replay('yesterday-ish', pickerDate(Date.now() - 60 * MINUTE))).rejects.toThrow(
				/From "yesterday-ish" is not a date/,
			);
		});

		let jobId = '';
		it('starts a replay job for a valid window and returns its job id', async () => {
			const now = Date.now();
			const out = await replay(pickerDate(now - 120 * MINUTE), pickerDate(now - 60 * MINUTE));
			expect(out).toHaveLength(1);
			jobId = out[0].json.job_id as string;
			expect(jobId).toMatch(/^\d+$/);
			expect(out[0].json).toMatchObject({ webhook_id: webhookId });
			expect(out[0].json.from_date).toMatch(/^\d{12}$/);
			expect(sim.replayJobs().map((j) => j.jobId)).toContain(jobId);
			// v2 replays through POST /2/webhooks/replay; X removed /2/account_activity/replay/… (2026-03-25)
			const replays = sim.requestLog.filter((e) => /replay/.test(e.path)).map((e) => `${e.method} ${e.path}`);
			if (flavour === 'v2') expect(new Set(replays)).toEqual(new Set(['POST /2/webhooks/replay']));
			expect(replays.some((r) => r.includes('/2/account_activity/replay'))).toBe(false);
		});

		it('says clearly that a replay is already running when a second job is started', async () => {
			const now = Date.now();
			const err = await runNodeError(node, {
				credentials: creds,
				params: {
					resource: 'replay',
					operation: 'start',
					webhookId,
					fromDate: pickerDate(now - 120 * MINUTE),
					toDate: pickerDate(now - 60 * MINUTE),
				},
			});
			expect(err.constructor.name).toBe('NodeApiError');
			expect(err.message).toMatch(/replay job is already running for this webhook/);
			if (flavour === 'enterprise') {
				expect(err.message).toMatch(/409 \(code 355\)/);
				expect((err.errorResponse as IDataObject).code).toBe(355);
			} else {
				expect((err.errorResponse as IDataObject).reason).toBe('ReplayConflictError');
			}
			expect(err.description).toMatch(/replay_job_status/);
		});
	});

	describe('webhook deletion', () => {
		it('deletes webhooks', async () => {
			for (const id of [webhookId, secondWebhookId].filter(Boolean)) {
				const out = await runNode(node, {
					credentials: creds,
					params: { resource: 'webhook', operation: 'delete', webhookId: id },
				});
				expect(out[0].json).toMatchObject({ webhook_id: id, deleted: true });
			}
			expect(sim.webhooks()).toHaveLength(0);
			const list = await runNode(node, {
				credentials: creds,
				params: { resource: 'webhook', operation: 'list', returnAll: true },
			});
			expect(list).toHaveLength(0);
		});
	});

	it('never put a secret in an output item or an error', () => {
		const text = recorded.join('\n');
		expect(text.length).toBeGreaterThan(0);
		for (const secret of allSecrets(sim)) expect(text).not.toContain(secret);
	});
});
