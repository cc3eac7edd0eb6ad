#!/usr/bin/env node
/**
 * The playground's browser test drives Debian's Chromium (playwright-core cannot download a
 * browser here). `npm test` runs this first: when /usr/bin/chromium is missing and we are root
 * with apt-get, it installs the Debian package (about a minute, once); otherwise it says how.
 */
'use strict';
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const CHROMIUM = '/usr/bin/chromium';
if (fs.existsSync(CHROMIUM)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
	console.error(`ensure-chromium: ${CHROMIUM} is missing; install Debian's chromium (apt-get install chromium) for the browser test`);
	process.exit(0); // the browser test then fails and says the same
}
console.log('ensure-chromium: installing Debian chromium for the playground browser test (about a minute, once)…');
const run = (cmd) => spawnSync('sh', ['-c', cmd], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
let r = run('apt-get update -qq');
if (r.status === 0) r = run('apt-get install -y -qq --no-install-recommends chromium');
if (r.status !== 0 || !fs.existsSync(CHROMIUM)) {
	console.error('ensure-chromium: the install failed; the browser test will say so');
	process.exit(0);
}
console.log('ensure-chromium: installed');
