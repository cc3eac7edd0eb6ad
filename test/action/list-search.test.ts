/**
 * The "From list" entries of the action node's resource locators (methods.listSearch), against
 * the X simulator over HTTP: the app's webhooks, the app's XAA subscriptions page by page, a
 * webhook's subscribed accounts; filtering by what is shown or by ID; clear errors where the
 * list cannot be built; no secret in anything returned or thrown.
 */
import type { INodeProperties } from 'n8n-workflow';

import { XClient } from '../../client/x-client';
import { XAccountActivity } from '../../nodes/XAccountActivity/XAccountActivity.node';
import { startSimulator, type Simulator } from '../../simulator';
import { simAppCredentials } from '../simulator/helpers';
import { recorded, runListSearch, runNode } from './harness';
import { startReceiver, type Receiver } from './receiver';
import { allSecrets, credentialsFor, userItems, userTokenParams } from './setup';

const node = new XAccountActivity();
const rl = (value: string) => ({ __rl: true, mode: 'list', value });

describe('every id locator names a listSearch method the node has', () => {
	const locators = node.description.properties.filter((p) => p.type === 'resourceLocator');

	it('offers From List and By ID (digits) for webhooks, XAA subscriptions and subscribed accounts', () => {
		expect(new Set(locators.map((p) => p.name))).toEqual(
			new Set(['webhookId', 'subscriptionId', 'userId']),
		);
		for (const p of locators as INodeProperties[]) {
			const [list, byId] = p.modes ?? [];
			expect(list.name).toBe('list');
			const method = list.typeOptions?.searchListMethod as string;
			expect(typeof node.methods.listSearch[method as keyof typeof node.methods.listSearch]).toBe(
				'function',
			);
			expect(byId.name).toBe('id');
			const rule = byId.validation?.[0] as unknown as { properties: { regex: string } };
			const re = new RegExp(rule.properties.regex);
			expect(re.test('1146654567674912769')).toBe(true);
			expect(re.test('@alice')).toBe(false);
			expect(re.test('12345678901234567890')).toBe(false); // 20 digits: not a 64-bit id
			expect(p.description?.length).toBeGreaterThan(20);
		}
	});
});

