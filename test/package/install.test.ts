/**
 * The packages installed the way their users install them, from the packed tarballs:
 * - the node package by n8n's community-package installer (extract, drop dev/peer/optional
 *   dependencies, `npm install --ignore-scripts`), then a real n8n 2.41 offers both nodes and
 *   every credential;
 * - x-aaa-migrate (with the x-activity-simulator it depends on) by `npm install <tarballs>` with
 *   npm's defaults into an empty folder, on Node 20 and on Node 24 (n8n's Node, from the e2e
 *   cache): `x-aaa-migrate --help` and `--simulate` work;
 * - x-activity-simulator's own CLI starts and answers.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { baseEnv } from '../e2e/harness/env';
import { ensureN8n, REPO_ROOT } from '../e2e/harness/install';
import { startN8n, type RunningN8n } from '../e2e/harness/n8n';
import { N8nRestSession } from '../e2e/harness/rest';
import { prepareUserFolder, removeUserFolder } from '../e2e/harness/user-folder';
import { describeTarball, packAll, type Packed } from './tarballs';

/** The npm in use (the one running `npm test`, else the one beside this Node). */
function npmCli(): string {
	const candidates = [
		process.env.npm_execpath,
		path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
	];
	const found = candidates.find((c): c is string => !!c && c.endsWith('.js') && fs.existsSync(c));
	if (!found) throw new Error('cannot find npm-cli.js');
	return found;
}

/** Environment for a user's shell: this Node's folder first on PATH, no npm_* from `npm test`. */
function userEnv(nodeBin: string): NodeJS.ProcessEnv {
	const env = baseEnv();
	env.PATH = `${path.dirname(nodeBin)}${path.delimiter}${env.PATH ?? ''}`;
	return env;
}

let packed: Packed;

beforeAll(async () => {
	packed = await packAll();
	for (const t of Object.values(packed.tarballs)) console.log(`[package] ${describeTarball(t)}`);
}, 180_000);
afterAll(() => packed?.cleanup());

describe('n8n-nodes-x-account-activity installed by n8n from its tarball', () => {
	let userFolder: string | undefined;
	let n8n: RunningN8n | undefined;

	afterAll(async () => {
		await n8n?.stop();
		if (userFolder) removeUserFolder(userFolder);
	}, 60_000);

	it('loads both nodes and every credential in a real n8n', async () => {
		await ensureN8n();
		userFolder = await prepareUserFolder({ tarball: packed.tarballs.node.file });
		const installed = path.join(userFolder, '.n8n', 'nodes', 'node_modules', packed.tarballs.node.name);
		expect(fs.existsSync(path.join(installed, 'node_modules'))).toBe(false); // nothing to install: no dependencies

		n8n = await startN8n({ userFolder });
		const session = await N8nRestSession.login(n8n);
		const nodeTypes = new Set((await session.loadedTypes('nodes')).map((t) => t.name));
		const credentialTypes = new Set((await session.loadedTypes('credentials')).map((t) => t.name));

		// what the package registers (the installed files are the repo's build, packed; they are
		// loaded from the repo here because only there n8n-workflow sits beside them)
		const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
			name: string;
			n8n: { nodes: string[]; credentials: string[] };
		};
		const load = (file: string) => {
			expect(fs.readFileSync(path.join(installed, file))).toEqual(fs.readFileSync(path.join(REPO_ROOT, file)));
			// eslint-disable-next-line @typescript-eslint/no-require-imports -- a built CommonJS file, by path
			const mod = require(path.join(REPO_ROOT, file)) as Record<string, new () => unknown>;
			const className = path.basename(file).split('.')[0]; // n8n's rule: the class is named as the file
			return new mod[className]() as { description?: { name: string }; name?: string };
		};
		const expectedNodes = manifest.n8n.nodes.map((f) => `${manifest.name}.${load(f).description!.name}`);
		const expectedCredentials = manifest.n8n.credentials.map((f) => load(f).name!);
		expect(expectedNodes.length).toBeGreaterThanOrEqual(2);
		expect(expectedNodes.filter((n) => !nodeTypes.has(n))).toEqual([]);
		expect(expectedCredentials.filter((c) => !credentialTypes.has(c))).toEqual([]);
		const loadProblems = n8n
			.logs()
			.split('\n')
			.filter((line) => line.includes(`nodes/node_modules/${manifest.name}`) && /error|fail|warn/i.test(line));
		expect(loadProblems).toEqual([]);
	}, 420_000);
});

