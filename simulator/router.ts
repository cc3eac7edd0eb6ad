/** Route table plumbing: path patterns, the per-request context handlers receive. */
import type { ApiFlavour } from '../client/types';
import type { SimUser } from './config';
import type { SimContext } from './context';
import type { RateLimitGroup } from './rate-limits';
import type { Reply } from './responses';

/**
 * Which of the OpenAPI's security schemes a route accepts (BearerToken = app-only OAuth 2,
 * UserToken = OAuth 1.0a user, OAuth2UserToken = OAuth 2.0 user context):
 * app: OAuth 1.0a with the app owner's token (v1.1); user: v1.1 OAuth 1.0a with any authorised
 * user's token, v2 UserToken or OAuth2UserToken; bearer: BearerToken only; basic: the handler
 * authenticates itself (POST /oauth2/token, the OAuth 2.0 user-token endpoints);
 * bearer-or-user: all three (XAA create and list); bearer-or-oauth1: BearerToken or UserToken
 * (v2 webhook create, CRC, delete).
 */
export type RouteAuth = 'app' | 'user' | 'bearer' | 'basic' | 'bearer-or-user' | 'bearer-or-oauth1';

export interface RequestCtx {
	sim: SimContext;
	method: string;
	path: string;
	params: Record<string, string>;
	query: URLSearchParams;
	rawBody: Buffer;
	contentType: string;
	authorization?: string;
	/** The authenticated user (OAuth 1.0a or OAuth 2.0 user context). */
	user?: SimUser;
	/** Set when the user authenticated with an OAuth 2.0 user token: the scopes it was granted. */
	oauth2Scopes?: string[];
}

export interface Route {
	method: string;
	pattern: RegExp;
	api: 'v1' | 'v2' | 'oauth2';
	flavour?: ApiFlavour;
	auth: RouteAuth;
	group: RateLimitGroup;
	/** Count every request against the app, whatever token signed it (XAA: "per app per method"). */
	perApp?: boolean;
	handle: (rc: RequestCtx) => Reply | Promise<Reply>;
}

/** A route table's builder: every route of the table shares api, flavour and rate-limit scope. */
export function routeBuilder(common: Pick<Route, 'api' | 'flavour' | 'perApp'>) {
	return (
		method: string,
		path: string,
		auth: Route['auth'],
		group: Route['group'],
		handle: Route['handle'],
	): Route => ({ method, pattern: compilePath(path), ...common, auth, group, handle });
}

/** '/a/:id/b.json' → /^\/a\/(?<id>[^/]+?)\/b\.json$/ */
export function compilePath(path: string): RegExp {
	const src = path
		.split('/')
		.map((seg) =>
			seg
				.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
				.replace(/:([A-Za-z_]+)/g, (_m, name: string) => `(?<${name}>[^/]+?)`),
		)
		.join('\\/');
	return new RegExp(`^${src}$`);
}

export function matchRoute(
	routes: Route[],
	method: string,
	path: string,
): { route: Route; params: Record<string, string> } | { pathKnown: boolean } {
	let pathKnown = false;
	for (const route of routes) {
		const m = route.pattern.exec(path);
		if (!m) continue;
		pathKnown = true;
		if (route.method !== method) continue;
		const params: Record<string, string> = {};
		for (const [k, v] of Object.entries(m.groups ?? {})) {
			try {
				params[k] = decodeURIComponent(v);
			} catch {
				params[k] = v;
			}
		}
		return { route, params };
	}
	return { pathKnown };
}
