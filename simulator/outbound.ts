/**
 * The simulator's own outgoing HTTP calls (CRC GETs and event POSTs to webhook URLs), with a
 * hard deadline, a body cap and cancellation on stop().
 */
import http from 'node:http';
import https from 'node:https';

import type { Lifecycle } from './lifecycle';

export interface OutboundRequest {
	method: 'GET' | 'POST';
	url: string;
	headers?: Record<string, string>;
	body?: Buffer;
	timeoutMs: number;
}

export type OutboundResult =
	| { ok: true; status: number; body: Buffer; ms: number }
	| { ok: false; error: 'timeout' | 'connect' | 'stopped'; message: string; ms: number };

const MAX_BODY = 64 * 1024;

export function send(life: Lifecycle, r: OutboundRequest): Promise<OutboundResult> {
	const started = Date.now();
	const { signal, release } = life.controller();
	return new Promise<OutboundResult>((resolve) => {
		let settled = false;
		const finish = (res: OutboundResult) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			release();
			resolve(res);
		};
		let url: URL;
		try {
			url = new URL(r.url);
		} catch {
			finish({ ok: false, error: 'connect', message: 'invalid URL', ms: 0 });
			return;
		}
		const lib = url.protocol === 'https:' ? https : http;
		const req = lib.request(
			url,
			{
				method: r.method,
				headers: {
					...(r.headers ?? {}),
					...(r.body ? { 'content-length': String(r.body.length) } : {}),
				},
				agent: false,
				signal,
			},
			(res) => {
				const chunks: Buffer[] = [];
				let size = 0;
				res.on('data', (c: Buffer) => {
					size += c.length;
					if (size <= MAX_BODY) chunks.push(c);
				});
				res.on('end', () =>
					finish({
						ok: true,
						status: res.statusCode ?? 0,
						body: Buffer.concat(chunks),
						ms: Date.now() - started,
					}),
				);
				res.on('error', (e) =>
					finish({ ok: false, error: 'connect', message: e.message, ms: Date.now() - started }),
				);
			},
		);
		const timer = setTimeout(() => {
			finish({
				ok: false,
				error: 'timeout',
				message: `no answer within ${r.timeoutMs} ms`,
				ms: Date.now() - started,
			});
			req.destroy();
		}, r.timeoutMs);
		req.on('error', (e) => {
			if (signal.aborted)
				finish({
					ok: false,
					error: 'stopped',
					message: 'simulator stopped',
					ms: Date.now() - started,
				});
			else finish({ ok: false, error: 'connect', message: e.message, ms: Date.now() - started });
		});
		req.end(r.body);
	});
}
