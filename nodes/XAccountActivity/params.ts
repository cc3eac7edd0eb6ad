/**
 * What every resource of the X Account Activity action node reads per item: the run context,
 * parameter access, the acting user's token (Subscription → Subscribe / Check and
 * Activity Subscription → Create) and Return All / Limit.
 */
import { NodeOperationError, type IDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import type { ApiFlavour, UserToken } from '../../client/types';
import type { XClient } from '../../client/x-client';

/** What one execution knows beyond the parameters. */
export interface RunContext {
	client: XClient;
	flavour: ApiFlavour;
	/** Premium environment name (premium only). */
	environment?: string;
	/** The app owner's token from the credential, when it holds one (XAA private types). */
	owner?: UserToken;
}

export function param<T>(ctx: IExecuteFunctions, name: string, i: number, fallback?: T): T {
	return ctx.getNodeParameter(name, i, fallback) as T;
}

export function trimmed(ctx: IExecuteFunctions, name: string, i: number): string {
	const v = param<unknown>(ctx, name, i, '');
	return v === undefined || v === null ? '' : String(v).trim();
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
		throw new NodeOperationError(
			ctx.getNode(),
			`Access Token is empty for item ${i}: map it from the input, e.g. {{ $json.access_token }}`,
			{ itemIndex: i },
		);
	if (!secret) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Access Token Secret is empty for item ${i}: map it from the input, e.g. {{ $json.access_token_secret }}`,
			{ itemIndex: i },
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

/**
 * The Access Token / Access Token Secret pair for "Act As: User Token", shown where `show` says
 * (n8n needs one property per display condition; `actingUser` reads them).
 */
export function userTokenProperties(show: NonNullable<IDisplayOptions['show']>): INodeProperties[] {
	const displayOptions = { show: { ...show, actAs: ['userToken'] } };
	return [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: '{{ $json.access_token }}',
			displayOptions,
			description: "The user's OAuth 1.0a access token for this app, usually an expression reading it from the input item",
		},
		{
			displayName: 'Access Token Secret',
			name: 'accessTokenSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: '{{ $json.access_token_secret }}',
			displayOptions,
			description:
				"The user's OAuth 1.0a access token secret, usually an expression reading it from the input item. Never copied into the output.",
		},
	];
}
