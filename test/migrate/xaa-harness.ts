/** Helpers for the --to xaa tests: a v2 client on the simulator, XAA request counts, report reading. */
import { readFileSync } from 'node:fs';

import { ensureRegistration } from '../../client/webhook-registration';
import { XClient } from '../../client/x-client';
import type { World } from './harness';

export const XAA_PATH = '/2/activity/subscriptions';

export function v2Client(world: World): XClient {
	const a = world.sim.app;
	return new XClient({
		consumerKey: a.consumerKey,
		consumerSecret: a.consumerSecret,
		accessToken: a.accessToken,
		accessTokenSecret: a.accessTokenSecret,
		apiVersion: 'v2',
		baseUrl: world.sim.baseUrl,
	});
}

/** The v2 webhook for the world's receiver (registered when missing). */
export async function v2Webhook(world: World): Promise<string> {
	const state: { webhookId?: string } = {};
	await ensureRegistration(v2Client(world), world.receiver.url, state, { subscribeOwnAccount: false });
	return state.webhookId as string;
}

/** Deletes every XAA subscription of the app (between tests). */
export async function clearXaa(world: World): Promise<void> {
	const client = v2Client(world);
	const ids = (await client.xaa.listAll()).map((s) => s.id);
	if (ids.length > 0) await client.xaa.deleteMany(ids);
}

/** POST /2/activity/subscriptions answered since `from` (index into the request log). */
export function xaaCreates(world: World, from = 0): number {
	return world.sim.requestLog.slice(from).filter((r) => r.method === 'POST' && r.path === XAA_PATH).length;
}

/** User-context creates (private event types) per user id, from the simulator's request log. */
export function xaaUserCreates(world: World, from = 0): Map<string, number> {
	const counts = new Map<string, number>();
	for (const r of world.sim.requestLog.slice(from)) {
		if (r.method === 'POST' && r.path === XAA_PATH && r.userId) counts.set(r.userId, (counts.get(r.userId) ?? 0) + 1);
	}
	return counts;
}

export interface XaaReport {
	summary: Record<string, unknown> & {
		total: number;
		subscribed: number;
		needs_reauth: number;
		missing_token: number;
		failed: number;
		verified: number | null;
		over_cap: number;
		planned_subscriptions: number;
		types: Record<string, number | null>;
	};
	users: Array<{
		user_id: string;
		status: string;
		verified: boolean | null;
		error: string | null;
		types: Record<string, string>;
		type_errors?: Record<string, string>;
	}>;
}

export function readReport(path: string): XaaReport {
	return JSON.parse(readFileSync(path, 'utf8')) as XaaReport;
}
