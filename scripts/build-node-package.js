#!/usr/bin/env node
/**
 * Builds the n8n node package (the repo root) into dist/: one CommonJS bundle per node
 * (`nodes/<Name>/<Name>.node.ts`) and per credential (`credentials/<Name>.credentials.ts`), found
 * by glob, so new nodes and credentials need no entry here; their icons and codex files beside
 * them. Run by `npm run build` (and so by prepack).
 *
 * Why a bundler: the package must have no runtime dependencies (n8n Cloud installs none), yet the
 * client signs with `oauth-1.0a`. esbuild inlines it (and any other imported library) into the
 * bundles and its licence goes to dist/licenses/; `n8n-workflow` stays external (n8n provides
 * it). The client's Node defaults (client/node/defaults.ts: Node's HTTP and timers, for the CLI
 * and tests) are swapped for nodes/shared/n8n-defaults.ts, so nothing of Node's HTTP or global
 * timers can reach the package. No source maps: the sources are not shipped.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const ASSET_EXTS = new Set(['.svg', '.png', '.json']);

function walk(dir, out = []) {
	if (!fs.existsSync(dir)) return out;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) walk(full, out);
		else out.push(full);
	}
	return out;
}

const entryPoints = [
	...walk(path.join(root, 'nodes')).filter((f) => f.endsWith('.node.ts')),
	...walk(path.join(root, 'credentials')).filter((f) => f.endsWith('.credentials.ts')),
];

const NODE_DEFAULTS = path.join(root, 'client', 'node', 'defaults.ts');
const N8N_DEFAULTS = path.join(root, 'nodes', 'shared', 'n8n-defaults.ts');

/** client/node/defaults → nodes/shared/n8n-defaults; anything else from client/node/ is an error. */
const n8nRuntime = {
	name: 'n8n-runtime',
	setup(build) {
		build.onResolve({ filter: /(^|\/)node\// }, (args) => {
			if (!args.importer) return undefined;
			const resolved = path.resolve(args.resolveDir, args.path);
			const asTs = resolved.endsWith('.ts') ? resolved : `${resolved}.ts`;
			if (asTs === NODE_DEFAULTS) return { path: N8N_DEFAULTS };
			if (asTs.startsWith(path.join(root, 'client', 'node') + path.sep)) {
				return { errors: [{ text: `${path.relative(root, args.importer)} imports ${args.path}: Node-only client code must not reach the n8n package` }] };
			}
			return undefined;
		});
	},
};

async function main() {
	fs.rmSync(dist, { recursive: true, force: true });
	const result = await esbuild.build({
		entryPoints,
		outbase: root,
		outdir: dist,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['n8n-workflow'],
		plugins: [n8nRuntime],
		sourcemap: false,
		legalComments: 'none', // licences go to dist/licenses/ instead
		metafile: true,
		logLevel: 'warning',
	});

	// Icons and codex files next to the sources they belong to.
	let assets = 0;
	for (const dir of ['nodes', 'credentials']) {
		for (const file of walk(path.join(root, dir))) {
			if (!ASSET_EXTS.has(path.extname(file))) continue;
			const dest = path.join(dist, path.relative(root, file));
			fs.mkdirSync(path.dirname(dest), { recursive: true });
			fs.copyFileSync(file, dest);
			assets++;
		}
	}

	// The licence of every bundled third-party package.
	const bundled = new Set();
	for (const input of Object.keys(result.metafile.inputs)) {
		const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
		if (m) bundled.add(m[1]);
	}
	const licenses = path.join(dist, 'licenses');
	for (const name of [...bundled].sort()) {
		const pkgDir = path.join(root, 'node_modules', name);
		const licence = fs.readdirSync(pkgDir).find((f) => /^licen[cs]e(\.|$)/i.test(f));
		if (!licence) throw new Error(`build-node-package: ${name} is bundled but ships no licence file`);
		const { version, license } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
		fs.mkdirSync(licenses, { recursive: true });
		fs.writeFileSync(
			path.join(licenses, `${name.replace('/', '__')}.txt`),
			`${name}@${version} (${license}), bundled into the files under dist/\n\n${fs.readFileSync(path.join(pkgDir, licence), 'utf8')}`,
		);
	}

	const registered = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).n8n ?? {};
	const listed = new Set([...(registered.nodes ?? []), ...(registered.credentials ?? [])]);
	const built = Object.keys(result.metafile.outputs).map((o) => path.relative(root, path.resolve(root, o)).split(path.sep).join('/'));
	const unlisted = built.filter((o) => !listed.has(o));
	if (unlisted.length > 0) {
		throw new Error(`build-node-package: built but not registered in package.json's "n8n" section: ${unlisted.join(', ')}`);
	}
	const missing = [...listed].filter((o) => !built.includes(o));
	if (missing.length > 0) {
		throw new Error(`build-node-package: registered in package.json's "n8n" section but not built: ${missing.join(', ')}`);
	}
	if (!process.argv.includes('--quiet')) {
		console.log(
			`build-node-package: ${built.length} bundle(s), ${assets} asset(s), bundled ${[...bundled].join(', ') || 'no library'}`,
		);
	}
}

main().catch((error) => {
	console.error(error && error.message ? error.message : String(error));
	process.exit(1);
});
