/**
 * Runs the X Activity Stream Trigger's trigger() in-process against the simulator, with the parts
 * of n8n's ITriggerFunctions it uses: credentials, parameters, emit / emitError, a logger, and
 * `helpers.httpRequest` implemented as n8n answers `{ encoding: 'stream', returnFullResponse: true,
 * ignoreHttpStatusErrors: true }` (the real n8n runs in test/e2e); with `oauth2`, the X Activity
 * OAuth2 API credential and `helpers.httpRequestWithAuthentication` as n8n's OAuth2 machinery
 * does it: the stored access token as Bearer, and on a 401 a refresh at the token endpoint (the
 * new token stored in the credential), then the request again.
 */
import http from 'node:http';
import type { ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';

import { XActivityStreamTrigger } from '../../nodes/XActivityStreamTrigger/XActivityStreamTrigger.node';
import type { Simulator } from '../../simulator';
import { simCredentialData } from '../simulator/helpers';
import { httpRequest as textHttpRequest } from '../support/n8n-helpers';

export interface Emitted {
	items: Array<Record<string, unknown>>;
	deduplicationKey?: string;
}

export interface RunningTrigger {
	emitted: Emitted[];
	errors: Error[];
	warnings: string[];
	response: ITriggerResponse;
	close(): Promise<void>;
}

interface HttpOpts {
	method?: string;
	url: string;
	headers?: Record<string, string>;
	abortSignal?: AbortSignal;
	encoding?: string;
	body?: unknown;
}

/** n8n's httpRequest, reduced to what the node asks of it: the streamed GET, and the client's text requests. */
function httpRequest(opts: HttpOpts): Promise<unknown> {
	if (opts.encoding !== 'stream') return textHttpRequest(opts as Parameters<typeof textHttpRequest>[0]);
	return new Promise((resolve, reject) => {
		const req = http.request(
			opts.url,
			{ method: opts.method ?? 'GET', headers: opts.headers, signal: opts.abortSignal, agent: false },
			(res) => resolve({ statusCode: res.statusCode, statusMessage: res.statusMessage, headers: res.headers, body: res }),
		);
		req.on('error', reject);
		req.end();
	});
}

/** The X Activity OAuth2 API credential's stored token, as n8n keeps it (oauthTokenData). */
export interface OAuth2TokenData {
	access_token: string;
	refresh_token?: string;
	scope: string;
}

export interface TriggerOptions {
	mode?: 'trigger' | 'manual';
	workflowId?: string;
	nodeId?: string;
	/** The X Activity OAuth2 API credential's token (updated in place when a request refreshes it). */
	oauth2?: OAuth2TokenData;
	/** Each httpRequestWithAuthentication call: credential type, method and URL. */
	authenticated?: string[];
}

/** n8n's httpRequestWithAuthentication for an oAuth2Api credential, reduced to what the nodes ask (JSON requests). */
function oauth2Request(sim: Simulator, token: OAuth2TokenData) {
	const send = (o: HttpOpts) =>
		fetch(o.url, { method: o.method ?? 'GET', headers: { ...(o.headers ?? {}), authorization: `Bearer ${token.access_token}` } });
	return async (o: HttpOpts): Promise<unknown> => {
		let res = await send(o);
		if (res.status === 401 && token.refresh_token) {
			const refreshed = await fetch(`${sim.baseUrl}/2/oauth2/token`, {
				method: 'POST',
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					authorization: `Basic ${Buffer.from(`${sim.app.oauth2ClientId}:${sim.app.oauth2ClientSecret}`).toString('base64')}`,
				},
				body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token.refresh_token }).toString(),
			});
			if (refreshed.status !== 200) throw new Error(`token refresh answered ${refreshed.status}`);
			Object.assign(token, (await refreshed.json()) as OAuth2TokenData);
			res = await send(o);
		}
		if (res.status >= 400) throw new Error(`${o.method ?? 'GET'} ${o.url} answered ${res.status}`);
		return await res.json();
	};
}

export async function startTrigger(sim: Simulator, params: Record<string, unknown>, opts: TriggerOptions = {}): Promise<RunningTrigger> {
	const emitted: Emitted[] = [];
	const errors: Error[] = [];
	const warnings: string[] = [];
	const node = {
		id: opts.nodeId ?? 'node-1',
		name: 'X Activity Stream Trigger',
		type: 'n8n-nodes-x-account-activity.xActivityStreamTrigger',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: params,
	};
	const ctx = {
		getCredentials: async (type: string) => {
			if (type !== 'xActivityOAuth2Api') return simCredentialData(sim, 'v2');
			if (!opts.oauth2) throw new Error('Node does not have any credentials set for "xActivityOAuth2Api"');
			return { baseUrl: sim.baseUrl, clientId: sim.app.oauth2ClientId, clientSecret: sim.app.oauth2ClientSecret, oauthTokenData: { ...opts.oauth2 } };
		},
		getNode: () => node,
		getMode: () => opts.mode ?? 'trigger',
		getActivationMode: () => 'activate',
		getWorkflow: () => ({ id: opts.workflowId ?? 'wf-1', name: 'test', active: true }),
		getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name] : fallback),
		emit: (data: Array<Array<{ json: Record<string, unknown> }>>, _r?: unknown, _d?: unknown, key?: string) => {
			emitted.push({ items: data.flat().map((i) => i.json), deduplicationKey: key });
		},
		emitError: (e: Error) => errors.push(e),
		logger: {
			warn: (m: string) => warnings.push(m),
			info: () => undefined,
			debug: () => undefined,
			error: (m: string) => warnings.push(m),
		},
		helpers: {
			httpRequest,
			httpRequestWithAuthentication: async (type: string, o: HttpOpts) => {
				opts.authenticated?.push(`${type} ${o.method ?? 'GET'} ${o.url}`);
				if (type !== 'xActivityOAuth2Api' || !opts.oauth2) throw new Error(`no credential of type ${type}`);
				return await oauth2Request(sim, opts.oauth2)(o);
			},
		},
	} as unknown as ITriggerFunctions;
	const response = await new XActivityStreamTrigger().trigger.call(ctx);
	return {
		emitted,
		errors,
		warnings,
		response,
		close: async () => {
			await response.closeFunction?.();
		},
	};
}
