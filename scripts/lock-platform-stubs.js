#!/usr/bin/env node
/**
 * Records off-platform optional bindings in package-lock.json.
 *
 * The npm registry reachable from these machines only serves the linux-x64 builds of native
 * packages with per-platform optional dependencies (here: unrs-resolver's bindings, via the lint
 * toolchain). npm then leaves the other platforms out of the lock file, and `npm ci` refuses
 * the lock as "out of sync". This adds those entries with their os/cpu, exactly as npm writes
 * them when the registry has them, so `npm ci` skips them on this platform without fetching.
 * Run it after `npm install` changes the lock: `node scripts/lock-platform-stubs.js`.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.resolve(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));

/** platform triple in a binding's name → npm's os / cpu / libc fields */
function platformOf(suffix) {
	const [os, arch, abi] = suffix.split('-');
	const cpu = { arm: 'arm', arm64: 'arm64', x64: 'x64', ia32: 'ia32', loong64: 'loong64', ppc64: 'ppc64', riscv64: 'riscv64', s390x: 's390x', wasm32: 'wasm32' }[arch];
	const fields = { os: [os], cpu: [cpu ?? arch] };
	if (os === 'linux' && abi) fields.libc = [abi.startsWith('musl') ? 'musl' : 'glibc'];
	return fields;
}

let added = 0;
for (const [where, pkg] of Object.entries(lock.packages)) {
	const optional = pkg.optionalDependencies ?? {};
	for (const [name, version] of Object.entries(optional)) {
		const m = /^@unrs\/resolver-binding-(.+)$/.exec(name);
		if (!m || m[1].startsWith('wasm32')) continue;
		const key = (where ? where + '/' : '') + 'node_modules/' + name;
		const hoisted = 'node_modules/' + name;
		if (lock.packages[key] || lock.packages[hoisted]) continue;
		lock.packages[hoisted] = { version, cpu: [], os: [], optional: true, ...platformOf(m[1]) };
		added++;
	}
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-platform-stubs: ${added} off-platform optional entr${added === 1 ? 'y' : 'ies'} recorded`);