describe.each([
	['Node 20 (this one)', async () => process.execPath],
	["Node 24 (n8n's)", async () => (await ensureN8n()).nodeBin],
])('x-aaa-migrate installed with npm install <tarball> on %s', (_label, nodeBinOf) => {
	let dir: string;
	let env: NodeJS.ProcessEnv;
	let nodeBin: string;

	beforeAll(async () => {
		nodeBin = await nodeBinOf();
		env = userEnv(nodeBin);
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-aaa-migrate-install-'));
		fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"someone-elses-project","private":true}\n');
		// npm's defaults: no flags; the simulator's tarball stands in for the registry's copy
		const r = spawnSync(nodeBin, [npmCli(), 'install', packed.tarballs.simulator.file, packed.tarballs.migrate.file], {
			cwd: dir,
			env,
			encoding: 'utf8',
			timeout: 300_000,
		});
		if (r.status !== 0) throw new Error(`npm install failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
	}, 320_000);
	afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('runs on the intended Node', () => {
		const v = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
		expect(v).toMatch(nodeBin === process.execPath ? /^v20\./ : /^v24\./);
	});

	it('x-aaa-migrate --help answers', () => {
		const r = spawnSync(path.join(dir, 'node_modules', '.bin', 'x-aaa-migrate'), ['--help'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
		expect(r.stderr).toBe('');
		expect(r.stdout).toMatch(/--simulate/);
		expect(r.stdout).toMatch(/--from/);
		expect(r.status).toBe(0);
	});

	it('x-aaa-migrate --simulate migrates on the installed simulator and exits 0', () => {
		const r = spawnSync(path.join(dir, 'node_modules', '.bin', 'x-aaa-migrate'), ['--simulate', '--simulate-users', '30'], {
			cwd: dir,
			env,
			encoding: 'utf8',
			timeout: 180_000,
		});
		expect(r.stdout).toMatch(/Demo exit 0\./);
		expect(r.status).toBe(0);
		// it ran the installed copies, not the repo's
		expect(fs.realpathSync(path.join(dir, 'node_modules', 'x-activity-simulator'))).not.toContain(REPO_ROOT);
	}, 200_000);
});

describe('x-activity-simulator installed from its tarball', () => {
	it('its CLI starts, prints credentials and answers like X', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-activity-simulator-install-'));
		const env = userEnv(process.execPath);
		try {
			fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"someone-elses-project","private":true}\n');
			const r = spawnSync(process.execPath, [npmCli(), 'install', packed.tarballs.simulator.file], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
			if (r.status !== 0) throw new Error(`npm install failed (${r.status}):\n${r.stdout}\n${r.stderr}`);

			const child = spawn(path.join(dir, 'node_modules', '.bin', 'x-activity-simulator'), ['--port', '0'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
			try {
				const baseUrl = await new Promise<string>((resolve, reject) => {
					let out = '';
					const timer = setTimeout(() => reject(new Error(`no "listening" line: ${out}`)), 30_000);
					child.stdout.on('data', (c: Buffer) => {
						out += c.toString('utf8');
						const m = /listening on (http:\/\/\S+)/.exec(out);
						if (m) {
							clearTimeout(timer);
							resolve(m[1]);
						}
					});
					child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
				});
				const state = await fetch(`${baseUrl}/_sim/state`);
				expect(state.status).toBe(200);
				// an unsigned call is refused with an X-shaped error body
				const unsigned = await fetch(`${baseUrl}/1.1/account_activity/all/webhooks.json`);
				expect(unsigned.status).toBeGreaterThanOrEqual(400);
				expect(unsigned.status).toBeLessThan(500);
				expect(((await unsigned.json()) as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
			} finally {
				child.kill('SIGTERM');
				await new Promise((resolve) => child.once('exit', resolve));
			}
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}, 360_000);
});
