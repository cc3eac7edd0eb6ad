/**
 * Injected trouble: latency (fixed or a seeded range), seeded random 5xx answers, one-shot
 * failures and hangs queued by tests. Seeded with mulberry32 so a run can be repeated exactly:
 * the same seed and the same sequence of requests fail the same requests.
 */
import type { ResolvedConfig } from './config';
import { mulberry32, type Rng } from './prng';

export interface FailNextOptions {
	/** Default 503. */
	status?: number;
	/** Only requests whose path matches. Default any API path. */
	pathPattern?: string | RegExp;
}

export interface HangNextOptions {
	pathPattern?: string | RegExp;
}

interface Queued {
	remaining: number;
	status: number;
	pattern?: RegExp;
}

export type FaultDecision = { type: 'none' } | { type: 'fail'; status: number } | { type: 'hang' };

const toRegExp = (p: string | RegExp | undefined): RegExp | undefined =>
	p === undefined ? undefined : p instanceof RegExp ? p : new RegExp(p);

export class FaultInjector {
	private readonly faultRng: Rng;
	private readonly latencyRng: Rng;
	private readonly failQueue: Queued[] = [];
	private readonly hangQueue: Queued[] = [];

	constructor(private readonly config: ResolvedConfig) {
		this.faultRng = mulberry32(config.faults?.seed ?? 1);
		this.latencyRng = mulberry32(config.seed ^ 0x1a7e);
	}

	latency(): number {
		const l = this.config.latencyMs;
		if (typeof l === 'number') return l;
		return l[0] + Math.floor(this.latencyRng() * (l[1] - l[0] + 1));
	}

	failNext(n: number, opts: FailNextOptions = {}): void {
		this.failQueue.push({
			remaining: n,
			status: opts.status ?? 503,
			pattern: toRegExp(opts.pathPattern),
		});
	}

	hangNext(n: number, opts: HangNextOptions = {}): void {
		this.hangQueue.push({ remaining: n, status: 0, pattern: toRegExp(opts.pathPattern) });
	}

	private takeQueued(queue: Queued[], path: string): Queued | undefined {
		const q = queue.find((e) => e.remaining > 0 && (!e.pattern || e.pattern.test(path)));
		if (!q) return undefined;
		q.remaining--;
		if (q.remaining === 0) queue.splice(queue.indexOf(q), 1);
		return q;
	}

	/** Decides the fate of one API request (admin requests never come here). */
	decide(path: string): FaultDecision {
		if (this.takeQueued(this.hangQueue, path)) return { type: 'hang' };
		const queued = this.takeQueued(this.failQueue, path);
		if (queued) return { type: 'fail', status: queued.status };
		const f = this.config.faults;
		if (f && f.rate > 0 && (!f.paths || f.paths.test(path))) {
			// Two draws per eligible request whatever the outcome, so the sequence stays aligned.
			const hit = this.faultRng() < f.rate;
			const pick = f.statuses[Math.floor(this.faultRng() * f.statuses.length)];
			if (hit) return { type: 'fail', status: pick };
		}
		return { type: 'none' };
	}
}
