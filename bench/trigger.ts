/**
 * Trigger bench: signed X Account Activity POSTs through the "X Account Activity Trigger" node
 * against n8n's built-in Webhook node (v2, POST, responseMode onReceived) in the same real n8n
 * (2.41, the e2e harness's cached install), in alternating rounds, on two n8n configurations:
 *
 * - defaults: n8n as installed; the Webhook workflow holds no credential (n8n then skips the
 *   per-request expression sandbox for it);
 * - equal footing: N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP=false and the Webhook node
 *   uses header auth (an httpHeaderAuth credential), so both workflows hold a credential and pay
 *   the same per-request sandbox.
 *
 * Both workflows are the start node alone with saveDataSuccessExecution 'all'. One user folder,
 * one simulator (it answers the trigger's webhook registration on the first start); n8n runs
 * with the defaults first, then is restarted with the equal-footing settings.
 *
 *   npm run build && npm run bench:trigger
 *   (= node bench/lib/run-ts.js bench/trigger.ts)
 *
 * Env: BENCH_CONCURRENCY (8), BENCH_REQUESTS per round (120), BENCH_PAIRS (5), BENCH_WARMUP per
 * node and configuration (30), BENCH_CONFIGS ('defaults,equal'), BENCH_P99_GOAL_MS (1000),
 * BENCH_DEADLINE_S (420: everything is stopped and the bench fails after that),
 * BENCH_EQUAL_CREDENTIAL ('headerAuth': the equal-footing Webhook node authenticates each request
 * with the credential; 'unused': it only holds it, as the trigger workflow holds its X credential),
 * BENCH_PACKAGE_DIR (a built copy of the package to bench instead of the repo's dist/),
 * BENCH_CPU_PROF (a folder: n8n runs with --cpu-prof into it), X_AAA_E2E_KEEP=1 (keep the user
 * folder), X_AAA_E2E_VERBOSE=1 (echo n8n's log).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { SIGNATURE_HEADER, signWebhookPayload } from '../client/webhook-signature';
import { startSimulator, type Simulator } from '../simulator';
import { toRawJson } from '../simulator/raw-json';
import {
	databasePath,
	ensureN8n,
	prepareUserFolder,
	removeUserFolder,
	runN8nCli,
	startN8n,
	REPO_ROOT,
	type RunningN8n,
} from '../test/e2e/harness';
import {
	SqliteReader,
	machineBusyMs,
	processCpuMs,
	type BenchNode,
	type RoundResult,
	fmt,
	median,
	percentile,
	postAll,
	roundExecutions,
	lastExecutionId,
	table,
} from './lib/trigger-bench';

function envInt(name: string, fallback: number): number {
	const raw = process.env[name];
	const value = raw === undefined || raw === '' ? fallback : Number(raw);
	if (!Number.isInteger(value) || value < 0)
		throw new Error(`${name} must be a non-negative integer`);
	return value;
}

const CONCURRENCY = envInt('BENCH_CONCURRENCY', 8);
const REQUESTS = envInt('BENCH_REQUESTS', 120);
const PAIRS = envInt('BENCH_PAIRS', 5);
const WARMUP = envInt('BENCH_WARMUP', 30);
const P99_GOAL_MS = envInt('BENCH_P99_GOAL_MS', 1000);
const DEADLINE_S = envInt('BENCH_DEADLINE_S', 420);
const CONFIGS = (process.env.BENCH_CONFIGS ?? 'defaults,equal')
	.split(',')
	.map((c) => c.trim())
	.filter((c): c is ConfigName => c === 'defaults' || c === 'equal');
const PACKAGE_DIR = path.resolve(process.env.BENCH_PACKAGE_DIR ?? REPO_ROOT);
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;
/** headerAuth: the Webhook node checks a header with an httpHeaderAuth credential (decrypted per request); unused: it only holds that credential. */
const EQUAL_CREDENTIAL = process.env.BENCH_EQUAL_CREDENTIAL === 'unused' ? 'unused' : 'headerAuth';

type ConfigName = 'defaults' | 'equal';
const CONFIG_LABEL: Record<ConfigName, string> = { defaults: 'defaults', equal: 'equal footing' };

