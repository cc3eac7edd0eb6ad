// Locates (and on first use installs) the pinned n8n, by running scripts/ensure-n8n.js on the
// current Node. The script holds a lock, so concurrent jest workers install it once.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const ENSURE_SCRIPT = path.join(REPO_ROOT, 'scripts', 'ensure-n8n.js');

export interface N8nInstall {
	/** The cache folder holding n8n's own package.json and node_modules. */
	dir: string;
	/** The Node 24 binary n8n runs on. */
	nodeBin: string;
	/** Folder of nodeBin: put it first on PATH for anything that runs n8n or its tools. */
	nodeBinDir: string;
	/** n8n's bin script (run it as `nodeBin n8nBin …`). */
	n8nBin: string;
	n8nVersion: string;
	nodeVersion: string;
}

let cached: Promise<N8nInstall> | undefined;

/**
 * Makes sure n8n is installed in the cache (a few minutes the first time, well under a second
 * after) and returns where. Progress lines go to stderr.
 */
export function ensureN8n(): Promise<N8nInstall> {
	cached ??= runEnsureScript().catch((error: unknown) => {
		cached = undefined;
		throw error;
	});
	return cached;
}

function runEnsureScript(): Promise<N8nInstall> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [ENSURE_SCRIPT, '--json'], {
			cwd: REPO_ROOT,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
		child.stderr.on('data', (chunk: Buffer) => {
			const text = chunk.toString('utf8');
			stderr += text;
			process.stderr.write(text);
		});
		child.on('error', reject);
		child.on('close', (code) => {
			if (code !== 0) {
				reject(
					new Error(`scripts/ensure-n8n.js failed (exit ${String(code)}):\n${stderr.slice(-4000)}`),
				);
				return;
			}
			try {
				resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as N8nInstall);
			} catch {
				reject(new Error(`scripts/ensure-n8n.js printed no JSON: ${stdout}`));
			}
		});
	});
}
