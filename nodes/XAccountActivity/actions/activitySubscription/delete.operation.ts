/**
 * Activity Subscription (XAA) → Delete: one subscription (`DELETE /2/activity/subscriptions/:id`)
 * or many (`DELETE /2/activity/subscriptions?ids=`, 100 per request, one item per id).
 */
import { updateDisplayOptions, type IDataObject, type INodeProperties } from 'n8n-workflow';
import { compact } from '../../helpers';
import { activitySubscriptionLocator } from '../common.descriptions';
import { fail, idParam, param, requireId, type OperationExecute } from '../params';
import { assertV2 } from './fields';

const properties: INodeProperties[] = [
	{
		displayName: 'Subscriptions to Delete',
		name: 'deleteMode',
		type: 'options',
		options: [
			{ name: 'One', value: 'one', description: 'One subscription, by its ID' },
			{
				name: 'Many',
				value: 'many',
				description: 'A list of subscription IDs, deleted 100 per request',
			},
		],
		default: 'one',
		description: 'Whether to delete one subscription or a list of them',
	},
	{
		...activitySubscriptionLocator({
			required: true,
			description:
				'The subscription to delete: pick it from the list, or give its ID as returned by Create or Get Many (digits)',
		}),
		displayOptions: { show: { deleteMode: ['one'] } },
	},
	{
		displayName: 'Subscription IDs',
		name: 'subscriptionIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1146654567674912769, 1146654567674912770',
		displayOptions: { show: { deleteMode: ['many'] } },
		description:
			'IDs of the subscriptions to delete, separated by commas or spaces, or an array from an expression (e.g. the subscription_id of every input item). An ID X does not know is reported in its item, not thrown.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['activitySubscription'], operation: ['delete'] } },
	properties,
);

/** The ids of Delete (many): a comma / space separated text, an array, or both nested. */
export function parseIdList(value: unknown): string[] {
	const out: string[] = [];
	const add = (v: unknown): void => {
		if (v === undefined || v === null || v === '') return;
		if (Array.isArray(v)) {
			v.forEach(add);
			return;
		}
		if (typeof v === 'number' || typeof v === 'bigint') {
			if (typeof v === 'number' && (!Number.isSafeInteger(v) || v < 0))
				throw new Error(
					`subscription ID ${String(v)} reached the node as a number and lost digits: pass IDs as strings`,
				);
			out.push(String(v));
			return;
		}
		if (typeof v === 'object') {
			const o = v as IDataObject;
			const id = o.subscription_id ?? o.id;
			if (id === undefined) throw new Error('an entry of Subscription IDs has no subscription_id');
			add(id);
			return;
		}
		// "1, 2 3", also a JSON array as text: ["1","2"]
		for (const part of String(v).split(/[\s,;[\]"']+/)) if (part) out.push(part);
	};
	add(value);
	return [...new Set(out)];
}

export const execute: OperationExecute = async function (run, i) {
	assertV2(this, run, i);
	const { xaa } = run.client;
	if (param<string>(this, 'deleteMode', i, 'one') !== 'many') {
		const id = requireId(
			this,
			i,
			'Subscription ID',
			idParam(this, 'subscriptionId', 'Subscription ID', i),
		);
		const r = await xaa.delete(id);
		return [{ subscription_id: id, deleted: r.deleted }];
	}
	let ids: string[];
	try {
		ids = parseIdList(param<unknown>(this, 'subscriptionIds', i, ''));
	} catch (err) {
		throw fail(this, i, `Subscription IDs: ${(err as Error).message} (item ${i})`);
	}
	if (!ids.length)
		throw fail(
			this,
			i,
			`Subscription IDs is empty (item ${i}): give IDs separated by commas or spaces, or an array`,
		);
	const results = await xaa.deleteMany(ids);
	return results.map((r) => compact({ subscription_id: r.id, deleted: r.deleted, error: r.error }));
};
