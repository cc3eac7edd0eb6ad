/**
 * The playground (`npm start`) as a user runs it: a child process with its own state folder and
 * ports, headless. Events of each kind sent with `npm run simulator -- emit …` run the example
 * workflows; the action-node examples run on request; a real browser (Debian's chromium, driven
 * by playwright-core) finds the nodes in the editor and opens the trigger of an example; Ctrl-C
 * stops everything it started.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { chromium, type BrowserContext } from 'playwright-core';

import { loadExamples } from '../../playground/examples';
import { READY_PREFIX } from '../../playground/start';
import { ACTIVITY_LOG, DM_INBOX } from '../../playground/tables';
import {
	ensureN8n,
	freePort,
	nodeOutputItems,
	REPO_ROOT,
	waitForExecutions,
	type ExecutionRecord,
} from '../e2e/harness';

const CHROMIUM = process.env.X_AAA_CHROMIUM ?? '/usr/bin/chromium';
const OUTPUT_DIR = path.join(REPO_ROOT, '.test-output', 'playground');
const START_JS = path.join(
	REPO_ROOT,
	'node_modules',
	'.cache',
	'x-aaa-playground',
	'playground',
	'start.js',
);
const SIM_CLI = path.join(REPO_ROOT, 'simulator', 'dist', 'simulator', 'cli.js');

interface Ready {
	n8nUrl: string;
	n8nPid: number;
	simulatorUrl: string;
	userFolder: string;
	owner: { email: string; password: string };
	workflows: Array<{ id: string; name: string; webhookPath?: string }>;
	startedInMs: number;
}

const examples = loadExamples(REPO_ROOT);
const byFile = (file: string): string => {
	const example = examples.find((e) => e.file === file);
	if (!example) throw new Error(`examples/${file} is missing`);
	return example.workflow.id;
};
const MENTIONS = byFile('auto-reply-to-mentions.json');
const DM = byFile('dm-inbox-to-table.json');
const FOLLOWER = byFile('new-follower-welcome.json');
const LOG = byFile('activity-log.json');
const RESUBSCRIBE = byFile('resubscribe-from-list.json');
const REPLAY = byFile('replay-after-outage.json');

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function portAnswers(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

function emit(
	simulatorUrl: string,
	kind: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			[SIM_CLI, 'emit', kind, '--url', simulatorUrl],
			(error, stdout, stderr) =>
				resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
		);
	});
}

/** A timer that does not keep jest alive. */
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

const items = (run: ExecutionRecord, node: string): Array<Record<string, unknown>> =>
	nodeOutputItems(run, node).map((i) => i.json as Record<string, unknown>);

