/**
 * Activity Subscription (XAA) → Get Many: `GET /2/activity/subscriptions`, every page or up to
 * Limit, optionally only one event type's or one tag's.
 */
import { updateDisplayOptions, type IDataObject, type INodeProperties } from 'n8n-workflow';
import { xaaEventTypeInfo } from '../../../../client/xaa-event-types';
import type { XaaSubscription } from '../../../../client/xaa-normalise';
import { returnAllLimitProperties } from '../common.descriptions';
import { activitySubscriptionJson } from '../output';
import { fail, listLimit, param, type OperationExecute } from '../params';
import { assertV2, eventTypeOptions } from './fields';

/** Up to this Limit, Get Many reads single pages of exactly that size (every doc version takes ≤ 100). */
const SINGLE_PAGE_MAX = 100;

const properties: INodeProperties[] = [
	...returnAllLimitProperties,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description: 'Keep only some subscriptions (applied by the node after reading every page)',
		options: [
			{
				displayName: 'Event Type',
				name: 'eventType',
				type: 'options',
				options: eventTypeOptions,
				default: 'post.create',
				description: 'Keep only subscriptions of this event type',
			},
			{
				displayName: 'Tag',
				name: 'tag',
				type: 'string',
				default: '',
				description: 'Keep only subscriptions with exactly this tag',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['activitySubscription'], operation: ['list'] } },
	properties,
);

export const execute: OperationExecute = async function (run, i) {
	assertV2(this, run, i);
	const filters = param<IDataObject>(this, 'filters', i, {}) ?? {};
	let typeFilter: string | undefined;
	if (filters.eventType !== undefined && filters.eventType !== '') {
		const info = xaaEventTypeInfo(String(filters.eventType));
		if (!info)
			throw fail(
				this,
				i,
				`Filters → Event Type "${String(filters.eventType)}" is not an XAA event type (item ${i})`,
			);
		typeFilter = info.type;
	}
	const tagFilter =
		filters.tag !== undefined && filters.tag !== '' ? String(filters.tag) : undefined;
	const keep = (s: XaaSubscription) =>
		(typeFilter === undefined || s.eventType === typeFilter) &&
		(tagFilter === undefined || s.tag === tagFilter);

	const limit = listLimit(this, i);
	const { xaa } = run.client;
	let subs: XaaSubscription[];
	if (limit === undefined || limit > SINGLE_PAGE_MAX || typeFilter || tagFilter !== undefined) {
		// every page (1,000 per request), then filter locally
		subs = (await xaa.listAll()).filter(keep);
	} else {
		subs = [];
		let token: string | undefined;
		while (subs.length < limit) {
			const page = await xaa.list({ maxResults: limit, paginationToken: token });
			subs.push(...page.subscriptions);
			if (!page.nextToken || page.nextToken === token || page.subscriptions.length === 0) break;
			token = page.nextToken;
		}
	}
	if (limit !== undefined) subs = subs.slice(0, limit);
	return subs.map((s) => activitySubscriptionJson(s));
};
