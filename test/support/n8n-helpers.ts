/**
 * Stand-ins for the request helpers n8n gives a node (`this.helpers.httpRequest`) and a
 * credential test (`this.helpers.request`), for unit tests that call node code outside n8n. They
 * follow n8n 2.x's contract for the options the package uses (text body, full response, every
 * status an answer, axios-style error codes: ECONNABORTED on timeout) over real HTTP. The real
 * helpers are exercised by the end-to-end tests in test/e2e/.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';
import { nodeHttpRequest } from '../../client/node/http-requester';
import type { HttpMethod } from '../../client/http-transport';

interface Sent {
	method: string;
	url: string;
	headers: Record<string, string>;
	body?: string;
}

async function send(sent: Sent, timeout: number | undefined, ignoreStatus: boolean) {
	let res;
	try {
		res = await nodeHttpRequest({
			method: sent.method as HttpMethod,
			url: sent.url,
			headers: sent.headers,
			body: sent.body,
			timeoutMs: timeout ?? 300_000,
		});
	} catch (err) {
		const e = err as { code?: string; message?: string };
		// axios reports its own timeout as ECONNABORTED ("timeout of N ms exceeded")
		throw Object.assign(new Error(e.code === 'ETIMEDOUT' ? `timeout of ${timeout} ms exceeded` : e.message), {
			code: e.code === 'ETIMEDOUT' ? 'ECONNABORTED' : e.code,
		});
	}
	if (!ignoreStatus && (res.status < 200 || res.status >= 300)) {
		throw Object.assign(new Error(`Request failed with status code ${res.status}`), { status: res.status });
	}
	return { body: res.body, headers: res.headers, statusCode: res.status, statusMessage: '' };
}

function bodyText(body: unknown): string | undefined {
	if (body === undefined || body === null || body === '') return undefined;
	return typeof body === 'string' ? body : JSON.stringify(body);
}

/** `this.helpers.httpRequest` for the options n8nHttpRequester passes. */
export async function httpRequest(options: IHttpRequestOptions): Promise<unknown> {
	if (options.encoding !== 'text' || options.returnFullResponse !== true) {
		throw new Error('test helper: only text bodies with returnFullResponse are implemented');
	}
	return await send(
		{ method: options.method ?? 'GET', url: options.url, headers: (options.headers ?? {}) as Record<string, string>, body: bodyText(options.body) },
		options.timeout,
		options.ignoreHttpStatusErrors === true,
	);
}

/** The credential test's legacy `this.helpers.request` for the options n8nCredentialTestRequester passes. */
export async function request(uriOrObject: string | object): Promise<unknown> {
	const o = uriOrObject as { method?: string; uri: string; headers?: Record<string, string>; body?: unknown; timeout?: number; simple?: boolean; resolveWithFullResponse?: boolean; json?: boolean };
	if (typeof uriOrObject === 'string' || o.resolveWithFullResponse !== true || o.json !== false) {
		throw new Error('test helper: only json:false with resolveWithFullResponse is implemented');
	}
	return await send({ method: o.method ?? 'GET', url: o.uri, headers: o.headers ?? {}, body: bodyText(o.body) }, o.timeout, o.simple === false);
}

/** A node context's `helpers` (spread into a fake IExecuteFunctions / IHookFunctions). */
export const nodeHelpers = { helpers: { httpRequest } };

/** A credential test context's `helpers`. */
export const credentialTestHelpers = { helpers: { request } };
