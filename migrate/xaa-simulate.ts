/**
 * `--simulate --to xaa`: the XAA migration against the built-in simulator (v2). Generates users
 * (default 60: 60 × 17 = 1,020 subscriptions, inside the self-serve cap of 1,500), a Site
 * Streams info.json and a token store (3 users without a token), revokes one user's token,
 * deletes one created subscription behind the command's back (verification re-creates it), then
 * runs the real command. Exits 0 when the outcome is exactly what was planted.
 */

import { XClient } from '../client/x-client';
import { AAA_EQUIVALENT_XAA_TYPES, isPrivateXaaEventType } from '../client/xaa-event-types';
import { startSimulator } from 'x-activity-simulator';
import { XAA_DEFAULT_CAP, type MigrateOptions } from './options';
import { migrate, type MigrateIO, type MigrateResult } from './run';
import { simulationPaths, simulatorEnv, startCrcReceiver, writeLegacyInputs } from './simulate';

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
		const revoked = people[Math.min(4, people.length - 1)];
		const { info, tokens } = writeLegacyInputs(dir, people, { noToken });
		sim.revokeUser(revoked.id);
		const types = options.eventTypes ?? AAA_EQUIVALENT_XAA_TYPES;
		const priv = types.filter((t) => isPrivateXaaEventType(t)).length;
		io.stdout.write(
			[
				`Simulation (XAA): X simulator at ${sim.baseUrl} (v2) with ${people.length} users × ${types.length} event types (${priv} private)`,
				`  ${info}: Site Streams info.json, ${people.length} users`,
				`  ${tokens}: token store, ${people.length - noToken.size} tokens (${noToken.size} users have none: expect missing_token)`,
				`  user ${revoked.id} has revoked the app (expect needs_reauth); 2% of create calls fail with 5xx at first (retried)`,
				`  one created subscription is deleted behind the command's back (verification re-creates it)`,
				`  rate limit: ${window.limit} creates per ${window.windowSeconds} s window for the app (X: 500 per 15 minutes)`,
				`  webhook receiver answering CRC at ${receiver.url}`,
				'',
			].join('\n'),
		);
		const simEnv = simulatorEnv(sim.app, io.env);
		// A second client, as another tool would be, deletes one subscription mid-run.
		const other = new XClient({ consumerKey: sim.app.consumerKey, consumerSecret: sim.app.consumerSecret, apiVersion: 'v2', baseUrl: sim.baseUrl });
		let deleted = false;
		const result = await migrate(
			{
				...options,
				simulate: false,
				from: [info],
				tokens,
				webhookUrl: receiver.url,
				webhookId: undefined,
				baseUrl: sim.baseUrl,
				report,
				state,
			},
			{ ...io, env: simEnv },
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
		const others = people.length - noToken.size - 1;
		io.stdout.write(
			`Simulator: ${sim.stats.requests} API requests answered, ${sim.stats.rateLimited} x 429; ` +
				`the app now has ${sim.xaaSubscriptions().length} XAA subscriptions\n`,
		);
		const asPlanted =
			result.exitCode === (priv > 0 ? 1 : 0) &&
			sum !== undefined &&
			sum.missing_token === (priv > 0 ? noToken.size : 0) &&
			sum.needs_reauth === (priv > 0 ? 1 : 0) &&
			sum.failed === 0 &&
			sum.subscribed === others + (priv > 0 ? 0 : noToken.size + 1) &&
			(sum.verified === null || sum.verified === sum.subscribed) &&
			(!deleted || (result.resubscribed ?? 0) >= 1);
		if (asPlanted) {
			io.stdout.write(
				`Simulation as planted: the ${noToken.size} users without a token and the revoked user are reported for attention ` +
					`(a real run would exit 1); all ${others} others have every event type subscribed and verified` +
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
