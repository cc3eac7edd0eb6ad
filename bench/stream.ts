/**
 * Stream bench: X Activity API mentions from the simulator to finished n8n executions, through
 * the "X Activity Stream Trigger" (X's stream, no public URL) and through the "X Account
 * Activity Trigger" set to XAA (signed webhook POSTs), in the same real n8n (2.41, the e2e
 * harness's cached install) and the same run: every emitted event reaches both workflows (the
 * webhook trigger's subscription is bound to its webhook; X delivers it to the open stream too,
 * where the stream trigger finds it by its type and filter).
 *
 * Prints, per delivery path: events/s from the first emit to the last finished execution, the
 * ratio stream / webhook, and emit → execution finished latency p50 / p99 (execution stoppedAt,
 * matched by event_uuid).
 *
 *   npm run bench:stream      (builds first; = node bench/lib/run-ts.js bench/stream.ts)
 *
 * Env: BENCH_EVENTS (200), BENCH_CONCURRENCY (8 emits in flight), BENCH_WARMUP (10),
 * X_AAA_E2E_KEEP=1, X_AAA_E2E_VERBOSE=1.
 */
import { startSimulator } from '../simulator';
import { simCredentialData } from '../test/simulator/helpers';
import {
	ensureN8n,
	importCredential,
	importWorkflow,
	listExecutions,
	nodeOutputItems,
	prepareUserFolder,
	publishWorkflow,
	removeUserFolder,
	startN8n,
	type ExecutionRecord,
	type RunningN8n,
} from '../test/e2e/harness';

