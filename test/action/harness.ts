/**
 * A minimal, honest stand-in for n8n's execution context: exactly the part of IExecuteFunctions
 * the X Account Activity node uses (getInputData, getNodeParameter with per-item values and
 * defaults from the node description, getCredentials, getNode, continueOnFail).
 *
 * Parameter values may be functions of the item, standing in for expressions such as
 * {{ $json.access_token }}: they are evaluated per item, as n8n evaluates expressions.
 * Parameters the test does not set resolve to the default of the property that is displayed
 * for the current resource / operation, as n8n does when it loads a node's parameters.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INode,
	INodeListSearchResult,
	INodeExecutionData,
	INodeProperties,
	INodeType,
} from 'n8n-workflow';
import { nodeHelpers } from '../support/n8n-helpers';

export type ParamValue = unknown | ((json: IDataObject, itemIndex: number) => unknown);

export interface RunOptions {
	credentials: ICredentialDataDecryptedObject;
	params: Record<string, ParamValue>;
	/** Input items; default one empty item. */
	items?: IDataObject[];
	continueOnFail?: boolean;
	/**
	 * The node's `xActivityOAuth2Api` credential (oAuth2Api fields: clientId, clientSecret,
	 * accessTokenUrl, scope, oauthTokenData); absent means none is selected. Refreshes update it.
	 */
	oauth2Credentials?: ICredentialDataDecryptedObject;
}

/** What n8n's OAuth2 helper did: one entry per refresh. */
export const oauth2Refreshes: string[] = [];

/**
 * A stand-in for n8n's httpRequestWithAuthentication with an oAuth2Api credential, doing what
 * n8n-core's requestOAuth2 does for it: sign with the stored access token, and on 401 redeem the
 * refresh token at the credential's accessTokenUrl (client_id in the body, as for a PKCE public
 * client), store the new token data and send once more. Errors carry `httpCode` and the
 * response, as n8n's NodeApiError around an Axios error does.
 */
async function oauth2Request(
	cred: ICredentialDataDecryptedObject,
	req: {
		method?: string;
		url: string;
		qs?: IDataObject;
		body?: unknown;
		returnFullResponse?: boolean;
	},
): Promise<unknown> {
	const send = async () => {
		const url = new URL(req.url);
		for (const [k, v] of Object.entries(req.qs ?? {})) url.searchParams.set(k, String(v));
		const token = (cred.oauthTokenData as IDataObject | undefined)?.access_token;
		const res = await fetch(url, {
			method: req.method ?? 'GET',
			headers: { authorization: `Bearer ${String(token)}`, 'content-type': 'application/json' },
			body: req.body === undefined ? undefined : JSON.stringify(req.body),
		});
		const text = await res.text();
		let data: unknown = text;
		try {
			data = JSON.parse(text);
		} catch {
			// not JSON: keep the text
		}
		return { statusCode: res.status, body: data, headers: Object.fromEntries(res.headers) };
	};
	let res = await send();
	const tokenData = cred.oauthTokenData as IDataObject | undefined;
	if (res.statusCode === 401 && tokenData?.refresh_token) {
		const form = new URLSearchParams({
			grant_type: 'refresh_token',
			refresh_token: String(tokenData.refresh_token),
			client_id: String(cred.clientId),
		});
		const t = await fetch(String(cred.accessTokenUrl), { method: 'POST', body: form });
		if (t.ok) {
			cred.oauthTokenData = (await t.json()) as IDataObject;
			oauth2Refreshes.push(String(cred.accessTokenUrl));
			res = await send();
		}
	}
	if (res.statusCode >= 400) {
		const err = new Error(`Request failed with status code ${res.statusCode}`) as Error &
			IDataObject;
		err.httpCode = String(res.statusCode);
		err.cause = { response: { status: res.statusCode, data: res.body } };
		throw err;
	}
	return req.returnFullResponse ? res : res.body;
}

export interface RunResult {
	items: INodeExecutionData[];
}

/** Everything the node put out or threw, for the secret scan. */
export const recorded: string[] = [];

function isShown(prop: INodeProperties, resolve: (name: string) => unknown): boolean {
	const show = prop.displayOptions?.show;
	if (!show) return true;
	return Object.entries(show).every(([key, allowed]) => {
		if (!Array.isArray(allowed)) return true;
		return allowed.includes(resolve(key) as never);
	});
}

