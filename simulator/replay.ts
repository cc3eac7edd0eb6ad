/**
 * Replay jobs. Enterprise: `from_date`/`to_date` as yyyymmddhhmm UTC within the last 5 days,
 * from at least 31 minutes ago, to at least 10 minutes ago, from < to. v2: within the last 24
 * hours, to not in the future. One job per webhook at a time. The job re-delivers the stored
 * events with from <= time < to, oldest first, byte for byte as first delivered (X's docs give
 * replayed events no marker), without retries, then posts `replay_job_status` (Complete, or
 * Incomplete when a delivery failed).
 */
import type { SimContext } from './context';
import { deliverOnce } from './delivery';
import { replayJobStatus } from './events';
import { fail, ok, type Outcome } from './failures';
import type { ReplayJobRecord, WebhookRecord } from './state';

const MINUTE = 60_000;

/** yyyymmddhhmm (UTC) → ms, or undefined when malformed. */
export function parseReplayDate(s: unknown): number | undefined {
	if (typeof s !== 'string') return undefined;
	const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
	if (!m) return undefined;
	const [y, mo, d, h, mi] = m.slice(1).map(Number);
	const t = Date.UTC(y, mo - 1, d, h, mi);
	const back = new Date(t);
	if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59)
		return undefined;
	return t;
}

/** ms → yyyymmddhhmm (UTC). */
export function formatReplayDate(ms: number): string {
	const d = new Date(ms);
	const p = (n: number) => String(n).padStart(2, '0');
	return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

export function validateWindow(
	flavour: 'enterprise' | 'v2',
	fromRaw: unknown,
	toRaw: unknown,
	now: number,
): Outcome<{ from: number; to: number }> {
	const bad = (detail: string) =>
		fail<{ from: number; to: number }>({ kind: 'replay_invalid', detail });
	if (fromRaw === undefined || fromRaw === null || fromRaw === '')
		return bad('from_date is required (yyyymmddhhmm)');
	if (toRaw === undefined || toRaw === null || toRaw === '')
		return bad('to_date is required (yyyymmddhhmm)');
	const from = parseReplayDate(fromRaw);
	const to = parseReplayDate(toRaw);
	if (from === undefined) return bad('from_date must be yyyymmddhhmm (UTC)');
	if (to === undefined) return bad('to_date must be yyyymmddhhmm (UTC)');
	if (from >= to) return bad('from_date must be before to_date');
	if (flavour === 'enterprise') {
		if (from < now - 5 * 24 * 60 * MINUTE) return bad('from_date must be within the last 5 days');
		if (from > now - 31 * MINUTE) return bad('from_date must be at least 31 minutes ago');
		if (to > now - 10 * MINUTE) return bad('to_date must be at least 10 minutes ago');
	} else {
		if (from < now - 24 * 60 * MINUTE) return bad('from_date must be within the last 24 hours');
		if (to > now) return bad('to_date must not be in the future');
	}
	return ok({ from, to });
}

export function startReplay(
	ctx: SimContext,
	webhook: WebhookRecord,
	flavour: 'enterprise' | 'v2',
	fromRaw: unknown,
	toRaw: unknown,
): Outcome<ReplayJobRecord> {
	const now = ctx.config.now();
	const window = validateWindow(flavour, fromRaw, toRaw, now);
	if (!window.ok) return window;
	const running = ctx.state.runningReplay(webhook.id);
	if (running) return fail({ kind: 'replay_conflict', jobId: running.jobId });
	const job: ReplayJobRecord = {
		jobId: ctx.state.newId(),
		webhookId: webhook.id,
		flavour,
		fromMs: window.value.from,
		toMs: window.value.to,
		createdAt: now,
		state: 'Pending',
		delivered: 0,
		failed: 0,
	};
	ctx.state.replayJobs.set(job.jobId, job);
	void ctx.life.track(runReplay(ctx, webhook, job));
	return ok(job);
}

async function runReplay(
	ctx: SimContext,
	webhook: WebhookRecord,
	job: ReplayJobRecord,
): Promise<void> {
	if (!(await ctx.life.sleep(ctx.config.replayStartDelayMs))) {
		job.state = 'Incomplete';
		return;
	}
	job.state = 'Running';
	for (const e of ctx.state.eventsInWindow(webhook.id, job.fromMs, job.toMs)) {
		if (ctx.life.stopped) break;
		const r = await deliverOnce(ctx, webhook, e.body, 'replay', 0, []);
		if (r.delivered) job.delivered++;
		else job.failed++;
	}
	const complete = job.failed === 0 && !ctx.life.stopped;
	job.state = complete ? 'Complete' : 'Incomplete';
	if (ctx.life.stopped) return;
	const status = replayJobStatus(webhook.id, job.jobId, complete);
	await deliverOnce(ctx, webhook, Buffer.from(JSON.stringify(status)), 'replay_job_status', 0, []);
}
