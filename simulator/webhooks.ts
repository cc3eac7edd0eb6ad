/**
 * Webhook registration and the CRC check. Registration (POST) and PUT make a real CRC GET to the
 * URL: `GET <url>?crc_token=<base64 of a random UUID>&nonce=<base64 of the ms epoch>`, signed
 * with `x-twitter-webhooks-signature` over the raw query string, and expect 200 with
 * `{"response_token":"sha256=<base64 HMAC-SHA256(consumer secret, crc_token)>"}` in time.
 */
import { randomUUID } from 'node:crypto';

import type { ApiFlavour } from '../client/types';
import { SIGNATURE_HEADER, crcResponse, signWebhookPayload } from '../client/webhook-signature';
import type { SimContext } from './context';
import { fail, ok, type CrcFailReason, type Outcome } from './failures';
import { send } from './outbound';
import type { WebhookRecord } from './state';

export interface CrcResult {
	ok: boolean;
	reason?: CrcFailReason;
	detail?: string;
	ms: number;
}

/** Checks the URL as X would; with requireHttps, X's own rules (https, no port). */
export function checkWebhookUrl(ctx: SimContext, raw: unknown): Outcome<string> {
	if (typeof raw !== 'string' || !raw)
		return fail({ kind: 'url_invalid', detail: 'url is required' });
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return fail({ kind: 'url_invalid', detail: 'url is not a valid URL' });
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return fail({ kind: 'url_invalid', detail: 'url must be http(s)' });
	}
	if (ctx.config.requireHttps) {
		if (url.protocol !== 'https:')
			return fail({ kind: 'url_invalid', detail: 'url must use https' });
		if (url.port !== '') return fail({ kind: 'url_invalid', detail: 'url may not specify a port' });
	}
	if (url.hash) return fail({ kind: 'url_invalid', detail: 'url may not have a fragment' });
	return ok(raw);
}

/** One CRC GET against a URL. */
export async function crcCheck(
	ctx: SimContext,
	url: string,
	flavour: ApiFlavour,
): Promise<CrcResult> {
	const crcToken = Buffer.from(randomUUID()).toString('base64');
	const nonce = Buffer.from(String(ctx.config.now())).toString('base64').replace(/=+$/, '');
	const added = `crc_token=${encodeURIComponent(crcToken)}&nonce=${encodeURIComponent(nonce)}`;
	const [withoutHash] = url.split('#');
	const target = withoutHash.includes('?') ? `${withoutHash}&${added}` : `${withoutHash}?${added}`;
	const rawQuery = target.slice(target.indexOf('?') + 1);
	const timeoutMs = ctx.config.crcTimeoutMs[flavour];
	const res = await send(ctx.life, {
		method: 'GET',
		url: target,
		headers: { [SIGNATURE_HEADER]: signWebhookPayload(ctx.config.app.consumerSecret, rawQuery) },
		timeoutMs,
	});
	if (!res.ok) {
		if (res.error === 'timeout') {
			return {
				ok: false,
				reason: 'timeout',
				detail: `no answer within ${timeoutMs} ms`,
				ms: res.ms,
			};
		}
		return {
			ok: false,
			reason: 'connect',
			detail: `could not connect (${res.message})`,
			ms: res.ms,
		};
	}
	if (res.status !== 200) {
		return {
			ok: false,
			reason: 'non200',
			detail: `the CRC GET answered ${res.status}`,
			ms: res.ms,
		};
	}
	let token: unknown;
	try {
		token = (JSON.parse(res.body.toString('utf8')) as { response_token?: unknown }).response_token;
	} catch {
		return { ok: false, reason: 'bad_response', detail: 'the CRC answer is not JSON', ms: res.ms };
	}
	if (token !== crcResponse(ctx.config.app.consumerSecret, crcToken).response_token) {
		return {
			ok: false,
			reason: 'bad_response',
			detail: 'response_token does not match the crc_token',
			ms: res.ms,
		};
	}
	return { ok: true, ms: res.ms };
}

export async function registerWebhook(
	ctx: SimContext,
	flavour: ApiFlavour,
	rawUrl: unknown,
	environment?: string,
): Promise<Outcome<WebhookRecord>> {
	const checked = checkWebhookUrl(ctx, rawUrl);
	if (!checked.ok) return checked;
	const url = checked.value;
	const siblings = ctx.state.webhooksOf(flavour, environment);
	const dup = siblings.find((w) => w.url === url);
	if (dup) return fail({ kind: 'duplicate_url', existingId: dup.id });
	if (siblings.length >= ctx.config.webhookLimit[flavour]) return fail({ kind: 'webhook_limit' });
	const crc = await crcCheck(ctx, url, flavour);
	if (!crc.ok)
		return fail({
			kind: 'crc_failed',
			reason: crc.reason ?? 'bad_response',
			detail: crc.detail ?? '',
		});
	// Re-check after the await: a concurrent registration may have taken the slot.
	const again = ctx.state.webhooksOf(flavour, environment);
	const dup2 = again.find((w) => w.url === url);
	if (dup2) return fail({ kind: 'duplicate_url', existingId: dup2.id });
	if (again.length >= ctx.config.webhookLimit[flavour]) return fail({ kind: 'webhook_limit' });
	const record: WebhookRecord = {
		id: ctx.state.newId(),
		url,
		valid: true,
		createdAt: ctx.config.now(),
		flavour,
		...(environment !== undefined ? { environment } : {}),
	};
	ctx.state.webhooks.set(record.id, record);
	return ok(record);
}

/** Finds a webhook of this flavour (and environment); other apps' and flavours' ids are unknown. */
export function findWebhook(
	ctx: SimContext,
	flavour: ApiFlavour,
	id: string,
	environment?: string,
): WebhookRecord | undefined {
	const w = ctx.state.webhooks.get(id);
	if (!w || w.flavour !== flavour) return undefined;
	if (environment !== undefined && w.environment !== environment) return undefined;
	return w;
}

/** PUT / hourly check: re-runs the CRC; `valid` follows the outcome. */
export async function revalidate(ctx: SimContext, w: WebhookRecord): Promise<CrcResult> {
	const crc = await crcCheck(ctx, w.url, w.flavour);
	w.valid = crc.ok;
	return crc;
}
