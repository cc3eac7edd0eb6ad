/** Shared setup for the migrate tests: a simulator, a CRC receiver, input files written from its users. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ApiFlavour } from '../../client/types';
import { main } from '../../migrate/cli';
import { parseArgs } from '../../migrate/options';
import { migrate, type MigrateHooks, type MigrateResult } from '../../migrate/pipeline';
import { startSimulator, type SimUser, type Simulator, type SimulatorConfig } from '../../simulator';
import { startReceiver, type Receiver } from '../simulator/helpers';

export interface Captured {
	stdout: string;
	stderr: string;
}

export function captureIO(env: NodeJS.ProcessEnv, signal?: AbortSignal) {
	const out: Captured = { stdout: '', stderr: '' };
	return {
		out,
		io: {
			stdout: { write: (s: string) => (out.stdout += s) },
			stderr: { write: (s: string) => (out.stderr += s), isTTY: false },
			env,
			signal,
		},
	};
}

export interface World {
	sim: Simulator;
	receiver: Receiver;
	dir: string;
	env: NodeJS.ProcessEnv;
	/** Users of the inputs (generated ones, owner excluded). */
	people: SimUser[];
	info: string;
	tokens: string;
	report: string;
	/** Runs the command in-process with these extra flags (after --from/--tokens/--report). */
	run(flags?: string[], hooks?: MigrateHooks): Promise<MigrateResult & Captured>;
	/** Runs `main` (flag parsing included) with the full argv. */
	main(argv: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number } & Captured>;
	/** Subscribe requests per user id in the simulator's log. */
	subscribeCounts(): Map<string, number>;
	close(): Promise<void>;
}

export interface WorldOptions {
	users?: number;
	sim?: SimulatorConfig;
	/** Users (by index in `people`) listed dm:false. */
	dmFalse?: number[];
	/** Users left out of the token store. */
	noToken?: number[];
	/** Adds a user the app may not manage (subscribe answers 403 code 348). */
	forbidden?: boolean;
}

export const SUBSCRIBE_PATH = /subscriptions(\/all(\.json)?|\.json)$/;

export async function makeWorld(opts: WorldOptions = {}): Promise<World> {
	const n = opts.users ?? 40;
	const sim = await startSimulator({
		generateUsers: { count: n },
		subscriptionLimit: { enterprise: n + 50, premium: n + 50, v2: n + 50 },
		...opts.sim,
	});
	const receiver = await startReceiver(sim.app.consumerSecret);
	if (opts.forbidden) {
		sim.addUser({
			id: '1700000000000099999',
			screenName: 'forbidden_user',
			// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- a simulator user's throwaway token
			token: '1700000000000099999-ForbiddenTokenAbcdefghijklmnopqrstuvwx',
			// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- a simulator user's throwaway token
			secret: 'ForbiddenSecretAbcdefghijklmnopqrstuvwxyz0123',
			forbidden: true,
		});
	}
	const dir = mkdtempSync(join(tmpdir(), 'x-aaa-migrate-test-'));
	const people = sim.users().filter((u) => /^17000000000000/.test(u.id));
	const dmFalse = new Set(opts.dmFalse ?? []);
	const noToken = new Set(opts.noToken ?? []);
	const info = join(dir, 'info.json');
	const tokens = join(dir, 'tokens.csv');
	writeFileSync(
		info,
		'{"info":{"users":[\n' +
			people.map((u, i) => `{"id":${u.id},"name":"${u.screenName}","dm":${!dmFalse.has(i)}}`).join(',\n') +
			'\n],"delimited":"none","with":"user"}}\n',
	);
	writeFileSync(
		tokens,
		'user_id,access_token,access_token_secret\n' +
			people
				.filter((_, i) => !noToken.has(i))
				.map((u) => `${u.id},${u.token},${u.secret}\n`)
				.join(''),
	);
	const report = join(dir, 'report.json');
	const env: NodeJS.ProcessEnv = {
		X_CONSUMER_KEY: sim.app.consumerKey,
		X_CONSUMER_SECRET: sim.app.consumerSecret,
		X_ACCESS_TOKEN: sim.app.accessToken,
		X_ACCESS_TOKEN_SECRET: sim.app.accessTokenSecret,
	};
	const world: World = {
		sim,
		receiver,
		dir,
		env,
		people,
		info,
		tokens,
		report,
		async run(flags = [], hooks) {
			const argv = ['--from', info, '--tokens', tokens, ...flags];
			if (!flags.includes('--report')) argv.push('--report', report);
			if (!flags.includes('--base-url')) argv.push('--base-url', sim.baseUrl);
			if (!flags.includes('--webhook-id') && !flags.includes('--webhook-url')) argv.push('--webhook-url', receiver.url);
			const { io, out } = captureIO(env);
			const result = await migrate(parseArgs(argv), io, hooks);
			return { ...result, ...out };
		},
		async main(argv, e = env) {
			const { io, out } = captureIO(e);
			const code = await main(argv, e, io);
			return { code, ...out };
		},
		subscribeCounts() {
			const counts = new Map<string, number>();
			for (const r of sim.requestLog) {
				if (r.method === 'POST' && SUBSCRIBE_PATH.test(r.path) && r.userId) {
					counts.set(r.userId, (counts.get(r.userId) ?? 0) + 1);
				}
			}
			return counts;
		},
		async close() {
			await receiver.close();
			await sim.stop();
		},
	};
	return world;
}

/** Every secret the app and its users hold. */
export function secretsOf(world: World): string[] {
	return [
		world.sim.app.consumerSecret,
		world.sim.app.accessTokenSecret,
		world.sim.app.bearerToken,
		...world.sim.users().map((u) => u.secret),
	];
}

export function flavourFlags(flavour: ApiFlavour, sim: Simulator): string[] {
	return flavour === 'premium' ? ['--api', 'premium', '--env', sim.app.environment] : ['--api', flavour];
}
