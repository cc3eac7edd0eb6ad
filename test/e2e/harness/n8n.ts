// Starts n8n on free ports against a prepared user folder and stops it without leftovers.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { freePort, n8nEnv, sleep } from './env';
import { ensureN8n } from './install';
import { waitForPublication } from './publication';

export interface StartN8nOptions {
	userFolder: string;
	/**
	 * Which n8n process to run (queue mode): `start` (main, default), `webhook` (a webhook
	 * processor) or `worker`. Each is ready when it logs its ready line (and, for start and
	 * webhook, /healthz/readiness answers 200).
	 */
	command?: 'start' | 'webhook' | 'worker';
	/** Extra arguments after the command, e.g. ['--concurrency=4'] for a worker. */
	args?: string[];
	/** n8n's HTTP port; default a free one. */
	port?: number;
	/** Task runner broker port; default a free one. */
	brokerPort?: number;
	/** Extra env vars (win over the harness defaults), e.g. { N8N_LOG_LEVEL: 'debug' }. */
	env?: Record<string, string>;
	/** How long to wait for readiness (and published triggers); default 120 s. */
	startTimeoutMs?: number;
	/**
	 * Also wait until every published workflow's triggers are live (their checkExists/create ran),
	 * see publication.ts. Default true. With N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false n8n
	 * activates them before it logs "Editor is now accessible", which is always waited for.
	 */
	waitForTriggers?: boolean;
	/** With waitForTriggers: throw (with n8n's error message) when a trigger failed to activate. Default true. */
	failOnTriggerError?: boolean;
	/** Also echo n8n's output to this process's stdout (default: only when X_AAA_E2E_VERBOSE=1). */
	echo?: boolean;
}

export interface RunningN8n {
	baseUrl: string;
	port: number;
	userFolder: string;
	pid: number;
	/** False when started with N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false (classic, synchronous activation). */
	publicationService: boolean;
	/** Production webhook URL of a node webhook: `${baseUrl}/webhook/${path}` (path is `<webhookId>/<path>` for nodes with a webhookId). */
	webhookUrl(path: string): string;
	/** Everything n8n printed so far (also written to <userFolder>/n8n.log). */
	logs(): string;
	/** SIGTERM to n8n (graceful shutdown, up to graceMs, default 20 s), then to its process group, then SIGKILL; resolves when no process of the group is left. Idempotent. */
	stop(graceMs?: number): Promise<void>;
}

function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pgid, signal);
	} catch {
		// already gone
	}
}

// /healthz answers as soon as the HTTP server listens, before nodes load; /healthz/readiness once
// the server is fully set up; "Editor is now accessible via" is logged after workflows were handed
// to activation (done, in classic mode; enqueued, with the publication service).
const STARTED_LINE = 'Editor is now accessible via';
const READY_LINES = {
	start: STARTED_LINE,
	// A processor's /healthz/readiness answers earlier, while a POST still gets Express's "Cannot POST".
	webhook: 'Webhook listener waiting for requests',
	worker: 'n8n worker is now ready',
} as const;

async function waitReady(
	baseUrl: string,
	child: ChildProcess,
	output: () => string,
	deadline: number,
	command: keyof typeof READY_LINES,
): Promise<void> {
	const readyLine = READY_LINES[command];
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(
				`n8n exited during start (${child.signalCode ?? `exit ${String(child.exitCode)}`})`,
			);
		}
		try {
			if (output().includes(readyLine)) {
				if (command === 'worker') return; // no HTTP server unless QUEUE_HEALTH_CHECK_ACTIVE
				const response = await fetch(`${baseUrl}/healthz/readiness`, {
					signal: AbortSignal.timeout(2000),
				});
				if (response.status === 200) return;
			}
		} catch {
			// not listening yet
		}
		await sleep(250);
	}
	throw new Error(
		`n8n ${command} did not get ready (log line "${readyLine}" and ${baseUrl}/healthz/readiness 200) in time`,
	);
}

const running = new Set<RunningN8n>();
let exitHookInstalled = false;

export async function startN8n(options: StartN8nOptions): Promise<RunningN8n> {
	const install = await ensureN8n();
	const port = options.port ?? (await freePort());
	let brokerPort = options.brokerPort ?? (await freePort());
	while (brokerPort === port) brokerPort = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const env = n8nEnv(install, options.userFolder, {
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_WEBHOOK_URL: `${baseUrl}/`,
		N8N_EDITOR_BASE_URL: `${baseUrl}/`,
		...options.env,
	});

	const logFile = path.join(options.userFolder, 'n8n.log');
	const logStream = fs.createWriteStream(logFile, { flags: 'a' });
	let output = '';
	const echo = options.echo ?? process.env.X_AAA_E2E_VERBOSE === '1';
	const started = Date.now();
	const command = options.command ?? 'start';
	const child = spawn(install.nodeBin, [install.n8nBin, command, ...(options.args ?? [])], {
		cwd: options.userFolder,
		env,
		detached: true, // own process group: stop() reaches the task runners too
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const pgid = child.pid;
	if (pgid === undefined) throw new Error('startN8n: spawn gave no pid');
	const collect = (chunk: Buffer): void => {
		const text = chunk.toString('utf8');
		output += text;
		if (output.length > 4_000_000) output = output.slice(-2_000_000);
		logStream.write(text);
		if (echo) process.stdout.write(text);
	};
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

	let stopping: Promise<void> | undefined;
	const instance: RunningN8n = {
		baseUrl,
		port,
		userFolder: options.userFolder,
		pid: pgid,
		publicationService: env.N8N_USE_WORKFLOW_PUBLICATION_SERVICE !== 'false',
		webhookUrl: (webhookPath: string) => `${baseUrl}/webhook/${webhookPath.replace(/^\/+/, '')}`,
		logs: () => output,
		stop: (graceMs = 20_000) => {
			stopping ??= (async () => {
				running.delete(instance);
				// n8n first (it shuts its task runners down itself), then whatever is left of the group.
				const mainDone = child.exitCode !== null || child.signalCode !== null;
				if (!mainDone) child.kill('SIGTERM');
				let timer: NodeJS.Timeout | undefined;
				await Promise.race([
					exited,
					new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
				]);
				clearTimeout(timer);
				killGroup(pgid, 'SIGTERM');
				const deadline = Date.now() + 2000;
				while (groupAlive(pgid) && Date.now() < deadline) await sleep(50);
				if (groupAlive(pgid)) {
					killGroup(pgid, 'SIGKILL');
					while (groupAlive(pgid)) await sleep(50);
				}
				await exited;
				await new Promise<void>((resolve) => logStream.end(() => resolve()));
			})();
			return stopping;
		},
	};
	running.add(instance);
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		// Last resort if a test forgets stop(): never leave n8n running after the jest worker.
		process.once('exit', () => {
			for (const n of running) killGroup(n.pid, 'SIGKILL');
		});
	}

	try {
		const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
		await waitReady(baseUrl, child, () => output, deadline, command);
		if (command === 'start' && instance.publicationService && options.waitForTriggers !== false) {
			await waitForPublication(options.userFolder, {
				timeoutMs: Math.max(1000, deadline - Date.now()),
				failOnTriggerError: options.failOnTriggerError,
			});
		}
	} catch (error) {
		await instance.stop(5000);
		const tail = output.trim().split('\n').slice(-60).join('\n');
		throw new Error(`${(error as Error).message}; log ${logFile}, tail:\n${tail}`);
	}
	if (echo) console.log(`[e2e] n8n up at ${baseUrl} after ${Date.now() - started} ms`);
	return instance;
}
