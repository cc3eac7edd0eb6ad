/**
 * The wire under the X client's transport: one HTTP exchange in, one answer out. Implemented by
 * n8n's request helper in the nodes (nodes/shared/n8n-transport.ts) and by Node's HTTP in the
 * CLI and tests (client/node/). Types only, so neither implementation depends on the transport.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Response headers, names in lower case. */
export type HttpHeaders = Record<string, string | string[] | undefined>;

/** One HTTP exchange as the transport hands it to the wire. */
export interface WireRequest {
	method: HttpMethod;
	url: string;
	headers: Record<string, string>;
	body?: string;
	/** Give up (and reject with code ETIMEDOUT) after this long. */
	timeoutMs: number;
}

export interface WireResponse {
	status: number;
	headers: HttpHeaders;
	/** The body as text, undecoded (64-bit ids survive only if nobody parses it as JS numbers). */
	body: string;
}

/**
 * Sends one request and resolves with whatever status came back (4xx/5xx included). Rejects
 * only when no answer arrived, with an error whose `code` names the cause (ECONNREFUSED,
 * ETIMEDOUT, ENOTFOUND, ...).
 */
export type HttpRequester = (req: WireRequest) => Promise<WireResponse>;
