/**
 * X's published OpenAPI document (test/fixtures/openapi-x-v2-subset.json, a copy of the reference
 * file) as a validator: which operation a request is, whether its parameters, body and auth
 * scheme are what the operation declares, and whether a response body matches the schema of its
 * status. Schemas are checked by Ajv 8 (JSON Schema draft-07 core plus OpenAPI's `nullable` and
 * `discriminator`), with ajv-formats; refs resolve inside the document itself.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Obj = Record<string, unknown>;

export const OPENAPI_FILE = path.join(__dirname, '../fixtures/openapi-x-v2-subset.json');
const DOC_ID = 'x-openapi';

export type SecurityScheme = 'BearerToken' | 'UserToken' | 'OAuth2UserToken';

export interface Operation {
	method: string;
	/** OpenAPI path template, e.g. /2/activity/subscriptions/{subscription_id} */
	path: string;
	operationId: string;
	/** Alternatives: the request must satisfy one. OAuth2UserToken carries its scopes. */
	security: Array<{ scheme: SecurityScheme; scopes: string[] }>;
	parameters: Array<{ name: string; in: string; required: boolean; schema: Obj }>;
	hasBody: boolean;
	pattern: RegExp;
	pointer: string;
	/** `x-twitter-streaming: true`: a 200 body is newline-delimited JSON that never ends by itself. */
	streaming: boolean;
}

/** One request and its answer, as seen on the wire. */
export interface Exchange {
	method: string;
	path: string;
	query: URLSearchParams;
	/** Which scheme the Authorization header used. */
	scheme: SecurityScheme | 'none';
	/** OAuth2UserToken: the scopes the token was granted (from the simulator). */
	grantedScopes?: string[];
	requestBody?: string;
	status: number;
	contentType: string;
	responseBody: string;
	/** The client closed the response before it ended (a stream read for a bounded time). */
	cutByClient?: boolean;
}

/**
 * Problems X answers that the OpenAPI document's Problem union does not list. X's API pages
 * (REFERENCE.md) describe them; they carry the RFC 7807 members every X problem has.
 */
export const PROSE_PROBLEMS: Array<{ status: number; type: string; why: string }> = [
	{ status: 401, type: 'about:blank', why: 'Unauthorized: missing, wrong or expired credentials' },
	{ status: 403, type: 'https://api.twitter.com/2/problems/unsupported-authentication', why: 'an auth scheme the operation (or event type) does not accept' },
	{ status: 403, type: 'https://api.twitter.com/2/problems/client-forbidden', why: 'the app or user may not do this (private type for another user, missing scope)' },
	{ status: 429, type: 'about:blank', why: 'Too Many Requests' },
	{ status: 429, type: 'https://api.twitter.com/2/problems/streaming-connection', why: "a stream connection past the app's limit (TooManyConnections), framed as on X's other v2 streams" },
];

/**
 * Where the stream's lines (REFERENCE.md, XAA "Stream" and "Payloads") say more than the OpenAPI's
 * `ActivityStreamResponse`; the prose is X's newer word, so it wins where they differ:
 * - the envelope is `{"data":{event_uuid, event_type, filter, tag?, payload, includes?}}` and/or
 *   `errors[]` ("the same envelope plus optional errors[]"): a line carries one of them, and
 *   `data` carries the four members the prose lists;
 * - `event_uuid` is "an opaque string (examples include negative numbers)", where the OpenAPI's
 *   ActivityEventId says `^[0-9]{1,19}$`;
 * - the payload schema follows `event_type` (the OpenAPI's discriminator `../event_type`, which
 *   no JSON-Schema validator can follow: applied here by hand from its mapping); types the
 *   mapping leaves out (DMs "keep the AAA-style direct_message_events", chat, mute, block,
 *   spaces, broadcast…) have only "a JSON object" to hold to;
 * - `errors[]` items are framed "as in X's other v2 streams": their operational disconnect is
 *   a problem the Problem union omits.
 */
export const PROSE_STREAM_ENVELOPE: Obj = {
	type: 'object',
	anyOf: [{ required: ['data'] }, { required: ['errors'] }],
	properties: {
		data: { type: 'object', required: ['event_uuid', 'event_type', 'filter', 'payload'], properties: { payload: { type: 'object' } } },
	},
};
export const PROSE_EVENT_UUID = /^-?[0-9]{1,19}$/;
export const PROSE_STREAM_PROBLEMS: Array<{ type: string; why: string }> = [
	{ type: 'https://api.twitter.com/2/problems/operational-disconnect', why: "X's operational disconnect on its v2 streams" },
];

