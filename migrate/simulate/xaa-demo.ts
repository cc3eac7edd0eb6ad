/**
 * `--simulate --to xaa`: the XAA migration against the built-in simulator (v2). Generates users
 * (default 60: 60 × 17 = 1,020 subscriptions, inside the self-serve cap of 1,500), a Site
 * Streams info.json and a token store with mixed tokens (a third OAuth 1.0a only, a third
 * OAuth 2.0 only, a third both; 3 users without a token), deletes one created subscription
 * behind the command's back (verification re-creates it), then runs the real pipeline. Exits 0
 * when exactly the planned subscriptions exist, none was refused and no request met a 429.
 */

import { XClient } from '../../client/x-client';
import { AAA_EQUIVALENT_XAA_TYPES, isPrivateXaaEventType } from '../../client/xaa-event-types';
import { startSimulator } from 'x-activity-simulator';
import { XAA_DEFAULT_CAP, type MigrateOptions } from '../options';
import type { MigrateIO, MigrateResult } from '../pipeline';
import { migrateSimulated, simulationPaths, startCrcReceiver, writeLegacyInputs } from './fixtures';

const fmt = (v: number) => v.toLocaleString('en-US');

export async function runXaaSimulation(options: MigrateOptions, io: MigrateIO): Promise<MigrateResult> {
	const n = options.simulateUsers;
	const { dir, report, state } = simulationPaths(options, 'x-aaa-migrate-simulate-xaa-');
	// X's XAA limit (500 per 15 minutes per app per method), compressed to 250 per 2 s.
	const window = { windowSeconds: 2, limit: 250 };
	const sim = await startSimulator({
		generateUsers: { count: n },
		rateLimitWindowSeconds: window.windowSeconds,
		rateLimits: { 'xaa.subscriptions.create': window.limit, 'xaa.subscriptions.list': window.limit },
		xaa: { subscriptionLimit: options.cap ?? XAA_DEFAULT_CAP },
		latencyMs: [2, 10],
		faults: { rate: 0.02, seed: 11, paths: '^/2/activity/subscriptions$' },
	});
	const receiver = await startCrcReceiver(sim.app.consumerSecret);
	try {
		const people = sim.users().filter((u) => u.id !== sim.app.ownerUserId);
		const noToken = new Set(people.slice(-3).map((u) => u.id));
		const oauth2 = new Map<string, string>();
		const oauth2Only = new Set<string>();
		people.forEach((u, i) => {
			if (noToken.has(u.id) || i % 3 === 1) return;
			oauth2.set(u.id, sim.issueOAuth2Token(u.id).access_token);
			if (i % 3 === 0) oauth2Only.add(u.id);
		});
		const { info, tokens } = writeLegacyInputs(dir, people, { noToken, oauth2, oauth2Only });
		const types = options.eventTypes ?? AAA_EQUIVALENT_XAA_TYPES;
		const priv = types.filter((t) => isPrivateXaaEventType(t)).length;
		io.stdout.write(
			[
				`Simulation (XAA): X simulator at ${sim.baseUrl} (v2) with ${people.length} users × ${types.length} event types (${priv} private)`,
				`  ${info}: Site Streams info.json, ${people.length} users`,
				`  ${tokens}: token store, ${people.length - noToken.size} users with a token: ${oauth2Only.size} OAuth 2.0 only, ` +
					`${oauth2.size - oauth2Only.size} OAuth 2.0 and OAuth 1.0a, ${people.length - noToken.size - oauth2.size} OAuth 1.0a only; ` +
					`${noToken.size} without (expect missing_token)`,
				`  2% of create calls fail with 5xx at first (retried)`,
				`  one created subscription is deleted behind the command's back (verification re-creates it)`,
				`  rate limit: ${window.limit} creates per ${window.windowSeconds} s window for the app (X: 500 per 15 minutes)`,
				`  webhook receiver answering CRC at ${receiver.url}`,
				'',
			].join('\n'),
		);
		// A second client, as another tool would be, deletes one subscription mid-run.
		const other = new XClient({ consumerKey: sim.app.consumerKey, consumerSecret: sim.app.consumerSecret, apiVersion: 'v2', baseUrl: sim.baseUrl });
		let deleted = false;
		const result = await migrateSimulated(
			options,
			io,
			sim,
			{ info, tokens, webhookUrl: receiver.url, report, state },
			{
				onUnit: async (_userId, outcome, phase) => {
					if (deleted || phase !== 'run' || outcome.status !== 'subscribed') return;
					deleted = true;
					const victim = sim.xaaSubscriptions()[0];
					if (victim) await other.xaa.delete(victim.subscription_id, { missingOk: true });
				},
			},
		);
		if (options.dryRun) return result;
		const sum = result.summary;
		const creates = sim.requestLog.filter((r) => r.method === 'POST' && r.path === '/2/activity/subscriptions' && !r.injected);
		const refused = creates.filter((r) => r.status >= 400 && r.status !== 409);
		const byAuth = (kind: string) => creates.filter((r) => r.auth === kind && r.status < 300).length;
		const planned = typeof sum?.planned_subscriptions === 'number' ? sum.planned_subscriptions : -1;
		const existing = sim.xaaSubscriptions().length;
		io.stdout.write(
			`Simulator: ${fmt(sim.stats.requests)} API requests answered, ${fmt(sim.stats.rateLimited)} × 429; ` +
				`the app now has ${fmt(existing)} XAA subscriptions (planned ${fmt(planned)}): ` +
				`${fmt(byAuth('oauth2-user'))} created with users' OAuth 2.0 tokens, ${fmt(byAuth('oauth1-user'))} with OAuth 1.0a, ` +
				`${fmt(byAuth('bearer'))} with the app's Bearer; ${fmt(refused.length)} refused\n`,
		);
		const others = people.length - noToken.size;
		const asPlanted =
			result.exitCode === (priv > 0 ? 1 : 0) &&
			sum !== undefined &&
			sum.missing_token === (priv > 0 ? noToken.size : 0) &&
			sum.needs_reauth === 0 &&
			sum.failed === 0 &&
			sum.subscribed === others + (priv > 0 ? 0 : noToken.size) &&
			(sum.verified === null || sum.verified === sum.subscribed) &&
			existing === planned &&
			refused.length === 0 &&
			sim.stats.rateLimited === 0 &&
			(!deleted || (result.resubscribed ?? 0) >= 1);
		if (asPlanted) {
			io.stdout.write(
				`Simulation as planted: exactly the ${fmt(planned)} planned subscriptions exist, 0 refused, 0 × 429; ` +
					`the ${noToken.size} users without a token are reported missing_token (a real run would exit 1); ` +
					`all ${others} others have every event type subscribed and verified` +
					`${deleted ? ', including the deleted subscription, re-created by verification' : ''}. Demo exit 0.\n`,
			);
			return { ...result, exitCode: 0 };
		}
		if (result.exitCode !== 2) io.stderr.write('Simulation: the outcome differs from what was planted (see the report).\n');
		return result.exitCode === 0 ? { ...result, exitCode: 1 } : result;
	} finally {
		await receiver.close();
		await sim.stop();
	}
}
