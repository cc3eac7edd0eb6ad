#!/usr/bin/env node
// Installs a pinned n8n (and the Node 24 it needs) into a cache folder outside the repo, for the
// end-to-end tests in test/e2e/. Runs on Node 20 with only npm; idempotent and safe against
// concurrent callers.
//
//   node scripts/ensure-n8n.js          progress on stderr, the install folder on stdout
//   node scripts/ensure-n8n.js --json   same, but stdout is one JSON line {dir, nodeBin, n8nBin, ...}
//
// Environment: X_AAA_N8N_CACHE (default $HOME/.cache/n8n-nodes-x-account-activity).
//
// Why the steps look like this (see test/e2e/README.md):
// - n8n 2.x needs Node >= 24; the npm package node-<platform>-<arch> ships the official binary.
// - A plain install fails building @confluentinc/kafka-javascript, so we install with
//   --ignore-scripts and then rebuild only sqlite3 (which n8n needs) with Node 24 on PATH.
// - npm must not inherit the repo's settings (its .npmrc has ignore-scripts=true, and `npm test`
//   exports npm_config_* variables): npm runs with cwd in the cache folder, a scrubbed
//   environment, that folder's own .npmrc, and explicit flags.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const N8N_VERSION = '2.41.0';
const NODE_VERSION = '24.21.0';
const SQLITE3_REBUILD = 'sqlite3';
const LOCK_STALE_MS = 30 * 60 * 1000;
const LOCK_WAIT_MS = 30 * 60 * 1000;

function log(message) {
	process.stderr.write(`[ensure-n8n] ${message}\n`);
}

function nodePackageName() {
	const platform = { linux: 'linux', darwin: 'darwin' }[process.platform];
	const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
	if (!platform || !arch) {
		throw new Error(
			`ensure-n8n: unsupported platform ${process.platform}-${process.arch} (supported: linux/darwin on x64/arm64)`,
		);
	}
	return `node-${platform}-${arch}`;
}

function cacheRoot() {
	return (
		process.env.X_AAA_N8N_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-x-account-activity')
	);
}

function describe(dir) {
	const nodePkg = nodePackageName();
	const nodeBin = path.join(dir, 'node_modules', nodePkg, 'bin', 'node');
	return {
		dir,
		nodeBin,
		nodeBinDir: path.dirname(nodeBin),
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nVersion: N8N_VERSION,
		nodeVersion: NODE_VERSION,
	};
}

function markerPath(dir) {
	return path.join(dir, '.install-complete.json');
}

function readMarker(dir) {
	try {
		const marker = JSON.parse(fs.readFileSync(markerPath(dir), 'utf8'));
		if (
			marker.n8nVersion === N8N_VERSION &&
			marker.nodeVersion === NODE_VERSION &&
			marker.nodePackage === nodePackageName()
		) {
			const info = describe(dir);
			if (fs.existsSync(info.nodeBin) && fs.existsSync(info.n8nBin)) return info;
		}
	} catch {
		// no marker, or unreadable: not installed
	}
	return undefined;
}

/** Environment for npm: no npm_config_* / npm_package_* leaking from a parent `npm run`. */
function cleanEnv(extraPathDir) {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(key)) continue;
		if (key === 'NODE_OPTIONS' || key === 'INIT_CWD') continue;
		env[key] = value;
	}
	if (extraPathDir) env.PATH = `${extraPathDir}${path.delimiter}${env.PATH || ''}`;
	return env;
}

function run(command, args, options) {
	return new Promise((resolve, reject) => {
		const tail = [];
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const keep = (chunk) => {
			for (const line of chunk.toString('utf8').split('\n')) {
				if (!line.trim()) continue;
				tail.push(line);
				if (tail.length > 40) tail.shift();
				if (options.verbose) log(`  ${line}`);
			}
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			if (code === 0) resolve(tail);
			else {
				reject(
					new Error(
						`${command} ${args.join(' ')} failed (${signal ? `signal ${signal}` : `exit ${code}`}) in ${options.cwd}:\n${tail.join('\n')}`,
					),
				);
			}
		});
	});
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

