#!/usr/bin/env node
/**
 * The playground: `npm start` (or `npm run playground`). A real local n8n 2.x with this package
 * installed as a community package, the X simulator, a credential pointing at it, the example
 * workflows imported and published, and an owner account to log in with. No X account needed.
 *
 *   node node_modules/.cache/x-aaa-playground/playground/start.js [--port N] [--sim-port N] [--dir DIR] [--reset]
 *
 * State (n8n's user folder with its sqlite database, so the user's edits survive) lives outside
 * the repo, in ~/.cache/n8n-nodes-x-account-activity/playground/ by default. Ctrl-C stops n8n
 * (its whole process group) and the simulator, and exits 0.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { startSimulator, type Simulator, type XaaSimulatorOptions } from '../simulator';
import {
	DEFAULT_SIMULATOR_URL,
	parseFlags,
	playgroundDir,
	SIMULATOR_STATE_FILE,
	UsageError,
} from '../simulator/cli';
import {
	ensureN8n,
	importCredential,
	N8nRestSession,
	OWNER,
	prepareUserFolder,
	readPackageJson,
	runN8nCli,
	startN8n,
	type RunningN8n,
} from '../test/e2e/harness';
import {
	CREDENTIAL_TYPE,
	findRepoRoot,
	loadExamples,
	PACKAGE_NAME,
	withCredential,
	type Example,
} from './examples';
import { ensureTables, insertRows, TABLES, TOKEN_STORE } from './tables';

const N8N_VERSION = '2.41.0';
const DEFAULT_N8N_PORT = 5678;
const DEFAULT_SIM_PORT = Number(new URL(DEFAULT_SIMULATOR_URL).port);
const CREDENTIAL = { id: 'xAaaPlaygroundCred', name: 'X simulator (playground)' };
export const READY_PREFIX = 'PLAYGROUND_READY ';

const FLAGS = {
	port: 'number',
	'sim-port': 'number',
	dir: 'string',
	reset: 'boolean',
	build: 'boolean',
	'no-build': 'boolean',
	'ready-json': 'boolean',
	verbose: 'boolean',
	help: 'boolean',
} as const;

const USAGE = `usage: npm start -- [flags]     (or: node node_modules/.cache/x-aaa-playground/playground/start.js [flags])

Starts a local n8n ${N8N_VERSION} with this package, the X simulator and the example workflows.

  --port N        n8n's port (default ${DEFAULT_N8N_PORT}; another free one when that is taken)
  --sim-port N    the simulator's port (default ${DEFAULT_SIM_PORT})
  --dir DIR       where the playground keeps n8n's data (default: ${defaultDir()})
  --reset         start over: delete that folder first (workflows, executions, tables)
  --build         rebuild the package (dist/) even when it looks up to date
  --no-build      never rebuild it
  --verbose       echo n8n's log
  --ready-json    print one line "${READY_PREFIX}{...}" when ready (for scripts and tests)`;

interface Options {
	port?: number;
	simPort?: number;
	dir: string;
	reset: boolean;
	build: 'auto' | 'always' | 'never';
	readyJson: boolean;
	verbose: boolean;
}

interface State {
	credentialBaseUrl?: string;
	imported: string[];
	activated: string[];
}

function cacheRoot(): string {
	return (
		process.env.X_AAA_N8N_CACHE ?? path.join(os.homedir(), '.cache', 'n8n-nodes-x-account-activity')
	);
}

function defaultDir(): string {
	return playgroundDir();
}

const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const warn = (line: string): void => void process.stderr.write(`[playground] ${line}\n`);

function seconds(ms: number): string {
	return ms < 60_000
		? `${(ms / 1000).toFixed(1)} s`
		: `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Prints "[playground] title …" now and "… done (x s)" when the work finishes. */
async function step<T>(title: string, work: () => Promise<T>, heartbeat?: string): Promise<T> {
	const started = Date.now();
	say(`[playground] ${title} …`);
	const timer = heartbeat
		? setInterval(
				() => say(`[playground]   … ${heartbeat} (${seconds(Date.now() - started)} so far)`),
				30_000,
			)
		: undefined;
	try {
		const result = await work();
		say(`[playground]   done (${seconds(Date.now() - started)})`);
		return result;
	} finally {
		if (timer) clearInterval(timer);
	}
}

