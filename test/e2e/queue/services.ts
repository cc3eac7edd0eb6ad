// Private Redis and Postgres for n8n's queue mode, each in its own temp folder on a free port of
// 127.0.0.1, started as child processes and stopped by pid. The binaries come from Debian's
// packages, installed when missing by scripts/ensure-queue-services.js.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { REPO_ROOT } from '../harness';
import { baseEnv, freePort, runCommand, sleep } from '../harness/env';

export interface QueueServicesInstall {
	redisServer: string;
	/** Folder holding initdb, postgres and psql. */
	pgBinDir: string;
	/** The account Postgres runs as when we are root (it refuses root); null otherwise. */
	runAs: { user: string; uid: number; gid: number } | null;
}

let installing: Promise<QueueServicesInstall> | undefined;

/** Runs scripts/ensure-queue-services.js once per process (apt install the first time on a fresh machine). */
export function ensureQueueServices(): Promise<QueueServicesInstall> {
	installing ??= runCommand(process.execPath, [path.join(REPO_ROOT, 'scripts', 'ensure-queue-services.js')], {
		cwd: REPO_ROOT,
		env: baseEnv(),
		timeoutMs: 15 * 60 * 1000,
	}).then(
		({ stdout }) => JSON.parse(stdout.trim().split('\n').pop() ?? '') as QueueServicesInstall,
		(error: unknown) => {
			installing = undefined;
			throw error;
		},
	);
	return installing;
}

/** A child process started by this module, stopped by its pid. */
export interface ServiceProcess {
	readonly pid: number;
	readonly port: number;
	/** Everything it printed so far. */
	logs(): string;
	/** Signal by pid, wait for the exit (SIGKILL after graceMs), remove its folder. Idempotent. */
	stop(graceMs?: number): Promise<void>;
}

const started = new Set<ChildProcess>();
let exitHook = false;

function spawnService(
	name: string,
	command: string,
	args: string[],
	options: { port: number; folder: string; signal: NodeJS.Signals; uid?: number; gid?: number; env?: NodeJS.ProcessEnv },
): ServiceProcess {
	let output = '';
	const child = spawn(command, args, {
		cwd: options.folder,
		env: options.env ?? baseEnv(),
		uid: options.uid,
		gid: options.gid,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	if (child.pid === undefined) throw new Error(`${name}: spawn gave no pid`);
	const pid = child.pid;
	started.add(child);
	if (!exitHook) {
		exitHook = true;
		// Last resort when a test forgets stop(): never leave a service behind the jest worker.
		process.once('exit', () => {
			for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
		});
	}
	const collect = (chunk: Buffer): void => {
		output += chunk.toString('utf8');
		if (output.length > 1_000_000) output = output.slice(-500_000);
	};
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
	let stopping: Promise<void> | undefined;
	return {
		pid,
		port: options.port,
		logs: () => output,
		stop: (graceMs = 15_000) => {
			stopping ??= (async () => {
				if (child.exitCode === null && child.signalCode === null) {
					process.kill(pid, options.signal);
					let timer: NodeJS.Timeout | undefined;
					const inTime = await Promise.race([
						exited.then(() => true),
						new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
					]);
					clearTimeout(timer);
					if (!inTime) child.kill('SIGKILL');
				}
				await exited;
				started.delete(child);
				fs.rmSync(options.folder, { recursive: true, force: true, maxRetries: 3 });
			})();
			return stopping;
		},
	};
}

async function waitFor(name: string, service: ServiceProcess, ready: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await ready()) return;
		await sleep(100);
	}
	const tail = service.logs().trim().split('\n').slice(-20).join('\n');
	await service.stop(2000);
	throw new Error(`${name} did not get ready in ${timeoutMs} ms:\n${tail}`);
}

/** `redis-server` on 127.0.0.1:<free port>, no persistence, in a temp folder. */
export async function startRedis(install: QueueServicesInstall): Promise<ServiceProcess> {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'x-aaa-queue-redis-'));
	const port = await freePort();
	const redis = spawnService(
		'redis',
		install.redisServer,
		['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', folder],
		{ port, folder, signal: 'SIGTERM' },
	);
	await waitFor('redis-server', redis, () => redis.logs().includes('Ready to accept connections'), 30_000);
	return redis;
}

export interface PostgresService extends ServiceProcess {
	/** The n8n env for this database (DB_TYPE=postgresdb, host, port, database, user, password). */
	readonly n8nEnv: Record<string, string>;
	/** Runs SQL returning rows (each row one JSON object); identifiers as n8n names them, double-quoted. */
	query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
}

const PG_USER = 'n8n';
const PG_DATABASE = 'n8n';

/** A private cluster (initdb) served by `postgres` on 127.0.0.1:<free port>, trust auth, no fsync. */
export async function startPostgres(install: QueueServicesInstall): Promise<PostgresService> {
	// Under os.tmpdir() (world-traversable), since Postgres runs as its own account when we are root.
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'x-aaa-queue-pg-'));
	const data = path.join(folder, 'data');
	const owner = install.runAs ?? undefined;
	if (owner) fs.chownSync(folder, owner.uid, owner.gid);
	const env = { PATH: `${install.pgBinDir}${path.delimiter}${process.env.PATH ?? ''}`, LANG: 'C', LC_ALL: 'C', HOME: folder };
	const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
	await new Promise<void>((resolve, reject) => {
		const initdb = spawn(
			path.join(install.pgBinDir, 'initdb'),
			['-D', data, '-U', PG_USER, '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions'],
			{ cwd: folder, env, ...asOwner, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		let out = '';
		initdb.stdout.on('data', (c: Buffer) => (out += c.toString()));
		initdb.stderr.on('data', (c: Buffer) => (out += c.toString()));
		initdb.on('error', reject);
		initdb.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (exit ${String(code)}):\n${out.slice(-3000)}`))));
	}).catch((error: unknown) => {
		fs.rmSync(folder, { recursive: true, force: true });
		throw error;
	});
	const port = await freePort();
	const server = spawnService(
		'postgres',
		path.join(install.pgBinDir, 'postgres'),
		[
			'-D', data, '-p', String(port), '-k', folder,
			'-c', 'listen_addresses=127.0.0.1',
			// A throwaway test database: durability off, it only slows the test down.
			'-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
			'-c', 'max_connections=200',
		],
		// SIGINT: Postgres' "fast shutdown" (ends sessions, then exits).
		{ port, folder, signal: 'SIGINT', env, ...asOwner },
	);
	const psql = (sql: string, database = PG_DATABASE) =>
		runCommand(
			path.join(install.pgBinDir, 'psql'),
			['-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, '-d', database, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql],
			{ env, timeoutMs: 60_000 },
		);
	await waitFor('postgres', server, () => psql('SELECT 1', 'postgres').then(() => true, () => false), 60_000);
	await psql(`CREATE DATABASE ${PG_DATABASE}`, 'postgres');
	return {
		...server,
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: PG_DATABASE,
			DB_POSTGRESDB_USER: PG_USER,
			DB_POSTGRESDB_PASSWORD: 'unused-trust-auth',
		},
		query: async <T>(sql: string): Promise<T[]> => {
			const { stdout } = await psql(`SELECT coalesce(json_agg(q), '[]'::json) FROM (${sql}) q`);
			return JSON.parse(stdout.trim() || '[]') as T[];
		},
	};
}