/** The INode n8n passes for this node in a workflow. */
function nodeMetaOf(node: INodeType): INode {
	return {
		id: 'test-node',
		name: node.description.defaults.name ?? node.description.displayName,
		type: `n8n-nodes-x-account-activity.${node.description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}

export function makeContext(node: INodeType, opts: RunOptions): IExecuteFunctions {
	const items: INodeExecutionData[] = (opts.items ?? [{}]).map((json) => ({ json }));
	const props = node.description.properties;
	const nodeMeta = nodeMetaOf(node);

	const resolve = (name: string, itemIndex: number, seen: Set<string> = new Set()): unknown => {
		if (Object.prototype.hasOwnProperty.call(opts.params, name)) {
			const v = opts.params[name];
			return typeof v === 'function'
				? (v as (j: IDataObject, i: number) => unknown)(items[itemIndex].json, itemIndex)
				: v;
		}
		if (seen.has(name)) return undefined;
		seen.add(name);
		const prop = props.find(
			(p) => p.name === name && isShown(p, (k) => resolve(k, itemIndex, seen)),
		);
		return prop ? prop.default : undefined;
	};

	const ctx = {
		getInputData: () => items,
		getNodeParameter: (name: string, itemIndex: number, fallbackValue?: unknown) => {
			if (itemIndex < 0 || itemIndex >= items.length) throw new Error(`no item ${itemIndex}`);
			const v = resolve(name, itemIndex);
			if (v !== undefined) return v;
			if (fallbackValue !== undefined) return fallbackValue;
			throw new Error(`Could not get parameter "${name}"`);
		},
		getCredentials: async (type: string) => {
			if (type === 'xActivityOAuth2Api' && opts.oauth2Credentials)
				return { ...opts.oauth2Credentials };
			if (type !== 'xAccountActivityApi')
				throw new Error(`Node does not have credentials of type ${type}`);
			return { ...opts.credentials };
		},
		getNode: () => nodeMeta,
		continueOnFail: () => opts.continueOnFail === true,
		helpers: {
			...nodeHelpers.helpers,
			httpRequestWithAuthentication: async (
				type: string,
				req: Parameters<typeof oauth2Request>[1],
			) => {
				if (type !== 'xActivityOAuth2Api' || !opts.oauth2Credentials)
					throw new Error(`Node does not have credentials of type ${type}`);
				return oauth2Request(opts.oauth2Credentials, req);
			},
		},
	};
	return ctx as unknown as IExecuteFunctions;
}

/** Runs the node's execute() once; records outputs and errors for the secret scan. */
export async function runNode(node: INodeType, opts: RunOptions): Promise<INodeExecutionData[]> {
	if (!node.execute) throw new Error('node has no execute()');
	try {
		const out = await node.execute.call(makeContext(node, opts));
		const first = (out as INodeExecutionData[][])[0] ?? [];
		recorded.push(JSON.stringify(first));
		return first;
	} catch (err) {
		recordError(err);
		throw err;
	}
}

export function recordError(err: unknown): void {
	const e = err as Record<string, unknown> & Error;
	recorded.push(
		JSON.stringify({
			message: e?.message,
			description: e?.description,
			messages: e?.messages,
			context: e?.context,
			errorResponse: e?.errorResponse,
		}),
	);
}

/** Runs the node expecting it to throw; returns the error. */
export async function runNodeError(
	node: INodeType,
	opts: RunOptions,
): Promise<Error & Record<string, unknown>> {
	try {
		await runNode(node, opts);
	} catch (err) {
		return err as Error & Record<string, unknown>;
	}
	throw new Error('expected the node to throw');
}

export interface LoadOptionsRun {
	credentials: ICredentialDataDecryptedObject;
	/** The node's current parameters, as the editor holds them (resource locators as {__rl, mode, value}). */
	params?: Record<string, unknown>;
}

/**
 * The part of n8n's ILoadOptionsFunctions a listSearch method uses: getCredentials, getNode and
 * getNodeParameter (with `extractValue`, which unwraps a resource locator to its value).
 */
export function makeLoadOptionsContext(
	node: INodeType,
	opts: LoadOptionsRun,
): ILoadOptionsFunctions {
	const nodeMeta = nodeMetaOf(node);
	const params = opts.params ?? {};
	const ctx = {
		getCredentials: async (type: string) => {
			if (type !== 'xAccountActivityApi') throw new Error(`unexpected credential type ${type}`);
			return { ...opts.credentials };
		},
		getNode: () => nodeMeta,
		getNodeParameter: (name: string, fallback?: unknown, options?: { extractValue?: boolean }) => {
			const v = params[name];
			if (v === undefined) return fallback;
			if (options?.extractValue && v && typeof v === 'object' && '__rl' in v)
				return (v as unknown as { value: unknown }).value;
			return v;
		},
		...nodeHelpers,
	};
	return ctx as unknown as ILoadOptionsFunctions;
}

/** Calls one of the node's listSearch methods as n8n's editor does; records what it returned or threw. */
export async function runListSearch(
	node: INodeType,
	method: string,
	opts: LoadOptionsRun & { filter?: string; paginationToken?: string },
): Promise<INodeListSearchResult> {
	const fn = node.methods?.listSearch?.[method];
	if (!fn) throw new Error(`node has no listSearch method ${method}`);
	try {
		const out = await fn.call(
			makeLoadOptionsContext(node, opts),
			opts.filter,
			opts.paginationToken,
		);
		recorded.push(JSON.stringify(out));
		return out;
	} catch (err) {
		recordError(err);
		throw err;
	}
}
