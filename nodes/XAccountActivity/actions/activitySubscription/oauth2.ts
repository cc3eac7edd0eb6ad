/**
 * Authentication "OAuth 2.0" of Activity Subscription (XAA) → Create: the subscribed user's
 * OAuth 2.0 user context from the `xActivityOAuth2Api` credential. Before anything is sent, the
 * credential must be selected and connected and must hold the event type's scope. The request
 * goes through n8n's OAuth2 machinery (`httpRequestWithAuthentication`), which refreshes an
 * expired token.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';
import { validateXaaCreate, type XaaCreateRequest, type XaaCreateResult } from '../../../../client/xaa-client';
import { extractXaaSubscription } from '../../../../client/xaa-normalise';
import { fail, type RunContext } from '../params';

export const USER_CONTEXT_TYPE = 'xActivityOAuth2Api';
const CREDENTIAL_LABEL = 'X Activity OAuth2 API';

export interface OAuth2UserContext {
	/** The scopes the token was granted (or, when X did not say, the ones asked for). */
	scopes: string[];
	create(req: Omit<XaaCreateRequest, 'user'>): Promise<XaaCreateResult>;
}

const words = (v: unknown): string[] =>
	typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : [];

export async function oauth2UserContext(
	ctx: IExecuteFunctions,
	run: RunContext,
	i: number,
	secrets: string[],
	eventType: string,
	scope: string | null,
): Promise<OAuth2UserContext> {
	let cred: IDataObject;
	try {
		cred = (await ctx.getCredentials(USER_CONTEXT_TYPE, i)) as IDataObject;
	} catch {
		throw fail(
			ctx,
			i,
			`${eventType} is a private event type and needs user context, but Authentication is OAuth 2.0 and no ${CREDENTIAL_LABEL} credential is selected (item ${i}): select one, or choose Authentication: OAuth 1.0a User Token`,
		);
	}
	const tokenData = (cred.oauthTokenData ?? {}) as IDataObject;
	const access = typeof tokenData.access_token === 'string' ? tokenData.access_token : '';
	for (const s of [access, tokenData.refresh_token, cred.clientSecret])
		if (typeof s === 'string' && s) secrets.push(s);
	if (!access) {
		throw fail(
			ctx,
			i,
			`${eventType} is a private event type and needs user context, but the ${CREDENTIAL_LABEL} credential holds no access token (item ${i}): open the credential and connect it`,
		);
	}
	const granted = words(tokenData.scope);
	const scopes = granted.length ? granted : words(cred.scope);
	if (scope && !scopes.includes(scope)) {
		throw fail(
			ctx,
			i,
			`${eventType} needs the OAuth 2.0 scope ${scope}, which the ${CREDENTIAL_LABEL} credential's token does not hold (item ${i}; it holds: ${scopes.join(' ') || 'none'}): add ${scope} to the credential's scopes and reconnect`,
		);
	}
	return {
		scopes,
		async create(req) {
			const { body } = validateXaaCreate({ ...req });
			const res = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				USER_CONTEXT_TYPE,
				{
					method: 'POST' as IHttpRequestMethods,
					url: `${run.client.baseUrl}/2/activity/subscriptions`,
					body,
					json: true,
				},
			)) as unknown;
			const sub = extractXaaSubscription(res);
			if (!sub)
				throw fail(
					ctx,
					i,
					`create XAA subscription: X accepted ${eventType} but the answer held no subscription (item ${i})`,
				);
			return { ...sub, alreadyExisted: false };
		},
	};
}
