/** Stream test helpers: Node's HTTP in the shape of n8n's `helpers.httpRequest({ encoding: 'stream' })`, and a raw line reader. */
import http from 'node:http';

import type { StreamRequester } from '../../nodes/XActivityStreamTrigger/stream-connection';
import type { Simulator } from '../../simulator';

/** What n8n's httpRequest answers with returnFullResponse + encoding 'stream' + ignoreHttpStatusErrors. */
export const nodeRequester: StreamRequester = ({ url, headers, abortSignal }) =>
	new Promise((resolve, reject) => {
		const req = http.get(url, { headers, signal: abortSignal, agent: false }, (res) =>
			resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res }),
		);
		req.on('error', reject);
	});

export interface RawStream {
	status: number;
	headers: http.IncomingHttpHeaders;
	/** Every chunk's text, in order. */
	text(): string;
	/** Non-blank lines parsed as JSON. */
	lines(): unknown[];
	ended: Promise<void>;
	close(): void;
}

/** Opens GET /2/activity/stream and collects what arrives. */
export function openStream(
	sim: Simulator,
	query = '',
	auth: string | undefined = `Bearer ${sim.app.bearerToken}`,
): Promise<RawStream> {
	return new Promise((resolve, reject) => {
		const req = http.get(
			`${sim.baseUrl}/2/activity/stream${query}`,
			{ headers: auth ? { authorization: auth } : {}, agent: false },
			(res) => {
				let text = '';
				let endedResolve!: () => void;
				const ended = new Promise<void>((r) => (endedResolve = r));
				res.on('data', (c: Buffer) => (text += c.toString('utf8')));
				res.on('end', endedResolve);
				res.on('close', endedResolve);
				res.on('error', endedResolve);
				resolve({
					status: res.statusCode ?? 0,
					headers: res.headers,
					text: () => text,
					lines: () =>
						text
							.split('\n')
							.map((l) => l.trim())
							.filter((l) => l !== '')
							.map((l) => {
								try {
									return JSON.parse(l) as unknown;
								} catch {
									return { unparsable: l };
								}
							}),
					ended,
					close: () => req.destroy(),
				});
			},
		);
		req.on('error', reject);
	});
}

export async function until(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!cond()) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

/** Creates a public XAA subscription (Bearer) without webhook_id: delivered to the stream only. */
export async function subscribe(sim: Simulator, eventType: string, userId: string, tag?: string): Promise<string> {
	const res = await fetch(`${sim.baseUrl}/2/activity/subscriptions`, {
		method: 'POST',
		headers: { authorization: `Bearer ${sim.app.bearerToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ event_type: eventType, filter: { user_id: userId }, ...(tag ? { tag } : {}) }),
	});
	const json = (await res.json()) as { data?: { subscription?: { subscription_id?: string } } };
	const id = json.data?.subscription?.subscription_id;
	if (res.status !== 200 || !id) throw new Error(`subscribe ${eventType}: ${res.status} ${JSON.stringify(json)}`);
	return id;
}
