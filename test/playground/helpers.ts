/**
 * What the playground's browser tests share: starting `npm start` as a user runs it (a child
 * process with its own state folder and ports, headless), stopping it, and a real browser
 * (Debian's chromium, driven by playwright-core) logged in to its n8n as the owner.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { chromium, type BrowserContext, type Page } from 'playwright-core';

import { READY_PREFIX } from '../../playground/start';
import { ensureN8n, freePort, REPO_ROOT } from '../e2e/harness';

export const CHROMIUM = process.env.X_AAA_CHROMIUM ?? '/usr/bin/chromium';
export const OUTPUT_DIR = path.join(REPO_ROOT, '.test-output', 'playground');
const START_JS = path.join(
	REPO_ROOT,
	'node_modules',
	'.cache',
	'x-aaa-playground',
	'playground',
	'start.js',
);
export const SIM_CLI = path.join(REPO_ROOT, 'simulator', 'dist', 'simulator', 'cli.js');

export interface Ready {
	n8nUrl: string;
	n8nPid: number;
	simulatorUrl: string;
	userFolder: string;
	owner: { email: string; password: string };
	workflows: Array<{ id: string; name: string; webhookPath?: string }>;
	startedInMs: number;
}

export interface Playground {
	ready: Ready;
	child: ChildProcess;
	/** Resolves with the exit code when the playground process ends. */
	exited: Promise<number | null>;
	/** Everything it printed so far. */
	output: () => string;
	ports: { n8n: number; sim: number };
	dir: string;
}

export function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** A timer that does not keep jest alive. */
export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** Starts the playground on free ports with a fresh state folder; resolves when it is ready. */
export async function startPlayground(): Promise<Playground> {
	if (!fs.existsSync(SIM_CLI))
		throw new Error(`${SIM_CLI} is missing: npm run build first (npm test does)`);
	await ensureN8n(); // first time on a machine: minutes
	// What `npm start` compiles (incremental: seconds after the first time).
	execFileSync(
		process.execPath,
		[require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.playground.json'],
		{ cwd: REPO_ROOT, stdio: 'inherit' },
	);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-aaa-playground-test-'));
	const ports = { n8n: await freePort(), sim: await freePort() };
	const child = spawn(
		process.execPath,
		[
			START_JS,
			'--dir',
			dir,
			'--port',
			String(ports.n8n),
			'--sim-port',
			String(ports.sim),
			'--no-build',
			'--ready-json',
		],
		{ cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	const exited = new Promise<number | null>((resolve) =>
		child.once('exit', (code) => resolve(code)),
	);
	let output = '';
	const collect = (chunk: Buffer): void => void (output += chunk.toString('utf8'));
	child.stdout!.on('data', collect);
	child.stderr!.on('data', collect);
	const deadline = Date.now() + 5 * 60_000;
	while (!output.includes(READY_PREFIX)) {
		if (child.exitCode !== null)
			throw new Error(`the playground exited (${child.exitCode}) before it was ready:\n${output}`);
		if (Date.now() > deadline) throw new Error(`the playground was not ready in time:\n${output}`);
		await new Promise((r) => setTimeout(r, 200));
	}
	await new Promise((r) => setTimeout(r, 100)); // the rest of the line
	const line = output.split('\n').find((l) => l.startsWith(READY_PREFIX))!;
	const ready = JSON.parse(line.slice(READY_PREFIX.length)) as Ready;
	console.log(
		`[playground test] ready in ${ready.startedInMs} ms (fresh state folder, n8n cached)`,
	);
	return { ready, child, exited, output: () => output, ports, dir };
}

/** Ctrl-C, then makes sure n8n's process group is gone and the state folder removed. */
export async function stopPlayground(pg: Playground | undefined): Promise<void> {
	if (!pg) return;
	const { child, ready } = pg;
	if (child.exitCode === null && child.signalCode === null) {
		child.kill('SIGINT');
		await Promise.race([pg.exited, delay(30_000)]);
	}
	if (ready && alive(ready.n8nPid)) {
		try {
			process.kill(-ready.n8nPid, 'SIGKILL');
		} catch {
			// gone
		}
	}
	fs.rmSync(pg.dir, { recursive: true, force: true, maxRetries: 3 });
}

export interface Editor {
	context: BrowserContext;
	page: Page;
	/** Screenshots of every open page under OUTPUT_DIR (failure-N.png), for a failed step. */
	screenshotAll: () => Promise<void>;
	close: () => Promise<void>;
}

/** A headless chromium logged in to the playground's n8n as its owner. */
export async function openEditor(ready: Ready): Promise<Editor> {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(
			`Chromium is not installed (${CHROMIUM} missing). This test drives a real browser: install Debian's chromium with \`apt-get update && apt-get install -y chromium\` (as root; \`npm test\` does this before the tests start), or set X_AAA_CHROMIUM to a Chromium binary. \`npx playwright install\` does not work here (no downloads).`,
		);
	}
	fs.mkdirSync(OUTPUT_DIR, { recursive: true });
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-aaa-chromium-'));
	const remove = () => fs.rmSync(userDataDir, { recursive: true, force: true });
	let context: BrowserContext;
	try {
		context = await chromium.launchPersistentContext(userDataDir, {
			executablePath: CHROMIUM,
			headless: true,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
			viewport: { width: 1400, height: 850 },
		});
	} catch (error) {
		remove();
		throw error;
	}
	const close = async () => {
		await context.close();
		remove();
	};
	const screenshotAll = async () => {
		for (const [i, p] of context.pages().entries())
			await p
				.screenshot({ path: path.join(OUTPUT_DIR, `failure-${i}.png`) })
				.catch(() => undefined);
	};
	try {
		context.setDefaultTimeout(30_000);
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto(`${ready.n8nUrl}/signin`);
		await page.fill('input[name="emailOrLdapLoginId"]', ready.owner.email);
		await page.fill('input[name="password"]', ready.owner.password);
		await page.click('[data-test-id="form-submit-button"]');
		await page.waitForURL((url) => !url.pathname.includes('signin'));
		return { context, page, screenshotAll, close };
	} catch (error) {
		await screenshotAll();
		await close();
		throw new Error(`logging in to n8n in the browser failed: ${(error as Error).message}`);
	}
}

/** A new workflow's nodes panel, searched for "X Account Activity" and opened on the package. */
export async function openPackageInNodesPanel(page: Page, n8nUrl: string): Promise<void> {
	await page.goto(`${n8nUrl}/workflow/new`);
	await page.click('[data-test-id="node-creator-plus-button"]');
	await page
		.locator(
			'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
		)
		.first()
		.fill('X Account Activity');
	const entry = page
		.locator('[data-test-id="node-creator-item-name"]', { hasText: 'X Account Activity' })
		.first();
	await entry.waitFor();
	await entry.click();
}
