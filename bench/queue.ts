/**
 * Queue-mode bench: what one X event costs under n8n's queue mode, per process role, and how
 * many events per second the machine sustains, against n8n's regular mode. One run:
 *
 *   1. queue mode (the e2e test's cluster: private Redis and Postgres, main with
 *      N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true, two `n8n webhook` processors behind a
 *      round-robin balancer, one `n8n worker`): rounds through both processors, then with the
 *      balancer sending everything to one processor;
 *   2. regular mode: one `n8n start` on sqlite.
 *
 * Each round POSTs BENCH_EVENTS distinct signed mention deliveries (the trigger alone in the
 * workflow) with BENCH_CONCURRENCY in flight and waits until every execution finished. It prints
 * CPU ms per event of each role (process tree: n8n and its task runner; Postgres with its
 * backends), accepted and executed events/s, p50 latency, and how busy the rest of the machine
 * was meanwhile (the figures are only comparable on an otherwise idle machine; CPU per event is
 * the steadier one).
 *
 *   npm run build && npm run bench:queue
 *
 * Env: BENCH_EVENTS (150), BENCH_WARMUP (30), BENCH_CONCURRENCY (8), BENCH_WORKER_CONCURRENCY
 * (10), X_AAA_E2E_VERBOSE=1 (echo n8n's logs).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

import { SIGNATURE_HEADER, signWebhookPayload } from '../client/webhook-signature';
import { startSimulator, type Person, type Simulator } from '../simulator';
import { toRawJson } from '../simulator/raw-json';
import {
	importCredential,
	importWorkflow,
	prepareUserFolder,
	publishWorkflow,
	queryDb,
	removeUserFolder,
	startN8n,
	type RunningN8n,
} from '../test/e2e/harness';
import { startQueueCluster, type QueueCluster } from '../test/e2e/queue/cluster';
import { simulatorCredential, triggerOnlyWorkflow } from '../test/e2e/queue/workflows';
import { fmt, machineBusyMs, median, postAll, table } from './lib/trigger-bench';

function envInt(name: string, fallback: number): number {
	const raw = process.env[name];
	const value = raw === undefined || raw === '' ? fallback : Number(raw);
	if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${raw}`);
	return value;
}

const EVENTS = envInt('BENCH_EVENTS', 150);
const WARMUP = envInt('BENCH_WARMUP', 30);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 8);
const WORKER_CONCURRENCY = envInt('BENCH_WORKER_CONCURRENCY', 10);
const WORKFLOW = 'xQueueBench00001';
const HOOK = 'x-aaa-queue-bench';

/** user + system CPU ms of a process and all its live descendants (Linux /proc). */
function treeCpuMs(rootPid: number): number {
	const parent = new Map<number, number>();
	const cpu = new Map<number, number>();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			// fields[0] is stat field 3; ppid is field 4, utime/stime fields 14/15 (clock ticks, 100 Hz)
			parent.set(Number(entry), Number(fields[1]));
			cpu.set(Number(entry), ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
		} catch {
			// exited meanwhile
		}
	}
	let total = 0;
	for (const [pid, ms] of cpu) {
		for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
			if (p === rootPid) {
				total += ms;
				break;
			}
		}
	}
	return total;
}

interface Role {
	name: string;
	pids: number[];
}

interface RoundFigures {
	setup: string;
	/** CPU ms per event per role name. */
	cpuPerEvent: Record<string, number>;
	acceptedPerSec: number;
	executedPerSec: number;
	p50Ms: number;
	executed: number;
	rejected: number;
	/** Cores the rest of the machine used meanwhile. */
	foreignCores: number;
}

function signedMentions(sim: Simulator, owner: Person, other: Person, count: number) {
	const bodies: string[] = [];
	const headers: Array<Record<string, string>> = [];
	for (let i = 0; i < count; i++) {
		const body = toRawJson(sim.events.build('mention', owner, other, i + 1));
		bodies.push(body);
		headers.push({ 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhookPayload(sim.app.consumerSecret, body) });
	}
	return { bodies, headers };
}

