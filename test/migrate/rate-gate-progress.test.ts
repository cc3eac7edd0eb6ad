/** The rate gate's early probe (client/rate-limits.ts, used by migrate) and the progress display. */
import { RateGate } from '../../client/rate-limits';
import { Progress } from '../../migrate/progress';

function fakeClock(start: number) {
	const t = { now: start, slept: [] as number[] };
	return {
		t,
		now: () => t.now,
		sleep: async (ms: number) => {
			t.slept.push(ms);
			t.now += ms;
		},
	};
}

describe('RateGate probeEarly', () => {
	const EP = 'POST /x';

	it('sends one request where the window probably ends instead of waiting for the rounded reset', async () => {
		const c = fakeClock(10_000);
		const gate = new RateGate({ now: c.now, sleep: c.sleep, probeEarly: true });
		await gate.acquire(EP);
		c.t.now = 10_005; // X opened a 3 s window by 10.005: it ends near 13.005, and X says reset 14 (rounded up)
		gate.release(EP, { limit: 2, remaining: 1, reset: 14 });
		await gate.acquire(EP);
		gate.release(EP, { limit: 2, remaining: 0, reset: 14 });
		await gate.acquire(EP); // the probe: at 13.007, not at 14.250
		expect(c.t.now).toBe(13_007);
		gate.release(EP, { limit: 2, remaining: 1, reset: 17 }); // it opened a new window
		await gate.acquire(EP);
		expect(c.t.now).toBe(13_007);
	});

	it('a refused probe (429) waits for the reset; one probe per window; none after two refusals', async () => {
		const c = fakeClock(10_000);
		const gate = new RateGate({ now: c.now, sleep: c.sleep, probeEarly: true });
		await gate.acquire(EP);
		c.t.now = 10_005;
		gate.release(EP, { limit: 1, remaining: 0, reset: 14 });
		await gate.acquire(EP); // probe at 13.007
		expect(c.t.now).toBe(13_007);
		gate.exhausted(EP, { limit: 1, remaining: 0, reset: 14 }, 0);
		await gate.acquire(EP); // no second probe: the reset plus margin
		expect(c.t.now).toBe(14_250);
		c.t.now = 14_300;
		gate.release(EP, { limit: 1, remaining: 0, reset: 18 });
		await gate.acquire(EP); // probe at 17.302
		expect(c.t.now).toBe(17_302);
		gate.exhausted(EP, { limit: 1, remaining: 0, reset: 18 }, 0);
		await gate.acquire(EP);
		expect(c.t.now).toBe(18_250);
		c.t.now = 18_300;
		gate.release(EP, { limit: 1, remaining: 0, reset: 22 });
		await gate.acquire(EP); // two refusals: no more probing
		expect(c.t.now).toBe(22_250);
	});

	it('without probeEarly the gate waits for the reset plus margin', async () => {
		const c = fakeClock(10_000);
		const gate = new RateGate({ now: c.now, sleep: c.sleep });
		await gate.acquire(EP);
		c.t.now = 10_005;
		gate.release(EP, { limit: 1, remaining: 0, reset: 14 });
		await gate.acquire(EP);
		expect(c.t.now).toBe(14_250);
	});

	it('counts requests started before the first answer', async () => {
		const c = fakeClock(10_000);
		const gate = new RateGate({ now: c.now, sleep: c.sleep });
		for (let i = 0; i < 3; i++) await gate.acquire(EP); // three in flight, nothing known yet
		gate.release(EP, { limit: 3, remaining: 2, reset: 100 }); // two still in flight: no room left
		let started = false;
		const p = gate.acquire(EP).then(() => (started = true));
		await Promise.resolve();
		expect(started).toBe(false);
		gate.release(EP, { limit: 3, remaining: 1, reset: 100 });
		gate.release(EP, { limit: 3, remaining: 0, reset: 100 });
		await p;
		expect(c.t.now).toBeGreaterThanOrEqual(100_250);
	});
});

describe('Progress', () => {
	it('on a terminal: bar, done/total, rate, ETA and the current wait', () => {
		let out = '';
		let now = 0;
		const p = new Progress({ write: (s: string) => (out += s), isTTY: true }, 100, 10, () => now);
		for (let i = 0; i < 20; i++) p.tick();
		now = 2000;
		p.waiting(5000);
		p.stop();
		expect(out).toMatch(/\[#+-+\] 30\/100 {2}10\.0\/s {2}ETA 0:07 {2}rate-limited: waiting 3\.0 s/);
		expect(p.waits).toBe(1);
	});

	it('without a terminal: JSON lines', () => {
		let out = '';
		const p = new Progress({ write: (s: string) => (out += s), isTTY: false }, 5, 0);
		p.tick();
		p.stop();
		expect(JSON.parse(out.trim())).toMatchObject({ event: 'run_done', done: 1, total: 5 });
	});
});
