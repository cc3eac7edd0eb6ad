/**
 * `--simulate`: the whole migration against the built-in X simulator, as a demo and a smoke
 * test. Starts the simulator in-process with generated users, writes a Site Streams info.json
 * (a few users dm:false) and a token store CSV (a few users without tokens) from its users,
 * revokes one user's token, answers X's CRC with a local receiver, then runs the real command
 * on those files: register the webhook, subscribe, verify, report. A real run would exit 1 for
 * the planted users; the demo exits 0 when every planted outcome is reported as such.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { crcResponse } from '../client/webhook-signature';
import { startSimulator } from 'x-activity-simulator';
import type { MigrateOptions } from './options';
import { migrate, type MigrateIO, type MigrateResult } from './run';

/** A webhook receiver on 127.0.0.1 answering X's CRC with the app's consumer secret. */
export async function startCrcReceiver(consumerSecret: string): Promise<{ url: string; close: () => Promise<void> }> {
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			const token = url.searchParams.get('crc_token');
			if (req.method === 'GET' && token) {
				res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(crcResponse(consumerSecret, token)));
				return;
			}
			res.writeHead(200).end();
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
		close: () =>
			new Promise<void>((r) => {
				server.close(() => r());
				server.closeAllConnections();
			}),
	};
}

/** Where a simulation writes: the report's folder, or a fresh temporary one. The journal starts empty. */
export function simulationPaths(options: MigrateOptions, prefix: string): { dir: string; report: string; state: string } {
	const dir = options.report ? resolve(dirname(options.report)) : mkdtempSync(join(tmpdir(), prefix));
	mkdirSync(dir, { recursive: true });
	const report = options.report ? resolve(options.report) : join(dir, 'migrate-report.json');
	const state = options.state ?? join(dir, 'migrate-report.state.jsonl');
	rmSync(state, { force: true }); // a fresh simulator each time: nothing to resume
	return { dir, report, state };
}

/**
 * The legacy inputs a simulated app had: a Site Streams control-stream info.json (ids as bare
 * JSON numbers, most above 2^53) and a CRLF token store without the `noToken` users.
 */
export function writeLegacyInputs(
	dir: string,
	people: ReadonlyArray<{ id: string; screenName: string; token: string; secret: string }>,
	opts: { dmFalse?: ReadonlySet<string>; noToken: ReadonlySet<string> },
): { info: string; tokens: string } {
	const info = join(dir, 'info.json');
	const tokens = join(dir, 'tokens.csv');
	writeFileSync(
		info,
		'{"info":{\n  "users":[\n' +
			people.map((u) => `    {"id":${u.id},"name":${JSON.stringify(u.screenName)},"dm":${!opts.dmFalse?.has(u.id)}}`).join(',\n') +
			'\n  ],\n  "delimited":"none",\n  "include_followings_activity":false,\n  "include_user_changes":true,\n  "replies":"none",\n  "with":"user"\n}}\n',
	);
	writeFileSync(
		tokens,
		'user_id,access_token,access_token_secret\r\n' +
			people
				.filter((u) => !opts.noToken.has(u.id))
				.map((u) => `${u.id},${u.token},${u.secret}\r\n`)
				.join(''),
		{ mode: 0o600 },
	);
	return { info, tokens };
}

/** The environment the real command runs with: the simulator app's keys, no bearer (fetched). */
export function simulatorEnv(app: { consumerKey: string; consumerSecret: string; accessToken: string; accessTokenSecret: string }, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...base,
		X_CONSUMER_KEY: app.consumerKey,
		X_CONSUMER_SECRET: app.consumerSecret,
		X_ACCESS_TOKEN: app.accessToken,
		X_ACCESS_TOKEN_SECRET: app.accessTokenSecret,
	};
	delete env.X_BEARER_TOKEN;
	return env;
}

