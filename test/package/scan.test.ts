/**
 * n8n's own scanner (@n8n/scan-community-package, the check behind "verified" community nodes
 * and n8n Cloud) on the node package's tarball and on its source: no error, no warning. The
 * scanner's CLI fetches from the registry and GitHub; scripts/scan-package.mjs runs its
 * analysis (its ESLint config and file sets) on local folders.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractTarball } from '../e2e/harness/pack';
import { REPO_ROOT } from '../e2e/harness/install';
import { describeTarball, packAll, type Packed } from './tarballs';

interface ScanResult {
	mode: string;
	files: number;
	errors: number;
	warnings: number;
	messages: string[];
}

function scan(mode: 'source' | 'tarball', dir: string): ScanResult {
	const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'scan-package.mjs'), `--${mode}`, dir, '--json'], {
		encoding: 'utf8',
		timeout: 240_000,
	});
	const line = r.stdout.trim().split('\n').pop() ?? '';
	if (!line.startsWith('{')) throw new Error(`scan-package.mjs printed no result (exit ${r.status}): ${r.stderr.slice(-2000)}`);
	return JSON.parse(line) as ScanResult;
}

describe('n8n community-package scanner', () => {
	let packed: Packed;
	let unpacked: string;
	let files: string[];
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[]; credentials: string[] };
	};

	beforeAll(async () => {
		packed = await packAll(['node']);
		files = packed.tarballs.node.files;
		console.log(`[package] ${describeTarball(packed.tarballs.node)}`);
		unpacked = path.join(packed.dir, 'node-package');
		await extractTarball(packed.tarballs.node.file, unpacked);
	}, 120_000);
	afterAll(() => packed?.cleanup());

	it('passes on the packed tarball: 0 errors, 0 warnings', () => {
		const result = scan('tarball', unpacked);
		expect(result.messages).toEqual([]);
		expect(result).toMatchObject({ errors: 0, warnings: 0 });
		// the scan saw the bundles, not an empty folder
		expect(result.files).toBe(files.filter((f) => f.endsWith('.js')).length + 1);
	}, 240_000);

	it('passes on the source n8n scans (package.json, nodes/, credentials/): 0 errors, 0 warnings', () => {
		const result = scan('source', REPO_ROOT);
		expect(result.messages).toEqual([]);
		expect(result).toMatchObject({ errors: 0, warnings: 0 });
		expect(result.files).toBeGreaterThan(pkg.n8n.nodes.length + pkg.n8n.credentials.length);
	}, 240_000);

	it('fails a package that breaks the rules (the check can fail)', () => {
		const bad = path.join(packed.dir, 'bad-package');
		fs.mkdirSync(path.join(bad, 'dist', 'nodes', 'Bad'), { recursive: true });
		fs.writeFileSync(
			path.join(bad, 'package.json'),
			JSON.stringify({ name: 'n8n-nodes-bad', version: '1.0.0', dependencies: { axios: '1.0.0' }, n8n: { n8nNodesApiVersion: 1, nodes: ['dist/nodes/Bad/Bad.node.js'] } }),
		);
		fs.writeFileSync(
			path.join(bad, 'dist', 'nodes', 'Bad', 'Bad.node.js'),
			"'use strict';\nconst http = require('node:http');\nsetTimeout(() => console.log(process.env.HOME, http), 1);\n",
		);
		const result = scan('tarball', bad);
		const rules = result.messages.map((m) => m.split(' ')[2]);
		expect(rules).toEqual(
			expect.arrayContaining([
				'@n8n/community-nodes/no-runtime-dependencies',
				'@n8n/community-nodes/no-restricted-imports',
				'@n8n/community-nodes/no-restricted-globals',
				'no-console',
			]),
		);
	}, 240_000);

	it('ships every registered node and credential, and no sources, maps, tests or fixtures', () => {
		for (const registered of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(files).toContain(registered);
		expect(files.filter((f) => /\.(ts|map)$/.test(f) || /(^|\/)(test|fixtures?|__tests__)\//.test(f))).toEqual([]);
		expect(files.filter((f) => !/^(dist\/|package\.json$|README\.md$|LICENSE$)/.test(f))).toEqual([]);
		expect(files).toContain('dist/licenses/oauth-1.0a.txt'); // bundled, so its licence ships
	});

	it('has no runtime dependencies and loads with only n8n-workflow beside it', () => {
		const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8')) as Record<string, unknown>;
		expect(manifest.dependencies ?? {}).toEqual({});
		expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		const required = new Set<string>();
		for (const f of files.filter((x) => x.endsWith('.js'))) {
			for (const m of fs.readFileSync(path.join(unpacked, f), 'utf8').matchAll(/require\("([^"]+)"\)/g)) required.add(m[1]);
		}
		expect([...required].sort()).toEqual(['n8n-workflow', 'node:crypto']);
	});
});
