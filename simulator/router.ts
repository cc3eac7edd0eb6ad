/** Route table plumbing: path patterns, the per-request context handlers receive. */
import type { ApiFlavour } from '../client/types';
import type { SimUser } from './config';
import type { SimContext } from './context';
import type { RateLimitGroup } from './rate-limits';
import type { Reply } from './responses';

/**
 * app: OAuth 1.0a with the app owner's token; user: OAuth 1.0a with any authorised user's token;
 * bearer: app-only OAuth 2; basic: consumer key/secret (POST /oauth2/token only);
 * bearer-or-user: either Bearer or a user's OAuth 1.0a token (XAA create and list).
 */
export type RouteAuth = 'app' | 'user' | 'bearer' | 'basic' | 'bearer-or-user';

export interface RequestCtx {
	sim: SimContext;
	method: string;
	path: string;
	params: Record<string, string>;
	query: URLSearchParams;
	rawBody: Buffer;
	contentType: string;
	authorization?: string;
	/** The authenticated user for OAuth 1.0a routes. */
	user?: SimUser;
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
