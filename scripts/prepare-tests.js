#!/usr/bin/env node
// What `npm test` needs before jest starts, so the README's `npm ci && npm test` is the whole
// recipe: the pinned n8n for the end-to-end tests (minutes the first time, cached afterwards;
// jest's per-test timeouts are too short for the first install) and Debian's chromium for the
// playground's browser test. The build itself is the `test` script's first step.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { ensureN8n } = require('./ensure-n8n');

ensureN8n()
	.then(() => {
		const r = spawnSync(process.execPath, [path.join(__dirname, 'ensure-chromium.js')], { stdio: 'inherit' });
		process.exit(r.status ?? 1);
	})
	.catch((error) => {
		console.error(`prepare-tests: ${error && error.message ? error.message : String(error)}`);
		process.exit(1);
	});
