/**
 * OAuth 1.0a HMAC-SHA1 request signing (the `oauth-1.0a` package) for the app owner's token
 * or a subscribing user's own token.
 */
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import type { UserToken } from './types';

export interface OAuth1Consumer {
	consumerKey: string;
	consumerSecret: string;
}

export interface SignableRequest {
	method: string;
	/** Full URL including the query string, exactly as it will be sent. */
	url: string;
	/** Form-encoded body parameters (signed); a JSON body is not part of the signature. */
	form?: Record<string, string>;
}

/** Fixed nonce and timestamp, for reproducing published vectors only. */
export interface OAuth1Fixed {
	nonce?: string;
	timestamp?: number;
}

export function createOAuth1(consumer: OAuth1Consumer, fixed?: OAuth1Fixed): OAuth {
	const oauth = new OAuth({
		consumer: { key: consumer.consumerKey, secret: consumer.consumerSecret },
		signature_method: 'HMAC-SHA1',
		hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
	});
	if (fixed?.nonce) oauth.getNonce = () => fixed.nonce as string;
	if (fixed?.timestamp) oauth.getTimeStamp = () => fixed.timestamp as number;
	return oauth;
}

/** The `Authorization: OAuth …` header value for one request. */
export function oauth1Header(oauth: OAuth, req: SignableRequest, token: UserToken): string {
	const auth = oauth.authorize(
		{ url: req.url, method: req.method, data: req.form ?? {} },
		{ key: token.token, secret: token.secret },
	);
	return oauth.toHeader(auth).Authorization;
}

/** RFC 3986 percent-encoding, as OAuth 1.0a and X require ('+' for space is wrong). */
export function percentEncode(s: string): string {
	return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
