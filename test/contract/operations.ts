/**
 * The one table of operations the contract tests cover: every operation of X's OpenAPI under
 * /2/activity, /2/webhooks and /2/account_activity is either here (with a well-formed request
 * for the auth probe) or in NOT_YET_COVERED with who adds it. To cover an operation, add a row;
 * the tests then require the client scenario to exercise it and probe its auth schemes.
 */
export interface ProbeWorld {
	webhookId: string;
	ownerUserId: string;
	/** A subscription id that exists now (fresh for each probe that deletes or updates). */
	freshSubscription(): Promise<string>;
	/** The URL of a receiver that answers CRC checks. */
	receiverUrl: string;
}

export interface ProbeRequest {
	method: string;
	path: string;
	query?: Record<string, string>;
	body?: unknown;
}

export interface CoveredOperation {
	operationId: string;
	probe(w: ProbeWorld): Promise<ProbeRequest> | ProbeRequest;
}

const A = '/2/account_activity';
const S = '/2/activity/subscriptions';

export const COVERED_OPERATIONS: CoveredOperation[] = [
	{ operationId: 'getWebhooks', probe: () => ({ method: 'GET', path: '/2/webhooks' }) },
	{ operationId: 'createWebhooks', probe: (w) => ({ method: 'POST', path: '/2/webhooks', body: { url: w.receiverUrl } }) },
	{ operationId: 'validateWebhooks', probe: (w) => ({ method: 'PUT', path: `/2/webhooks/${w.webhookId}` }) },
	{ operationId: 'deleteWebhooks', probe: () => ({ method: 'DELETE', path: '/2/webhooks/1460000000000999999' }) },
	{
		operationId: 'createWebhookReplayJob',
		probe: (w) => {
			const d = (ms: number) => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 12);
			return { method: 'POST', path: '/2/webhooks/replay', body: { webhook_id: w.webhookId, from_date: d(Date.now() - 3_600_000), to_date: d(Date.now() - 600_000) } };
		},
	},
	{ operationId: 'createAccountActivitySubscription', probe: (w) => ({ method: 'POST', path: `${A}/webhooks/${w.webhookId}/subscriptions/all`, body: {} }) },
	{ operationId: 'validateAccountActivitySubscription', probe: (w) => ({ method: 'GET', path: `${A}/webhooks/${w.webhookId}/subscriptions/all` }) },
	{ operationId: 'getAccountActivitySubscriptions', probe: (w) => ({ method: 'GET', path: `${A}/webhooks/${w.webhookId}/subscriptions/all/list` }) },
	{ operationId: 'getAccountActivitySubscriptionCount', probe: () => ({ method: 'GET', path: `${A}/subscriptions/count` }) },
	{
		operationId: 'deleteAccountActivitySubscription',
		probe: (w) => ({ method: 'DELETE', path: `${A}/webhooks/${w.webhookId}/subscriptions/${w.ownerUserId}/all` }),
	},
	{
		operationId: 'createActivitySubscription',
		probe: (w) => ({ method: 'POST', path: S, body: { event_type: 'post.create', filter: { user_id: w.ownerUserId }, webhook_id: w.webhookId } }),
	},
	{ operationId: 'getActivitySubscriptions', probe: () => ({ method: 'GET', path: S, query: { max_results: '10' } }) },
	{ operationId: 'updateActivitySubscription', probe: async (w) => ({ method: 'PUT', path: `${S}/${await w.freshSubscription()}`, body: { tag: 'probe' } }) },
	{ operationId: 'deleteActivitySubscription', probe: async (w) => ({ method: 'DELETE', path: `${S}/${await w.freshSubscription()}` }) },
	{ operationId: 'deleteActivitySubscriptionsByIds', probe: async (w) => ({ method: 'DELETE', path: S, query: { ids: await w.freshSubscription() } }) },
	// A stream: the probe reads it for a bounded time, then closes it.
	{ operationId: 'activityStream', probe: () => ({ method: 'GET', path: '/2/activity/stream', query: { backfill_minutes: '1' } }) },
];

/** Operations of the document not covered yet, and who adds them (then move them to the table). */
export const NOT_YET_COVERED: Record<string, string> = {};
