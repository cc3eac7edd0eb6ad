/** The rate gate's pacing at the window edge (client/rate-limits.ts, used by migrate) and the progress display. */
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

describe('RateGate: pacing at the window edge', () => {
	const EP = 'POST /x';

	it('sends nothing before the reset second has fully passed (X rounds the reset to whole seconds)', async () => {
		const c = fakeClock(10_000);
		const gate = new RateGate({ now: c.now, sleep: c.sleep, resetMarginMs: 0 });
		await gate.acquire(EP);
		c.t.now = 10_005;
		gate.release(EP, { limit: 2, remaining: 1, reset: 13 }); // X may have rounded 13.4 down to 13
		await gate.acquire(EP);
		gate.release(EP, { limit: 2, remaining: 0, reset: 13 });
		await gate.acquire(EP);
		expect(c.t.now).toBeGreaterThanOrEqual(14_000); // not at 13.000, nor 13.250: second 13 must be over
		expect(c.t.slept.every((ms) => ms > 0)).toBe(true);
	});

	it('a 429 waits for its reset second to pass, then the new window has the full limit', async () => {
		const c = fakeClock(10_000);
		const gate = new RateGate({ now: c.now, sleep: c.sleep, resetMarginMs: 0 });
		await gate.acquire(EP);
		c.t.now = 10_005;
		gate.exhausted(EP, { limit: 3, remaining: 0, reset: 12 }, 0);
		await gate.acquire(EP);
		expect(c.t.now).toBe(13_000);
		await gate.acquire(EP);
		await gate.acquire(EP);
		expect(c.t.now).toBe(13_000); // the limit's three slots, no further wait
	});

	it('never sends into an old window across many windows (a model of X that rounds either way)', async () => {
		for (const rounding of [Math.floor, Math.ceil]) {
			const c = fakeClock(10_000);
			const gate = new RateGate({ now: c.now, sleep: c.sleep });
			// a server: 5 requests per 1.3 s window, opened by the first request, reset rounded
			let windowEnd = 0;
			let used = 0;
			let refused = 0;
			for (let i = 0; i < 60; i++) {
				await gate.acquire(EP);
				c.t.now += 7;
				if (c.t.now >= windowEnd) {
					windowEnd = c.t.now + 1300;
					used = 0;
				}
				const reset = rounding(windowEnd / 1000);
				if (used >= 5) {
					refused++;
					gate.exhausted(EP, { limit: 5, remaining: 0, reset }, 0);
					continue;
				}
				used++;
				gate.release(EP, { limit: 5, remaining: 5 - used, reset });
			}
			expect(refused).toBe(0);
		}
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
		expect(c.t.now).toBeGreaterThanOrEqual(101_000);
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

	it('without a terminal: plain lines, no JSON among the human output', () => {
		let out = '';
		const p = new Progress({ write: (s: string) => (out += s), isTTY: false }, 5, 0);
		p.tick();
		p.stop();
		expect(out).toMatch(/^x-aaa-migrate: run done: 1\/5 users in \d+ s \([\d.]+\/s\), 0 rate-limit waits\n$/);
		expect(() => JSON.parse(out.trim())).toThrow();
	});
});
