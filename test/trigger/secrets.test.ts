/**
 * No secret in any form in errors (issue: hardening, rows 1 and 4, item 9). A local server on
 * 127.0.0.1 plays a hostile X (or a debug gateway at the base URL): it refuses the keys, echoes
 * every request header back (the Basic header of the bearer fetch, the OAuth header, the bearer),
 * answers 5xx with a body that dumps the secrets in every encoding past the 300-character cut,
 * or never answers. Every secret of the credential is then searched for in raw, base64
 * (alone, base64url, and inside base64(key:secret)), percent-encoded and JSON-escaped forms in
 * the client's errors and in the trigger node's errors (message, description, every field).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { XClient } from '../../client/x-client';
import { XAccountActivityTrigger } from '../../nodes/XAccountActivityTrigger/XAccountActivityTrigger.node';
import { FakeNode } from './helpers/webhook-context';

const CONSUMER_KEY = 'ck-dummy-Key+/=1234567890';
const SECRETS = {
	consumerSecret: 'cs/Secret+Value=é"\\&%25-abcdefghij0123',
	accessTokenSecret: 'ats/Secret"Value+é=0987654321xyz',
	bearerToken: 'CredBearerTok%2FBearer%3DToken+xyz0123456789',
};
const FETCHED_BEARER = 'FetchedBearerTok%2BBearer%3D9876543210';

const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** Every form a secret may travel in, as a searcher would look for it. */
function forms(secret: string): Record<string, string> {
	return {
		raw: secret,
		base64: b64(secret),
		base64url: b64url(secret),
		'base64(key:secret)': b64(`${CONSUMER_KEY}:${secret}`),
		'base64(pct(key):pct(secret))': b64(`${rfc3986(CONSUMER_KEY)}:${rfc3986(secret)}`),
		percent: encodeURIComponent(secret),
		'percent (RFC 3986)': rfc3986(secret),
		'JSON-escaped': JSON.stringify(secret).slice(1, -1),
		'8-char prefix': secret.slice(0, 8),
	};
}

function leaks(text: string, secrets: string[]): string[] {
	const found: string[] = [];
	for (const s of secrets) for (const [form, f] of Object.entries(forms(s))) if (text.includes(f)) found.push(`${form} of ${s.slice(0, 6)}…`);
	return found;
}

/** Every string reachable from an error: message, stack, description, context, cause… */
function allText(err: unknown): string {
	const parts: string[] = [];
	const seen = new Set<unknown>();
	const walk = (v: unknown, depth: number) => {
		if (depth > 8) return;
		if (typeof v === 'string') parts.push(v);
		else if (v !== null && typeof v === 'object' && !seen.has(v)) {
			seen.add(v);
			for (const k of Object.getOwnPropertyNames(v)) {
				parts.push(k);
				try {
					walk((v as Record<string, unknown>)[k], depth + 1);
				} catch {
					/* getters that throw */
				}
			}
		}
	};
	walk(err, 0);
	try {
		parts.push(JSON.stringify(err));
	} catch {
		/* circular */
	}
	return parts.join('\n');
}

type Mode = 'bad-key' | 'echo-headers' | '5xx' | 'timeout';
let mode: Mode = 'bad-key';
let server: http.Server;
let baseUrl: string;

/** The secrets the credential of the current test holds (a gateway can only dump those). */
let held: string[] = Object.values(SECRETS);

/** What a debug gateway prints: the request as received, and the credential's secrets in every form. */
function dump(req: http.IncomingMessage, body: string): string {
	const all = held;
	const everyForm = all.flatMap((s) => Object.values(forms(s)).slice(0, -1)).join(' | ');
	return `${req.method} ${req.url}\n${req.rawHeaders.join(': ')}\nbody=${body}\nconfig dump: ${everyForm}`;
}

beforeAll(async () => {
	server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			const echo = dump(req, body);
			if (mode === 'timeout') return; // never answers
			if (mode === 'bad-key') {
				res.writeHead(401, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ errors: [{ code: 32, message: 'Could not authenticate you. Received: ' + echo }] }));
			} else if (mode === 'echo-headers') {
				res.writeHead(403, { 'content-type': 'text/plain' });
				res.end('Forbidden by gateway. Authorization: ' + (req.headers.authorization ?? '') + '\n' + echo);
			} else if (req.url?.startsWith('/oauth2/token')) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ token_type: 'bearer', access_token: FETCHED_BEARER }));
			} else if (req.method === 'GET') {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end('[]');
			} else {
				// a 5xx HTML page that prints the secret right across the 300-character cut
				res.writeHead(502, { 'content-type': 'text/html' });
				res.end('<html>' + 'x'.repeat(280) + SECRETS.consumerSecret + ' ' + echo + '</html>');
			}
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((r) => server.close(r));
});

const credentials = (withBearer: boolean) => {
	held = withBearer ? Object.values(SECRETS) : [SECRETS.consumerSecret, SECRETS.accessTokenSecret];
	return {
	consumerKey: CONSUMER_KEY,
	consumerSecret: SECRETS.consumerSecret,
	accessToken: '12345-dummy-AccessToken',
	accessTokenSecret: SECRETS.accessTokenSecret,
	bearerToken: withBearer ? SECRETS.bearerToken : '',
	apiVersion: 'enterprise',
	baseUrl,
	};
};

const ALL_SECRETS = [...Object.values(SECRETS), FETCHED_BEARER];

/** Failure paths: [server behaviour, whether the credential holds a bearer token]. */
const PATHS: Array<[Mode, boolean]> = [
	['bad-key', false],
	['bad-key', true],
	['echo-headers', false],
	['echo-headers', true],
	['5xx', false],
];

/** The error a promise rejects with (undefined when it resolves). */
const errorOf = (p: Promise<unknown>): Promise<unknown> =>
	p.then(
		() => undefined,
		(e: unknown) => e,
	);

describe('client errors carry no secret in any form', () => {
	test.each<[Mode, boolean]>([...PATHS, ['timeout', false]])('%s (credential bearer: %s)', async (m, withBearer) => {
		mode = m;
		const client = new XClient(
			{ ...credentials(withBearer), apiVersion: 'enterprise', bearerToken: withBearer ? SECRETS.bearerToken : undefined },
			{ retry: { retries: 0 }, timeoutMs: 300 },
		);
		const attempts = [() => client.listWebhooks(), () => client.verifyCredentials(), () => client.registerWebhook('https://example.com/hook')];
		for (const attempt of attempts) {
			const err = await errorOf(attempt());
			if (m !== '5xx') expect(err).toBeDefined();
			if (err === undefined) continue;
			expect(leaks(allText(err), ALL_SECRETS)).toEqual([]);
		}
	});
});

describe('trigger node errors carry no secret in any form', () => {
	test.each<[Mode, boolean]>(PATHS)('activation, %s (credential bearer: %s)', async (m, withBearer) => {
		mode = m;
		const node = new FakeNode({ secret: SECRETS.consumerSecret, credentials: credentials(withBearer), parameters: { options: {} } });
		const trigger = new XAccountActivityTrigger();
		const err = await errorOf(trigger.webhookMethods.default.create.call(node.hook()));
		expect(err).toBeDefined();
		const text = allText(err);
		expect(text.length).toBeGreaterThan(50);
		expect(leaks(text, ALL_SECRETS)).toEqual([]);
	});
});
