import { startSimulator, type Simulator } from '../../simulator';
import { bearer, errorsOf, request, signed, userCreds } from './helpers';

describe('rate limits', () => {
	let sim: Simulator;
	beforeEach(async () => {
		sim = await startSimulator({
			rateLimitWindowSeconds: 1,
			rateLimits: { 'enterprise.subscriptions.count': 3 },
		});
	});
	afterEach(() => sim.stop());

	it('counts per group and identity, answers 429 code 88 with headers, and resets with the window', async () => {
		const path = '/1.1/account_activity/subscriptions/count.json';
		const seen: Array<[number, string]> = [];
		for (let i = 0; i < 4; i++) {
			const res = await bearer(sim, 'GET', path);
			seen.push([res.status, String(res.headers['x-rate-limit-remaining'])]);
			expect(res.headers['x-rate-limit-limit']).toBe('3');
			const reset = Number(res.headers['x-rate-limit-reset']);
			expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
			expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 2);
			if (res.status === 429)
				expect(errorsOf(res)).toEqual([{ code: 88, message: 'Rate limit exceeded' }]);
		}
		expect(seen).toEqual([
			[200, '2'],
			[200, '1'],
			[200, '0'],
			[429, '0'],
		]);
		expect(sim.stats.rateLimited).toBe(1);
		expect(sim.stats.rateLimitedByIdentity).toEqual({ app: 1 });

		// another group is untouched; v2 answers a problem body
		const list = await bearer(sim, 'GET', '/1.1/account_activity/webhooks.json');
		expect(list.headers['x-rate-limit-limit']).toBe('15');
		expect(list.headers['x-rate-limit-remaining']).toBe('14');

		await new Promise((r) => setTimeout(r, 1100));
		expect((await bearer(sim, 'GET', path)).status).toBe(200);
	});

	it('counts user-context calls per user and answers v2 429 problems', async () => {
		const limited = await startSimulator({ rateLimitWindowSeconds: 60, rateLimits: { '*': 1 } });
		try {
			const a = userCreds(limited, '1603419180975409153');
			const b = userCreds(limited, '3001969357');
			const path = '/2/account_activity/webhooks/1/subscriptions/all';
			expect((await signed(limited, 'GET', path, a)).status).toBe(400); // WebhookIdInvalid, counted
			const again = await signed(limited, 'GET', path, a);
			expect(again.status).toBe(429);
			expect(again.json).toMatchObject({ title: 'Too Many Requests', status: 429 });
			expect((await signed(limited, 'GET', path, b)).status).toBe(400);
			expect(limited.stats.rateLimitedByIdentity).toEqual({ 'user:1603419180975409153': 1 });
		} finally {
			await limited.stop();
		}
	});
});

describe('faults', () => {
	const run = async (seed: number): Promise<number[]> => {
		const sim = await startSimulator({ faults: { rate: 0.4, seed, statuses: [500, 503] } });
		try {
			const out: number[] = [];
			for (let i = 0; i < 20; i++) out.push((await bearer(sim, 'GET', '/2/webhooks')).status);
			return out;
		} finally {
			await sim.stop();
		}
	};

	it('injects the same seeded 5xx sequence on every run, and a different one for another seed', async () => {
		const a = await run(7);
		const b = await run(7);
		const c = await run(8);
		expect(a).toEqual(b);
		expect(a).not.toEqual(c);
		expect(a.filter((s) => s >= 500).length).toBeGreaterThan(2);
		expect(a.filter((s) => s === 200).length).toBeGreaterThan(2);
	});

	it('fails the next n matching requests with X-shaped bodies, and hangs on request', async () => {
		const sim = await startSimulator({ latencyMs: [5, 15] });
		try {
			sim.failNext(2, { status: 503, pathPattern: /subscriptions/ });
			expect((await bearer(sim, 'GET', '/1.1/account_activity/webhooks.json')).status).toBe(200);
			const f1 = await bearer(sim, 'GET', '/1.1/account_activity/subscriptions/count.json');
			expect(f1.status).toBe(503);
			expect(errorsOf(f1)).toEqual([{ code: 67, message: 'Over capacity' }]);
			const f2 = await bearer(sim, 'GET', '/2/account_activity/subscriptions/count');
			expect(f2.json).toMatchObject({ title: 'Service Unavailable', status: 503 });
			expect(
				(await bearer(sim, 'GET', '/1.1/account_activity/subscriptions/count.json')).status,
			).toBe(200);
			expect(sim.requestLog.filter((e) => e.injected === 'fault')).toHaveLength(2);

			sim.hangNext(1);
			const started = Date.now();
			const hung = request(`${sim.baseUrl}/2/webhooks`, {
				headers: { authorization: `Bearer ${sim.app.bearerToken}` },
			});
			const outcome = await Promise.race([
				hung.then(() => 'answered'),
				new Promise((r) => setTimeout(() => r('hung'), 300)),
			]);
			expect(outcome).toBe('hung');
			expect(Date.now() - started).toBeGreaterThanOrEqual(290);
			await sim.stop();
			await expect(hung).rejects.toThrow(); // the socket is destroyed on stop
		} finally {
			await sim.stop();
		}
	});
});
