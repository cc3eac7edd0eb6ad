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
import { createHash, randomBytes } from 'node:crypto';

import { basicCredentials, constantTimeEqual, parseFormPairs } from './oauth-verify';
import type { RequestCtx, Route } from './router';
import type { Reply } from './responses';

/** X's documented access-token lifetime (2 hours). */
export const OAUTH2_ACCESS_TOKEN_SECONDS = 7200;

export interface OAuth2UserTokenRecord {
	userId: string;
	scopes: string[];
	/** ms since epoch (real clock: clients compare expiry with their own clock). */
	expiresAt: number;
}

export interface IssuedOAuth2Token {
	token_type: 'bearer';
	access_token: string;
	expires_in: number;
	scope: string;
	refresh_token?: string;
}

interface PendingCode {
	userId: string;
	scopes: string[];
	redirectUri: string;
	challenge: string;
	method: 'S256' | 'plain';
	expiresAt: number;
}

const token = (bytes = 32) => randomBytes(bytes).toString('base64url');

export class OAuth2UserTokens {
	private readonly access = new Map<string, OAuth2UserTokenRecord>();
	private readonly refresh = new Map<string, { userId: string; scopes: string[] }>();
	private readonly codes = new Map<string, PendingCode>();

	/** A fresh access token (and a refresh token with offline.access) for the user. */
	issue(userId: string, scopes: readonly string[], expiresInSeconds = OAUTH2_ACCESS_TOKEN_SECONDS): IssuedOAuth2Token {
		const access_token = token();
		const granted = [...new Set(scopes)];
		this.access.set(access_token, { userId, scopes: granted, expiresAt: Date.now() + expiresInSeconds * 1000 });
		const out: IssuedOAuth2Token = { token_type: 'bearer', access_token, expires_in: expiresInSeconds, scope: granted.join(' ') };
		if (granted.includes('offline.access')) {
			out.refresh_token = token();
			this.refresh.set(out.refresh_token, { userId, scopes: granted });
		}
		return out;
	}

	lookup(accessToken: string): (OAuth2UserTokenRecord & { expired: boolean }) | undefined {
		const r = this.access.get(accessToken);
		return r && { ...r, expired: Date.now() >= r.expiresAt };
	}

	/** Ends an access token now (a test's "the token expired"). */
	expire(accessToken: string): boolean {
		const r = this.access.get(accessToken);
		if (!r) return false;
		r.expiresAt = 0;
		return true;
	}

	/** Every token of the user dies (the user revoked the app). */
	revokeUser(userId: string): void {
		for (const [k, r] of this.access) if (r.userId === userId) this.access.delete(k);
		for (const [k, r] of this.refresh) if (r.userId === userId) this.refresh.delete(k);
	}

	newCode(c: PendingCode): string {
		const code = token(24);
		this.codes.set(code, c);
		return code;
	}

	/** One use only; the PKCE verifier and the redirect URI must match the authorize request. */
	redeemCode(code: string, verifier: string, redirectUri: string): PendingCode | undefined {
		const c = this.codes.get(code);
		this.codes.delete(code);
		if (!c || Date.now() > c.expiresAt || c.redirectUri !== redirectUri) return undefined;
		const computed = c.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
		return constantTimeEqual(computed, c.challenge) ? c : undefined;
	}

	/** Rotates: the refresh token used is spent, a new pair is issued. */
	useRefresh(refreshToken: string): { userId: string; scopes: string[] } | undefined {
		const r = this.refresh.get(refreshToken);
		this.refresh.delete(refreshToken);
		return r;
	}
}

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