describe('listSearch against the simulator', () => {
	let v2: Simulator;
	let ent: Simulator;
	let premium: Simulator;
	let receiver: Receiver;
	let entReceiver: Receiver;
	let premiumReceiver: Receiver;
	const hooks: Record<string, string> = {};

	beforeAll(async () => {
		[v2, ent, premium] = await Promise.all([startSimulator(), startSimulator(), startSimulator()]);
		receiver = await startReceiver(v2.app.consumerSecret);
		entReceiver = await startReceiver(ent.app.consumerSecret);
		premiumReceiver = await startReceiver(premium.app.consumerSecret);
		for (const path of ['/hooks/alpha', '/hooks/beta']) {
			const out = await runNode(node, {
				credentials: credentialsFor(v2, 'v2'),
				params: { resource: 'webhook', operation: 'register', url: receiver.url(path) },
			});
			hooks[path] = out[0].json.webhook_id as string;
		}
	});

	afterAll(async () => {
		await Promise.all([
			v2.stop(),
			ent.stop(),
			premium.stop(),
			receiver.stop(),
			entReceiver.stop(),
			premiumReceiver.stop(),
		]);
	});

	it('webhookSearch lists the app webhooks by URL with their ids, and filters', async () => {
		const all = await runListSearch(node, 'webhookSearch', {
			credentials: credentialsFor(v2, 'v2'),
		});
		expect(all.results.map((r) => r.value).sort()).toEqual(Object.values(hooks).sort());
		const alpha = all.results.find((r) => r.value === hooks['/hooks/alpha']);
		expect(alpha?.name).toContain(receiver.url('/hooks/alpha'));
		expect(alpha?.name).toContain(hooks['/hooks/alpha']);

		const filtered = await runListSearch(node, 'webhookSearch', {
			credentials: credentialsFor(v2, 'v2'),
			filter: 'BETA',
		});
		expect(filtered.results.map((r) => r.value)).toEqual([hooks['/hooks/beta']]);
		const byId = await runListSearch(node, 'webhookSearch', {
			credentials: credentialsFor(v2, 'v2'),
			filter: hooks['/hooks/alpha'],
		});
		expect(byId.results.map((r) => r.value)).toEqual([hooks['/hooks/alpha']]);
	});

	it('activitySubscriptionSearch pages through every XAA subscription of the app', async () => {
		const client = new XClient(simAppCredentials(v2, 'v2'));
		const owner = { token: v2.app.accessToken, secret: v2.app.accessTokenSecret };
		const user = v2.users()[0].id;
		const created = [
			(await client.xaa.create({ eventType: 'post.delete', filter: { userId: user }, tag: 't0' }))
				.id,
		];
		// 105 subscriptions: more than one page of 100 (keywords make them distinct)
		for (let n = 1; created.length < 105; n++) {
			const sub = await client.xaa.create({
				eventType: 'news.new',
				filter: { keyword: `k${n}` },
				tag: `t${n}`,
				webhookId: hooks['/hooks/alpha'],
				user: owner,
			});
			created.push(sub.id);
		}
		expect(new Set(created).size).toBe(105);
		const creds = credentialsFor(v2, 'v2');
		const first = await runListSearch(node, 'activitySubscriptionSearch', { credentials: creds });
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toBeTruthy();
		const second = await runListSearch(node, 'activitySubscriptionSearch', {
			credentials: creds,
			paginationToken: first.paginationToken as string,
		});
		expect(second.paginationToken).toBeFalsy();
		const seen = [...first.results, ...second.results].map((r) => r.value);
		expect(seen.sort()).toEqual([...created].sort());

		const one = [...first.results, ...second.results].find((r) => r.value === created[0]);
		expect(one?.name).toBe(`post.delete · user ${user} · t0 · ${created[0]}`);
		const news = [...first.results, ...second.results].find((r) => r.value === created[7]);
		expect(news?.name).toBe(`news.new · "k7" · t7 · ${created[7]}`);

		const tagged = await runListSearch(node, 'activitySubscriptionSearch', {
			credentials: creds,
			filter: ' · t7 · ',
		});
		expect(tagged.results.map((r) => r.value)).toEqual([created[7]]);
	});

	it('activitySubscriptionSearch says the XAA needs a v2 credential, without calling X', async () => {
		const before = ent.requestLog.length;
		await expect(
			runListSearch(node, 'activitySubscriptionSearch', {
				credentials: credentialsFor(ent, 'enterprise'),
			}),
		).rejects.toThrow(/API Version to v2 \(this credential uses enterprise\)/);
		expect(ent.requestLog.length).toBe(before);
	});

	it('accountSubscriptionSearch lists the accounts subscribed to the chosen webhook', async () => {
		const creds = credentialsFor(ent, 'enterprise');
		const reg = await runNode(node, {
			credentials: creds,
			params: { resource: 'webhook', operation: 'register', url: entReceiver.url('/hooks/ent') },
		});
		const webhookId = reg[0].json.webhook_id as string;
		const items = userItems(ent).slice(0, 3);
		await runNode(node, {
			credentials: creds,
			items,
			params: {
				resource: 'subscription',
				operation: 'subscribe',
				webhookId: rl(webhookId),
				...userTokenParams,
			},
		});
		const out = await runListSearch(node, 'accountSubscriptionSearch', {
			credentials: creds,
			params: { webhookId: rl(webhookId) },
		});
		expect(out.results.map((r) => r.value).sort()).toEqual(items.map((u) => u.user_id).sort());
		expect(out.results[0].name).toMatch(/^User \d+$/);

		await expect(
			runListSearch(node, 'accountSubscriptionSearch', {
				credentials: creds,
				params: { webhookId: rl('') },
			}),
		).rejects.toThrow(/Pick the Webhook first/);
	});

	it('accountSubscriptionSearch needs no webhook on premium (the environment addresses it)', async () => {
		const creds = credentialsFor(premium, 'premium');
		await runNode(node, {
			credentials: creds,
			params: { resource: 'webhook', operation: 'register', url: premiumReceiver.url('/hooks/p') },
		});
		const items = userItems(premium).slice(0, 2);
		await runNode(node, {
			credentials: creds,
			items,
			params: { resource: 'subscription', operation: 'subscribe', ...userTokenParams },
		});
		const out = await runListSearch(node, 'accountSubscriptionSearch', { credentials: creds });
		expect(out.results.map((r) => r.value).sort()).toEqual(items.map((u) => u.user_id).sort());
	});

	it('puts no secret in any list or error', () => {
		const text = recorded.join('\n');
		for (const s of [...allSecrets(v2), ...allSecrets(ent), ...allSecrets(premium)])
			expect(text).not.toContain(s);
	});
});
