/**
 * The HTTP front: every API request goes latency → injected faults → route → flavour enabled →
 * auth kind → rate limit → handler, and is logged (never with a secret). `/_sim/...` goes to the
 * admin handler instead (loopback only, no faults, no rate limits).
 */
import { toRawJson } from './raw-json';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { AuthKind, RequestLogEntry, SimContext } from './context';
import { bearerToken, constantTimeEqual, parseOAuthHeader, verifyOAuth1 } from './oauth-verify';
import type { RateLimitVerdict } from './rate-limits';
import { matchRoute, type RequestCtx, type Route } from './router';
import { V1, V2, faultReply, v2Problem, type Reply } from './responses';

const MAX_BODY = 5 * 1024 * 1024;

export type AdminHandler = (
	req: IncomingMessage,
	path: string,
	query: URLSearchParams,
	body: Buffer,
) => Promise<Reply>;

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size <= MAX_BODY) chunks.push(c);
		});
		req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export function writeReply(
	res: ServerResponse,
	reply: Reply,
	extra: Record<string, string> = {},
): void {
	if (res.headersSent || res.destroyed) return;
	const headers: Record<string, string> = { ...extra, ...(reply.headers ?? {}) };
	if (reply.body === undefined) {
		res.writeHead(reply.status, headers);
		res.end();
		return;
	}
	const text = toRawJson(reply.body); // bigint ids as bare 64-bit numbers, as X writes them
	headers['content-type'] = 'application/json; charset=utf-8';
	headers['content-length'] = String(Buffer.byteLength(text));
	res.writeHead(reply.status, headers);
	res.end(text);
}

const rateHeaders = (v: RateLimitVerdict): Record<string, string> => ({
	'x-rate-limit-limit': String(v.limit),
	'x-rate-limit-remaining': String(v.remaining),
	'x-rate-limit-reset': String(v.reset),
});

interface AuthOk {
	ok: true;
	kind: AuthKind;
	identity: string;
	user?: RequestCtx['user'];
	oauth2Scopes?: string[];
}

/** The OpenAPI scheme names a v2 route accepts, for X's "Supported authentication types". */
const SUPPORTED: Record<Route['auth'], string> = {
	app: 'OAuth 1.0a User Context',
	user: 'OAuth 1.0a User Context, OAuth 2.0 User Context',
	bearer: 'OAuth 2.0 Application-Only',
	basic: '',
	'bearer-or-user': 'OAuth 1.0a User Context, OAuth 2.0 User Context, OAuth 2.0 Application-Only',
	'bearer-or-oauth1': 'OAuth 1.0a User Context, OAuth 2.0 Application-Only',
};

/**
 * Checks the credentials a route demands. Wrong-kind choices (ours, REFERENCE.md is silent):
 * v1.1 Bearer on an OAuth1 route → 403 code 220 (X's "credentials do not allow access");
 * v1.1 OAuth1 on a Bearer route → 403 code 200 "Forbidden."; a non-owner token on an app-owner
 * route → 403 code 200; no Authorization at all → 400 code 215 "Bad Authentication data.".
 * v2: X's 403 "Unsupported Authentication" problem, 401 "Unauthorized" for bad credentials.
 */
