/**
 * A tiny webhook receiver for the action-node tests: answers X's CRC GET with the app's consumer
 * secret and accepts deliveries (replay status) with 200.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { crcResponse } from '../../client/webhook-signature';

export interface Receiver {
	url: (path?: string) => string;
	crcCount: () => number;
	posts: () => number;
	stop: () => Promise<void>;
}

export async function startReceiver(consumerSecret: string): Promise<Receiver> {
	let crc = 0;
	let posts = 0;
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		req.resume();
		req.on('end', () => {
			const token = url.searchParams.get('crc_token');
			if (req.method === 'GET' && token) {
				crc++;
				const body = JSON.stringify(crcResponse(consumerSecret, token));
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(body);
				return;
			}
			if (req.method === 'POST') posts++;
			res.writeHead(200);
			res.end();
		});
	});
	server.keepAliveTimeout = 500;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: (path = '/x/webhook') => `http://127.0.0.1:${port}${path}`,
		crcCount: () => crc,
		posts: () => posts,
		stop: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
