// n8n in queue mode on one machine, the way it is deployed: Redis and Postgres (private
// instances, see services.ts), a main process with N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true,
// N `n8n webhook` processors behind a balancer (balancer.ts) that is n8n's WEBHOOK_URL, and one
// `n8n worker`. Everything on 127.0.0.1, free ports, stopped by pid. Used by the queue-mode e2e
// test and by `npm run bench:queue`.
import { randomBytes } from 'node:crypto';

import {
	ensureN8n,
	executionFromRow,
	importCredential,
	importWorkflow,
	isSettled,
	N8nRestSession,
	prepareUserFolder,
	publishWorkflow,
	removeUserFolder,
	startN8n,
	type CredentialToImport,
	type ExecutionRecord,
	type ExecutionRow,
	type RunningN8n,
	type WorkflowToImport,
} from '../harness';
import { sleep } from '../harness/env';
import { startBalancer, type Balancer, type BalancerPolicy } from './balancer';
import { ensureQueueServices, startPostgres, startRedis, type PostgresService, type ServiceProcess } from './services';

export interface QueueClusterOptions {
	credentials: CredentialToImport[];
	/** Imported and published before the processes start: main activates them on its start. */
	workflows: WorkflowToImport[];
	/** Webhook processors behind the balancer (default 2). */
	processors?: number;
	policy?: BalancerPolicy;
	/** `n8n worker --concurrency` (default 10, n8n's default). */
	workerConcurrency?: number;
	/** Extra env for every n8n process. */
	env?: Record<string, string>;
}

export interface QueueCluster {
	readonly userFolder: string;
	readonly redis: ServiceProcess;
	readonly postgres: PostgresService;
	readonly balancer: Balancer;
	readonly main: RunningN8n;
	readonly processors: RunningN8n[];
	readonly worker: RunningN8n;
	/** The production webhook URL of a node (`<webhookId>/<path>`) through the balancer. */
	webhookUrl(path: string): string;
	/** Executions of a workflow, oldest first (from Postgres). */
	executions(workflowId: string): Promise<ExecutionRecord[]>;
	/** Waits until at least `count` executions of the workflow have settled and no execution is still running; returns them all. */
	waitForExecutions(workflowId: string, count: number, timeoutMs?: number): Promise<ExecutionRecord[]>;
	/** Waits until the workflows' triggers report 'activated' (throws on 'failed'). */
	waitForActivation(workflowIds: string[], timeoutMs?: number): Promise<void>;
	/** Unpublishes a workflow on main (its trigger's delete runs there) and waits until its trigger status is gone. */
	deactivate(workflowId: string, timeoutMs?: number): Promise<void>;
	/** Stops every process by pid (n8n processes, then Redis and Postgres), removes the folders. Idempotent. */
	stop(): Promise<void>;
}

/** Shared env of every process of the cluster: queue mode, Redis, Postgres, one encryption key, the balancer as public URL. */
function clusterEnv(redis: ServiceProcess, postgres: PostgresService, balancer: Balancer, extra: Record<string, string>): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		...postgres.n8nEnv,
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		N8N_WEBHOOK_URL: `${balancer.url}/`,
		WEBHOOK_URL: `${balancer.url}/`,
		N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
		...extra,
	};
}

