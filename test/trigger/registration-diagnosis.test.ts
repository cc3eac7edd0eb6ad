/** Why X refused a webhook, found by asking the URL ourselves as X would. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeHttpRequest } from '../../client/node/http-requester';
import type { HttpRequester } from '../../client/http-transport';
import { explainWebhookRejection as explainWith } from '../../nodes/XAccountActivityTrigger/registration-diagnosis';
import { n8nHttpRequester } from '../../nodes/shared/n8n-transport';
import { nodeHelpers } from '../support/n8n-helpers';
import { startReceiver } from '../simulator/helpers';

// The node asks through n8n's request helper; the same diagnosis runs on any wire.
describe.each<[string, HttpRequester]>([
	['through n8n\'s request helper', n8nHttpRequester(nodeHelpers)],
	['through Node\'s HTTP', nodeHttpRequest],
])('explainWebhookRejection %s', (_wire, wire) => {
const explainWebhookRejection = (url: string, secret: string, timeoutMs?: number) => explainWith(wire, url, secret, timeoutMs);

	it('names plain http and a port, and a wrong CRC answer', async () => {
		const r = await startReceiver('another-apps-secret');
		try {
			const why = await explainWebhookRejection(r.url, 'this-apps-secret');
			expect(why).toMatch(/not https/);
			expect(why).toMatch(/carries a port/);
			expect(why).toMatch(/CRC answer was wrong/);
		} finally {
			await r.close();
		}
	});

	it('does not blame a correct CRC answer: on http with a port, those are the reasons', async () => {
		const r = await startReceiver('s3cret');
		try {
			const why = await explainWebhookRejection(r.url, 's3cret');
			expect(why).toMatch(/not https.*carries a port/);
			expect(why).not.toMatch(/CRC answer was wrong|unreachable/);
		} finally {
			await r.close();
		}
	});

	it('names an unreachable URL, a non-200 answer and a slow one', async () => {
		const dead = http.createServer();
		await new Promise<void>((res) => dead.listen(0, '127.0.0.1', res));
		const port = (dead.address() as AddressInfo).port;
		await new Promise<void>((res) => dead.close(() => res()));
		expect(await explainWebhookRejection(`http://127.0.0.1:${port}/hook`, 's')).toMatch(/unreachable/);

		const r = await startReceiver('s', 'non200');
		try {
			expect(await explainWebhookRejection(r.url, 's')).toMatch(/HTTP 500 instead of 200/);
			r.crc = { delayMs: 400 };
			expect(await explainWebhookRejection(r.url, 's', 200)).toMatch(/unreachable \(no answer within 200 ms\)/);
		} finally {
			await r.close();
		}
	});
});
