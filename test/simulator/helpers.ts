/** Test helpers: raw HTTP on 127.0.0.1, OAuth 1.0a signing with the oauth-1.0a package, a webhook receiver. */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OAuth from 'oauth-1.0a';

import { crcResponse } from '../../client/webhook-signature';
import type { IssuedOAuth2Token, Simulator } from '../../simulator';
import type { ApiFlavour, XAppCredentials } from '../../client/types';

export interface RawResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	json: unknown;
}

export function request(
	url: string,
	opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{
				method: opts.method ?? 'GET',
				headers: {
					...(opts.headers ?? {}),
					...(opts.body !== undefined
						? { 'content-length': String(Buffer.byteLength(opts.body)) }
						: {}),
				},
				agent: false,
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json: unknown;
					try {
						json = text ? JSON.parse(text) : undefined;
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
				});
			},
		);
		req.on('error', reject);
		req.end(opts.body);
	});
}

export interface Creds {
	token: string;
	secret: string;
}

export function oauthClient(sim: Simulator): OAuth {
	return new OAuth({
		consumer: { key: sim.app.consumerKey, secret: sim.app.consumerSecret },
		signature_method: 'HMAC-SHA1',
		hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
	});
}

/** The Authorization header for a request (form data are signed too). */
export function oauthHeader(
	sim: Simulator,
	method: string,
	url: string,
	creds: Creds,
	data?: Record<string, string>,
): string {
	const oauth = oauthClient(sim);
	return oauth.toHeader(
		oauth.authorize({ url, method, data }, { key: creds.token, secret: creds.secret }),
	).Authorization;
}

export function ownerCreds(sim: Simulator): Creds {
	return { token: sim.app.accessToken, secret: sim.app.accessTokenSecret };
}

export function userCreds(sim: Simulator, id: string): Creds {
	const u = sim.users().find((x) => x.id === id);
	if (!u) throw new Error(`no user ${id}`);
	return { token: u.token, secret: u.secret };
}

/** A signed OAuth1 request. */
export function signed(
	sim: Simulator,
	method: string,
	path: string,
	creds: Creds,
): Promise<RawResponse> {
	const url = sim.baseUrl + path;
	return request(url, { method, headers: { authorization: oauthHeader(sim, method, url, creds) } });
}

export function bearer(
	sim: Simulator,
	method: string,
	path: string,
	body?: unknown,
): Promise<RawResponse> {
	return request(sim.baseUrl + path, {
		method,
		headers: {
			authorization: `Bearer ${sim.app.bearerToken}`,
			...(body !== undefined ? { 'content-type': 'application/json' } : {}),
		},
		body: body !== undefined ? JSON.stringify(body) : undefined,
	});
}

export interface ReceivedRequest {
	method: string;
	url: string;
	rawQuery: string;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

export type CrcMode = 'ok' | 'wrong-token' | 'non200' | 'no-prefix' | { delayMs: number };

/** A webhook receiver: answers CRC per `crc` and POSTs with the next status of `postStatuses` (then 200). */
export interface Receiver {
	url: string;
	received: ReceivedRequest[];
	posts: () => ReceivedRequest[];
	crcs: () => ReceivedRequest[];
	crc: CrcMode;
	postStatuses: number[];
	close: () => Promise<void>;
}

export async function startReceiver(
	consumerSecret: string,
	crc: CrcMode = 'ok',
): Promise<Receiver> {
	const received: ReceivedRequest[] = [];
	const timers = new Set<NodeJS.Timeout>();
	const r: Receiver = {
		url: '',
		received,
		posts: () => received.filter((x) => x.method === 'POST'),
		crcs: () => received.filter((x) => x.method === 'GET'),
		crc,
		postStatuses: [],
		close: () =>
			new Promise<void>((resolve) => {
				for (const t of timers) clearTimeout(t);
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = req.url ?? '/';
			const rawQuery = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
			received.push({
				method: req.method ?? '',
				url,
				rawQuery,
				headers: req.headers,
				body: Buffer.concat(chunks),
			});
			if (req.method === 'GET') {
				const token = new URLSearchParams(rawQuery).get('crc_token') ?? '';
				const answer = () => {
					const mode = r.crc;
					if (mode === 'non200') {
						res.writeHead(500).end();
						return;
					}
					let body = crcResponse(consumerSecret, token);
					if (mode === 'wrong-token') body = crcResponse(consumerSecret, token + 'x');
					if (mode === 'no-prefix') body = { response_token: body.response_token.slice(7) };
					res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
				};
				const mode = r.crc;
				if (typeof mode === 'object') {
					const t = setTimeout(() => {
						timers.delete(t);
						if (!res.destroyed) answer();
					}, mode.delayMs);
					timers.add(t);
				} else answer();
				return;
			}
			res.writeHead(r.postStatuses.shift() ?? 200).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
	return r;
}

export const errorsOf = (res: RawResponse) =>
	(res.json as { errors: Array<{ code?: number; message: string }> }).errors;

export async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!cond()) {
		if (Date.now() > end) throw new Error('waitFor: condition not met in time');
		await new Promise((r) => setTimeout(r, 10));
	}
}

/** The simulator app's keys as the X client takes them, for one API flavour. */
export function simAppCredentials(
	sim: Simulator,
	flavour: ApiFlavour,
	over: Partial<XAppCredentials> = {},
): XAppCredentials {
	return {
		consumerKey: sim.app.consumerKey,
		consumerSecret: sim.app.consumerSecret,
		accessToken: sim.app.accessToken,
		accessTokenSecret: sim.app.accessTokenSecret,
		apiVersion: flavour,
		environment: flavour === 'premium' ? sim.app.environment : undefined,
		baseUrl: sim.baseUrl,
		...over,
	};
}

/** The same keys as the data of an n8n `xAccountActivityApi` credential (bearer left empty: fetched). */
/**
 * An X Activity OAuth2 API credential's data holding a token X issued earlier and that has expired
 * since (the simulator answers 401 to it), so n8n's OAuth2 machinery must refresh it; and that token.
 */
export function expiredOAuth2CredentialData(sim: Simulator): {
	seeded: IssuedOAuth2Token;
	data: Record<string, unknown>;
} {
	const seeded = sim.issueOAuth2Token(sim.app.ownerUserId);
	sim.expireOAuth2Token(seeded.access_token);
	return {
		seeded,
		data: {
			baseUrl: sim.baseUrl,
			clientId: sim.app.oauth2ClientId,
			clientSecret: sim.app.oauth2ClientSecret,
			scope: seeded.scope,
			oauthTokenData: { ...seeded },
		},
	};
}

export function simCredentialData(sim: Simulator, flavour: ApiFlavour): Record<string, string> {
	return {
		apiVersion: flavour,
		consumerKey: sim.app.consumerKey,
		consumerSecret: sim.app.consumerSecret,
		accessToken: sim.app.accessToken,
		accessTokenSecret: sim.app.accessTokenSecret,
		bearerToken: '',
		environment: flavour === 'premium' ? sim.app.environment : '',
		baseUrl: sim.baseUrl,
	};
}