export async function startQueueCluster(options: QueueClusterOptions): Promise<QueueCluster> {
	const [services] = await Promise.all([ensureQueueServices(), ensureN8n()]);
	const stack: Array<() => Promise<void> | void> = [];
	const stopAll = async () => {
		for (const stop of stack.splice(0).reverse()) {
			try {
				await stop();
			} catch {
				// keep stopping the rest
			}
		}
	};
	try {
		const [redis, postgres] = await Promise.all([startRedis(services), startPostgres(services)]);
		stack.push(() => redis.stop(), () => postgres.stop());
		// Targets are set once the processors listen; the URL is needed before (WEBHOOK_URL).
		const balancer = await startBalancer([], options.policy ?? 'sticky');
		stack.push(() => balancer.stop());
		const env = clusterEnv(redis, postgres, balancer, options.env ?? {});

		const userFolder = await prepareUserFolder({ prefix: 'x-aaa-queue-' });
		stack.push(() => removeUserFolder(userFolder));
		// The first CLI call runs the database migrations; the rest reuse them.
		for (const credential of options.credentials) await importCredential(userFolder, credential, env);
		for (const workflow of options.workflows) await importWorkflow(userFolder, workflow, env);
		for (const workflow of options.workflows) await publishWorkflow(userFolder, workflow.id, env);

		const start = async (command: 'start' | 'webhook' | 'worker', args: string[] = []) => {
			const n8n = await startN8n({ userFolder, command, args, env, waitForTriggers: false, startTimeoutMs: 240_000 });
			stack.push(() => n8n.stop());
			return n8n;
		};
		// Worker and processors first: main's activation registers the webhook with X, whose CRC
		// check then reaches a processor through the balancer.
		// (started together; each one that came up is stopped again if another failed)
		const starting = await Promise.allSettled([
			start('worker', [`--concurrency=${options.workerConcurrency ?? 10}`]),
			...Array.from({ length: options.processors ?? 2 }, () => start('webhook')),
		]);
		const failed = starting.find((s): s is PromiseRejectedResult => s.status === 'rejected');
		if (failed) throw failed.reason;
		const [worker, ...processors] = starting.map((s) => (s as PromiseFulfilledResult<RunningN8n>).value);
		balancer.setTargets(processors.map((p) => p.baseUrl));
		const main = await start('start');

		const executions = async (workflowId: string) =>
			(
				await postgres.query<ExecutionRow>(
					'SELECT e.id, e."workflowId", e.status, e.mode, e.finished, e."startedAt", e."stoppedAt", d.data ' +
						'FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id ' +
						`WHERE e."workflowId" = '${workflowId.replace(/'/g, "''")}' ORDER BY e.id`,
				)
			).map(executionFromRow);

		const triggerStatus = (workflowId: string) =>
			postgres.query<{ status: string; errorMessage: string | null }>(
				'SELECT t.status, t."errorMessage" FROM workflow_publication_trigger_status t ' +
					'JOIN workflow_entity w ON w.id = t."workflowId" AND w."activeVersionId" = t."versionId" ' +
					`WHERE t."workflowId" = '${workflowId.replace(/'/g, "''")}'`,
			);

		let session: N8nRestSession | undefined;
		const cluster: QueueCluster = {
			userFolder,
			redis,
			postgres,
			balancer,
			main,
			processors,
			worker,
			webhookUrl: (path) => `${balancer.url}/webhook/${path.replace(/^\/+/, '')}`,
			executions,
			waitForExecutions: async (workflowId, count, timeoutMs = 60_000) => {
				const deadline = Date.now() + timeoutMs;
				for (;;) {
					const all = await executions(workflowId);
					if (all.length >= count && all.every(isSettled)) return all;
					if (Date.now() > deadline)
						throw new Error(
							`wanted ${count} settled execution(s) of ${workflowId}, saw ${all.map((e) => `${e.id}:${e.status}`).join(', ') || 'none'}`,
						);
					await sleep(300);
				}
			},
			waitForActivation: async (workflowIds, timeoutMs = 120_000) => {
				const deadline = Date.now() + timeoutMs;
				for (;;) {
					const states = await Promise.all(workflowIds.map(triggerStatus));
					const failed = states.flat().filter((t) => t.status === 'failed');
					if (failed.length > 0)
						throw new Error(`trigger activation failed: ${failed.map((t) => t.errorMessage ?? '?').join('; ')}`);
					if (states.every((s) => s.length > 0 && s.every((t) => t.status === 'activated'))) return;
					if (Date.now() > deadline) throw new Error(`triggers of ${workflowIds.join(', ')} not activated in ${timeoutMs} ms`);
					await sleep(300);
				}
			},
			deactivate: async (workflowId, timeoutMs = 60_000) => {
				// publicationService: false, since the harness' own wait reads the sqlite database; this waits on Postgres.
				session ??= await N8nRestSession.login({ baseUrl: main.baseUrl, userFolder, publicationService: false });
				await session.deactivateWorkflow(workflowId);
				const deadline = Date.now() + timeoutMs;
				while ((await triggerStatus(workflowId)).length > 0 || (await pendingOutbox(postgres, workflowId)) > 0) {
					if (Date.now() > deadline) throw new Error(`${workflowId} still published after ${timeoutMs} ms`);
					await sleep(300);
				}
			},
			stop: stopAll,
		};
		return cluster;
	} catch (error) {
		await stopAll();
		throw error;
	}
}

async function pendingOutbox(postgres: PostgresService, workflowId: string): Promise<number> {
	const rows = await postgres.query<{ n: number }>(
		`SELECT count(*)::int AS n FROM workflow_publication_outbox WHERE "workflowId" = '${workflowId.replace(/'/g, "''")}' AND status IN ('pending', 'in_progress')`,
	);
	return rows[0]?.n ?? 0;
}
