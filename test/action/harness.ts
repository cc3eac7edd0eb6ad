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
	INode,
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

export function makeContext(node: INodeType, opts: RunOptions): IExecuteFunctions {
	const items: INodeExecutionData[] = (opts.items ?? [{}]).map((json) => ({ json }));
	const props = node.description.properties;
	const nodeMeta: INode = {
		id: 'test-node',
		name: node.description.defaults.name ?? node.description.displayName,
		type: `n8n-nodes-x-account-activity.${node.description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};

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
			if (type !== 'xAccountActivityApi') throw new Error(`unexpected credential type ${type}`);
			return { ...opts.credentials };
		},
		getNode: () => nodeMeta,
		continueOnFail: () => opts.continueOnFail === true,
		...nodeHelpers,
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
