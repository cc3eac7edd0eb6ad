/** Enterprise and Premium v1.1 endpoints (REFERENCE.md tables), with v1.1 bodies and statuses. */
import type { RequestCtx, Route } from './router';
import { routeBuilder } from './router';
import { V1, isoV1, v1Failure, type Reply } from './responses';
import { startReplay } from './replay';
import type { WebhookRecord } from './state';
import { premiumScope } from './state';
import { counts, subscribe, unsubscribe } from './subscriptions';
import { findWebhook, registerWebhook, revalidate } from './webhooks';

const webhookJson = (w: WebhookRecord) => ({
	id: w.id,
	url: w.url,
	valid: w.valid,
	created_at: isoV1(w.createdAt),
});
const noContent = (): Reply => ({ status: 204 });
const json = (body: unknown, status = 200): Reply => ({ status, body });

const E = '/1.1/account_activity';
const P = '/1.1/account_activity/all';

function enterpriseWebhook(rc: RequestCtx): WebhookRecord | undefined {
	return findWebhook(rc.sim, 'enterprise', rc.params.id);
}

/** Premium: the environment must exist (case-sensitive), else 403 code 200 as X answers. */
function withEnv(handler: (rc: RequestCtx, env: string) => Reply | Promise<Reply>) {
	return (rc: RequestCtx) => {
		const env = rc.params.env;
		if (!rc.sim.config.environments.includes(env)) return V1.forbidden();
		return handler(rc, env);
	};
}

function premiumWebhook(rc: RequestCtx, env: string): WebhookRecord | undefined {
	return findWebhook(rc.sim, 'premium', rc.params.id, env);
}

export function enterpriseRoutes(): Route[] {
	const r = routeBuilder({ api: 'v1', flavour: 'enterprise' });
	return [
		r('POST', `${E}/webhooks.json`, 'app', 'enterprise.webhooks.create', async (rc) => {
			const res = await registerWebhook(rc.sim, 'enterprise', rc.query.get('url') ?? undefined);
			return res.ok ? json(webhookJson(res.value)) : v1Failure(res.failure);
		}),
		r('GET', `${E}/webhooks.json`, 'bearer', 'enterprise.webhooks.list', (rc) =>
			json(rc.sim.state.webhooksOf('enterprise').map(webhookJson)),
		),
		r('PUT', `${E}/webhooks/:id.json`, 'app', 'enterprise.webhooks.crc', async (rc) => {
			const w = enterpriseWebhook(rc);
			if (!w) return V1.notFound();
			const crc = await revalidate(rc.sim, w);
			return crc.ok
				? noContent()
				: v1Failure({
						kind: 'crc_failed',
						reason: crc.reason ?? 'bad_response',
						detail: crc.detail ?? '',
					});
		}),
		r('DELETE', `${E}/webhooks/:id.json`, 'app', 'enterprise.webhooks.delete', (rc) => {
			const w = enterpriseWebhook(rc);
			if (!w) return V1.notFound();
			rc.sim.state.deleteWebhook(w.id);
			return noContent();
		}),
		r(
			'POST',
			`${E}/webhooks/:id/subscriptions/all.json`,
			'user',
			'enterprise.subscriptions.create',
			(rc) => {
				const w = enterpriseWebhook(rc);
				if (!w || !rc.user) return V1.notFound();
				const res = subscribe(rc.sim, 'enterprise', w.id, rc.user);
				return res.ok ? noContent() : v1Failure(res.failure);
			},
		),
		r(
			'GET',
			`${E}/webhooks/:id/subscriptions/all.json`,
			'user',
			'enterprise.subscriptions.check',
			(rc) => {
				const w = enterpriseWebhook(rc);
				if (!w || !rc.user || !rc.sim.state.isSubscribed(w.id, rc.user.id)) return V1.notFound();
				return noContent();
			},
		),
		r(
			'DELETE',
			`${E}/webhooks/:id/subscriptions/all.json`,
			'user',
			'enterprise.subscriptions.delete',
			(rc) => {
				const w = enterpriseWebhook(rc);
				if (!w || !rc.user) return V1.notFound();
				const res = unsubscribe(rc.sim, w.id, rc.user.id);
				return res.ok ? noContent() : v1Failure(res.failure);
			},
		),
		r(
			'GET',
			`${E}/webhooks/:id/subscriptions/all/list.json`,
			'bearer',
			'enterprise.subscriptions.list',
			(rc) => {
				const w = enterpriseWebhook(rc);
				if (!w) return V1.notFound();
				return json({
					webhook_id: w.id,
					webhook_url: w.url,
					application_id: rc.sim.config.app.appId,
					subscriptions: [...rc.sim.state.subscribers(w.id)].map((user_id) => ({ user_id })),
				});
			},
		),
		r('GET', `${E}/subscriptions/count.json`, 'bearer', 'enterprise.subscriptions.count', (rc) =>
			json(counts(rc.sim, 'enterprise')),
		),
		r(
			'DELETE',
			`${E}/webhooks/:id/subscriptions/:user_id/all.json`,
			'bearer',
			'enterprise.subscriptions.delete',
			(rc) => {
				const w = enterpriseWebhook(rc);
				if (!w) return V1.notFound();
				const res = unsubscribe(rc.sim, w.id, rc.params.user_id);
				return res.ok ? noContent() : v1Failure(res.failure);
			},
		),
		r(
			'POST',
			`${E}/replay/webhooks/:id/subscriptions/all.json`,
			'bearer',
			'enterprise.replay',
			(rc) => {
				const w = enterpriseWebhook(rc);
				if (!w) return V1.notFound();
				const res = startReplay(
					rc.sim,
					w,
					'enterprise',
					rc.query.get('from_date') ?? undefined,
					rc.query.get('to_date') ?? undefined,
				);
				return res.ok
					? json({ job_id: res.value.jobId, created_at: isoV1(res.value.createdAt) }, 202)
					: v1Failure(res.failure);
			},
		),
	];
}

