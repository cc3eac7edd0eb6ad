/**
 * Reconnect timing as X prescribes, on a compressed clock: the connect times the stream
 * connection actually makes, per cause of failure (network, HTTP, 429), the one immediate
 * reconnect after a healthy connection is lost, and what stops retrying (401, 403,
 * TooManyConnections, too many failures).
 */
import { Readable } from 'node:stream';
import { ReconnectPolicy } from '../../nodes/XActivityStreamTrigger/reconnect-policy';
import {
	StreamConnection,
	type StreamFatalError,
	type StreamRequester,
	type StreamResponse,
	backfillMinutesFor,
} from '../../nodes/XActivityStreamTrigger/stream-connection';
import { VirtualClock } from './virtual-clock';

type Step = 'network' | 503 | 500 | 429 | 401 | 403 | 'too_many' | 'healthy' | 400;

const response = (status: number, body: string): StreamResponse => ({ statusCode: status, body: Readable.from([Buffer.from(body)]) });

/** Runs a connection against a scripted X; returns the virtual connect times and URLs. */
async function run(script: Step[], opts: { maxFailures?: number } = {}) {
	const clock = new VirtualClock();
	const connects: Array<{ at: number; url: string }> = [];
	const fatal: StreamFatalError[] = [];
	let i = 0;
	const request: StreamRequester = async ({ url }) => {
		connects.push({ at: clock.now(), url });
		const step = script[i++] ?? 'network';
		switch (step) {
			case 'network':
				throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
			case 'healthy':
				// a keep-alive and an event, then the connection ends (cut)
				return response(200, '\r\n{"data":{"event_uuid":"1","event_type":"post.create","filter":{},"payload":{}}}\r\n');
			case 'too_many':
				return response(429, '{"title":"ConnectionException","connection_issue":"TooManyConnections"}');
			case 429:
				return response(429, '{"errors":[{"code":88,"message":"Rate limit exceeded"}]}');
			default:
				return response(step, '{"title":"x","detail":"refused"}');
		}
	};
	const conn = new StreamConnection(
		'http://x.test/2/activity/stream',
		async () => 'bearer',
		{ request: () => request, sleep: clock.sleep, now: clock.now, timings: { maxFailures: opts.maxFailures ?? 100 } },
		{ onEnvelope: () => undefined, onFatal: (e) => fatal.push(e) },
	);
	conn.start();
	await clock.runUntil(() => connects.length > script.length || fatal.length > 0);
	await conn.stop();
	const gaps = connects.slice(1).map((c, k) => c.at - connects[k].at);
	return { connects, gaps, fatal };
}

