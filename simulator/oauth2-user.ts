/**
 * OAuth 2.0 user context (authorization code with PKCE), as X documents it: the app sends the user
 * to `/i/oauth2/authorize`, redeems the code at `POST /2/oauth2/token`
 * (`grant_type=authorization_code`, `code_verifier`), and renews with
 * `grant_type=refresh_token` (a refresh token only with the `offline.access` scope). Access
 * tokens carry the scopes granted and expire (X: 2 hours); an expired one answers 401, which is
 * what makes n8n's OAuth2 machinery refresh it.
 *
 * Tests pre-seed tokens with `issue()` (Simulator.issueOAuth2Token) and end them with `expire()`.
 */
import { basicCredentials, constantTimeEqual, parseFormPairs } from './oauth-verify';
import type { RequestCtx, Route } from './router';
import type { Reply } from './responses';


// --- routes -------------------------------------------------------------------------------------

/** RFC 6749 §5.2 error body. */
const oauthError = (status: number, error: string, error_description: string): Reply => ({
	status,
	body: { error, error_description },
});

/** Confidential clients authenticate with HTTP Basic; public clients send client_id in the body. */
function clientOk(rc: RequestCtx, form: Map<string, string>): boolean {
	const app = rc.sim.config.app;
	const basic = basicCredentials(rc.authorization);
	if (basic) return constantTimeEqual(basic[0], app.oauth2ClientId) && constantTimeEqual(basic[1], app.oauth2ClientSecret);
	const id = form.get('client_id');
	return id !== undefined && constantTimeEqual(id, app.oauth2ClientId);
}

function tokenEndpoint(rc: RequestCtx): Reply {
	const form = new Map(parseFormPairs(rc.rawBody.toString('utf8')));
	if (!clientOk(rc, form)) return oauthError(401, 'invalid_client', 'Missing valid authorization header');
	const store = rc.sim.state.oauth2;
	switch (form.get('grant_type')) {
		case 'authorization_code': {
			const c = store.redeemCode(form.get('code') ?? '', form.get('code_verifier') ?? '', form.get('redirect_uri') ?? '');
			if (!c) return oauthError(400, 'invalid_request', 'Value passed for the authorization code was invalid.');
			return { status: 200, body: store.issue(c.userId, c.scopes) };
		}
		case 'refresh_token': {
			const r = store.useRefresh(form.get('refresh_token') ?? '');
			const u = r && rc.sim.state.user(r.userId);
			if (!r || !u || u.revoked) return oauthError(400, 'invalid_request', 'Value passed for the token was invalid.');
			return { status: 200, body: store.issue(r.userId, r.scopes) };
		}
		default:
			return oauthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
	}
}

/**
 * ours: X shows the user a consent page on x.com; the simulator consents at once, as the user
 * named by `sim_user_id` (default: the app owner), and redirects with the code.
 */
function authorizeEndpoint(rc: RequestCtx): Reply {
	const q = rc.query;
	const app = rc.sim.config.app;
	const redirectUri = q.get('redirect_uri') ?? '';
	if (q.get('client_id') !== app.oauth2ClientId || !/^https?:\/\//.test(redirectUri)) {
		return oauthError(400, 'invalid_request', 'client_id or redirect_uri is missing or unknown');
	}
	const back = new URL(redirectUri);
	const state = q.get('state');
	if (state !== null) back.searchParams.set('state', state);
	const fail = (error: string) => {
		back.searchParams.set('error', error);
		return { status: 302, headers: { location: back.toString() } };
	};
	const method = q.get('code_challenge_method') ?? 'plain';
	const challenge = q.get('code_challenge') ?? '';
	if (q.get('response_type') !== 'code' || !challenge || (method !== 'S256' && method !== 'plain')) return fail('invalid_request');
	const user = rc.sim.state.user(q.get('sim_user_id') ?? app.ownerUserId);
	if (!user || user.revoked) return fail('access_denied');
	const scopes = (q.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);
	const code = rc.sim.state.oauth2.newCode({
		userId: user.id,
		scopes,
		redirectUri,
		challenge,
		method,
		expiresAt: Date.now() + 30_000,
	});
	back.searchParams.set('code', code);
	return { status: 302, headers: { location: back.toString() } };
}

export function oauth2UserRoutes(): Route[] {
	return [
		// auth 'basic': the handler authenticates the client itself (Basic or client_id).
		{ method: 'POST', pattern: /^\/2\/oauth2\/token$/, api: 'oauth2', auth: 'basic', group: 'oauth2.userToken', handle: tokenEndpoint },
		{ method: 'GET', pattern: /^\/i\/oauth2\/authorize$/, api: 'oauth2', auth: 'basic', group: 'oauth2.authorize', handle: authorizeEndpoint },
	];
}
