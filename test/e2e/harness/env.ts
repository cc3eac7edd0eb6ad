// Environment and process helpers shared by the harness modules.
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

import type { N8nInstall } from './install';

/** Env vars that keep n8n quiet and offline-friendly in tests. */
export const QUIET_N8N_ENV: Readonly<Record<string, string>> = {
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_SECURE_COOKIE: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
	DB_TYPE: 'sqlite',
};

/**
 * The parent's environment minus what must not leak into child processes: npm's `npm_*`
 * variables (set by `npm test`, e.g. npm_config_ignore_scripts), NODE_OPTIONS (jest/ts tooling)
 * and any N8N_* / DB_* / WEBHOOK_URL of the developer's own n8n.
 */
export function baseEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(key) || /^N8N_/.test(key) || /^DB_/.test(key)) continue;
		if (key === 'NODE_OPTIONS' || key === 'INIT_CWD' || key === 'WEBHOOK_URL' || key === 'NODE_ENV')
			continue;
		env[key] = value;
	}
	return env;
}

/** Env for running anything of n8n's: Node 24 first on PATH, the user folder, quiet settings. */
export function n8nEnv(
	install: N8nInstall,
	userFolder: string,
	extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
	const env = baseEnv();
	env.PATH = `${install.nodeBinDir}${path.delimiter}${env.PATH ?? ''}`;
	return { ...env, ...QUIET_N8N_ENV, N8N_USER_FOLDER: userFolder, ...extra };
}

export interface RunResult {
	stdout: string;
	stderr: string;
}

/** Runs a command to completion; rejects with its output tail when it fails. */
export function runCommand(
	command: string,
	args: string[],
	options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		const timer = options.timeoutMs
			? setTimeout(() => {
					child.kill('SIGKILL');
					stderr += `\n[harness] killed after ${options.timeoutMs} ms`;
				}, options.timeoutMs)
			: undefined;
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
		child.on('error', (error) => {
			if (timer) clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			if (timer) clearTimeout(timer);
			if (code === 0) resolve({ stdout, stderr });
			else {
				const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
				reject(
					new Error(
						`${path.basename(command)} ${args.join(' ')} failed (${signal ?? `exit ${String(code)}`}):\n${tail}`,
					),
				);
			}
		});
		child.stdin.on('error', () => undefined); // the child may exit before reading its input (EPIPE); its exit code tells
		child.stdin.end(options.input ?? '');
	});
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