describe('reconnect back-off (X: immediately once, then by cause)', () => {
	it('network errors: linear +250 ms up to 16 s', async () => {
		const { gaps } = await run(Array(70).fill('network'));
		expect(gaps.slice(0, 5)).toEqual([250, 500, 750, 1000, 1250]);
		expect(gaps[63]).toBe(16_000); // 64 × 250 capped
		expect(Math.max(...gaps)).toBe(16_000);
	});

	it('HTTP errors: exponential from 5 s up to 320 s', async () => {
		const { gaps } = await run([503, 500, 503, 503, 503, 503, 503, 503, 503]);
		expect(gaps.slice(0, 9)).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 320_000, 320_000]);
	});

	it('HTTP 429: exponential from 60 s', async () => {
		const { gaps } = await run([429, 429, 429, 429]);
		expect(gaps.slice(0, 4)).toEqual([60_000, 120_000, 240_000, 480_000]);
	});

	it('a healthy connection lost: reconnect at once, once; then back off by cause, and a new healthy connection resets it', async () => {
		const { gaps, connects } = await run(['healthy', 'network', 'network', 'healthy', 503, 503, 'healthy', 'healthy']);
		// healthy→lost: 0; failed network: 250, 500; healthy again (lost): 0; http: 5 s, 10 s; healthy: 0; healthy: 0
		expect(gaps.slice(0, 8)).toEqual([0, 250, 500, 0, 5_000, 10_000, 0, 0]);
		// after a loss the reconnect asks for backfill covering the gap (≥ 1 minute, ≤ 5)
		expect(connects[0].url).not.toMatch(/backfill/);
		expect(connects[1].url).toMatch(/\?backfill_minutes=1$/);
	});

	it('401 and 403 stop at once with a message naming the cause; TooManyConnections names the other process', async () => {
		for (const [step, re] of [
			[401, /bearer token.*consumer key and secret/],
			[403, /no X Activity API access/],
			['too_many', /TooManyConnections.*2 stream connections.*Another process holds them/],
		] as Array<[Step, RegExp]>) {
			const { connects, fatal } = await run([step, 'healthy']);
			expect(connects).toHaveLength(1);
			expect(fatal).toHaveLength(1);
			expect(fatal[0].message).toMatch(re);
			expect(fatal[0].message).not.toMatch(/bearer$/);
		}
	});

	it('gives up after maxFailures in a row, so n8n reactivates the workflow with its own back-off', async () => {
		const { connects, fatal } = await run(Array(10).fill(503), { maxFailures: 4 });
		expect(connects).toHaveLength(4);
		expect(fatal[0].message).toMatch(/could not be reached after 4 attempts/);
	});

	it('a 400 to backfill is retried at once without backfill, and backfill is not asked again', async () => {
		const { connects, gaps } = await run(['healthy', 400, 'healthy', 'healthy']);
		expect(connects[1].url).toMatch(/backfill_minutes=1/);
		expect(connects[2].url).not.toMatch(/backfill/);
		expect(connects[3].url).not.toMatch(/backfill/);
		expect(gaps.slice(0, 3)).toEqual([0, 0, 0]);
	});

	it('backfill covers the gap since the last complete line, capped at 5 minutes', () => {
		expect(backfillMinutesFor(0)).toBe(1);
		expect(backfillMinutesFor(58_000)).toBe(1);
		expect(backfillMinutesFor(59_000)).toBe(2);
		expect(backfillMinutesFor(4 * 60_000)).toBe(5);
		expect(backfillMinutesFor(60 * 60_000)).toBe(5);
	});

	it('the policy alone: immediate once, per-cause counters', () => {
		const p = new ReconnectPolicy();
		expect(p.lost()).toBe(0);
		expect(p.lost()).toBe(250);
		expect(p.failed('http')).toBe(5_000);
		expect(p.failed('network')).toBe(500);
		p.connected();
		expect(p.lost()).toBe(0);
		expect(p.failures).toBe(0);
	});
});

describe('silence and connect timeouts', () => {
	it('reconnects after idleTimeoutMs without a byte, and when headers never come', async () => {
		const clock = new VirtualClock();
		const connects: number[] = [];
		let n = 0;
		const request: StreamRequester = ({ abortSignal }) => {
			connects.push(clock.now());
			n++;
			if (n === 1) {
				// headers, one keep-alive, then silence until aborted
				const body = new Readable({ read() {} });
				body.push('\r\n');
				abortSignal.addEventListener('abort', () => body.destroy(new Error('aborted')));
				return Promise.resolve({ statusCode: 200, body });
			}
			// no headers at all until aborted
			return new Promise((_r, reject) => abortSignal.addEventListener('abort', () => reject(new Error('aborted'))));
		};
		const conn = new StreamConnection(
			'http://x.test/2/activity/stream',
			async () => 'b',
			{ request: () => request, sleep: clock.sleep, now: clock.now, timings: { idleTimeoutMs: 45_000, connectTimeoutMs: 30_000, watchdogMs: 1_000 } },
			{ onEnvelope: () => undefined, onFatal: () => undefined },
		);
		conn.start();
		await clock.runUntil(() => connects.length >= 3);
		await conn.stop();
		// first: silent after its keep-alive → dropped at 46 s (watchdog granularity 1 s), reconnect at once;
		// second: no headers → dropped after 31 s, then network back-off 250 ms
		expect(connects[1]).toBe(46_000);
		expect(connects[2] - connects[1]).toBe(31_000 + 250);
	});
});