/**
 * Where X's own sample events (test/fixtures/events/xaa, from the docs' pages) depart from the
 * OpenAPI's schemas; the docs' samples are what X sends, so the simulator follows them and these
 * departures are not mismatches. Each one must be shown by a sample (the tests check that).
 */
export const SAMPLE_DEPARTURES: Array<{ problem: RegExp; why: string }> = [
	{ problem: /\/data\/includes\/users\/\d+\/public_metrics must have required property 'post_count'/, why: "users' public_metrics carry tweet_count (the OpenAPI's UserPublicMetrics requires post_count)" },
	{ problem: /payload \(post\.[a-z.]+\)\/public_metrics must have required property 'repost_count'/, why: "posts' public_metrics carry retweet_count (the OpenAPI's Post requires repost_count)" },
	{ problem: /payload \(like\.create\)\/timestamp_ms must be integer/, why: 'like.create timestamp_ms is a string (the OpenAPI says int32, which cannot hold a time in ms)' },
	{ problem: /payload \(news\.new\) must NOT have additional properties/, why: 'news.new stories carry contexts, id, updated_at, disclaimer, cluster_posts_results (the OpenAPI allows four fields only)' },
];

const PROSE_PROBLEM_SCHEMA: Obj = {
	type: 'object',
	required: ['title', 'detail', 'type'],
	properties: { title: { type: 'string' }, detail: { type: 'string' }, type: { type: 'string' }, status: { type: 'integer' } },
};

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const uriPointer = (segments: string[]) => '#/' + segments.map((s) => encodeURIComponent(escapePointer(s))).join('/');

export class OpenApiContract {
	readonly doc: Obj;
	readonly operations: Operation[];
	private readonly ajv: Ajv;
	private readonly compiled = new Map<string, ValidateFunction>();