function authenticate(
	ctx: SimContext,
	route: Route,
	req: IncomingMessage,
	path: string,
	query: string,
	body: Buffer,
): AuthOk | { ok: false; reply: Reply } {
	const v2 = route.api === 'v2';
	const no = (reply: Reply) => ({ ok: false as const, reply });
	const header = req.headers.authorization;
	if (route.auth === 'basic') return { ok: true, kind: 'basic', identity: 'app' };
	if (!header) return no(v2 ? V2.unauthorized() : V1.badAuthData());
	const isBearer = /^Bearer\s/i.test(header);
	const oauth = parseOAuthHeader(header);

	// A Bearer that is an OAuth 2.0 user access token (not the app's bearer): user context.
	const o2 = isBearer ? ctx.state.oauth2.lookup(bearerToken(header) ?? '') : undefined;
	if (o2) {
		if (!v2 || !(route.auth === 'user' || route.auth === 'bearer-or-user')) {
			return no(v2 ? V2.unsupportedAuth('OAuth 2.0 User Context', SUPPORTED[route.auth]) : V1.forbidden());
		}
		const u = ctx.state.user(o2.userId);
		if (o2.expired || !u || u.revoked) return no(V2.unauthorized());
		return { ok: true, kind: 'oauth2-user', identity: `user:${u.id}`, user: u, oauth2Scopes: o2.scopes };
	}

	// XAA create / list accept either kind; the handler decides per event type. v2 webhooks
	// (create, CRC, delete) accept the app's Bearer or an OAuth 1.0a user token (OpenAPI).
	const wanted =
		route.auth === 'bearer-or-user' || route.auth === 'bearer-or-oauth1'
			? isBearer
				? 'bearer'
				: 'user'
			: route.auth;

	if (wanted === 'bearer') {
		if (oauth) {
			return no(
				v2
					? V2.unsupportedAuth('OAuth 1.0a User Context', 'OAuth 2.0 Application-Only')
					: V1.forbidden(),
			);
		}
		const token = bearerToken(header);
		if (!token || !constantTimeEqual(token, ctx.config.app.bearerToken)) {
			return no(v2 ? V2.unauthorized() : V1.invalidToken());
		}
		return { ok: true, kind: 'bearer', identity: 'app' };
	}

	// OAuth 1.0a routes ('app' and 'user')
	if (isBearer) {
		return no(
			v2
				? V2.unsupportedAuth(
						'OAuth 2.0 Application-Only',
						'OAuth 1.0a User Context, OAuth 2.0 User Context',
					)
				: V1.userContextRequired(),
		);
	}
	if (!oauth) return no(v2 ? V2.unauthorized() : V1.couldNotAuthenticate());
	const contentType = String(req.headers['content-type'] ?? '');
	const verdict = verifyOAuth1(
		{
			method: req.method ?? 'GET',
			scheme: 'http',
			host: req.headers.host ?? '',
			path,
			query,
			formBody: /^application\/x-www-form-urlencoded/i.test(contentType)
				? body.toString('utf8')
				: '',
			header: oauth,
		},
		{
			consumerKey: ctx.config.app.consumerKey,
			consumerSecret: ctx.config.app.consumerSecret,
			tokenSecret: (t) => ctx.state.userByToken(t)?.secret,
			nowSeconds: Math.floor(Date.now() / 1000),
			skewSeconds: ctx.config.oauthTimestampSkewSeconds,
			nonces: ctx.nonces,
		},
	);
	if (!verdict.ok) {
		if (v2) return no(V2.unauthorized());
		return no(
			verdict.failure === 'timestamp_out_of_bounds' ? V1.timestamp() : V1.couldNotAuthenticate(),
		);
	}
	const user = ctx.state.userByToken(verdict.token);
	if (!user) return no(v2 ? V2.unauthorized() : V1.couldNotAuthenticate());
	if (user.revoked) return no(v2 ? V2.unauthorized() : V1.invalidToken());
	if (wanted === 'app') {
		if (user.id !== ctx.config.app.ownerUserId) return no(V1.forbidden());
		return { ok: true, kind: 'oauth1-app', identity: 'app', user };
	}
	return { ok: true, kind: 'oauth1-user', identity: `user:${user.id}`, user };
}

export function createRequestHandler(ctx: SimContext, routes: Route[], admin: AdminHandler) {
	return (req: IncomingMessage, res: ServerResponse): void => {
		void handle(ctx, routes, admin, req, res).catch((e: unknown) => {
			console.error(
				`simulator: internal error on ${req.method} ${(req.url ?? '').split('?')[0]}: ${(e as Error).message}`,
			);
			writeReply(res, {
				status: 500,
				body: { errors: [{ code: 131, message: 'Internal error' }] },
			});
		});
	};
}

