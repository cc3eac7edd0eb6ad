/**
 * Replay → Create: start a replay job. Enterprise: `POST /1.1/account_activity/replay/…`; v2:
 * `POST /2/webhooks/replay` (X removed the older `POST /2/account_activity/replay/…` on
 * 2026-03-25, so the node never sends it).
 */
import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';
import { checkReplayWindow, formatReplayDate } from '../../../../client/replay-window';
import { compact, toUtcDate } from '../../helpers';
import { fail, param, type OperationExecute } from '../params';
import { requiredWebhookId, requiredWebhookProperty } from '../webhook/webhookId';

const properties: INodeProperties[] = [
	requiredWebhookProperty('The webhook to re-deliver to'),
	{
		displayName: 'From (UTC)',
		name: 'fromDate',
		type: 'dateTime',
		required: true,
		default: '',
		description:
			'Start of the window, in UTC. Enterprise: within the last 5 days and at least 31 minutes ago. v2: within the last 24 hours.',
	},
	{
		displayName: 'To (UTC)',
		name: 'toDate',
		type: 'dateTime',
		required: true,
		default: '',
		description:
			'End of the window, in UTC, after the start. Enterprise: at least 10 minutes ago. v2: not in the future.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['replay'], operation: ['start'] } },
	properties,
);

export const execute: OperationExecute = async function (run, i) {
	const webhookId = requiredWebhookId(this, i);
	let from: Date;
	let to: Date;
	try {
		from = toUtcDate(param<unknown>(this, 'fromDate', i, ''), 'From');
		to = toUtcDate(param<unknown>(this, 'toDate', i, ''), 'To');
	} catch (err) {
		throw fail(this, i, (err as Error).message);
	}
	const broken = checkReplayWindow(run.flavour, from, to);
	if (broken)
		throw fail(
			this,
			i,
			`${broken} (item ${i}; window ${from.toISOString()} – ${to.toISOString()}, UTC)`,
		);
	const job = await run.client.startReplay({ webhookId, from, to });
	return [
		compact({
			job_id: job.jobId,
			created_at: job.createdAt,
			webhook_id: webhookId,
			from_date: formatReplayDate(from),
			to_date: formatReplayDate(to),
		}),
	];
};
