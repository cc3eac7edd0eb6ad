#!/usr/bin/env node
/**
 * The queue-mode end-to-end test (test/e2e/queue/) and `npm run bench:queue` run n8n the way
 * n8n's queue mode needs it: Redis and Postgres. They use Debian's packages. This script makes
 * sure the binaries are there and says where:
 *
 *   - `redis-server` (package redis-server) and Postgres' server binaries (package postgresql:
 *     initdb, postgres, psql under /usr/lib/postgresql/<major>/bin);
 *   - when one is missing and we are root with apt-get: `apt-get update` once, then
 *     `apt-get install` of the missing packages, with Debian's policy-rc.d mechanism telling
 *     the packages not to start their system services (the tests start private instances);
 *   - a non-root account to run Postgres as when we are root (Postgres refuses to run as
 *     root): the package's `postgres` account, else one created with useradd.
 *
 * Installed packages are found again in milliseconds (nothing is downloaded twice). Concurrent
 * callers are safe: apt waits for its own lock. Progress goes to stderr; stdout gets one JSON
 * line: {"redisServer", "pgBinDir", "runAs": {"user","uid","gid"} | null}. Exit 1 with the
 * reason when the services cannot be provided.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const PG_ROOT = '/usr/lib/postgresql';
const PG_TOOLS = ['initdb', 'postgres', 'psql'];
const FALLBACK_USER = 'x-aaa-queue-pg';
const POLICY_RC = '/usr/sbin/policy-rc.d';

function log(message) {
	process.stderr.write(`ensure-queue-services: ${message}\n`);
}

function sh(command, options = {}) {
	return spawnSync('sh', ['-c', command], {
		encoding: 'utf8',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		...options,
	});
}

function findRedis() {
	for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
		if (fs.existsSync(candidate)) return candidate;
	}
	const which = sh('command -v redis-server');
	const found = which.status === 0 ? which.stdout.trim() : '';
	return found || undefined;
}

/** The newest /usr/lib/postgresql/<major>/bin holding initdb, postgres and psql. */
function findPgBinDir() {
	if (!fs.existsSync(PG_ROOT)) return undefined;
	const majors = fs
		.readdirSync(PG_ROOT)
		.filter((name) => /^\d+$/.test(name))
		.sort((a, b) => Number(b) - Number(a));
	for (const major of majors) {
		const bin = path.join(PG_ROOT, major, 'bin');
		if (PG_TOOLS.every((tool) => fs.existsSync(path.join(bin, tool)))) return bin;
	}
	return undefined;
}

function isRoot() {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

function aptInstall(packages) {
	if (!isRoot() || sh('command -v apt-get').status !== 0) {
		throw new Error(
			`missing ${packages.join(', ')}; install Debian's ${packages.join(' and ')} (apt-get install ${packages.join(' ')}) or run as root with apt-get`,
		);
	}
	log(`installing ${packages.join(', ')} with apt (about a minute, once)…`);
	// Debian's packages start their system services from postinst unless policy-rc.d says no (101);
	// the tests run private instances and must not leave a system Redis/Postgres running.
	const ownPolicy = !fs.existsSync(POLICY_RC);
	if (ownPolicy) fs.writeFileSync(POLICY_RC, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
	try {
		const lock = '-o DPkg::Lock::Timeout=600';
		const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };
		let r = sh(`apt-get ${lock} update -qq`, quiet);
		if (r.status === 0) {
			r = sh(`apt-get ${lock} install -y -qq --no-install-recommends ${packages.join(' ')}`, quiet);
		}
		if (r.status !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed (exit ${r.status})`);
	} finally {
		if (ownPolicy) fs.rmSync(POLICY_RC, { force: true });
	}
}

function accountOf(user) {
	const r = sh(`id -u ${user} && id -g ${user}`);
	if (r.status !== 0) return undefined;
	const [uid, gid] = r.stdout.trim().split('\n').map(Number);
	return { user, uid, gid };
}

/** Postgres refuses to run as root: the account it runs as (null when we are not root). */
function ensureRunAs() {
	if (!isRoot()) return null;
	const existing = accountOf('postgres') ?? accountOf(FALLBACK_USER);
	if (existing) return existing;
	log(`creating the system account ${FALLBACK_USER} to run Postgres as`);
	const r = sh(`useradd --system --no-create-home --shell /usr/sbin/nologin ${FALLBACK_USER}`, {
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const created = accountOf(FALLBACK_USER);
	if (r.status !== 0 || !created) throw new Error(`useradd ${FALLBACK_USER} failed`);
	return created;
}

function main() {
	let redisServer = findRedis();
	let pgBinDir = findPgBinDir();
	const missing = [];
	if (!redisServer) missing.push('redis-server');
	if (!pgBinDir) missing.push('postgresql');
	if (missing.length > 0) {
		aptInstall(missing);
		redisServer = findRedis();
		pgBinDir = findPgBinDir();
		if (!redisServer || !pgBinDir) {
			throw new Error(`after apt-get install: redis-server ${redisServer ? 'found' : 'missing'}, Postgres binaries ${pgBinDir ? 'found' : 'missing'}`);
		}
		log('installed');
	}
	const runAs = ensureRunAs();
	process.stdout.write(`${JSON.stringify({ redisServer, pgBinDir, runAs })}\n`);
}

try {
	main();
} catch (error) {
	log(error instanceof Error ? error.message : String(error));
	process.exit(1);
}
