/**
 * A recording pass-through between a client and the simulator on 127.0.0.1: every request to the
 * contract's surfaces (/2/activity, /2/webhooks, /2/account_activity) is kept with its answer,
 * bytes as sent, streamed bodies as they arrive. The Host header is passed on unchanged, so OAuth 1.0a signatures still verify.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Exchange, SecurityScheme } from './openapi';

export const CONTRACT_SURFACES = /^\/2\/(activity|webhooks|account_activity)(\/|$)/;

export interface Recorder {
	url: string;
	exchanges: Exchange[];
	close(): Promise<void>;
}

export async function startRecorder(
	target: string,
	identify: (authorization: string | undefined) => { scheme: SecurityScheme | 'none'; grantedScopes?: string[] },
): Promise<Recorder> {
	const exchanges: Exchange[] = [];
	const upstream = new URL(target);
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const fwd = http.request(
				{ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
				(up) => {
					// Passed on as it arrives (a stream never ends by itself); recorded when it ends, or
					// when the client closes it first.
					res.writeHead(up.statusCode ?? 502, up.headers);
					res.flushHeaders();
					const out: Buffer[] = [];
					let recorded = false;
					const record = (cutByClient: boolean) => {
						if (recorded) return;
						recorded = true;
						const url = new URL(req.url ?? '/', 'http://x');
						if (!CONTRACT_SURFACES.test(url.pathname)) return;
						exchanges.push({
							method: req.method ?? 'GET',
							path: url.pathname,
							query: url.searchParams,
							...identify(req.headers.authorization),
							requestBody: body.length ? body.toString('utf8') : undefined,
							status: up.statusCode ?? 0,
							contentType: String(up.headers['content-type'] ?? ''),
							responseBody: Buffer.concat(out).toString('utf8'),
							...(cutByClient ? { cutByClient } : {}),
						});
					};
					up.on('data', (c: Buffer) => {
						out.push(c);
						res.write(c);
					});
					up.on('end', () => {
						record(false);
						res.end();
					});
					up.on('close', () => {
						// the simulator cut the connection (no clean end): record what came, cut the client too
						if (recorded) return;
						record(false);
						res.destroy();
					});
					res.on('close', () => {
						if (!res.writableFinished) {
							record(true);
							fwd.destroy();
						}
					});
				},
			);
			fwd.on('error', () => {
				res.writeHead(502);
				res.end();
			});
			fwd.end(body);
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		exchanges,
		close: () =>
			new Promise<void>((r) => {
				server.close(() => r());
				server.closeAllConnections();
			}),
	};
}