const X_CRED = { id: 'benchXCred0001', name: 'X simulator' };
const AUTH_CRED = { id: 'benchAuthCred01', name: 'Bench header auth' };
const AUTH_HEADER = 'x-bench-auth';
// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- header value of a throwaway local bench instance
const AUTH_VALUE = 'bench-shared-token-5b0c1e';
const TRIGGER_WF = 'benchXTrigger01';
const TRIGGER_WEBHOOK_ID = 'x-aaa-bench-trigger';
const WEBHOOK_WF: Record<ConfigName, string> = {
	defaults: 'benchWebhook001',
	equal: 'benchWebhookAuth',
};
const WEBHOOK_PATH: Record<ConfigName, string> = { defaults: 'bench-plain', equal: 'bench-auth' };
const SETTINGS = { saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' };

function triggerWorkflow(): Record<string, unknown> {
	return {
		id: TRIGGER_WF,
		name: 'bench: X trigger',
		nodes: [
			{
				id: 'b0000000-0000-4000-8000-000000000001',
				name: 'X Account Activity Trigger',
				type: 'n8n-nodes-x-account-activity.xAccountActivityTrigger',
				typeVersion: 2,
				position: [0, 0],
				webhookId: TRIGGER_WEBHOOK_ID,
				parameters: { outputMode: 'single', options: {} },
				credentials: { xAccountActivityApi: X_CRED },
			},
		],
		connections: {},
		settings: SETTINGS,
	};
}

function webhookWorkflow(config: ConfigName): Record<string, unknown> {
	const auth = config === 'equal';
	return {
		id: WEBHOOK_WF[config],
		name: `bench: Webhook (${CONFIG_LABEL[config]})`,
		nodes: [
			{
				id: auth ? 'b0000000-0000-4000-8000-000000000003' : 'b0000000-0000-4000-8000-000000000002',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: auth
					? 'b0000000-0000-4000-8000-0000000000a3'
					: 'b0000000-0000-4000-8000-0000000000a2',
				parameters: {
					httpMethod: 'POST',
					path: WEBHOOK_PATH[config],
					responseMode: 'onReceived',
					...(auth && EQUAL_CREDENTIAL === 'headerAuth' ? { authentication: 'headerAuth' } : {}),
					options: {},
				},
				...(auth ? { credentials: { httpHeaderAuth: AUTH_CRED } } : {}),
			},
		],
		connections: {},
		settings: SETTINGS,
	};
}

/**
 * A mention as X delivers it (~3.3 KB): the simulator's tweet_create_events payload (bare 19-digit
 * ids, user object) plus the extended_tweet and profile fields real deliveries carry. Every call
 * has new tweet ids, so the trigger's dedupe drops nothing.
 */
function mentionBody(sim: Simulator, n: number): string {
	const owner = sim.users().find((u) => u.id === sim.app.ownerUserId);
	const other = sim.users().find((u) => u.id !== sim.app.ownerUserId);
	if (!owner || !other) throw new Error('simulator has no owner and second user');
	const payload = sim.events.build('mention', owner, other, n);
	const tweet = (payload.tweet_create_events as Array<Record<string, unknown>>)[0];
	const text = `@${owner.screenName} hello from the simulator #${n}: checking whether the Account Activity webhook keeps up with a steady stream of mentions`;
	tweet.truncated = true;
	tweet.extended_tweet = {
		full_text: text,
		display_text_range: [0, text.length],
		entities: tweet.entities,
	};
	const user = tweet.user as Record<string, unknown>;
	Object.assign(user, {
		description: `Simulated account @${other.screenName}. Building bots, dashboards and webhook pipelines; opinions are my own.`,
		url: 'https://t.co/abcdEFGH12',
		entities: {
			url: {
				urls: [
					{
						url: 'https://t.co/abcdEFGH12',
						expanded_url: 'https://example.com/alice',
						display_url: 'example.com/alice',
						indices: [0, 23],
					},
				],
			},
			description: { urls: [] },
		},
		profile_banner_url: `https://pbs.twimg.com/profile_banners/${other.id}/1700000000`,
		profile_background_image_url: 'http://abs.twimg.com/images/themes/theme1/bg.png',
		profile_background_image_url_https: 'https://abs.twimg.com/images/themes/theme1/bg.png',
		profile_background_tile: false,
		profile_sidebar_border_color: 'C0DEED',
		profile_sidebar_fill_color: 'DDEEF6',
		profile_text_color: '333333',
		profile_use_background_image: true,
		withheld_in_countries: [],
	});
	return toRawJson(payload);
}

interface Target {
	node: BenchNode;
	workflowId: string;
	url: string;
}

interface Prepared {
	bodies: string[];
	headers: Array<Record<string, string>>;
}

function prepareRequests(sim: Simulator, count: number, counter: { n: number }): Prepared {
	const bodies: string[] = [];
	const headers: Array<Record<string, string>> = [];
	for (let i = 0; i < count; i++) {
		const body = mentionBody(sim, ++counter.n);
		bodies.push(body);
		headers.push({
			'content-type': 'application/json; charset=utf-8',
			[SIGNATURE_HEADER]: signWebhookPayload(sim.app.consumerSecret, body),
			[AUTH_HEADER]: AUTH_VALUE,
		});
	}
	return { bodies, headers };
}

async function runRound(
	db: SqliteReader,
	target: Target,
	prepared: Prepared,
	config: ConfigName,
	pair: number,
	pid: number,
): Promise<RoundResult> {
	const before = await lastExecutionId(db, target.workflowId);
	const cpuBefore = processCpuMs(pid);
	const machineBefore = machineBusyMs();
	const selfBefore = process.cpuUsage();
	const startUs = Number(process.hrtime.bigint() / 1000n);
	const started = Date.now();
	const posts = await postAll(target.url, prepared.bodies, prepared.headers, CONCURRENCY);
	const ended = Date.now();
	const accepted = posts.filter((p) => p.status === 200).length;
	const executions = await roundExecutions(db, target.workflowId, before, accepted);
	const cpu = processCpuMs(pid) - cpuBefore;
	const self = process.cpuUsage(selfBefore);
	const machine = machineBusyMs() - machineBefore;
	const endUs = Number(process.hrtime.bigint() / 1000n);
	const foreignCores =
		Math.max(0, machine - cpu - (self.user + self.system) / 1000) / ((endUs - startUs) / 1000);
	const success = executions.filter((e) => e.status === 'success');
	const lastStop = Math.max(ended, ...success.map((e) => e.stoppedAtMs));
	const latencies = posts.filter((p) => p.status === 200).map((p) => p.ms);
	const errors = posts.length - accepted;
	const result: RoundResult = {
		config: CONFIG_LABEL[config],
		node: target.node,
		pair,
		sent: posts.length,
		accepted,
		executed: success.length,
		failedExecutions: executions.length - success.length,
		errors,
		errorSamples: posts
			.filter((p) => p.status !== 200)
			.slice(0, 3)
			.map((p) => `${p.status} ${p.text.slice(0, 120)}`),
		acceptedPerSec: accepted / ((ended - started) / 1000),
		executedPerSec: success.length / ((lastStop - started) / 1000),
		latencies,
		cpuMsPerPost: cpu / posts.length,
		foreignCores,
		windowUs: [startUs, endUs],
	};
	console.error(
		`[bench] ${result.config.padEnd(13)} pair ${pair} ${target.node.padEnd(7)} accepted ${accepted}/${posts.length} ` +
			`${fmt(result.acceptedPerSec)}/s, executed ${success.length} ${fmt(result.executedPerSec)}/s, ` +
			`p50 ${fmt(percentile(latencies, 50), 0)} ms p99 ${fmt(percentile(latencies, 99), 0)} ms, n8n CPU ${fmt(result.cpuMsPerPost)} ms/POST, other load ${fmt(foreignCores, 2)} cores` +
			(errors ? `, errors ${errors}: ${result.errorSamples.join(' | ')}` : ''),
	);
	return result;
}

async function benchConfig(
	config: ConfigName,
	userFolder: string,
	db: SqliteReader,
	sim: Simulator,
	counter: { n: number },
	onStart: (n8n: RunningN8n) => void,
): Promise<RoundResult[]> {
	const env: Record<string, string> = {};
	if (config === 'equal') env.N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP = 'false';
	if (CPU_PROF_DIR) {
		const dir = path.resolve(CPU_PROF_DIR, config);
		fs.mkdirSync(dir, { recursive: true });
		env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${dir}`;
	}
	const t0 = Date.now();
	const n8n = await startN8n({ userFolder, env });
	onStart(n8n);
	console.error(
		`[bench] ${CONFIG_LABEL[config]}: n8n up on ${n8n.baseUrl} after ${Date.now() - t0} ms`,
	);
	const targets: Record<BenchNode, Target> = {
		trigger: {
			node: 'trigger',
			workflowId: TRIGGER_WF,
			url: n8n.webhookUrl(`${TRIGGER_WEBHOOK_ID}/webhook`),
		},
		webhook: {
			node: 'webhook',
			workflowId: WEBHOOK_WF[config],
			url: n8n.webhookUrl(WEBHOOK_PATH[config]),
		},
	};
	try {
		for (const node of ['trigger', 'webhook'] as const) {
			if (WARMUP === 0) continue;
			const warm = await runRound(
				db,
				targets[node],
				prepareRequests(sim, WARMUP, counter),
				config,
				0,
				n8n.pid,
			);
			if (warm.errors > 0)
				throw new Error(`warm-up of the ${node} failed: ${warm.errorSamples.join(' | ')}`);
		}
		const results: RoundResult[] = [];
		for (let pair = 1; pair <= PAIRS; pair++) {
			const order: BenchNode[] = pair % 2 === 1 ? ['trigger', 'webhook'] : ['webhook', 'trigger'];
			for (const node of order) {
				results.push(
					await runRound(
						db,
						targets[node],
						prepareRequests(sim, REQUESTS, counter),
						config,
						pair,
						n8n.pid,
					),
				);
			}
		}
		if (CPU_PROF_DIR) {
			const windows = results.map((r) => ({
				config: r.config,
				node: r.node,
				pair: r.pair,
				startUs: r.windowUs[0],
				endUs: r.windowUs[1],
			}));
			fs.writeFileSync(
				path.resolve(CPU_PROF_DIR, config, 'rounds.json'),
				JSON.stringify(windows, null, 1),
			);
		}
		return results;
	} finally {
		await n8n.stop();
	}
}

function summarize(results: RoundResult[]): void {
	const rows: string[][] = [];
	const configs = [...new Set(results.map((r) => r.config))];
	for (const config of configs) {
		for (const node of ['trigger', 'webhook'] as const) {
			const rounds = results.filter((r) => r.config === config && r.node === node);
			const latencies = rounds.flatMap((r) => r.latencies);
			const sent = rounds.reduce((s, r) => s + r.sent, 0);
			rows.push([
				config,
				node,
				fmt(median(rounds.map((r) => r.acceptedPerSec))),
				fmt(median(rounds.map((r) => r.executedPerSec))),
				`${rounds.reduce((s, r) => s + r.executed, 0)}/${sent}`,
				fmt(percentile(latencies, 50), 0),
				fmt(percentile(latencies, 95), 0),
				fmt(percentile(latencies, 99), 0),
				fmt(median(rounds.map((r) => r.cpuMsPerPost))),
				String(rounds.reduce((s, r) => s + r.errors + r.failedExecutions, 0)),
			]);
		}
	}
	console.log('');
	console.log(
		`Per node (median of ${PAIRS} rounds for the rates; latency percentiles over all ${PAIRS * REQUESTS} POSTs; ` +
			`executed = successful executions / POSTs sent; ` +
			`n8n CPU = median over rounds of n8n's process CPU time, all threads, per POST; errors = non-200 answers + failed executions)`,
	);
	console.log(
		table(
			[
				'configuration',
				'node',
				'accepted/s',
				'executed/s',
				'executed',
				'p50 ms',
				'p95 ms',
				'p99 ms',
				'n8n CPU ms/POST',
				'errors',
			],
			rows,
		),
	);

	const ratioRows: string[][] = [];
	const verdicts: string[] = [];
	const noisy: string[] = [];
	for (const config of configs) {
		const acc: number[] = [];
		const exe: number[] = [];
		const cpu: number[] = [];
		for (let pair = 1; pair <= PAIRS; pair++) {
			const t = results.find((r) => r.config === config && r.pair === pair && r.node === 'trigger');
			const w = results.find((r) => r.config === config && r.pair === pair && r.node === 'webhook');
			if (!t || !w) continue;
			acc.push(t.acceptedPerSec / w.acceptedPerSec);
			exe.push(t.executedPerSec / w.executedPerSec);
			cpu.push(w.cpuMsPerPost / t.cpuMsPerPost);
		}
		const accRatio = median(acc);
		const exeRatio = median(exe);
		const foreign = median(results.filter((r) => r.config === config).map((r) => r.foreignCores));
		ratioRows.push([
			config,
			fmt(accRatio, 2),
			fmt(exeRatio, 2),
			`${fmt(Math.min(...exe), 2)}..${fmt(Math.max(...exe), 2)}`,
			fmt(median(cpu), 2),
			fmt(foreign, 2),
		]);
		if (foreign > 0.2)
			noisy.push(
				`${config}: other processes used a median ${fmt(foreign, 2)} cores during the rounds`,
			);
		const trig = results.filter((r) => r.config === config && r.node === 'trigger');
		const allExecuted = trig.every((r) => r.executed === r.sent && r.errors === 0);
		const p99 = percentile(
			trig.flatMap((r) => r.latencies),
			99,
		);
		const p99ok = p99 <= P99_GOAL_MS;
		if (config === CONFIG_LABEL.equal) {
			const ok = accRatio >= 1 && exeRatio >= 1 && allExecuted && p99ok;
			verdicts.push(
				`equal footing: trigger/webhook >= 1.0 (accepted ${fmt(accRatio, 2)}, executed ${fmt(exeRatio, 2)}), ` +
					`every event executed: ${allExecuted ? 'yes' : 'NO'}, trigger p99 ${fmt(p99, 0)} ms <= ${P99_GOAL_MS} ms: ${p99ok ? 'yes' : 'NO'} ` +
					`-> goal ${ok ? 'MET' : 'NOT MET'}`,
			);
		} else {
			verdicts.push(
				`defaults: trigger/webhook accepted ${fmt(accRatio, 2)}, executed ${fmt(exeRatio, 2)} (as high as possible; no fixed goal), ` +
					`every event executed: ${allExecuted ? 'yes' : 'NO'}, trigger p99 ${fmt(p99, 0)} ms <= ${P99_GOAL_MS} ms: ${p99ok ? 'yes' : 'NO'}`,
			);
		}
	}
	console.log('');
	console.log(
		`Ratios trigger/webhook (median of the ${PAIRS} per-pair ratios; range of the executed ratio; ` +
			`CPU efficiency = webhook's n8n CPU per POST / trigger's, which other load on the machine disturbs less than rates)`,
	);
	console.log(
		table(
			[
				'configuration',
				'accepted/s',
				'executed/s',
				'executed range',
				'CPU efficiency',
				'other load (cores)',
			],
			ratioRows,
			1,
		),
	);
	console.log('');
	for (const n of noisy)
		console.log(
			`Warning: ${n}; rates and ratios are noisy, compare the CPU efficiency column or rerun on an idle machine`,
		);
	for (const v of verdicts) console.log(`Goal ${v}`);
}

async function main(): Promise<void> {
	if (CONFIGS.length === 0)
		throw new Error('BENCH_CONFIGS names no configuration (defaults, equal)');
	const triggerJs = path.join(
		PACKAGE_DIR,
		'dist/nodes/XAccountActivityTrigger/XAccountActivityTrigger.node.js',
	);
	if (!fs.existsSync(triggerJs)) throw new Error(`${triggerJs} missing: run npm run build first`);
	const install = await ensureN8n();
	const cpus = os.cpus();
	console.log(
		`trigger bench: n8n ${install.n8nVersion} on Node ${install.nodeVersion} (bench client: Node ${process.versions.node}), ` +
			`${cpus.length} cores (${cpus[0]?.model.trim() ?? '?'}), ${os.platform()} ${os.arch()}`,
	);
	console.log(
		`${CONCURRENCY} concurrent clients (keep-alive), ${REQUESTS} distinct signed mention POSTs per round, ` +
			`${PAIRS} alternating pairs per configuration, warm-up ${WARMUP} per node; package ${PACKAGE_DIR}; ` +
			`equal-footing Webhook credential: ${EQUAL_CREDENTIAL === 'headerAuth' ? 'header auth on every request' : 'held, unused'}`,
	);

	let sim: Simulator | undefined;
	let userFolder: string | undefined;
	let n8n: RunningN8n | undefined;
	let db: SqliteReader | undefined;
	let cleaning: Promise<void> | undefined;
	const cleanup = (): Promise<void> =>
		(cleaning ??= (async () => {
			await n8n?.stop(10_000).catch(() => undefined);
			await db?.close();
			await sim?.stop().catch(() => undefined);
			if (userFolder) removeUserFolder(userFolder);
		})());
	const abort = (why: string): void => {
		console.error(`[bench] ${why}: stopping`);
		void cleanup().finally(() => process.exit(2));
	};
	const deadline = setTimeout(() => abort(`deadline of ${DEADLINE_S} s passed`), DEADLINE_S * 1000);
	deadline.unref();
	process.once('SIGINT', () => abort('SIGINT'));
	process.once('SIGTERM', () => abort('SIGTERM'));

	try {
		const t0 = Date.now();
		sim = await startSimulator();
		userFolder = await prepareUserFolder({ packageDir: PACKAGE_DIR, prefix: 'x-aaa-bench-' });
		const input = path.join(userFolder, 'bench-input');
		fs.mkdirSync(input);
		const credentials = [
			{
				...X_CRED,
				type: 'xAccountActivityApi',
				data: {
					apiVersion: 'enterprise',
					consumerKey: sim.app.consumerKey,
					consumerSecret: sim.app.consumerSecret,
					accessToken: sim.app.accessToken,
					accessTokenSecret: sim.app.accessTokenSecret,
					bearerToken: '',
					environment: '',
					baseUrl: sim.baseUrl,
				},
			},
			{ ...AUTH_CRED, type: 'httpHeaderAuth', data: { name: AUTH_HEADER, value: AUTH_VALUE } },
		];
		const workflows: Array<Record<string, unknown>> = [
			triggerWorkflow(),
			...CONFIGS.map(webhookWorkflow),
		].map((w) => ({ active: false, ...w }));
		fs.writeFileSync(path.join(input, 'credentials.json'), JSON.stringify(credentials));
		fs.writeFileSync(path.join(input, 'workflows.json'), JSON.stringify(workflows));
		await runN8nCli(userFolder, [
			'import:credentials',
			`--input=${path.join(input, 'credentials.json')}`,
		]);
		await runN8nCli(userFolder, [
			'import:workflow',
			`--input=${path.join(input, 'workflows.json')}`,
		]);
		for (const w of workflows)
			await runN8nCli(userFolder, ['publish:workflow', `--id=${String(w.id)}`]);
		console.error(`[bench] user folder ${userFolder} ready after ${Date.now() - t0} ms`);
		db = new SqliteReader(install.nodeBin, databasePath(userFolder));

		const counter = { n: 0 };
		const results: RoundResult[] = [];
		for (const config of CONFIGS) {
			results.push(
				...(await benchConfig(config, userFolder, db, sim, counter, (started) => {
					n8n = started;
				})),
			);
			n8n = undefined;
			if (config === CONFIGS[0]) {
				const hooks = sim.webhooks();
				if (hooks.length !== 1 || !hooks[0].valid)
					throw new Error('the trigger did not register its webhook with the simulator');
			}
		}
		summarize(results);
		console.log(`\n(total ${fmt((Date.now() - t0) / 1000, 0)} s)`);
	} finally {
		clearTimeout(deadline);
		await cleanup();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		process.exit(1);
	},
);