/** One round: POST, wait for the executions to settle, measure. `settled` answers (finished, still open) for the workflow. */
async function round(
	setup: string,
	url: string,
	sim: Simulator,
	people: [Person, Person],
	count: number,
	roles: Role[],
	settled: () => Promise<{ finished: number; open: number }>,
): Promise<RoundFigures> {
	const { bodies, headers } = signedMentions(sim, people[0], people[1], count);
	const base = await settled();
	const cpu0 = roles.map((r) => r.pids.reduce((s, pid) => s + treeCpuMs(pid), 0));
	const ours0 = process.cpuUsage();
	const busy0 = machineBusyMs();
	const t0 = Date.now();
	const results = await postAll(url, bodies, headers, CONCURRENCY);
	const answered = Date.now();
	const accepted = results.filter((r) => r.status === 200);
	let state = await settled();
	const deadline = Date.now() + 180_000;
	while ((state.finished - base.finished < accepted.length || state.open > 0) && Date.now() < deadline) {
		await new Promise((r) => setTimeout(r, 200));
		state = await settled();
	}
	const done = Date.now();
	const cpu1 = roles.map((r) => r.pids.reduce((s, pid) => s + treeCpuMs(pid), 0));
	const ours = process.cpuUsage(ours0);
	const busy = machineBusyMs() - busy0;
	const rolesMs = cpu1.reduce((s, v, i) => s + v - cpu0[i], 0);
	const executed = state.finished - base.finished;
	return {
		setup,
		cpuPerEvent: Object.fromEntries(roles.map((r, i) => [r.name, (cpu1[i] - cpu0[i]) / count])),
		acceptedPerSec: accepted.length / ((answered - t0) / 1000),
		executedPerSec: executed / ((done - t0) / 1000),
		p50Ms: median(accepted.map((r) => r.ms)),
		executed,
		rejected: results.length - accepted.length,
		foreignCores: (busy - rolesMs - (ours.user + ours.system) / 1000) / (done - t0),
	};
}

async function queueRounds(sim: Simulator, people: [Person, Person]): Promise<RoundFigures[]> {
	let cluster: QueueCluster | undefined;
	try {
		console.error('[bench:queue] starting queue mode: Redis, Postgres, worker, 2 webhook processors, main (1-3 min)…');
		cluster = await startQueueCluster({
			credentials: [simulatorCredential(sim)],
			workflows: [triggerOnlyWorkflow(WORKFLOW, HOOK)],
			processors: 2,
			policy: 'round-robin',
			workerConcurrency: WORKER_CONCURRENCY,
		});
		await cluster.waitForActivation([WORKFLOW]);
		const c = cluster;
		const url = c.webhookUrl(`${HOOK}/webhook`);
		const settled = async () => {
			const [row] = await c.postgres.query<{ finished: number; open: number }>(
				`SELECT count(*) FILTER (WHERE status NOT IN ('new', 'running', 'waiting'))::int AS finished, count(*) FILTER (WHERE status IN ('new', 'running', 'waiting'))::int AS open FROM execution_entity WHERE "workflowId" = '${WORKFLOW}'`,
			);
			return row;
		};
		const roles: Role[] = [
			{ name: 'processors', pids: c.processors.map((p) => p.pid) },
			{ name: 'worker', pids: [c.worker.pid] },
			{ name: 'main', pids: [c.main.pid] },
			{ name: 'redis+postgres', pids: [c.redis.pid, c.postgres.pid] },
		];
		const figures: RoundFigures[] = [];
		for (const processors of [2, 1]) {
			c.balancer.setTargets(c.processors.slice(0, processors).map((p) => p.baseUrl));
			console.error(`[bench:queue] queue mode, ${processors} processor(s): warm-up ${WARMUP}, then ${EVENTS} events…`);
			await round('warm-up', url, sim, people, WARMUP, roles, settled);
			figures.push(await round(`queue, ${processors} processor${processors > 1 ? 's' : ''}`, url, sim, people, EVENTS, roles, settled));
		}
		return figures;
	} finally {
		await cluster?.stop();
	}
}

