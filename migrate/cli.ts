#!/usr/bin/env node
/**
 * `x-aaa-migrate` (npm run migrate): flags → the pipeline (pipeline.ts), or for --simulate the
 * simulator wrapper (simulate/, loaded only then). Tests drive the command in-process with
 * `main(argv, env, io)`.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';

import { ConfigError, parseArgs } from './options';
import { runMigrate, type MigrateIO } from './pipeline';

/** Old-space cap for big inputs: V8 then collects the readers' garbage early (see reexecArgs). */
export const BIG_INPUT_HEAP_MB = 288;
const BIG_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Node arguments to re-run the command with when its inputs are big and no heap limit was
 * set: with V8's default heap the readers' garbage lets a 1,000,000-user run reach ~520 MB
 * before a collection; capped at BIG_INPUT_HEAP_MB it peaks near 380 MB (bench/migrate-run.ts).
 */
export function reexecArgs(argv: readonly string[], execArgv: readonly string[], env: NodeJS.ProcessEnv): string[] | undefined {
	if (env.X_AAA_MIGRATE_CHILD === '1' || env.X_AAA_MIGRATE_HEAP === 'default') return undefined;
	if ([...execArgv, env.NODE_OPTIONS ?? ''].some((a) => a.includes('max-old-space-size'))) return undefined;
	let bytes = 0;
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		let file: string | undefined;
		if (a === '--from' || a === '--tokens') file = argv[i + 1];
		else if (a.startsWith('--from=') || a.startsWith('--tokens=')) file = a.slice(a.indexOf('=') + 1);
		if (file === undefined) continue;
		try {
			bytes += statSync(file).size;
		} catch {
			// a missing file is reported by the command itself
		}
	}
	if (bytes < BIG_INPUT_BYTES) return undefined;
	// ~1.8 bytes of heap per input byte covers the user set with room for the readers' garbage.
	const heapMb = Math.max(BIG_INPUT_HEAP_MB, Math.ceil((bytes / (1024 * 1024)) * 1.8));
	return [...execArgv, `--max-old-space-size=${heapMb}`];
}

/** Runs the command in a child with a capped heap; the child stops at once if this process dies. */
function reexec(nodeArgs: string[]): void {
	const child = spawn(process.execPath, [...nodeArgs, __filename, ...process.argv.slice(2)], {
		stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
		env: { ...process.env, X_AAA_MIGRATE_CHILD: '1' },
	});
	// A terminal's Ctrl-C reaches both processes; a signal sent to this one alone is passed on.
	for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
	child.on('exit', (code, signal) => {
		process.exitCode = code ?? (signal ? 128 + 15 : 1);
	});
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: Omit<MigrateIO, 'env'>): Promise<number> {
	let options;
	try {
		options = parseArgs(argv);
	} catch (err) {
		if (err instanceof ConfigError) {
			io.stderr.write(`x-aaa-migrate: ${err.message}\n(x-aaa-migrate --help shows the usage)\n`);
			return err.exitCode;
		}
		throw err;
	}
	if (options.simulate && !options.help) {
		const { runSimulation } = await import('./simulate/index');
		return (await runSimulation(options, { ...io, env })).exitCode;
	}
	return runMigrate(options, { ...io, env });
}

function run(): void {
	const abort = new AbortController();
	let signals = 0;
	let lastSignal = 0;
	const onSignal = (sig: NodeJS.Signals) => {
		// the same Ctrl-C, from the terminal and passed on by the parent
		if (process.env.X_AAA_MIGRATE_CHILD === '1' && Date.now() - lastSignal < 1000) return;
		lastSignal = Date.now();
		if (++signals > 1) process.exit(130);
		process.stderr.write(`\nx-aaa-migrate: ${sig}: finishing the requests in flight, then writing the report (again to quit now)\n`);
		abort.abort();
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	if (process.env.X_AAA_MIGRATE_CHILD === '1' && process.connected) {
		// The parent is gone (even kill -9): stop now, as it did; the journal holds every outcome.
		process.on('disconnect', () => process.exit(137));
		process.channel?.unref();
	}
	main(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr, signal: abort.signal }).then(
		(code) => {
			process.exitCode = code;
		},
		(err: unknown) => {
			process.stderr.write(`x-aaa-migrate: ${err instanceof Error ? err.message : String(err)}\n`);
			process.exitCode = 1;
		},
	);
}

if (require.main === module) {
	const nodeArgs = reexecArgs(process.argv.slice(2), process.execArgv, process.env);
	if (nodeArgs) reexec(nodeArgs);
	else run();
}
