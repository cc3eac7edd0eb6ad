/**
 * The admin namespace `/_sim/...`, for the CLI (`emit`) and tests in other processes. Reachable
 * only from loopback, and only with a loopback Host header (a web page cannot reach it through
 * DNS rebinding). It exposes the simulator's own fake credentials (GET /_sim/users) on purpose:
 * tests write token CSVs from it.
 *
 * - GET  /_sim/state                 webhooks, subscriptions, counters
 * - GET  /_sim/users                 users with their (fake) tokens
 * - POST /_sim/emit                  {kind, count?, forUserId?, fromUserId?, webhookId?, duplicate?}
 *                                     kind may be an XAA event type (post.create, dm.received, …):
 *                                     {kind, userId?|forUserId?, fromUserId?, count?, direction?, keyword?, duplicate?}
 * - POST /_sim/deliver               {payload, webhookId?, duplicate?}
 * - POST /_sim/crc                   {webhookId}: the hourly CRC, now
 * - POST /_sim/revoke                {userId}
 * - POST /_sim/oauth2/token          {userId, scopes?, expiresInSeconds?}: an OAuth 2.0 user token
 * - POST /_sim/oauth2/expire         {accessToken}: the token expires now
 */
import type { IncomingMessage } from 'node:http';

import {
	XAA_EVENT_TYPES,
	XAA_DIRECTIONS,
	canonicalXaaEventType,
	type XaaDirection,
	type XaaEventType,
} from '../client/xaa-event-types';
import type { EmitOptions, EmitResult } from './emit';
import { EMIT_KINDS, isEmitKind, type EmitKind } from './events';
import type { XaaEmitOptions, XaaEmitResult } from './xaa-emit';
import type { DeliveryRecord } from './context';
import type { Reply } from './responses';
import type { AdminHandler } from './server';

export interface AdminApi {
	state: () => unknown;
	users: () => unknown;
	emit: (kind: EmitKind, opts: EmitOptions) => Promise<EmitResult>;
	emitXaa?: (eventType: XaaEventType, opts: XaaEmitOptions) => Promise<XaaEmitResult>;
	deliver: (
		payload: unknown,
		opts: { webhookId?: string; duplicate?: number },
	) => Promise<DeliveryRecord[]>;
	runCrc: (webhookId: string) => Promise<{ ok: boolean } | undefined>;
	revokeUser: (userId: string) => boolean;
	issueOAuth2Token?: (userId: string, opts: { scopes?: string[]; expiresInSeconds?: number }) => unknown;
	expireOAuth2Token?: (accessToken: string) => boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLoopbackRequest(req: IncomingMessage): boolean {
	if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return false;
	const host = (req.headers.host ?? '').toLowerCase();
	return /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host);
}

const err = (status: number, error: string): Reply => ({ status, body: { error } });

const summary = (d: DeliveryRecord) => ({
	webhookId: d.webhookId,
	kind: d.kind,
	delivered: d.delivered,
	attempts: d.attempts.map((a) => a.status ?? a.error),
});

function jsonObject(body: Buffer): Record<string, unknown> | undefined {
	const text = body.toString('utf8').trim();
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

const optString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const optNumber = (v: unknown): number | undefined =>
	typeof v === 'number' && Number.isFinite(v) ? v : undefined;

export function createAdminHandler(api: AdminApi): AdminHandler {
	return async (req, path, _query, body) => {
		if (!isLoopbackRequest(req))
			return err(403, 'the admin endpoint only answers loopback requests');
		const method = req.method ?? 'GET';
		if (method === 'GET' && path === '/_sim/state') return { status: 200, body: api.state() };
		if (method === 'GET' && path === '/_sim/users') return { status: 200, body: api.users() };
		if (method !== 'POST') return err(404, `unknown admin endpoint ${method} ${path}`);
		const b = jsonObject(body);
		if (!b) return err(400, 'body must be a JSON object');
		switch (path) {
			case '/_sim/emit': {
				const xaaType =
					api.emitXaa && !isEmitKind(b.kind) ? canonicalXaaEventType(b.kind) : undefined;
				if (xaaType && api.emitXaa) {
					const direction = optString(b.direction);
					if (direction !== undefined && !XAA_DIRECTIONS.includes(direction as XaaDirection)) {
						return err(400, 'direction must be inbound or outbound');
					}
					const r = await api.emitXaa(xaaType, {
						userId: optString(b.userId) ?? optString(b.forUserId),
						fromUserId: optString(b.fromUserId),
						count: optNumber(b.count),
						direction: direction as XaaDirection | undefined,
						keyword: optString(b.keyword),
						duplicate: optNumber(b.duplicate),
					});
					return {
						status: 200,
						body: {
							kind: r.eventType,
							...(r.userId !== undefined ? { userId: r.userId } : {}),
							...(r.keyword !== undefined ? { keyword: r.keyword } : {}),
							fromUserId: r.fromUserId,
							events: r.events,
							eventUuids: r.eventUuids,
							subscriptionIds: r.subscriptionIds,
							webhookIds: r.webhookIds,
							deliveries: r.deliveries.map(summary),
						},
					};
				}
				if (!isEmitKind(b.kind)) {
					return err(
						400,
						`kind must be one of ${EMIT_KINDS.join(', ')}, or an XAA event type (${XAA_EVENT_TYPES.join(', ')})`,
					);
				}
				const r = await api.emit(b.kind, {
					forUserId: optString(b.forUserId),
					fromUserId: optString(b.fromUserId),
					count: optNumber(b.count),
					webhookId: optString(b.webhookId),
					duplicate: optNumber(b.duplicate),
				});
				return {
					status: 200,
					body: {
						kind: r.kind,
						forUserId: r.forUserId,
						fromUserId: r.fromUserId,
						webhookIds: r.webhookIds,
						events: r.events,
						deliveries: r.deliveries.map(summary),
					},
				};
			}
			case '/_sim/deliver': {
				if (b.payload === undefined) return err(400, 'payload is required');
				const recs = await api.deliver(b.payload, {
					webhookId: optString(b.webhookId),
					duplicate: optNumber(b.duplicate),
				});
				return { status: 200, body: { deliveries: recs.map(summary) } };
			}
			case '/_sim/crc': {
				const id = optString(b.webhookId);
				if (!id) return err(400, 'webhookId is required');
				const r = await api.runCrc(id);
				return r ? { status: 200, body: r } : err(404, `no webhook ${id}`);
			}
			case '/_sim/revoke': {
				const id = optString(b.userId);
				if (!id) return err(400, 'userId is required');
				return api.revokeUser(id)
					? { status: 200, body: { revoked: id } }
					: err(404, `no user ${id}`);
			}
			case '/_sim/oauth2/token': {
				const id = optString(b.userId);
				if (!id || !api.issueOAuth2Token) return err(400, 'userId is required');
				const scopes = Array.isArray(b.scopes) ? b.scopes.filter((x): x is string => typeof x === 'string') : undefined;
				try {
					return { status: 200, body: api.issueOAuth2Token(id, { scopes, expiresInSeconds: optNumber(b.expiresInSeconds) }) };
				} catch (e) {
					return err(404, (e as Error).message);
				}
			}
			case '/_sim/oauth2/expire': {
				const t = optString(b.accessToken);
				if (!t || !api.expireOAuth2Token) return err(400, 'accessToken is required');
				return api.expireOAuth2Token(t) ? { status: 200, body: { expired: true } } : err(404, 'no such access token');
			}
		}
		return err(404, `unknown admin endpoint ${method} ${path}`);
	};
}
