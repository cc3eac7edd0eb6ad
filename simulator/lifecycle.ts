/**
 * Everything the simulator starts that could outlive a test: timers and outgoing requests.
 * `stop()` cancels them all, so jest sees no open handles.
 */

export class Lifecycle {
	private readonly timers = new Map<NodeJS.Timeout, () => void>();
	private readonly controllers = new Set<AbortController>();
	private readonly pending = new Set<Promise<unknown>>();
	stopped = false;

	/** Resolves true after ms, or false at once when the simulator stops. */
	sleep(ms: number): Promise<boolean> {
		if (this.stopped) return Promise.resolve(false);
		if (ms <= 0) return Promise.resolve(true);
		return new Promise((resolve) => {
			const t = setTimeout(() => {
				this.timers.delete(t);
				resolve(true);
			}, ms);
			this.timers.set(t, () => resolve(false));
		});
	}

	/** An AbortController that stop() aborts; call the returned release when done. */
	controller(): { signal: AbortSignal; release: () => void } {
		const c = new AbortController();
		if (this.stopped) c.abort();
		this.controllers.add(c);
		return { signal: c.signal, release: () => this.controllers.delete(c) };
	}

	/** Remembers background work so whenIdle() can wait for it. */
	track<T>(p: Promise<T>): Promise<T> {
		this.pending.add(p);
		const done = () => this.pending.delete(p);
		p.then(done, done);
		return p;
	}

	async whenIdle(): Promise<void> {
		while (this.pending.size) await Promise.allSettled([...this.pending]);
	}

	stop(): void {
		this.stopped = true;
		for (const [t, cancel] of this.timers) {
			clearTimeout(t);
			cancel();
		}
		this.timers.clear();
		for (const c of this.controllers) c.abort();
		this.controllers.clear();
	}
}
