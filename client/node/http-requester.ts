/**
 * The client's wire over Node's own HTTP (keep-alive agents, a per-request timer): what the
 * migrate CLI, the benches and the tests use. The n8n nodes never load this file; they send
 * through n8n's request helper (nodes/shared/n8n-transport.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { HttpRequester, WireResponse } from '../wire';

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

export const nodeHttpRequest: HttpRequester = (req) => {
	const url = new URL(req.url);
	const isHttps = url.protocol === 'https:';
	const lib = isHttps ? https : http;
	const headers: http.OutgoingHttpHeaders = { ...req.headers };
	if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
	return new Promise<WireResponse>((resolve, reject) => {
		const r = lib.request(url, { method: req.method, headers, agent: isHttps ? agents.https : agents.http });
		const timer = setTimeout(() => {
			r.destroy(Object.assign(new Error(`timed out after ${req.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
		}, req.timeoutMs);
		r.on('error', (err) => {
			clearTimeout(timer);
			reject(err);
		});
		r.on('response', (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('error', (err) => {
				clearTimeout(timer);
				reject(err);
			});
			res.on('end', () => {
				clearTimeout(timer);
				resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
			});
		});
		r.end(req.body);
	});
};