describe('playground: npm start', () => {
	let dir: string;
	let child: ChildProcess | undefined;
	let output = '';
	let exited: Promise<number | null>;
	let ready: Ready;
	let ports: { n8n: number; sim: number };

	beforeAll(async () => {
		expect(fs.existsSync(SIM_CLI)).toBe(true); // npm run build first (npm test does)
		await ensureN8n(); // first time on a machine: minutes
		// What `npm start` compiles (incremental: seconds after the first time).
		execFileSync(
			process.execPath,
			[require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.playground.json'],
			{
				cwd: REPO_ROOT,
				stdio: 'inherit',
			},
		);
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-aaa-playground-test-'));
		ports = { n8n: await freePort(), sim: await freePort() };
		child = spawn(
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
		exited = new Promise((resolve) => child!.once('exit', (code) => resolve(code)));
		const collect = (chunk: Buffer): void => void (output += chunk.toString('utf8'));
		child.stdout!.on('data', collect);
		child.stderr!.on('data', collect);
		const deadline = Date.now() + 5 * 60_000;
		while (!output.includes(READY_PREFIX)) {
			if (child.exitCode !== null)
				throw new Error(
					`the playground exited (${child.exitCode}) before it was ready:\n${output}`,
				);
			if (Date.now() > deadline)
				throw new Error(`the playground was not ready in time:\n${output}`);
			await new Promise((r) => setTimeout(r, 200));
		}
		await new Promise((r) => setTimeout(r, 100)); // the rest of the line
		const line = output.split('\n').find((l) => l.startsWith(READY_PREFIX))!;
		ready = JSON.parse(line.slice(READY_PREFIX.length)) as Ready;
		console.log(
			`[playground test] ready in ${ready.startedInMs} ms (fresh state folder, n8n cached)`,
		);
	}, 15 * 60_000);

	afterAll(async () => {
		if (child && child.exitCode === null && child.signalCode === null) {
			child.kill('SIGINT');
			await Promise.race([exited, delay(30_000)]);
		}
		if (ready && alive(ready.n8nPid)) {
			try {
				process.kill(-ready.n8nPid, 'SIGKILL');
			} catch {
				// gone
			}
		}
		if (dir) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
	}, 60_000);

	it('prints the editor URL, the owner login, how to emit events and where the examples are', () => {
		expect(output).toContain(`n8n editor     ${ready.n8nUrl}`);
		expect(output).toContain(ready.owner.email);
		expect(output).toContain(ready.owner.password);
		expect(output).toContain('npm run simulator -- emit mention');
		expect(output).toContain('examples/');
		for (const e of examples) expect(output).toContain(e.workflow.name);
		expect(ready.workflows.map((w) => w.id).sort()).toEqual(
			examples.map((e) => e.workflow.id).sort(),
		);
	});

	it('runs the example workflows for emitted events and on request', async () => {
		for (const kind of ['mention', 'dm', 'like', 'follow']) {
			const r = await emit(ready.simulatorUrl, kind);
			expect({ kind, code: r.code, stderr: r.stderr }).toEqual({ kind, code: 0, stderr: '' });
			expect(r.stdout).toMatch(/4 of 4 deliveries accepted/);
		}
		const userFolder = ready.userFolder;
		const wait = (workflowId: string, count: number) =>
			waitForExecutions(userFolder, { workflowId, count, timeoutMs: 60_000 });

		const [mention] = await wait(MENTIONS, 1);
		expect(mention.status).toBe('success');
		expect(items(mention, 'Build reply')[0]).toMatchObject({
			in_reply_to_tweet_id: expect.stringMatching(/^\d+$/),
			reply_text: expect.stringMatching(/^@\w+ /),
		});

		const [dm] = await wait(DM, 1);
		expect(dm.status).toBe('success');
		expect(items(dm, 'Save to DM inbox')[0]).toMatchObject({
			text: expect.any(String),
			sender_id: expect.stringMatching(/^\d+$/),
		});
		expect(Object.keys(items(dm, 'Save to DM inbox')[0])).toEqual(
			expect.arrayContaining(DM_INBOX.columns),
		);

		const [follower] = await wait(FOLLOWER, 1);
		expect(follower.status).toBe('success');
		expect(items(follower, 'Welcome message')[0]).toMatchObject({
			user_id: expect.stringMatching(/^\d+$/),
			message: expect.stringContaining('thanks for the follow'),
		});

		const log = await wait(LOG, 4);
		expect(log.every((r) => r.status === 'success')).toBe(true);
		const logged = log.flatMap((r) => items(r, 'Log activity'));
		expect(logged.map((row) => row.activity)).toEqual(
			expect.arrayContaining(['mention', 'dm_received', 'like_received', 'new_follower']),
		);
		expect(Object.keys(logged[0])).toEqual(expect.arrayContaining(ACTIVITY_LOG.columns));

		// The action-node examples, through their "On request" webhooks.
		const post = (example: string, body: unknown) =>
			fetch(
				`${ready.n8nUrl}/webhook/${ready.workflows.find((w) => w.id === example)!.webhookPath!}`,
				{
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				},
			);
		expect((await post(RESUBSCRIBE, {})).status).toBe(200);
		const [resubscribe] = await wait(RESUBSCRIBE, 1);
		expect(resubscribe.status).toBe('success');
		const subscribed = items(resubscribe, 'Subscribe');
		expect(subscribed).toHaveLength(5); // the simulator's users in the token store, the owner excluded
		expect(subscribed.every((s) => s.subscribed === true)).toBe(true);
		expect(items(resubscribe, 'Subscribed accounts')).toHaveLength(6);
		expect(JSON.stringify(subscribed)).not.toMatch(/access_token_secret/);

		const now = Date.now();
		const window = {
			from: new Date(now - 60 * 60_000).toISOString(),
			to: new Date(now).toISOString(),
		};
		expect((await post(REPLAY, window)).status).toBe(200);
		const [replay] = await wait(REPLAY, 1);
		expect(replay.status).toBe('success');
		const jobs = items(replay, 'Start replay');
		expect(jobs).toHaveLength(4); // one job per webhook of the app: one per published trigger
		expect(jobs.every((j) => typeof j.job_id === 'string')).toBe(true);
		// X re-delivers the window's events (replay: true), then reports the finished job; the activity log records both.
		const deadline = Date.now() + 30_000;
		let rows: Array<Record<string, unknown>> = [];
		for (let count = log.length + 1; Date.now() < deadline; count++) {
			const runs = await waitForExecutions(userFolder, {
				workflowId: LOG,
				count,
				timeoutMs: Math.max(1000, deadline - Date.now()),
			}).catch(() => undefined);
			if (!runs) break;
			rows = runs.flatMap((r) => items(r, 'Log activity'));
			if (rows.some((row) => row.activity === 'replay_complete')) break;
		}
		expect(rows.map((row) => row.activity)).toContain('replay_complete');
	}, 180_000);

	it('shows the nodes and the trigger of an example in the editor (real browser)', async () => {
		if (!fs.existsSync(CHROMIUM)) {
			throw new Error(
				`Chromium is not installed (${CHROMIUM} missing). This test drives a real browser: install Debian's chromium with \`apt-get update && apt-get install -y chromium\` (as root; CI does this in .ci/run), or set X_AAA_CHROMIUM to a Chromium binary. \`npx playwright install\` does not work here (no downloads).`,
			);
		}
		fs.mkdirSync(OUTPUT_DIR, { recursive: true });
		const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-aaa-chromium-'));
		let context: BrowserContext | undefined;
		let step = 'launch chromium';
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
			context.setDefaultTimeout(30_000);
			const page = context.pages()[0] ?? (await context.newPage());

			step = 'log in';
			// Log in as the playground's owner.
			await page.goto(`${ready.n8nUrl}/signin`);
			await page.fill('input[name="emailOrLdapLoginId"]', ready.owner.email);
			await page.fill('input[name="password"]', ready.owner.password);
			await page.click('[data-test-id="form-submit-button"]');
			await page.waitForURL((url) => !url.pathname.includes('signin'));

			step = 'open the trigger of an example workflow';
			// An example workflow: open its trigger.
			await page.goto(`${ready.n8nUrl}/workflow/${MENTIONS}`);
			const trigger = page.locator(
				'[data-test-id="canvas-node"][data-node-name="X Account Activity Trigger"]',
			);
			await trigger.waitFor();
			await trigger.dblclick();
			const ndv = page.locator('[data-test-id="ndv"]');
			await ndv.waitFor();
			await expect(
				ndv.locator('[data-test-id="node-title-container"]').innerText(),
			).resolves.toContain('X Account Activity Trigger');
			await page.locator('[data-test-id="parameter-input-activities"]').waitFor();
			await expect(ndv.innerText()).resolves.toEqual(
				expect.stringMatching(/Activities[\s\S]*Mention[\s\S]*Reply[\s\S]*Output/),
			);
			// the credential the playground made (shown in the select's input)
			const select = ndv.locator('[data-test-id="node-credentials-select"]').first();
			const values = await select
				.locator('input')
				.evaluateAll((inputs) => inputs.map((i) => (i as unknown as { value: string }).value));
			const credential = `${await select.innerText()} ${values.join(' ')}`;
			expect(credential).toContain('X simulator (playground)');
			await page.waitForTimeout(500); // let the modal finish its transition
			await page.screenshot({ path: path.join(OUTPUT_DIR, 'trigger.png') });

			step = 'find the nodes in the nodes panel';
			// The nodes panel of a new workflow: search, find the package's nodes and the trigger.
			const fresh = await context.newPage();
			await fresh.goto(`${ready.n8nUrl}/workflow/new`);
			await fresh.click('[data-test-id="node-creator-plus-button"]');
			await fresh
				.locator(
					'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
				)
				.first()
				.fill('X Account Activity');
			const entry = fresh
				.locator('[data-test-id="node-creator-item-name"]', { hasText: 'X Account Activity' })
				.first();
			await entry.waitFor();
			await entry.click();
			// n8n 2.41 groups a package's trigger and action node under one entry and lists the trigger as "On new … event".
			const triggerItem = fresh.locator('[data-test-id="node-creator-item-name"]', {
				hasText: 'On new X Account Activity event',
			});
			await triggerItem.waitFor();
			await fresh.screenshot({ path: path.join(OUTPUT_DIR, 'nodes-panel.png') });
			await triggerItem.click();
			const added = fresh.locator('[data-test-id="ndv"] [data-test-id="node-title-container"]');
			await added.waitFor();
			await expect(added.innerText()).resolves.toContain('X Account Activity Trigger');
			await fresh.locator('[data-test-id="parameter-input-activities"]').waitFor();
		} catch (error) {
			for (const [i, p] of (context?.pages() ?? []).entries()) {
				await p
					.screenshot({ path: path.join(OUTPUT_DIR, `failure-${i}.png`) })
					.catch(() => undefined);
			}
			throw new Error(
				`browser step "${step}" failed (screenshots: ${OUTPUT_DIR}/failure-*.png): ${(error as Error).message}`,
			);
		} finally {
			await context?.close();
			fs.rmSync(userDataDir, { recursive: true, force: true });
		}
		expect(fs.statSync(path.join(OUTPUT_DIR, 'trigger.png')).size).toBeGreaterThan(10_000);
	}, 120_000);

	it('stops everything it started on Ctrl-C (SIGINT) and exits 0', async () => {
		expect(alive(ready.n8nPid)).toBe(true);
		child!.kill('SIGINT');
		const code = await Promise.race([exited, delay(45_000).then(() => 'timeout')]);
		expect({ code, tail: code === 0 ? '' : output.slice(-3000) }).toEqual({ code: 0, tail: '' });
		expect(output).toContain('stopped; nothing left running.');
		expect(alive(ready.n8nPid)).toBe(false);
		expect(alive(-ready.n8nPid)).toBe(false); // n8n's process group: task runners too
		expect(await portAnswers(ports.n8n)).toBe(false);
		expect(await portAnswers(ports.sim)).toBe(false);
	}, 60_000);
});