export function premiumRoutes(): Route[] {
	const r = routeBuilder({ api: 'v1', flavour: 'premium' });
	return [
		// Fixed paths first, so 'webhooks' / 'subscriptions' are never taken for an environment name.
		r('GET', `${P}/webhooks.json`, 'bearer', 'premium.webhooks.listAll', (rc) =>
			json({
				environments: rc.sim.config.environments.map((environment_name) => ({
					environment_name,
					webhooks: rc.sim.state.webhooksOf('premium', environment_name).map(webhookJson),
				})),
			}),
		),
		r('GET', `${P}/subscriptions/count.json`, 'bearer', 'premium.subscriptions.count', (rc) =>
			json(counts(rc.sim, 'premium')),
		),
		r(
			'POST',
			`${P}/:env/webhooks.json`,
			'app',
			'premium.webhooks.create',
			withEnv(async (rc, env) => {
				const res = await registerWebhook(rc.sim, 'premium', rc.query.get('url') ?? undefined, env);
				return res.ok ? json(webhookJson(res.value)) : v1Failure(res.failure);
			}),
		),
		r(
			'GET',
			`${P}/:env/webhooks.json`,
			'bearer',
			'premium.webhooks.list',
			withEnv((rc, env) => json(rc.sim.state.webhooksOf('premium', env).map(webhookJson))),
		),
		r(
			'PUT',
			`${P}/:env/webhooks/:id.json`,
			'app',
			'premium.webhooks.crc',
			withEnv(async (rc, env) => {
				const w = premiumWebhook(rc, env);
				if (!w) return V1.notFound();
				const crc = await revalidate(rc.sim, w);
				return crc.ok
					? noContent()
					: v1Failure({
							kind: 'crc_failed',
							reason: crc.reason ?? 'bad_response',
							detail: crc.detail ?? '',
						});
			}),
		),
		r(
			'DELETE',
			`${P}/:env/webhooks/:id.json`,
			'app',
			'premium.webhooks.delete',
			withEnv((rc, env) => {
				const w = premiumWebhook(rc, env);
				if (!w) return V1.notFound();
				rc.sim.state.deleteWebhook(w.id);
				return noContent();
			}),
		),
		r(
			'POST',
			`${P}/:env/subscriptions.json`,
			'user',
			'premium.subscriptions.create',
			withEnv((rc, env) => {
				// ours: subscribing in an environment without a webhook answers 404 code 34.
				if (!rc.user || rc.sim.state.webhooksOf('premium', env).length === 0) return V1.notFound();
				const res = subscribe(rc.sim, 'premium', premiumScope(env), rc.user);
				return res.ok ? noContent() : v1Failure(res.failure);
			}),
		),
		r(
			'GET',
			`${P}/:env/subscriptions.json`,
			'user',
			'premium.subscriptions.check',
			withEnv((rc, env) =>
				rc.user && rc.sim.state.isSubscribed(premiumScope(env), rc.user.id)
					? noContent()
					: V1.notFound(),
			),
		),
		r(
			'DELETE',
			`${P}/:env/subscriptions.json`,
			'user',
			'premium.subscriptions.delete',
			withEnv((rc, env) => {
				if (!rc.user) return V1.notFound();
				const res = unsubscribe(rc.sim, premiumScope(env), rc.user.id);
				return res.ok ? noContent() : v1Failure(res.failure);
			}),
		),
		r(
			'GET',
			`${P}/:env/subscriptions/list.json`,
			'bearer',
			'premium.subscriptions.list',
			withEnv((rc, env) =>
				json({
					environment: env,
					application_id: rc.sim.config.app.appId,
					subscriptions: [...rc.sim.state.subscribers(premiumScope(env))].map((user_id) => ({
						user_id,
					})),
				}),
			),
		),
		r(
			'DELETE',
			`${P}/:env/subscriptions/:user_id.json`,
			'bearer',
			'premium.subscriptions.delete',
			withEnv((rc, env) => {
				const res = unsubscribe(rc.sim, premiumScope(env), rc.params.user_id);
				return res.ok ? noContent() : v1Failure(res.failure);
			}),
		),
	];
}
