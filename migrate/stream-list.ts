/**
 * Verification's subscription list, read as a stream: the user ids are picked out of the
 * answer as it arrives, so a list of a million subscriptions never becomes one string plus a
 * million parsed objects (that alone took the 1,000,000-user run from 380 to 510 MB peak).
 * Any answer but a 200 returns false, and the caller asks the client, which raises the typed
 * error (or waits out a 429). Ids are taken as digits, quoted or not: never rounded.
 */
import http from 'node:http';
import https from 'node:https';

import { endpointFor } from '../client/aaa-endpoints';
import { normaliseBaseUrl } from '../client/base-url';
import type { XClient } from '../client/x-client';

const USER_ID = /"user_id"\s*:\s*"?(\d{1,20})/g;

export async function streamSubscriptionIds(
	client: XClient,
	where: { webhookId?: string; environment?: string; baseUrl?: string },
	onId: (id: string) => void,
	timeoutMs = 120_000,
): Promise<boolean> {
	const def = endpointFor(client.flavour, 'listSubscriptions');
	let path = def.template;
	if (path.includes(':webhook_id')) {
		if (!where.webhookId) return false;
		path = path.replace(':webhook_id', encodeURIComponent(where.webhookId));
	}
	if (path.includes(':env_name')) {
		if (!where.environment) return false;
		path = path.replace(':env_name', encodeURIComponent(where.environment.trim()));
	}
	const url = new URL(normaliseBaseUrl(where.baseUrl) + path);
	const bearer = await client.getBearerToken();
	const lib = url.protocol === 'https:' ? https : http;
	return await new Promise<boolean>((resolve) => {
		const req = lib.request(url, {
			method: 'GET',
			headers: { authorization: `Bearer ${bearer}`, accept: 'application/json', 'user-agent': 'n8n-nodes-x-account-activity' },
			timeout: timeoutMs,
		});
		req.on('timeout', () => req.destroy(new Error('timed out')));
		req.on('error', () => resolve(false));
		req.on('response', (res) => {
			if (res.statusCode !== 200) {
				res.resume();
				resolve(false);
				return;
			}
			res.setEncoding('utf8');
			let carry = '';
			res.on('data', (chunk: string) => {
				const text = carry + chunk;
				// Everything up to the last '}' holds whole {"user_id":…} objects.
				const cut = text.lastIndexOf('}') + 1;
				scan(text.slice(0, cut), onId);
				carry = text.slice(cut);
				if (carry.length > 4096) carry = carry.slice(-4096);
			});
			res.on('end', () => {
				scan(carry, onId);
				resolve(true);
			});
			res.on('error', () => resolve(false));
		});
		req.end();
	});
}

function scan(text: string, onId: (id: string) => void): void {
	USER_ID.lastIndex = 0;
	for (let m = USER_ID.exec(text); m !== null; m = USER_ID.exec(text)) onId(m[1]);
}