/** A whole-number setting from the environment (BENCH_*), or its default. */
const setting = (name: string, fallback: number): number => {
	const value = Number(process.env[name] || fallback);
	if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number >= 0`);
	return value;
};

const EVENTS = setting('BENCH_EVENTS', 200);
const CONCURRENCY = Math.max(1, setting('BENCH_CONCURRENCY', 8));
const WARMUP = setting('BENCH_WARMUP', 10);

const STREAM = { id: 'xStreamBench0001', node: 'X Activity Stream Trigger' };
const WEBHOOK = { id: 'xStreamBench0002', node: 'X Account Activity Trigger' };

const percentile = (sorted: number[], p: number): number =>
	sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function waitCount(userFolder: string, workflowId: string, count: number, timeoutMs: number): Promise<ExecutionRecord[]> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const runs = (await listExecutions(userFolder, { workflowId })).filter((r) => r.status !== 'new' && r.status !== 'running');
		if (runs.length >= count || Date.now() > end) return runs;
		await new Promise((r) => setTimeout(r, 500));
	}
}

async function main(): Promise<void> {
	const sim = await startSimulator();
	await ensureN8n();
	const userFolder = await prepareUserFolder();
	let n8n: RunningN8n | undefined;
	try {
		const credential = { id: 'credStreamBench1', name: 'X simulator (v2)' };
		await importCredential(userFolder, { ...credential, type: 'xAccountActivityApi', data: simCredentialData(sim, 'v2') });
		const settings = { saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' };
		await importWorkflow(userFolder, {
			id: WEBHOOK.id,
			name: 'bench: webhook (XAA)',
			nodes: [
				{
					id: 'c1b2c3d4-0000-4000-8000-000000000002',
					name: WEBHOOK.node,
					type: 'n8n-nodes-x-account-activity.xAccountActivityTrigger',
					typeVersion: 2,
					position: [0, 0],
					webhookId: 'x-stream-bench-webhook',
					parameters: { source: 'xaa', activities: ['mention'], outputMode: 'single', options: {} },
					credentials: { xAccountActivityApi: credential },
				},
			],
			connections: {},
			settings,
		});
		await importWorkflow(userFolder, {
			id: STREAM.id,
			name: 'bench: stream',
			nodes: [
				{
					id: 'c1b2c3d4-0000-4000-8000-000000000001',
					name: STREAM.node,
					type: 'n8n-nodes-x-account-activity.xActivityStreamTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: { activities: ['mention'], outputMode: 'single', options: {} },
					credentials: { xAccountActivityApi: credential },
				},
			],
			connections: {},
			settings,
		});
		await publishWorkflow(userFolder, WEBHOOK.id);
		await publishWorkflow(userFolder, STREAM.id);
		// Classic activation: the webhook trigger registers (and creates its subscription) first.
		n8n = await startN8n({ userFolder, env: { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' } });
		await sim.stream.waitForConnections(1, 30_000);
		const owner = sim.app.ownerUserId;
		const subs = sim.xaaSubscriptions();
		console.log(
			`n8n ${n8n.baseUrl}: ${subs.length} XAA subscription(s) (${subs.map((s) => `${s.event_type}${s.webhook_id ? ' → webhook' : ''}`).join(', ')}), ${sim.stream.connections().length} stream connection(s)`,
		);

		// Warm-up: both paths once through n8n's first executions.
		for (let i = 0; i < WARMUP; i++) await sim.emitXaa('post.mention.create', { userId: owner });
		const warm = await Promise.all([
			waitCount(userFolder, STREAM.id, WARMUP, 60_000),
			waitCount(userFolder, WEBHOOK.id, WARMUP, 60_000),
		]);
		if (warm[0].length < WARMUP || warm[1].length < WARMUP) throw new Error(`warm-up incomplete: stream ${warm[0].length}, webhook ${warm[1].length} of ${WARMUP}`);

		// The run: EVENTS mentions, CONCURRENCY emits in flight (an emit returns when X's webhook POST was answered).
		const emittedAt = new Map<string, number>();
		const started = Date.now();
		let next = 0;
		await Promise.all(
			Array.from({ length: CONCURRENCY }, async () => {
				while (next < EVENTS) {
					next++;
					const at = Date.now();
					const r = await sim.emitXaa('post.mention.create', { userId: owner });
					for (const u of r.eventUuids) emittedAt.set(u, at);
				}
			}),
		);
		const emitSeconds = (Date.now() - started) / 1000;
		const results: Array<{ name: string; eps: number; p50: number; p99: number; done: number; doubled: number }> = [];
		for (const wf of [STREAM, WEBHOOK]) {
			const runs = await waitCount(userFolder, wf.id, WARMUP + EVENTS, 120_000);
			const latencies: number[] = [];
			let last = started;
			const seen = new Map<string, number>();
			for (const run of runs) {
				const id = String(nodeOutputItems(run, wf.node)[0]?.json.event_id ?? '');
				const at = emittedAt.get(id);
				if (at === undefined) continue; // warm-up
				seen.set(id, (seen.get(id) ?? 0) + 1);
				const stopped = Date.parse(run.stoppedAt ?? '');
				latencies.push(stopped - at);
				last = Math.max(last, stopped);
			}
			latencies.sort((a, b) => a - b);
			results.push({
				name: wf === STREAM ? 'stream' : 'webhook',
				eps: seen.size / ((last - started) / 1000),
				p50: percentile(latencies, 50),
				p99: percentile(latencies, 99),
				done: seen.size,
				doubled: [...seen.values()].filter((n) => n > 1).length,
			});
		}
		console.log(`\n${EVENTS} mentions emitted in ${emitSeconds.toFixed(1)} s (${CONCURRENCY} in flight), ${WARMUP} warm-up each`);
		console.log('path      executed  doubled  events/s  p50 ms  p99 ms');
		for (const r of results)
			console.log(
				`${r.name.padEnd(9)} ${String(r.done).padStart(8)} ${String(r.doubled).padStart(8)} ${r.eps.toFixed(1).padStart(9)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)}`,
			);
		const [s, w] = results;
		console.log(`\nratio stream / webhook (events/s): ${(s.eps / w.eps).toFixed(2)}`);
		if (s.done !== EVENTS || w.done !== EVENTS || s.doubled || w.doubled) process.exitCode = 1;
	} finally {
		await n8n?.stop();
		await sim.stop();
		if (process.env.X_AAA_E2E_KEEP !== '1') removeUserFolder(userFolder);
	}
}

void main().catch((e: unknown) => {
	console.error((e as Error).stack ?? String(e));
	process.exit(1);
});