async function regularRound(sim: Simulator, people: [Person, Person]): Promise<RoundFigures> {
	let n8n: RunningN8n | undefined;
	const userFolder = await prepareUserFolder({ prefix: 'x-aaa-queue-bench-' });
	try {
		console.error('[bench:queue] starting regular mode (one n8n on sqlite)…');
		await importCredential(userFolder, simulatorCredential(sim));
		await importWorkflow(userFolder, triggerOnlyWorkflow(WORKFLOW, HOOK));
		await publishWorkflow(userFolder, WORKFLOW);
		n8n = await startN8n({ userFolder });
		const settled = async () => {
			const [[row]] = await queryDb(userFolder, [
				{
					sql: "SELECT SUM(status NOT IN ('new', 'running', 'waiting')) AS finished, SUM(status IN ('new', 'running', 'waiting')) AS open FROM execution_entity WHERE workflowId = ?",
					params: [WORKFLOW],
				},
			]);
			return { finished: Number(row?.finished ?? 0), open: Number(row?.open ?? 0) };
		};
		const url = n8n.webhookUrl(`${HOOK}/webhook`);
		const roles: Role[] = [{ name: 'main', pids: [n8n.pid] }];
		console.error(`[bench:queue] regular mode: warm-up ${WARMUP}, then ${EVENTS} events…`);
		await round('warm-up', url, sim, people, WARMUP, roles, settled);
		return await round('regular (one n8n)', url, sim, people, EVENTS, roles, settled);
	} finally {
		await n8n?.stop();
		removeUserFolder(userFolder);
	}
}

async function main(): Promise<void> {
	const sim = await startSimulator();
	try {
		const person = (id: string): Person => {
			const u = sim.users().find((x) => x.id === id)!;
			return { id: u.id, screenName: u.screenName, name: u.name };
		};
		const owner = person(sim.app.ownerUserId);
		const other = person(sim.users().find((u) => u.id !== owner.id)!.id);
		const figures = [...(await queueRounds(sim, [owner, other])), await regularRound(sim, [owner, other])];
		const roleNames = ['processors', 'worker', 'main', 'redis+postgres'];
		console.log(
			`\nX Account Activity Trigger under n8n queue mode: ${EVENTS} signed mention deliveries per row, ${CONCURRENCY} in flight, worker concurrency ${WORKER_CONCURRENCY}; CPU ms per event per role (regular mode: everything is "main")\n`,
		);
		console.log(
			table(
				['setup', ...roleNames.map((r) => `${r} ms`), 'total ms', 'accepted/s', 'executed/s', 'p50 ms', 'executed', 'rejected', 'other load (cores)'],
				figures.map((f) => {
					const total = Object.values(f.cpuPerEvent).reduce((a, b) => a + b, 0);
					return [
						f.setup,
						...roleNames.map((r) => (r in f.cpuPerEvent ? fmt(f.cpuPerEvent[r]) : '-')),
						fmt(total),
						fmt(f.acceptedPerSec),
						fmt(f.executedPerSec),
						fmt(f.p50Ms, 0),
						String(f.executed),
						String(f.rejected),
						fmt(f.foreignCores, 2),
					];
				}),
				1,
			),
		);
		console.log(`\nmachine: ${os.cpus().length} cores; "other load" is CPU used by everything else meanwhile (the figures are comparable only when it is near 0).`);
		if (figures.some((f) => f.rejected > 0 || f.executed < EVENTS)) {
			console.error('[bench:queue] some deliveries were rejected or not executed (see the table)');
			process.exitCode = 1;
		}
	} finally {
		await sim.stop();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
