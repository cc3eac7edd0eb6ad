#!/usr/bin/env node
/**
 * Checks the three packages agree before a release: one version (equal to the tag, when given,
 * e.g. `v0.2.0`), x-aaa-migrate depending on exactly that x-activity-simulator, and the same
 * repository, bugs, author and licence everywhere. Run by the release workflow and the tests.
 *
 *   node scripts/check-release.js [vX.Y.Z]
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const read = (dir) => JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));

function problems(tag) {
	const pkgs = { '.': read('.'), migrate: read('migrate'), simulator: read('simulator') };
	const out = [];
	const base = pkgs['.'];
	const version = tag ? tag.replace(/^v/, '') : base.version;
	for (const [dir, p] of Object.entries(pkgs)) {
		if (p.version !== version) out.push(`${dir}/package.json: version ${p.version}, expected ${version}`);
		if (p.repository?.url !== base.repository?.url) out.push(`${dir}/package.json: repository.url differs from the root's`);
		if (dir !== '.' && p.repository?.directory !== dir) out.push(`${dir}/package.json: repository.directory should be "${dir}"`);
		for (const field of ['bugs', 'author', 'license']) {
			if (JSON.stringify(p[field]) !== JSON.stringify(base[field])) out.push(`${dir}/package.json: ${field} differs from the root's`);
		}
		if (!p.homepage?.startsWith(base.repository.url.replace(/^git\+/, '').replace(/\.git$/, ''))) {
			out.push(`${dir}/package.json: homepage should point into the repository`);
		}
		if (p.private) out.push(`${dir}/package.json: private, cannot be published`);
	}
	const dep = pkgs.migrate.dependencies?.['x-activity-simulator'];
	if (dep !== pkgs.simulator.version) out.push(`migrate/package.json: x-activity-simulator ${dep}, expected exactly ${pkgs.simulator.version}`);
	return out;
}

module.exports = { problems };

if (require.main === module) {
	const found = problems(process.argv[2]);
	for (const p of found) console.error(`check-release: ${p}`);
	if (found.length > 0) process.exit(1);
	console.log('check-release: the three packages agree');
}