async function handle(
	ctx: SimContext,
	routes: Route[],
	admin: AdminHandler,
	req: IncomingMessage,
	res: ServerResponse,
): Promise<void> {
	const started = Date.now();
	const raw = req.url ?? '/';
	const qi = raw.indexOf('?');
	const path = qi < 0 ? raw : raw.slice(0, qi);
	const query = qi < 0 ? '' : raw.slice(qi + 1);
	const method = (req.method ?? 'GET').toUpperCase();
	const entry: RequestLogEntry = { at: started, method, path, status: 0, auth: 'none', ms: 0 };
	const log = (status: number) => {
		entry.status = status;
		entry.ms = Date.now() - started;
		ctx.requestLog.push(entry);
	};
	const body = await readBody(req);
	const isV2 = path.startsWith('/2/');

	if (path === '/_sim' || path.startsWith('/_sim/')) {
		entry.auth = 'admin';
		const reply =
			body === undefined
				? { status: 413, body: { error: 'body too large' } }
				: await admin(req, path, new URLSearchParams(query), body);
		writeReply(res, reply);
		log(reply.status);
		return;
	}

	ctx.stats.requests++;
	if (body === undefined) {
		const reply = isV2
			? v2Problem(413, 'Payload Too Large', 'Payload Too Large', 'about:blank')
			: { status: 413 };
		writeReply(res, reply);
		log(413);
		return;
	}

	const latency = ctx.faults.latency();
	if (latency > 0 && !(await ctx.life.sleep(latency))) return;

	const fault = ctx.faults.decide(path);
	if (fault.type === 'hang') {
		entry.injected = 'hang';
		log(0);
		return; // never answered; stop() destroys the socket
	}
	if (fault.type === 'fail') {
		entry.injected = 'fault';
		writeReply(res, faultReply(isV2, fault.status));
		log(fault.status);
		return;
	}

	const matched = matchRoute(routes, method, path);
	if (!('route' in matched)) {
		const reply = isV2 ? V2.notFound() : V1.notFound();
		writeReply(res, reply);
		log(reply.status);
		return;
	}
	const { route, params } = matched;

	if (route.flavour && !ctx.config.flavours.includes(route.flavour)) {
		// The app is not provisioned for this flavour: X's "AAA not enabled" answer.
		const reply =
			route.api === 'v2' ? V2.forbidden('This app is not enabled for this API.') : V1.forbidden();
		writeReply(res, reply);
		log(reply.status);
		return;
	}

	const auth = authenticate(ctx, route, req, path, query, body);
	if (!auth.ok) {
		writeReply(res, auth.reply, rateHeaders(ctx.limiter.peek(route.group, 'anonymous')));
		log(auth.reply.status);
		return;
	}
	entry.auth = auth.kind;
	if (auth.user) entry.userId = auth.user.id;

	const verdict = ctx.limiter.take(
		route.group,
		route.perApp || ctx.config.userLimitsPerApp ? 'app' : auth.identity,
	);
	const headers = rateHeaders(verdict);
	if (!verdict.allowed) {
		ctx.stats.rateLimited++;
		entry.rateLimitReset = verdict.reset;
		const reply = route.api === 'v2' ? V2.rateLimited() : V1.rateLimited();
		writeReply(res, reply, headers);
		log(429);
		return;
	}

	const reply = await route.handle({
		sim: ctx,
		method,
		path,
		params,
		query: new URLSearchParams(query),
		rawBody: body,
		contentType: String(req.headers['content-type'] ?? ''),
		authorization: req.headers.authorization,
		user: auth.user,
		oauth2Scopes: auth.oauth2Scopes,
	});
	writeReply(res, reply, headers);
	log(reply.status);
}
