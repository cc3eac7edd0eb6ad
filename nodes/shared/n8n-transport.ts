/**
 * The X client's wire inside n8n: every request goes through n8n's own request helper, so n8n's
 * proxy, SSRF and outbound settings apply and the package needs no Node HTTP of its own.
 * The body comes back as undecoded text (the client parses it losslessly: 64-bit ids stay
 * strings) and every status comes back as an answer; only "no answer" rejects.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import type { HttpHeaders, HttpRequester, WireRequest } from '../../client/http-transport';

/** The part of any n8n function context (execute, hooks, webhook, trigger, load options) used here. */
export interface N8nHttpHelpers {
	helpers: { httpRequest(options: IHttpRequestOptions): Promise<unknown> };
}

/** The only request helper n8n gives a credential test (`ICredentialTestFunctions`). */
export interface N8nCredentialTestHelpers {
	helpers: { request: (uriOrObject: string | object, options?: object) => Promise<unknown> };
}

interface FullResponse {
	statusCode?: number;
	status?: number;
	headers?: unknown;
	body?: unknown;
}

function toHeaders(raw: unknown): HttpHeaders {
	const out: HttpHeaders = {};
	if (!raw || typeof raw !== 'object') return out;
	const source = typeof (raw as { toJSON?: unknown }).toJSON === 'function' ? (raw as { toJSON: () => unknown }).toJSON() : raw;
	for (const [k, v] of Object.entries(source as IDataObject)) {
		if (v === undefined || v === null) continue;
		out[k.toLowerCase()] = Array.isArray(v) ? v.map(String) : String(v);
	}
	return out;
}

function toText(body: unknown): string {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
	return JSON.stringify(body); // not expected with text encoding; kept readable rather than lost
}

function toWireResponse(res: unknown): { status: number; headers: HttpHeaders; body: string } {
	const r = (res ?? {}) as FullResponse;
	return { status: Number(r.statusCode ?? r.status ?? 0), headers: toHeaders(r.headers), body: toText(r.body) };
}

/** n8n's request errors (axios underneath) carry the cause in `code`; a timeout says ECONNABORTED. */
function toNetworkError(err: unknown, req: WireRequest): Error {
	const e = (err ?? {}) as { code?: string; message?: string; cause?: { code?: string } };
	let code = e.code ?? e.cause?.code;
	const message = e.message ?? String(err);
	if (code === 'ECONNABORTED' || /timeout/i.test(message)) code = 'ETIMEDOUT';
	const out = new Error(code === 'ETIMEDOUT' ? `timed out after ${req.timeoutMs} ms` : message);
	return Object.assign(out, { code });
}

/** A wire over one of n8n's helpers: `send` asks for a full, undecoded response of any status. */
function viaHelper(send: (req: WireRequest, body: string | undefined) => Promise<unknown>): HttpRequester {
	return async (req) => {
		let res: unknown;
		try {
			res = await send(req, req.body === '' ? undefined : req.body);
		} catch (err) {
			throw toNetworkError(err, req);
		}
		return toWireResponse(res);
	};
}

/** The client's wire over `this.helpers.httpRequest` of an n8n node context. */
export function n8nHttpRequester(context: N8nHttpHelpers): HttpRequester {
	return viaHelper((req, body) =>
		context.helpers.httpRequest({
			method: req.method,
			url: req.url,
			headers: req.headers,
			body,
			timeout: req.timeoutMs,
			encoding: 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		}),
	);
}

/** The same over the credential-test context's request helper, the only one n8n offers there. */
export function n8nCredentialTestRequester(context: N8nCredentialTestHelpers): HttpRequester {
	return viaHelper((req, body) =>
		context.helpers.request({
			method: req.method,
			uri: req.url,
			headers: req.headers,
			body,
			timeout: req.timeoutMs,
			json: false,
			simple: false,
			resolveWithFullResponse: true,
		}),
	);
}