async function acquireLock(lockFile) {
	const started = Date.now();
	let announced = false;
	for (;;) {
		try {
			const fd = fs.openSync(lockFile, 'wx');
			fs.writeSync(
				fd,
				JSON.stringify({ pid: process.pid, host: os.hostname(), at: new Date().toISOString() }),
			);
			fs.closeSync(fd);
			return () => {
				try {
					fs.unlinkSync(lockFile);
				} catch {
					// already gone
				}
			};
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
		}
		let holder;
		try {
			holder = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
		} catch {
			holder = undefined; // being written right now, or garbage
		}
		let stale = false;
		try {
			const age = Date.now() - fs.statSync(lockFile).mtimeMs;
			if (holder && holder.host === os.hostname() && !pidAlive(holder.pid)) stale = true;
			else if (age > LOCK_STALE_MS) stale = true;
			else if (!holder && age > 10000) stale = true;
		} catch {
			continue; // lock vanished: retry at once
		}
		if (stale) {
			log(`removing stale lock ${lockFile}`);
			try {
				fs.unlinkSync(lockFile);
			} catch {
				// someone else removed it
			}
			continue;
		}
		if (!announced) {
			log(`another process (pid ${holder ? holder.pid : '?'}) is installing n8n; waiting for it`);
			announced = true;
		}
		if (Date.now() - started > LOCK_WAIT_MS)
			throw new Error(`ensure-n8n: timed out waiting for lock ${lockFile}`);
		await sleep(1000);
	}
}

async function install(dir, verbose) {
	const nodePkg = nodePackageName();
	const info = describe(dir);
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		`${JSON.stringify(
			{
				name: 'x-aaa-e2e-n8n',
				version: '1.0.0',
				private: true,
				description:
					'n8n for the end-to-end tests of n8n-nodes-x-account-activity (generated by scripts/ensure-n8n.js)',
				dependencies: { n8n: N8N_VERSION, [nodePkg]: NODE_VERSION },
			},
			null,
			2,
		)}\n`,
	);
	// This folder's own npm settings; environment variables that would override them are scrubbed.
	fs.writeFileSync(
		path.join(dir, '.npmrc'),
		[
			'ignore-scripts=true',
			'save-exact=true',
			'fund=false',
			'audit=false',
			'update-notifier=false',
			'package-lock=true',
			'',
		].join('\n'),
	);
	const env = cleanEnv();
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

	let t = Date.now();
	log(`npm install --ignore-scripts n8n@${N8N_VERSION} ${nodePkg}@${NODE_VERSION} (cwd ${dir})`);
	await run(
		npm,
		['install', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=dev', '--loglevel=error'],
		{ cwd: dir, env, verbose },
	);
	log(`npm install done in ${((Date.now() - t) / 1000).toFixed(0)} s`);

	if (!fs.existsSync(info.nodeBin))
		throw new Error(`ensure-n8n: ${info.nodeBin} missing after npm install`);
	const version = spawnSync(info.nodeBin, ['--version'], { encoding: 'utf8' });
	if (version.status !== 0 || version.stdout.trim() !== `v${NODE_VERSION}`) {
		throw new Error(
			`ensure-n8n: ${info.nodeBin} --version gave ${JSON.stringify(version.stdout || version.stderr)}, expected v${NODE_VERSION}`,
		);
	}

	// Rebuild sqlite3 with Node 24 first on PATH (npm and node-gyp then run on Node 24). Headers: the
	// node package ships include/node, so node-gyp needs no download.
	t = Date.now();
	log(`npm rebuild ${SQLITE3_REBUILD} with Node ${NODE_VERSION} on PATH (usually about 1 minute)`);
	const rebuildEnv = cleanEnv(info.nodeBinDir);
	const nodeDir = path.dirname(info.nodeBinDir);
	if (fs.existsSync(path.join(nodeDir, 'include', 'node', 'node.h')))
		rebuildEnv.npm_config_nodedir = nodeDir;
	await run(
		npm,
		[
			'rebuild',
			SQLITE3_REBUILD,
			'--ignore-scripts=false',
			'--foreground-scripts',
			'--loglevel=error',
		],
		{
			cwd: dir,
			env: rebuildEnv,
			verbose,
		},
	);
	log(`npm rebuild done in ${((Date.now() - t) / 1000).toFixed(0)} s`);

	// Verify: sqlite3 loads and opens an in-memory database under Node 24, and n8n answers --version.
	const check = spawnSync(
		info.nodeBin,
		[
			'-e',
			"const s=require('sqlite3');const db=new s.Database(':memory:');db.get('select 1 as x',(e,r)=>{if(e||r.x!==1)process.exit(1);db.close();});",
		],
		{
			cwd: path.join(dir, 'node_modules', 'n8n'),
			encoding: 'utf8',
			env: cleanEnv(info.nodeBinDir),
		},
	);
	if (check.status !== 0)
		throw new Error(
			`ensure-n8n: sqlite3 does not load under Node ${NODE_VERSION}:\n${check.stderr}`,
		);
	const n8nVersion = spawnSync(info.nodeBin, [info.n8nBin, '--version'], {
		cwd: dir,
		encoding: 'utf8',
		env: {
			...cleanEnv(info.nodeBinDir),
			N8N_USER_FOLDER: fs.mkdtempSync(path.join(os.tmpdir(), 'ensure-n8n-')),
			N8N_DIAGNOSTICS_ENABLED: 'false',
		},
		timeout: 120000,
	});
	if (n8nVersion.status !== 0 || !n8nVersion.stdout.includes(N8N_VERSION)) {
		throw new Error(
			`ensure-n8n: n8n --version failed: ${(n8nVersion.stdout || '') + (n8nVersion.stderr || '')}`,
		);
	}

	fs.writeFileSync(
		markerPath(dir),
		`${JSON.stringify({ n8nVersion: N8N_VERSION, nodeVersion: NODE_VERSION, nodePackage: nodePkg, installedAt: new Date().toISOString() }, null, 2)}\n`,
	);
	return info;
}

