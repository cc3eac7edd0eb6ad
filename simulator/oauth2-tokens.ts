/**
 * OAuth 2.0 user-context tokens as X issues them (authorization code with PKCE, refresh with
 * `offline.access`): the store behind `oauth2-user.ts`'s routes and `SimState.oauth2`. Access
 * tokens carry the scopes granted and expire (X: 2 hours).
 *
 * Tests pre-seed tokens with `issue()` (Simulator.issueOAuth2Token) and end them with `expire()`.
 */
import { createHash, randomBytes } from 'node:crypto';

import { constantTimeEqual } from './oauth-verify';

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
