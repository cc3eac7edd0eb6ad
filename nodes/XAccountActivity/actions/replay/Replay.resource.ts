/** Resource Replay: re-deliver a webhook's past activity (enterprise and v2). */
import type { INodeProperties } from 'n8n-workflow';
import { operationField } from '../common.descriptions';
import * as start from './start.operation';

/** Operation values stay as saved workflows hold them; the names are n8n's. */
export const operations = { start };

export const description: INodeProperties[] = [
	operationField(
		'replay',
		[
			{
				name: 'Create',
				value: 'start',
				action: 'Start a replay job',
				description:
					'Start a replay job: X re-delivers the activity of a time window to a webhook (enterprise and v2 only; one job per webhook at a time)',
			},
		],
		'start',
	),
	...start.description,
];
