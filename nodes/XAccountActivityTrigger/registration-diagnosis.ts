/**
 * When X refuses a webhook (code 214 / CrcValidationFailed / UrlValidationFailed), say which of
 * the usual causes it is: the URL is not https or carries a port, it does not answer at all,
 * or it answers the CRC wrongly. We ask the URL ourselves, as X would.
 */
import http from 'node:http';
import https from 'node:https';
import { randomUUID } from 'node:crypto';
import { crcResponse } from '../../client/webhook-signature';

export async function explainWebhookRejection(url: string, consumerSecret: string, timeoutMs = 3000): Promise<string> {
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
	const answer = await new Promise<{ status: number; body: string } | { error: string }>((resolve) => {
		const lib = u.protocol === 'https:' ? https : http;
		const req = lib.get(`${url}?crc_token=${encodeURIComponent(token)}&nonce=${Date.now()}`, { timeout: timeoutMs }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (c: string) => (body += c.length < 4096 ? c : ''));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
		});
		req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
		req.on('error', (e) => resolve({ error: e.message }));
	});
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
