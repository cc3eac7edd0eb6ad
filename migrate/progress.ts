/**
 * Progress on stderr. On a terminal: one redrawn line with a bar, done/total, rate, ETA and the
 * current rate-limit wait. Without one (a log): a plain line per minute and one when the run ends.
 */
export interface ProgressSink {
	write(text: string): unknown;
	isTTY?: boolean;
}

export interface ProgressCounts {
	done: number;
	total: number;
}

export class Progress {
	private done = 0;
	private readonly startMs: number;
	private waitUntilMs = 0;
	private timer?: NodeJS.Timeout;
	private drawn = false;
	/** Rate-limit waits seen (distinct wait-until times) and their total length. */
	waits = 0;
	waitedMs = 0;
	private lastWaitUntil = 0;

	constructor(
		private readonly sink: ProgressSink,
		private readonly total: number,
		private readonly skipped: number,
		private readonly now: () => number = Date.now,
		intervalMs = 60_000,
	) {
		this.startMs = now();
		this.done = skipped;
		if (sink.isTTY) {
			this.timer = setInterval(() => this.draw(), 200);
		} else {
			this.timer = setInterval(() => this.line('progress'), Math.max(1000, intervalMs));
		}
		this.timer.unref();
	}

	tick(): void {
		this.done++;
	}

	/** The gate is holding requests back until `untilMs`. */
	waiting(untilMs: number): void {
		if (untilMs > this.lastWaitUntil + 5) {
			const from = Math.max(this.now(), this.lastWaitUntil);
			this.waits++;
			this.waitedMs += Math.max(0, untilMs - from);
			this.lastWaitUntil = untilMs;
		}
		this.waitUntilMs = Math.max(this.waitUntilMs, untilMs);
	}

	private stats() {
		const elapsed = Math.max(1, this.now() - this.startMs);
		const sent = this.done - this.skipped;
		const rate = (sent / elapsed) * 1000;
		const left = this.total - this.done;
		const etaS = rate > 0 ? left / rate : undefined;
		const waitMs = Math.max(0, this.waitUntilMs - this.now());
		return { elapsed, rate, etaS, waitMs };
	}

	private draw(): void {
		const { rate, etaS, waitMs } = this.stats();
		const width = 24;
		const frac = this.total > 0 ? this.done / this.total : 1;
		const filled = Math.round(frac * width);
		const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
		const eta = etaS === undefined ? '--:--' : clock(etaS);
		const wait = waitMs > 0 ? `  rate-limited: waiting ${(waitMs / 1000).toFixed(1)} s` : '';
		this.sink.write(
			`\r[${bar}] ${this.done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')}  ` +
				`${rate.toFixed(1)}/s  ETA ${eta}${wait}\x1b[K`,
		);
		this.drawn = true;
	}

	private line(event: 'progress' | 'run done'): void {
		const { elapsed, rate, etaS, waitMs } = this.stats();
		const n = (v: number) => v.toLocaleString('en-US');
		const parts = [
			`${event}: ${n(this.done)}/${n(this.total)} user${this.total === 1 ? '' : 's'} in ${n(Math.round(elapsed / 1000))} s (${rate.toFixed(1)}/s)`,
		];
		if (etaS !== undefined && event === 'progress') parts.push(`ETA ${clock(etaS)}`);
		if (waitMs > 0) parts.push(`waiting ${(waitMs / 1000).toFixed(1)} s for the rate limit`);
		parts.push(`${n(this.waits)} rate-limit wait${this.waits === 1 ? '' : 's'}`);
		this.sink.write(`x-aaa-migrate: ${parts.join(', ')}\n`);
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
		if (this.sink.isTTY) {
			this.draw();
			if (this.drawn) this.sink.write('\n');
		} else {
			this.line('run done');
		}
	}
}

function clock(seconds: number): string {
	const s = Math.round(seconds);
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const ss = String(s % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
