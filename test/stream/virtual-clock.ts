/** A compressed clock for the stream connection: sleeps resolve when virtual time reaches them. */
export class VirtualClock {
	t = 0;
	private timers: Array<{ at: number; resolve: () => void; reject: (e: unknown) => void; signal: AbortSignal; onAbort: () => void }> = [];

	now = (): number => this.t;

	sleep = (ms: number, signal: AbortSignal): Promise<void> =>
		new Promise<void>((resolve, reject) => {
			if (signal.aborted) return reject(new Error('aborted'));
			const timer = {
				at: this.t + ms,
				resolve,
				reject,
				signal,
				onAbort: () => {
					this.timers = this.timers.filter((x) => x !== timer);
					reject(new Error('aborted'));
				},
			};
			signal.addEventListener('abort', timer.onAbort, { once: true });
			this.timers.push(timer);
		});

	/** Lets pending promise chains run (several macrotask turns). */
	async settle(): Promise<void> {
		for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
	}

	/** Jumps to the earliest timer and fires it (and any due at the same time). False when none is pending. */
	async next(): Promise<boolean> {
		await this.settle();
		if (this.timers.length === 0) return false;
		const at = Math.min(...this.timers.map((x) => x.at));
		this.t = Math.max(this.t, at);
		const due = this.timers.filter((x) => x.at <= this.t);
		this.timers = this.timers.filter((x) => x.at > this.t);
		for (const d of due) {
			d.signal.removeEventListener('abort', d.onAbort);
			d.resolve();
		}
		await this.settle();
		return true;
	}

	/** Runs until virtual time passes `until` or cond() holds. */
	async runUntil(cond: () => boolean, until = Number.MAX_SAFE_INTEGER): Promise<void> {
		while (!cond() && this.t <= until) {
			if (!(await this.next())) await this.settle();
		}
	}
}
