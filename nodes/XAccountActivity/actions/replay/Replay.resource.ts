/** Resource Replay: re-deliver a webhook's past activity (enterprise and v2). */
import type { INodeProperties } from 'n8n-workflow';
import * as start from './start.operation';

/** Operation values stay as saved workflows hold them; the names are n8n's. */
export const operations = { start };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['replay'] } },
		options: [
			{
				name: 'Create',
				value: 'start',
				action: 'Start a replay job',
				description:
					'Start a replay job: X re-delivers the activity of a time window to a webhook (enterprise and v2 only; one job per webhook at a time)',
			},
		],
		default: 'start',
	},
	...start.description,
];