	constructor(file = OPENAPI_FILE) {
		this.doc = JSON.parse(readFileSync(file, 'utf8')) as Obj;
		// strict: false, because the document uses OpenAPI's own keywords (example, discriminator
		// mappings ajv does not need); every JSON-Schema keyword is still enforced.
		this.ajv = new Ajv({ strict: false, allErrors: true, discriminator: false, validateSchema: false });
		addFormats(this.ajv);
		// OpenAPI 3.0 integer formats are not JSON-Schema formats: declare them, checking ranges.
		this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** 31 });
		this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
		this.ajv.addFormat('double', { type: 'number', validate: () => true });
		this.ajv.addSchema(this.doc, DOC_ID);
		this.operations = [];
		const paths = this.doc.paths as Record<string, Record<string, Obj>>;
		for (const [p, ops] of Object.entries(paths)) {
			for (const [method, op] of Object.entries(ops)) {
				if (method === 'parameters') continue;
				const params = ((op.parameters as Obj[] | undefined) ?? []).map((raw) => this.deref(raw));
				this.operations.push({
					method: method.toUpperCase(),
					path: p,
					operationId: String(op.operationId),
					security: ((op.security as Array<Record<string, string[]>>) ?? []).map((alt) => {
						const [scheme, scopes] = Object.entries(alt)[0];
						return { scheme: scheme as SecurityScheme, scopes };
					}),
					parameters: params.map((x) => ({ name: String(x.name), in: String(x.in), required: x.required === true, schema: (x.schema as Obj) ?? {} })),
					hasBody: op.requestBody !== undefined,
					pattern: new RegExp('^' + p.replace(/\{[^}]+\}/g, '[^/]+') + '$'),
					pointer: uriPointer(['paths', p, method]),
					streaming: op['x-twitter-streaming'] === true,
				});
			}
		}
	}

	private deref(x: Obj): Obj {
		const ref = x.$ref;
		if (typeof ref !== 'string') return x;
		let cur: unknown = this.doc;
		for (const seg of ref.replace(/^#\//, '').split('/')) cur = (cur as Obj)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
		return cur as Obj;
	}

	private validator(pointer: string): ValidateFunction {
		let v = this.compiled.get(pointer);
		if (!v) {
			v = this.ajv.compile({ $ref: `${DOC_ID}${pointer}` });
			this.compiled.set(pointer, v);
		}
		return v;
	}

	private check(pointer: string, value: unknown, what: string): string[] {
		const v = this.validator(pointer);
		if (v(value)) return [];
		return (v.errors ?? []).map((e) => `${what}${e.instancePath || ''} ${e.message ?? 'invalid'}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
	}

	private problemTypes(): Set<string> {
		const problem = ((this.doc.components as Obj).schemas as Obj).Problem as { discriminator: { mapping: Record<string, string> } };
		return new Set(Object.keys(problem.discriminator.mapping));
	}

	private checkSchema(schema: Obj, value: unknown, what: string): string[] {
		const v = this.ajv.compile(schema);
		return v(value) ? [] : (v.errors ?? []).map((e) => `${what}${e.instancePath} ${e.message ?? 'invalid'}`);
	}

	/** The operation a method + path is, most specific template first. */
	operationFor(method: string, p: string): Operation | undefined {
		const candidates = this.operations.filter((o) => o.method === method && o.pattern.test(p));
		return candidates.sort((a, b) => a.path.split('{').length - b.path.split('{').length)[0];
	}

	/** Every way the exchange departs from the document; empty when it conforms. */
	validate(x: Exchange, opts: { sampleDepartures?: boolean } = {}): string[] {
		const op = this.operationFor(x.method, x.path);
		if (!op) return [`${x.method} ${x.path}: no such operation in X's OpenAPI`];
		const where = `${op.operationId} (${x.method} ${op.path})`;
		const out: string[] = [];

		// security: the scheme used must be one of the operation's alternatives (with its scopes)
		const alt = op.security.find((s) => s.scheme === x.scheme);
		if (!alt) out.push(`${where}: request authenticated with ${x.scheme}; the operation accepts ${op.security.map((s) => s.scheme).join(' | ')}`);
		else if (alt.scheme === 'OAuth2UserToken' && x.grantedScopes) {
			const missing = alt.scopes.filter((s) => !x.grantedScopes!.includes(s));
			if (missing.length) out.push(`${where}: OAuth2UserToken lacks the operation's scope(s) ${missing.join(' ')}`);
		}

		// parameters
		const known = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name));
		for (const name of new Set(x.query.keys())) if (!known.has(name)) out.push(`${where}: query parameter ${name} is not declared`);
		op.parameters.forEach((p, i) => {
			if (p.in !== 'query') return;
			const raw = x.query.get(p.name);
			if (raw === null) {
				if (p.required) out.push(`${where}: required query parameter ${p.name} is missing`);
				return;
			}
			const schema = p.schema;
			const value = schema.type === 'array' ? raw.split(',') : schema.type === 'integer' || schema.type === 'number' ? Number(raw) : raw;
			out.push(...this.check(`${op.pointer}/parameters/${i}/schema`.replace('#/paths', '#/paths'), value, `${where} query ${p.name}`));
		});

		// request body
		if (op.hasBody) {
			let body: unknown;
			try {
				body = x.requestBody ? JSON.parse(x.requestBody) : undefined;
			} catch {
				out.push(`${where}: request body is not JSON`);
			}
			if (body === undefined) out.push(`${where}: the request body is required`);
			else out.push(...this.check(`${op.pointer}/requestBody/content/application~1json/schema`, body, `${where} request`));
		} else if (x.requestBody && x.requestBody.length > 0) out.push(`${where}: a body was sent to an operation that takes none`);

		// response
		const responses = ((this.deref(this.doc.paths as Obj) as Obj)[op.path] as Obj)[op.method.toLowerCase()] as Obj;
		const byStatus = responses.responses as Obj;
		const key = String(x.status) in byStatus ? String(x.status) : 'default';
		if (!(key in byStatus)) return [...out, `${where}: status ${x.status} is not documented`];
		if (x.status >= 200 && x.status < 300 && key === 'default') out.push(`${where}: success status ${x.status} is not documented (200 is)`);
		const content = ((byStatus[key] as Obj).content ?? {}) as Obj;
		const mediaType = x.contentType.split(';')[0].trim().toLowerCase();
		if (!(mediaType in content)) {
			out.push(`${where}: response ${x.status} has content-type ${mediaType || '(none)'}; documented: ${Object.keys(content).join(', ')}`);
			return out;
		}
		if (op.streaming && x.status === 200) return [...out, ...this.validateStreamBody(op, x, where, mediaType, opts.sampleDepartures !== false)];
		let body: unknown;
		try {
			body = JSON.parse(x.responseBody);
		} catch {
			return [...out, `${where}: response body is not JSON`];
		}
		const type = (body as Obj | null)?.type;
		if (x.status >= 400 && mediaType === 'application/problem+json' && typeof type === 'string' && !this.problemTypes().has(type)) {
			// The one exception (see PROSE_PROBLEMS): problems X sends that the OpenAPI's Problem union omits.
			if (!PROSE_PROBLEMS.some((p) => p.status === x.status && p.type === type)) {
				out.push(`${where}: problem type ${type} with status ${x.status} is neither in the OpenAPI's Problem union nor in PROSE_PROBLEMS`);
			}
			out.push(...this.checkSchema(PROSE_PROBLEM_SCHEMA, body, `${where} response ${x.status}`));
			return out;
		}
		out.push(
			...this.check(
				`${op.pointer}/responses/${encodeURIComponent(key)}/content/${encodeURIComponent(escapePointer(mediaType))}/schema`,
				body,
				`${where} response ${x.status}`,
			),
		);
		return out;
	}
	/**
	 * A streamed 200 body: newline-delimited JSON, blank lines (keep-alives) between. Every
	 * complete line is held to the 200 schema, with PROSE_STREAM_* where X's prose says more; a
	 * last line without its newline is only allowed when the client cut the stream there.
	 */
	private validateStreamBody(op: Operation, x: Exchange, where: string, mediaType: string, allowDepartures: boolean): string[] {
		const out: string[] = [];
		const pointer = `${op.pointer}/responses/200/content/${encodeURIComponent(escapePointer(mediaType))}/schema`;
		const payload = (((this.doc.components as Obj).schemas as Obj).ActivityStreamingResponsePayload as { discriminator: { mapping: Record<string, string> } }).discriminator.mapping;
		const parts = x.responseBody.split('\n');
		const departure = (p: string) => allowDepartures && SAMPLE_DEPARTURES.some((d) => d.problem.test(p));
		const tail = parts.pop() ?? '';
		if (tail.trim() !== '' && !x.cutByClient) out.push(`${where}: the stream ended in the middle of a line`);
		parts.forEach((raw, i) => {
			const text = raw.replace(/\r$/, '');
			if (text.trim() === '') {
				if (text !== '') out.push(`${where} line ${i + 1}: a keep-alive is an empty line, got ${JSON.stringify(raw)}`);
				return;
			}
			const what = `${where} line ${i + 1}`;
			let line: unknown;
			try {
				line = JSON.parse(text);
			} catch {
				out.push(`${what}: not JSON`);
				return;
			}
			const env = line as { data?: { event_type?: unknown; event_uuid?: unknown; payload?: unknown }; errors?: Array<{ type?: unknown }> };
			const proseProblem = (j: number) => PROSE_STREAM_PROBLEMS.some((p) => p.type === env.errors?.[j]?.type);
			const found = this.check(pointer, line, what).filter((e) => {
				const at = e.slice(what.length).trim();
				if (at.startsWith('/data/payload')) return false; // checked by event_type below
				if (at.startsWith('/data/event_uuid') && typeof env.data?.event_uuid === 'string' && PROSE_EVENT_UUID.test(env.data.event_uuid)) return false;
				const m = /^\/errors\/(\d+)/.exec(at);
				if (m && proseProblem(Number(m[1]))) return false;
				return true;
			});
			out.push(...found.filter((p) => !departure(p)), ...this.checkSchema(PROSE_STREAM_ENVELOPE, line, what));
			const mapped = typeof env.data?.event_type === 'string' ? payload[env.data.event_type] : undefined;
			if (mapped) out.push(...this.check(mapped, env.data?.payload, `${what} payload (${String(env.data?.event_type)})`).filter((p) => !departure(p)));
			(env.errors ?? []).forEach((_, j) => {
				if (proseProblem(j)) out.push(...this.checkSchema(PROSE_PROBLEM_SCHEMA, env.errors?.[j], `${what} errors/${j}`));
			});
		});
		return out;
	}
}
