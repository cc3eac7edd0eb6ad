/**
 * What every operation of the X Account Activity action node reads per item: the run context,
 * parameter access (plain and resource-locator), ids, the acting user's token and Return All /
 * Limit. The matching fields are built in `common.descriptions.ts`.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import type { ApiFlavour, UserToken } from '../../../client/types';
import type { XClient } from '../../../client/x-client';

/** What one execution knows beyond the parameters. */
export interface RunContext {
	client: XClient;
	flavour: ApiFlavour;
	/** Premium environment name (premium only). */
	environment?: string;
	/** The app owner's token from the credential, when it holds one (XAA private types). */
	owner?: UserToken;
}

/**
 * What every `<operation>.operation.ts` exports besides its `description`: one item's work,
 * returning the item's json objects (the router pairs, scrubs and wraps them).
 */
export type OperationExecute = (
	this: IExecuteFunctions,
	run: RunContext,
	i: number,
	secrets: string[],
) => Promise<IDataObject[]>;

/** X ids: 64-bit, so up to 19 digits, always handled as strings. */
export const ID = /^\d{1,19}$/;

export function param<T>(ctx: IExecuteFunctions, name: string, i: number, fallback?: T): T {
	return ctx.getNodeParameter(name, i, fallback) as T;
}

export function trimmed(ctx: IExecuteFunctions, name: string, i: number): string {
	const v = param<unknown>(ctx, name, i, '');
	return v === undefined || v === null ? '' : String(v).trim();
}

export function fail(ctx: IExecuteFunctions, i: number, message: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { itemIndex: i });
}

/**
 * An id parameter as a string: a resource locator (`{mode, value}`, "From list" or "By ID"), or
 * a plain value as saved by earlier versions of the node or set by an expression. A number is
 * accepted only while it is exact: X's 64-bit ids lose digits as JavaScript numbers.
 */
export function idParam(ctx: IExecuteFunctions, name: string, label: string, i: number): string {
	let v = ctx.getNodeParameter(name, i, '', { extractValue: true }) as unknown;
	if (v && typeof v === 'object' && 'value' in v) v = (v as { value: unknown }).value;
	if (typeof v === 'number') {
		if (!Number.isSafeInteger(v) || v < 0)
			throw fail(
				ctx,
				i,
				`${label} ${String(v)} reached the node as a number and lost digits (item ${i}): pass it as a string, e.g. {{ $json.id_str }}`,
			);
		return String(v);
	}
	return v === undefined || v === null ? '' : String(v).trim();
}

/** A required X id: present and digits only, or an error naming the field. */
export function requireId(ctx: IExecuteFunctions, i: number, label: string, id: string): string {
	if (!id) throw fail(ctx, i, `${label} is required (item ${i})`);
	if (!ID.test(id))
		throw fail(ctx, i, `${label} "${id}" is not an X ID (item ${i}): give 1 to 19 digits`);
	return id;
}

/**
 * The user token of "Act As: User Token", or undefined for the credential account. The token
 * secret joins `secrets`, so it is scrubbed from everything this item puts out.
 */
export function actingUser(
	ctx: IExecuteFunctions,
	i: number,
	secrets: string[],
): UserToken | undefined {
	if (param<string>(ctx, 'actAs', i, 'credential') !== 'userToken') return undefined;
	const token = trimmed(ctx, 'accessToken', i);
	const secret = trimmed(ctx, 'accessTokenSecret', i);
	if (secret) secrets.push(secret);
	if (!token)
		throw fail(
			ctx,
			i,
			`Access Token is empty for item ${i}: map it from the input, e.g. {{ $json.access_token }}`,
		);
	if (!secret) {
		throw fail(
			ctx,
			i,
			`Access Token Secret is empty for item ${i}: map it from the input, e.g. {{ $json.access_token_secret }}`,
		);
	}
	return { token, secret };
}

/** The "Limit" of a list operation, or undefined with "Return All". */
export function listLimit(ctx: IExecuteFunctions, i: number): number | undefined {
	if (param<boolean>(ctx, 'returnAll', i, false)) return undefined;
	const limit = Number(param<number>(ctx, 'limit', i, 50));
	return Number.isFinite(limit) && limit > 0 ? Math.floor(limit) : undefined;
}

export function limited<T>(ctx: IExecuteFunctions, i: number, list: T[]): T[] {
	const limit = listLimit(ctx, i);
	return limit === undefined ? list : list.slice(0, limit);
}