/**
 * Makes sure the pinned n8n is installed in the cache; returns where.
 * @param {{ cacheDir?: string, verbose?: boolean }} [options]
 * @returns {Promise<{dir: string, nodeBin: string, nodeBinDir: string, n8nBin: string, n8nVersion: string, nodeVersion: string}>}
 */
async function ensureN8n(options = {}) {
	const root = options.cacheDir || cacheRoot();
	const dir = path.join(root, `n8n-${N8N_VERSION}`);
	const ready = readMarker(dir);
	if (ready) return ready;

	fs.mkdirSync(root, { recursive: true });
	const release = await acquireLock(path.join(root, `n8n-${N8N_VERSION}.lock`));
	try {
		const done = readMarker(dir); // installed by whoever held the lock before us
		if (done) return done;
		const t = Date.now();
		log(`installing n8n ${N8N_VERSION} into ${dir}, usually about 3-4 minutes (about 1.3 GB)`);
		const info = await install(dir, Boolean(options.verbose));
		log(`n8n ${N8N_VERSION} installed in ${((Date.now() - t) / 1000).toFixed(0)} s`);
		return info;
	} finally {
		release();
	}
}

module.exports = { ensureN8n, N8N_VERSION, NODE_VERSION };

if (require.main === module) {
	const json = process.argv.includes('--json');
	const verbose = process.argv.includes('--verbose');
	ensureN8n({ verbose })
		.then((info) => {
			log(
				`ready: n8n ${info.n8nVersion} in ${info.dir} (Node ${info.nodeVersion}: ${info.nodeBin})`,
			);
			process.stdout.write(json ? `${JSON.stringify(info)}\n` : `${info.dir}\n`);
		})
		.catch((error) => {
			log(`FAILED: ${error && error.message ? error.message : String(error)}`);
			process.exit(1);
		});
}
