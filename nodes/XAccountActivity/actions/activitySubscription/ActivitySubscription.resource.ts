/**
 * Resource Activity Subscription (XAA), value `activitySubscription`: X Activity API
 * subscriptions, one per (event type, user or keyword), v2 credential only.
 */
import type { INodeProperties } from 'n8n-workflow';
import { operationField } from '../common.descriptions';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as list from './list.operation';
import * as update from './update.operation';

/** Operation values stay as saved workflows hold them; the names are n8n's. */
export const operations = { create, list, update, delete: del };

export const description: INodeProperties[] = [
	operationField(
		'activitySubscription',
		[
			{
				name: 'Create',
				value: 'create',
				action: 'Create an activity subscription',
				description:
					'Subscribe to one XAA event type for one user (or keyword), optionally delivered to a v2 webhook. If X already has the same subscription, it is returned with already_existed true.',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete activity subscriptions',
				description:
					'Delete one subscription by ID, or many at once (one output item per ID with deleted true/false and the reason)',
			},
			{
				name: 'Get Many',
				value: 'list',
				action: 'Get many activity subscriptions',
				description:
					"List subscriptions: one item per XAA subscription of the app (every page), optionally only one event type's or one tag's",
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Update an activity subscription',
				description:
					"Change a subscription's tag and/or webhook. The event type and filter cannot change: delete and create instead.",
			},
		],
		'create',
	),
	...create.description,
	...list.description,
	...update.description,
	...del.description,
];
