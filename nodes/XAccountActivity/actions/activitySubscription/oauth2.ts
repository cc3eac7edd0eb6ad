/**
 * Authentication "OAuth 2.0" of Activity Subscription (XAA) → Create: the subscribed user's
 * OAuth 2.0 user context from the `xActivityOAuth2Api` credential.
 *
 * The client decides the auth and checks the token's scopes against the event type's before
 * anything is sent (`xaaCreateAuth`); this module only reads the credential and sends the
 * user-context requests through n8n's OAuth2 machinery (`httpRequestWithAuthentication`), which
 * signs them with the credential's current token and refreshes an expired one on X's 401.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';
import { XApiError } from '../../../../client/errors';
import { readXError, type RequestSpec, type XResponse } from '../../../../client/http-transport';
import { XaaClient, type XaaOAuth2UserToken } from '../../../../client/xaa-client';
import { fail, type RunContext } from '../params';

export const USER_CONTEXT_TYPE = 'xActivityOAuth2Api';
const LABEL = 'X Activity OAuth2 API';

/**
 * The user's OAuth 2.0 token and the scopes X granted it (the credential's requested scopes
 * when the token response named none), or an error naming the type and what is missing.
 */
export async function oauth2UserToken(
	ctx: IExecuteFunctions,
	i: number,
	secrets: string[],
	eventType: string,
): Promise<XaaOAuth2UserToken> {
	let cred: IDataObject;
	try {
		cred = (await ctx.getCredentials(USER_CONTEXT_TYPE, i)) as IDataObject;
	} catch {
		throw fail(
			ctx,
			i,
			`${eventType} is a private event type and needs the user's own context, but Authentication is OAuth 2.0 and no ${LABEL} credential is selected (item ${i}): select one, or choose Authentication: OAuth 1.0a User Token`,
		);
	}
	const tokenData = (cred.oauthTokenData ?? {}) as IDataObject;
	for (const s of [tokenData.access_token, tokenData.refresh_token, cred.clientSecret])
		if (typeof s === 'string' && s) secrets.push(s);
	const accessToken = typeof tokenData.access_token === 'string' ? tokenData.access_token : '';
	if (!accessToken) {
		throw fail(
			ctx,
			i,
			`${eventType} is a private event type and needs the user's own context, but the ${LABEL} credential holds no access token (item ${i}): open the credential and connect it`,
		);
	}
	const granted =
		typeof tokenData.scope === 'string' && tokenData.scope.trim() ? tokenData.scope : cred.scope;
	return { accessToken, scopes: typeof granted === 'string' ? granted : undefined };
}

/** Path of a request spec with its :params filled in. */
function pathOf(spec: RequestSpec): string {
	return spec.template.replace(/:([a-z_]+)/g, (_, k: string) =>
		encodeURIComponent(spec.params?.[k] ?? ''),
	);
}

/** n8n's request error as the client's typed error, so duplicates and messages work as for OAuth 1.0a. */
function toXApiError(err: unknown, spec: RequestSpec): XApiError {
	const e = err as {
		httpCode?: string | null;
		message?: string;
		cause?: { response?: { status?: number; data?: unknown } };
		response?: { status?: number; data?: unknown };
	};
	const response = e.cause?.response ?? e.response;
	const status = Number(response?.status ?? e.httpCode ?? 0) || 0;
	const x = readXError(response?.data);
	return new XApiError({
		status,
		code: x.code,
		reason: x.reason,
		xMessage: x.message || (status ? '' : (e.message ?? 'no answer')),
		operation: spec.operation,
		endpoint: `${spec.method} ${spec.template}`,
		retryable: status === 0 || status === 429 || status >= 500,
		hint:
			status === 401
				? `X refused the ${LABEL} credential's token even after n8n refreshed it: reconnect the credential`
				: undefined,
	});
}

/**
 * The XAA client of this item: requests in the user's OAuth 2.0 context go through n8n's OAuth2
 * helper, every other one (list, app Bearer) through the run's client as usual.
 */
export function xaaWithUserContext(ctx: IExecuteFunctions, run: RunContext): XaaClient {
	return new XaaClient({
		send: async (spec: RequestSpec): Promise<XResponse> => {
			if (spec.auth.kind !== 'oauth2user') return run.client.send(spec);
			const qs: IDataObject = {};
			for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) qs[k] = v;
			try {
				const res = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, USER_CONTEXT_TYPE, {
					method: spec.method as IHttpRequestMethods,
					url: `${run.client.baseUrl}${pathOf(spec)}`,
					qs,
					body: spec.json as IDataObject | undefined,
					json: true,
					returnFullResponse: true,
				})) as { statusCode: number; body: unknown; headers: Record<string, string> };
				return { status: res.statusCode, body: res.body, headers: res.headers ?? {} };
			} catch (err) {
				throw toXApiError(err, spec);
			}
		},
	});
}
