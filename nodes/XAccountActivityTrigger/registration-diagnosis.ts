/**
 * When X refuses a webhook (code 214 / CrcValidationFailed / UrlValidationFailed), say which of
 * the usual causes it is: the URL is not https or carries a port, it does not answer at all,
 * or it answers the CRC wrongly. We ask the URL ourselves, as X would, through the same wire the
 * client uses (n8n's request helper in the node).
 */
import { randomUUID } from 'node:crypto';
import type { HttpRequester } from '../../client/http-transport';
import { crcResponse } from '../../client/webhook-signature';

export async function explainWebhookRejection(
	request: HttpRequester,
	url: string,
	consumerSecret: string,
	timeoutMs = 3000,
): Promise<string> {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		return `the webhook URL "${url}" is not a valid URL`;
	}
	const reasons: string[] = [];
	if (u.protocol !== 'https:') reasons.push(`the URL is not https (X only calls https URLs): set WEBHOOK_URL to n8n's public https address`);
	if (u.port) reasons.push(`the URL carries a port (${u.port}); X only calls the default https port`);
	const token = Buffer.from(randomUUID()).toString('base64');
	const started = Date.now();
	const probe = new URL(url);
	probe.searchParams.set('crc_token', token);
	probe.searchParams.set('nonce', String(started));
	let answer: { status: number; body: string } | { error: string };
	try {
		const res = await request({ method: 'GET', url: probe.toString(), headers: { accept: 'application/json' }, timeoutMs });
		answer = { status: res.status, body: res.body.slice(0, 4096) };
	} catch (e) {
		const err = e as { code?: string; message?: string };
		answer = { error: err.code === 'ETIMEDOUT' ? `no answer within ${timeoutMs} ms` : (err.message ?? String(e)) };
	}
	if ('error' in answer) {
		reasons.push(`the URL is unreachable (${answer.error})`);
	} else if (answer.status !== 200) {
		reasons.push(`the URL answered the CRC check with HTTP ${answer.status} instead of 200`);
	} else if (!answer.body.includes(crcResponse(consumerSecret, token).response_token)) {
		reasons.push('the CRC answer was wrong: the URL does not answer with this credential\'s consumer secret (another app\'s secret, or another service at that URL)');
	} else if (Date.now() - started > timeoutMs) {
		reasons.push('the CRC answer was too slow (X waits 3 seconds)');
	} else if (reasons.length === 0) {
		reasons.push('the URL answers the CRC correctly from this machine, so X probably cannot reach it: is it public on the internet?');
	}
	return 'X could not validate the webhook: ' + reasons.join('; ');
}
