/**
 * Event delivery: POST the exact bytes to webhook URLs with `x-twitter-webhooks-signature` over
 * the raw body, retrying failures as X does (enterprise: three retries within about five minutes,
 * e.g. X's documented schedule is roughly 0 s, then retries spread over ~5 min; compressed by
 * default here, see `deliveryRetryDelaysMs`), and logging every attempt.
 */
import { SIGNATURE_HEADER, signWebhookPayload } from '../client/webhook-signature';
import type { DeliveryRecord, SimContext } from './context';
import { send } from './outbound';
import { toRawJson } from './raw-json';
import type { WebhookRecord } from './state';

export interface DeliverOptions {
	/** Only this webhook (if it is valid). Default: every valid webhook. */
	webhookId?: string;
	/** Extra copies of the same bytes to send to each webhook (X sends duplicates). Default 0. */
	duplicate?: number;
	/** When X saw the event (ms, X's clock), for replay. Default config.now(). */
	at?: number;
}

let deliverySeq = 0;

export function payloadBytes(payload: string | Buffer | object): Buffer {
	if (Buffer.isBuffer(payload)) return payload;
	if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
	return Buffer.from(toRawJson(payload), 'utf8');
}

/** One POST with retries per `retryDelays`; resolves when delivered or out of retries. */
export async function deliverOnce(
	ctx: SimContext,
	webhook: WebhookRecord,
	body: Buffer,
	kind: DeliveryRecord['kind'],
	copy: number,
	retryDelays: number[],
): Promise<DeliveryRecord> {
	const signature = signWebhookPayload(ctx.config.app.consumerSecret, body);
	const record: DeliveryRecord = {
		id: ++deliverySeq,
		webhookId: webhook.id,
		url: webhook.url,
		kind,
		copy,
		signature,
		bytes: body.length,
		attempts: [],
		delivered: false,
		pending: true,
	};
	ctx.deliveries.push(record);
	for (let attempt = 0; ; attempt++) {
		const at = Date.now();
		const res = await send(ctx.life, {
			method: 'POST',
			url: webhook.url,
			headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
			body,
			timeoutMs: ctx.config.deliveryTimeoutMs,
		});
		if (res.ok) {
			record.attempts.push({ at, status: res.status, ms: res.ms });
			if (res.status >= 200 && res.status < 300) {
				record.delivered = true;
				break;
			}
		} else record.attempts.push({ at, error: res.error, ms: res.ms });
		if (attempt >= retryDelays.length || ctx.life.stopped) break;
		if (!(await ctx.life.sleep(retryDelays[attempt]))) break;
	}
	record.pending = false;
	return record;
}

/** Targets: one webhook or every valid one. */
export function deliveryTargets(ctx: SimContext, webhookId?: string): WebhookRecord[] {
	if (webhookId !== undefined) {
		const w = ctx.state.webhooks.get(webhookId);
		return w && w.valid ? [w] : [];
	}
	return [...ctx.state.webhooks.values()].filter((w) => w.valid);
}

/**
 * Delivers a payload (object → compact JSON with exact 64-bit ids; string/Buffer → sent as is)
 * to the targets, storing it for replay. Resolves when every copy is delivered or given up.
 */
export function deliverTo(
	ctx: SimContext,
	targets: WebhookRecord[],
	payload: string | Buffer | object,
	opts: DeliverOptions = {},
): Promise<DeliveryRecord[]> {
	const body = payloadBytes(payload);
	const at = opts.at ?? ctx.config.now();
	const copies = 1 + Math.max(0, Math.floor(opts.duplicate ?? 0));
	const work: Array<Promise<DeliveryRecord>> = [];
	for (const w of targets) {
		ctx.state.storeEvent(w.id, at, body);
		for (let c = 0; c < copies; c++) {
			work.push(deliverOnce(ctx, w, body, 'event', c, ctx.config.retryDelaysMs[w.flavour]));
		}
	}
	return ctx.life.track(Promise.all(work));
}
