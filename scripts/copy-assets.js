#!/usr/bin/env node
// Copies what tsc does not emit (icons, codex JSON) from the source tree into dist/.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const exts = new Set(['.svg', '.png', '.json']);
let copied = 0;

function walk(rel) {
	for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
		const childRel = path.join(rel, entry.name);
		if (entry.isDirectory()) walk(childRel);
		else if (exts.has(path.extname(entry.name))) {
			const dest = path.join(root, 'dist', childRel);
			fs.mkdirSync(path.dirname(dest), { recursive: true });
			fs.copyFileSync(path.join(root, childRel), dest);
			copied++;
		}
	}
}

for (const dir of ['nodes', 'credentials']) if (fs.existsSync(path.join(root, dir))) walk(dir);
for (const bin of ['dist/migrate/cli.js', 'dist/simulator/cli.js']) {
	const p = path.join(root, bin);
	if (fs.existsSync(p)) fs.chmodSync(p, 0o755);
}
console.log(`copy-assets: ${copied} file(s) copied into dist/`);
