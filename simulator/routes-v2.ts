/** v2 endpoints (`/2/webhooks`, `/2/account_activity/...`) with `{"data":…}` bodies and v2 problems. */
import type { RequestCtx, Route } from './router';
import { routeBuilder } from './router';
import { isoV2, v2Failure, v2Invalid, type Reply } from './responses';
import { startReplay } from './replay';
import type { WebhookRecord } from './state';
import { counts, subscribe, unsubscribe } from './subscriptions';
import { findWebhook, registerWebhook, revalidate } from './webhooks';

const data = (d: unknown): Reply => ({ status: 200, body: { data: d } });
const webhookJson = (w: WebhookRecord) => ({
	id: w.id,
	url: w.url,
	valid: w.valid,
	created_at: isoV2(w.createdAt),
});

/** JSON object body; {} when empty; undefined when malformed. */
function jsonBody(rc: RequestCtx): Record<string, unknown> | undefined {
	const text = rc.rawBody.toString('utf8').trim();
	if (!text) return {};
	try {
		const v = JSON.parse(text) as unknown;
		return typeof v === 'object' && v !== null && !Array.isArray(v)
			? (v as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

const badBody = () => v2Invalid('InvalidRequest', 'the request body is not a JSON object');

function webhook(rc: RequestCtx, id: unknown = rc.params.id): WebhookRecord | undefined {
	return typeof id === 'string' ? findWebhook(rc.sim, 'v2', id) : undefined;
}

const notFound = () => v2Failure({ kind: 'webhook_not_found' });

function replayReply(rc: RequestCtx, webhookId: unknown, from: unknown, to: unknown): Reply {
	const w = webhook(rc, webhookId);
	if (!w) return notFound();
	const res = startReplay(rc.sim, w, 'v2', from, to);
	return res.ok
		? data({ job_id: res.value.jobId, created_at: isoV2(res.value.createdAt) })
		: v2Failure(res.failure);
}

export function v2Routes(): Route[] {
	const r = routeBuilder({ api: 'v2', flavour: 'v2' });
	const A = '/2/account_activity';
	return [
		r('POST', '/2/webhooks', 'bearer-or-oauth1', 'v2.webhooks.create', async (rc) => {
			const body = jsonBody(rc);
			if (!body) return badBody();
			const res = await registerWebhook(rc.sim, 'v2', body.url ?? rc.query.get('url') ?? undefined);
			return res.ok ? data(webhookJson(res.value)) : v2Failure(res.failure);
		}),
		r('GET', '/2/webhooks', 'bearer', 'v2.webhooks.list', (rc) => {
			const list = rc.sim.state.webhooksOf('v2').map(webhookJson);
			return { status: 200, body: { data: list, meta: { result_count: list.length } } };
		}),
		r('POST', '/2/webhooks/replay', 'bearer', 'v2.webhooks.replay', (rc) => {
			const body = jsonBody(rc);
			if (!body) return badBody();
			if (typeof body.webhook_id !== 'string')
				return v2Invalid('QueryParamInvalid', 'webhook_id is required');
			return replayReply(rc, body.webhook_id, body.from_date, body.to_date);
		}),
		r('PUT', '/2/webhooks/:id', 'bearer-or-oauth1', 'v2.webhooks.crc', async (rc) => {
			const w = webhook(rc);
			if (!w) return notFound();
			const crc = await revalidate(rc.sim, w);
			return crc.ok
				? data({ valid: true })
				: v2Failure({
						kind: 'crc_failed',
						reason: crc.reason ?? 'bad_response',
						detail: crc.detail ?? '',
					});
		}),
		r('DELETE', '/2/webhooks/:id', 'bearer-or-oauth1', 'v2.webhooks.delete', (rc) => {
			const w = webhook(rc);
			if (!w) return notFound();
			rc.sim.state.deleteWebhook(w.id);
			return data({ deleted: true });
		}),
		r('POST', `${A}/webhooks/:id/subscriptions/all`, 'user', 'v2.subscriptions.create', (rc) => {
			const w = webhook(rc);
			if (!w || !rc.user) return notFound();
			const res = subscribe(rc.sim, 'v2', w.id, rc.user);
			return res.ok ? data({ subscribed: true }) : v2Failure(res.failure);
		}),
		r('GET', `${A}/webhooks/:id/subscriptions/all`, 'user', 'v2.subscriptions.check', (rc) => {
			const w = webhook(rc);
			if (!w || !rc.user) return notFound();
			return data({ subscribed: rc.sim.state.isSubscribed(w.id, rc.user.id) });
		}),
		r(
			'GET',
			`${A}/webhooks/:id/subscriptions/all/list`,
			'bearer',
			'v2.subscriptions.list',
			(rc) => {
				const w = webhook(rc);
				if (!w) return notFound();
				return data({
					application_id: rc.sim.config.app.appId,
					webhook_id: w.id,
					webhook_url: w.url,
					subscriptions: [...rc.sim.state.subscribers(w.id)].map((user_id) => ({ user_id })),
				});
			},
		),
		r('GET', `${A}/subscriptions/count`, 'bearer', 'v2.subscriptions.count', (rc) =>
			data(counts(rc.sim, 'v2')),
		),
		r(
			'DELETE',
			`${A}/webhooks/:id/subscriptions/:user_id/all`,
			'bearer',
			'v2.subscriptions.delete',
			(rc) => {
				const w = webhook(rc);
				if (!w) return notFound();
				const res = unsubscribe(rc.sim, w.id, rc.params.user_id);
				return res.ok ? data({ subscribed: false }) : v2Failure(res.failure);
			},
		),
		// POST /2/account_activity/replay/webhooks/:id/subscriptions/all was removed by X on
		// 2026-03-25: no route, so it answers v2's 404 like any unknown path.
	];
}