export function parseOptions(argv: string[]): Options | 'help' {
	const flags = parseFlags(argv, { ...FLAGS });
	if (flags.help) return 'help';
	if (flags.build && flags['no-build'])
		throw new UsageError('--build and --no-build exclude each other');
	const port = (name: string): number | undefined => {
		const value = flags[name];
		if (value === undefined) return undefined;
		if (typeof value !== 'number' || value < 1 || value > 65535)
			throw new UsageError(`--${name} must be a port number (1-65535)`);
		return value;
	};
	return {
		port: port('port'),
		simPort: port('sim-port'),
		dir: path.resolve(typeof flags.dir === 'string' ? flags.dir : defaultDir()),
		reset: flags.reset === true,
		build: flags.build ? 'always' : flags['no-build'] ? 'never' : 'auto',
		readyJson: flags['ready-json'] === true,
		verbose: flags.verbose === true,
	};
}

function portFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

async function anyFreePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

function newestMtime(target: string): number {
	if (!fs.existsSync(target)) return 0;
	const stat = fs.statSync(target);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = 0;
	for (const entry of fs.readdirSync(target))
		newest = Math.max(newest, newestMtime(path.join(target, entry)));
	return newest;
}

/** dist/ is missing or older than a source file of the nodes, credential, client or simulator. */
export function distIsStale(repo: string): boolean {
	const marker = path.join(
		repo,
		'dist',
		'nodes',
		'XAccountActivityTrigger',
		'XAccountActivityTrigger.node.js',
	);
	if (!fs.existsSync(marker)) return true;
	const built = fs.statSync(marker).mtimeMs;
	const sources = [
		'credentials',
		'nodes',
		'client',
		'simulator',
		'package.json',
		'scripts/copy-assets.js',
	];
	return sources.some((s) => newestMtime(path.join(repo, s)) > built);
}

function runInherit(command: string, args: string[], cwd: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
		child.on('error', reject);
		child.on('close', (code) =>
			code === 0
				? resolve()
				: reject(new Error(`${command} ${args.join(' ')} failed (exit ${String(code)})`)),
		);
	});
}

function readState(dir: string): State {
	try {
		const state = JSON.parse(
			fs.readFileSync(path.join(dir, 'playground.json'), 'utf8'),
		) as Partial<State>;
		return { imported: [], activated: [], ...state };
	} catch {
		return { imported: [], activated: [] };
	}
}

function writeState(dir: string, state: State): void {
	fs.writeFileSync(path.join(dir, 'playground.json'), `${JSON.stringify(state, null, 2)}\n`);
}

function resetDir(dir: string): void {
	if (!fs.existsSync(dir)) return;
	const entries = fs.readdirSync(dir);
	if (entries.length > 0 && !entries.includes('playground.json'))
		throw new UsageError(
			`--reset: ${dir} does not look like a playground folder (no playground.json); not deleting it`,
		);
	fs.rmSync(dir, { recursive: true, force: true });
}

function runtimePackageJson(repo: string): Record<string, unknown> {
	const pkg: Record<string, unknown> = { ...readPackageJson(repo) };
	delete pkg.devDependencies;
	delete pkg.peerDependencies;
	delete pkg.optionalDependencies;
	return pkg;
}

/**
 * The built package in the user folder, as n8n installs a community package. First run: a user
 * folder made by the harness. Later runs: dist/ copied over the installed one (the runtime
 * dependencies are reinstalled only when they changed).
 */
async function installPackage(
	repo: string,
	dir: string,
	userFolder: string,
): Promise<'fresh' | 'updated'> {
	const installed = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	const runtime = runtimePackageJson(repo);
	if (fs.existsSync(path.join(installed, 'package.json'))) {
		const before = JSON.parse(
			fs.readFileSync(path.join(installed, 'package.json'), 'utf8'),
		) as Record<string, unknown>;
		if (JSON.stringify(before.dependencies ?? {}) === JSON.stringify(runtime.dependencies ?? {})) {
			fs.rmSync(path.join(installed, 'dist'), { recursive: true, force: true });
			fs.cpSync(path.join(repo, 'dist'), path.join(installed, 'dist'), { recursive: true });
			fs.writeFileSync(
				path.join(installed, 'package.json'),
				`${JSON.stringify(runtime, null, 2)}\n`,
			);
			return 'updated';
		}
	}
	const fresh = await prepareUserFolder({ packageDir: repo, parentDir: dir, prefix: 'prepare-' });
	if (fs.existsSync(userFolder)) {
		fs.rmSync(path.join(userFolder, '.n8n', 'nodes'), { recursive: true, force: true });
		fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
		fs.renameSync(path.join(fresh, '.n8n', 'nodes'), path.join(userFolder, '.n8n', 'nodes'));
		fs.rmSync(fresh, { recursive: true, force: true });
	} else {
		fs.renameSync(fresh, userFolder);
	}
	return 'fresh';
}