export async function runSimulation(options: MigrateOptions, io: MigrateIO): Promise<MigrateResult> {
	if (options.to === 'xaa') {
		const { runXaaSimulation } = await import('./xaa-simulate');
		return runXaaSimulation(options, io);
	}
	const n = options.simulateUsers;
	const { dir, report, state } = simulationPaths(options, 'x-aaa-migrate-simulate-');
	// X's subscribe limit, compressed: 100 calls per 3 s window for the whole app.
	const window = { windowSeconds: 3, limit: 100 };
	const sim = await startSimulator({
		generateUsers: { count: n },
		rateLimitWindowSeconds: window.windowSeconds,
		userLimitsPerApp: true,
		rateLimits: {
			'enterprise.subscriptions.create': window.limit,
			'premium.subscriptions.create': window.limit,
			'v2.subscriptions.create': window.limit,
		},
		subscriptionLimit: { enterprise: n + 100, premium: n + 100, v2: n + 100 },
		latencyMs: [5, 25],
		// 2% of subscription calls answer 500/503 at first: the client retries them.
		faults: { rate: 0.02, seed: 11, paths: 'subscriptions/all(\\.json)?$|subscriptions\\.json$' },
	});
	const receiver = await startCrcReceiver(sim.app.consumerSecret);
	try {
		const people = sim.users().filter((u) => u.id !== sim.app.ownerUserId);
		const dmFalse = new Set(people.filter((_, i) => i % 60 === 7).map((u) => u.id));
		const noToken = new Set(people.slice(-3).map((u) => u.id));
		const revoked = people[Math.min(4, people.length - 1)];
		const { info, tokens } = writeLegacyInputs(dir, people, { dmFalse, noToken });
		sim.revokeUser(revoked.id);
		const env = options.api === 'premium' ? (options.env ?? sim.app.environment) : undefined;
		io.stdout.write(
			[
				`Simulation: X simulator at ${sim.baseUrl} (${options.api}${env ? `, environment ${env}` : ''}) with ${people.length} users`,
				`  ${info}: Site Streams info.json, ${people.length} users, ${dmFalse.size} with dm:false`,
				`  ${tokens}: token store, ${people.length - noToken.size} tokens (${noToken.size} users have none)`,
				`  user ${revoked.id} has revoked the app (expect needs_reauth); 2% of subscribe calls fail with 5xx at first (retried)`,
				`  rate limit: ${window.limit} subscribe calls per ${window.windowSeconds} s window for the app (X: 500 per 15 minutes)`,
				`  webhook receiver answering CRC at ${receiver.url}`,
				'',
			].join('\n'),
		);
		const simEnv = simulatorEnv(sim.app, io.env);
		const result = await migrate(
			{
				...options,
				simulate: false,
				from: [info],
				tokens,
				webhookUrl: receiver.url,
				webhookId: undefined,
				baseUrl: sim.baseUrl,
				env,
				report,
				state,
			},
			{ ...io, env: simEnv },
		);
		const st = sim.stats;
		if (!options.dryRun) {
			io.stdout.write(
				`Simulator: ${st.requests} API requests answered, ${st.rateLimited} x 429; webhook ${sim.webhooks()[0]?.id ?? '-'} ` +
					`now has ${sim.webhooks()[0]?.subscriptions.length ?? 0} subscriptions\n`,
			);
			// The demo checks itself: every planted problem user is reported as such and every other
			// user is subscribed and verified. Then the outcome is what a demo should show: exit 0.
			const sum = result.summary;
			const others = people.length - noToken.size - 1; // everyone but the users without a token and the revoked one
			const asPlanted =
				result.exitCode === 1 &&
				sum !== undefined &&
				sum.missing_token === noToken.size &&
				sum.needs_reauth === 1 &&
				sum.failed === 0 &&
				sum.subscribed + sum.already_subscribed === others &&
				(sum.verified === null || sum.verified === others);
			if (asPlanted) {
				io.stdout.write(
					`Simulation as planted: the ${noToken.size} users without a token and the revoked user are reported for attention ` +
						`(a real run would exit 1); all ${others} others are subscribed and verified. Demo exit 0.\n`,
				);
				return { ...result, exitCode: 0 };
			}
			if (result.exitCode !== 2) io.stderr.write('Simulation: the outcome differs from what was planted (see the report).\n');
			return result.exitCode === 0 ? { ...result, exitCode: 1 } : result;
		}
		return result;
	} finally {
		await receiver.close();
		await sim.stop();
	}
}