function credentialData(sim: Simulator): Record<string, unknown> {
	return {
		apiVersion: 'v2',
		environment: '',
		consumerKey: sim.app.consumerKey,
		consumerSecret: sim.app.consumerSecret,
		accessToken: sim.app.accessToken,
		accessTokenSecret: sim.app.accessTokenSecret,
		bearerToken: '',
		baseUrl: sim.baseUrl,
	};
}

async function importExamples(userFolder: string, dir: string, examples: Example[]): Promise<void> {
	const inputDir = path.join(dir, 'import');
	fs.mkdirSync(inputDir, { recursive: true });
	const file = path.join(inputDir, `examples-${Date.now()}.json`);
	const workflows = examples.map((e) => ({
		active: false,
		...withCredential(e.workflow, CREDENTIAL),
	}));
	fs.writeFileSync(file, JSON.stringify(workflows, null, 2));
	try {
		await runN8nCli(userFolder, ['import:workflow', `--input=${file}`]);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

interface Cleanup {
	n8n?: RunningN8n;
	sim?: Simulator;
	monitor?: NodeJS.Timeout;
	/** The state file telling `npm run simulator -- emit` where this playground's simulator is. */
	simulatorFile?: string;
}

async function stopAll(cleanup: Cleanup): Promise<void> {
	if (cleanup.monitor) clearInterval(cleanup.monitor);
	if (cleanup.simulatorFile) fs.rmSync(cleanup.simulatorFile, { force: true });
	const errors: string[] = [];
	if (cleanup.n8n)
		await cleanup.n8n.stop().catch((e: unknown) => errors.push(`n8n: ${(e as Error).message}`));
	if (cleanup.sim)
		await cleanup.sim
			.stop()
			.catch((e: unknown) => errors.push(`simulator: ${(e as Error).message}`));
	for (const e of errors) warn(`while stopping, ${e}`);
}

export async function main(argv: string[]): Promise<number> {
	let options: Options | 'help';
	try {
		options = parseOptions(argv);
	} catch (e) {
		if (e instanceof UsageError) {
			process.stderr.write(`error: ${e.message}\n\n${USAGE}\n`);
			return 2;
		}
		throw e;
	}
	if (options === 'help') {
		say(USAGE);
		return 0;
	}
	const opts = options;
	const started = Date.now();
	const cleanup: Cleanup = {};
	let stopping: Promise<void> | undefined;
	let ready = false;
	const exitCode = new Promise<number>((resolve) => {
		const onSignal = (signal: NodeJS.Signals): void => {
			if (stopping) {
				say(`[playground] still stopping (${signal} again) …`);
				return;
			}
			say(`\n[playground] ${signal}: stopping n8n and the simulator …`);
			stopping = stopAll(cleanup).then(() => {
				say('[playground] stopped; nothing left running.');
				resolve(ready ? 0 : 130);
			});
		};
		process.on('SIGINT', onSignal);
		process.on('SIGTERM', onSignal);
	});

	const run = async (): Promise<number> => {
		const repo = findRepoRoot(__dirname);
		const dir = opts.dir;
		const userFolder = path.join(dir, 'n8n');
		if (opts.reset) resetDir(dir);
		fs.mkdirSync(dir, { recursive: true });
		const state = readState(dir);
		const firstRun = !fs.existsSync(path.join(userFolder, '.n8n'));
		say(`[playground] ${firstRun ? 'first run: setting everything up' : 'starting'} in ${dir}`);

		// 1. n8n itself (cached).
		const marker = path.join(cacheRoot(), `n8n-${N8N_VERSION}`, '.install-complete.json');
		if (fs.existsSync(marker)) {
			await step(`n8n ${N8N_VERSION} (cached in ${path.dirname(marker)})`, () => ensureN8n());
		} else {
			await step(
				`installing n8n ${N8N_VERSION} and Node 24 into ${path.dirname(marker)} — first run only, usually 3-4 minutes and 1.3 GB; later runs reuse it`,
				() => ensureN8n(),
				'still installing n8n',
			);
		}
		if (stopping) return 0;

		// 2. The package, built and installed like n8n installs a community package.
		if (opts.build === 'always' || (opts.build === 'auto' && distIsStale(repo))) {
			await step('building the package (npm run build)', () =>
				runInherit('npm', ['run', 'build', '--silent'], repo),
			);
		}
		const how = await step(
			firstRun
				? 'installing the package into the playground n8n (first run: its runtime dependencies from npm)'
				: 'updating the package in the playground n8n',
			() => installPackage(repo, dir, userFolder),
		);
		if (stopping) return 0;

		// 3. The X simulator.
		let simPort = opts.simPort ?? DEFAULT_SIM_PORT;
		if (!(await portFree(simPort))) {
			if (opts.simPort !== undefined)
				throw new Error(
					`port ${simPort} for the simulator is taken (another playground or simulator?); choose one with --sim-port`,
				);
			const taken = simPort;
			simPort = await anyFreePort();
			warn(`port ${taken} is taken (another simulator?); the simulator uses ${simPort}`);
		}
		// X's documented delivery for X Activity API subscriptions without webhook_id is the stream
		// only; simulator versions that also posted them to the app's webhooks by default take
		// `unboundDelivery: 'none'` for that (later ones ignore the setting). The examples fit the
		// simulator's default limits: 1 webhook (of 5), 4 XAA subscriptions (of 1,500), 1 stream
		// connection (of 2).
		const streamOnly: Record<string, unknown> = { unboundDelivery: 'none' };
		const sim = await step(`starting the X simulator on port ${simPort}`, () =>
			startSimulator({ port: simPort, xaa: streamOnly as XaaSimulatorOptions }),
		);
		cleanup.sim = sim;
		cleanup.simulatorFile = path.join(dir, SIMULATOR_STATE_FILE);
		fs.writeFileSync(
			cleanup.simulatorFile,
			`${JSON.stringify({ url: sim.baseUrl, pid: process.pid })}\n`,
		);
		if (stopping) return 0;

		// 4. Credential and example workflows (CLI, before n8n starts).
		const examples = loadExamples(repo);
		const newExamples = examples.filter((e) => !state.imported.includes(e.workflow.id));
		if (state.credentialBaseUrl !== sim.baseUrl || newExamples.length > 0) {
			await step(
				`importing the credential${newExamples.length ? ` and ${newExamples.length} example workflow(s)` : ''} (n8n CLI)`,
				async () => {
					if (state.credentialBaseUrl !== sim.baseUrl) {
						await importCredential(userFolder, {
							...CREDENTIAL,
							type: CREDENTIAL_TYPE,
							data: credentialData(sim),
						});
						state.credentialBaseUrl = sim.baseUrl;
					}
					if (newExamples.length) {
						await importExamples(userFolder, dir, newExamples);
						state.imported.push(...newExamples.map((e) => e.workflow.id));
					}
					writeState(dir, state);
				},
			);
		}
		if (stopping) return 0;

		// 5. n8n.
		let port = opts.port ?? DEFAULT_N8N_PORT;
		if (!(await portFree(port))) {
			if (opts.port !== undefined)
				throw new Error(`port ${port} for n8n is taken; choose another with --port`);
			const taken = port;
			port = await anyFreePort();
			warn(`port ${taken} is taken (another n8n?); this n8n uses ${port}`);
		}
		const n8n = await step(
			`starting n8n on port ${port} (${how === 'fresh' ? 'first start creates its database: about 20-40 s' : 'about 10-20 s'})`,
			() =>
				startN8n({
					userFolder,
					port,
					// Classic activation: the triggers check their registration on every start, so they
					// register again with the simulator, which keeps no state between runs.
					env: { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' },
					echo: opts.verbose,
					startTimeoutMs: 180_000,
				}),
		);
		cleanup.n8n = n8n;
		if (stopping) return 0;

		// 6. Owner account, data tables, publishing what was imported now.
		const toActivate = examples.filter((e) => !state.activated.includes(e.workflow.id));
		await step(
			`owner account, data tables${toActivate.length ? `, publishing ${toActivate.length} example workflow(s)` : ''}`,
			async () => {
				const session = await N8nRestSession.login(n8n);
				const created = await ensureTables(session, TABLES);
				const tokenStore = created.get(TOKEN_STORE.name);
				if (tokenStore) {
					await insertRows(
						session,
						tokenStore,
						sim
							.users()
							.filter((u) => u.id !== sim.app.ownerUserId)
							.map((u) => ({
								user_id: u.id,
								screen_name: u.screenName,
								access_token: u.token,
								access_token_secret: u.secret,
							})),
					);
				}
				for (const example of toActivate) {
					try {
						await session.activateWorkflow(example.workflow.id);
						state.activated.push(example.workflow.id);
					} catch (e) {
						warn(
							`could not publish "${example.workflow.name}": ${(e as Error).message.slice(0, 400)}`,
						);
					}
				}
				writeState(dir, state);
			},
		);
		if (stopping) return 0;

		printReady(n8n, sim, examples, dir, Date.now() - started);
		if (opts.readyJson) {
			say(
				`${READY_PREFIX}${JSON.stringify({
					n8nUrl: n8n.baseUrl,
					n8nPid: n8n.pid,
					simulatorUrl: sim.baseUrl,
					userFolder,
					dir,
					workflows: examples.map((e) => ({
						id: e.workflow.id,
						name: e.workflow.name,
						file: e.file,
						webhookPath: e.webhookPath,
						triggerPath: e.triggerPath,
					})),
					owner: { email: OWNER.email, password: OWNER.password },
					startedInMs: Date.now() - started,
				})}`,
			);
		}
		ready = true;
		// n8n dying on its own ends the playground too.
		const monitored = new Promise<number>((resolve) => {
			cleanup.monitor = setInterval(() => {
				try {
					process.kill(n8n.pid, 0);
				} catch {
					if (stopping) return;
					warn(
						`n8n exited unexpectedly; last lines of its log (${path.join(userFolder, 'n8n.log')}):`,
					);
					process.stderr.write(`${n8n.logs().trim().split('\n').slice(-30).join('\n')}\n`);
					stopping = stopAll(cleanup).then(() => resolve(1));
				}
			}, 2000);
		});
		return monitored;
	};

	try {
		return await Promise.race([run(), exitCode]).then(async (code) => {
			if (stopping) {
				await stopping;
				return await Promise.race([exitCode, Promise.resolve(code)]);
			}
			return code;
		});
	} catch (e) {
		if (stopping) {
			await stopping;
			return exitCode;
		}
		process.stderr.write(`\n[playground] error: ${(e as Error).message}\n`);
		stopping = stopAll(cleanup);
		await stopping;
		return e instanceof UsageError ? 2 : 1;
	}
}

function printReady(
	n8n: RunningN8n,
	sim: Simulator,
	examples: Example[],
	dir: string,
	ms: number,
): void {
	const owner = sim.users().find((u) => u.id === sim.app.ownerUserId);
	// `emit` finds this simulator through the state file in the default folder; elsewhere it needs --url.
	const emitUrl =
		sim.baseUrl === DEFAULT_SIMULATOR_URL || path.resolve(dir) === path.resolve(defaultDir())
			? ''
			: ` --url ${sim.baseUrl}`;
	const width = Math.max(...examples.map((e) => e.workflow.name.length));
	const hook = (e: Example | undefined): string =>
		e?.webhookPath ? n8n.webhookUrl(e.webhookPath) : '';
	const resubscribe = examples.find((e) => e.webhookPath?.includes('resubscribe'));
	const replay = examples.find((e) => e.webhookPath?.includes('replay'));
	say();
	say(`The X Account Activity playground is ready (${seconds(ms)}).`);
	say();
	say(`  n8n editor     ${n8n.baseUrl}`);
	say(
		`  log in as      ${OWNER.email}  /  ${OWNER.password}   (local-only account of this playground)`,
	);
	say(
		`  X simulator    ${sim.baseUrl}   (a fake X; subscribed account @${owner?.screenName ?? '?'}, id ${sim.app.ownerUserId})`,
	);
	say(`  credential     "${CREDENTIAL.name}" (v2 API, pointing at the simulator)`);
	say();
	say('  Example workflows (published; templates in examples/, import them into any n8n):');
	for (const e of examples)
		say(
			`    ${e.workflow.name.padEnd(width)}  ${n8n.baseUrl}/workflow/${e.workflow.id}${e.receives === 'stream' ? '   (X Activity API stream: no public URL)' : e.receives === 'webhook' ? '   (webhook)' : ''}`,
		);
	say();
	say('  Send X events from another terminal, then watch Executions in the editor:');
	say(`    npm run simulator -- emit mention${emitUrl}`);
	say(
		`    npm run simulator -- emit dm${emitUrl}          (also: like, follow, reply, unfollow, block, …; --count N)`,
	);
	say('  Run the action-node examples: open them and click "Execute workflow", or');
	if (resubscribe) say(`    curl -X POST ${hook(resubscribe)}`);
	if (replay) say(`    curl -X POST ${hook(replay)}`);
	say(`  Data tables (Overview → Data tables): ${TABLES.map((t) => t.name).join(', ')}`);
	say();
	say(
		`  State: ${dir} (kept between runs; --reset starts over). n8n log: ${path.join(n8n.userFolder, 'n8n.log')}`,
	);
	say('  Press Ctrl-C to stop everything.');
}

if (require.main === module) {
	void main(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(e: unknown) => {
			process.stderr.write(`[playground] ${(e as Error).stack ?? String(e)}\n`);
			process.exit(1);
		},
	);
}
