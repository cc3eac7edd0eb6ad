// A fresh N8N_USER_FOLDER with a built package installed as a community package, the way n8n
// 2.41 installs one (CommunityPackagesService.downloadPackage): the package's tarball (here
// `npm pack` of the built package, there the registry's) extracted into
// .n8n/nodes/node_modules/<name>/, its package.json without dev/peer/optional dependencies, a
// shallow `npm install --ignore-scripts` there, and .n8n/nodes/package.json listing it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { baseEnv, runCommand } from './env';
import { REPO_ROOT } from './install';
import { extractTarball, packPackage } from './pack';

export interface PrepareUserFolderOptions {
	/** Folder of the built package, packed with `npm pack`. Default: the repo (the node package). */
	packageDir?: string;
	/** A packed tarball to install instead of packing `packageDir`. */
	tarball?: string;
	/** Parent of the new user folder. Default: $X_AAA_E2E_TMP or os.tmpdir(). Must not lie under a node_modules holding n8n-workflow (e.g. inside the repo). */
	parentDir?: string;
	/** Prefix of the folder name. */
	prefix?: string;
}

interface PackageJson {
	name: string;
	version: string;
	files?: string[];
	dependencies?: Record<string, string>;
	devDependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	optionalDependencies?: Record<string, string>;
	[key: string]: unknown;
}

export function readPackageJson(packageDir: string): PackageJson {
	return JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as PackageJson;
}

/**
 * n8n resolves `n8n-workflow` from a community node by walking up node_modules folders before its
 * NODE_PATH fallback; a user folder inside the repo would pick the repo's dev copy instead of n8n's.
 */
function assertNoShadowingWorkflow(dir: string): void {
	for (let current = path.resolve(dir); ; current = path.dirname(current)) {
		if (fs.existsSync(path.join(current, 'node_modules', 'n8n-workflow'))) {
			throw new Error(
				`prepareUserFolder: ${dir} lies under ${current}, whose node_modules holds n8n-workflow; the community package would load that copy instead of n8n's own. Use a folder outside the repo (default os.tmpdir()).`,
			);
		}
		if (path.dirname(current) === current) return;
	}
}

/** Creates a fresh user folder with the package installed; returns its path (use it as N8N_USER_FOLDER). */
export async function prepareUserFolder(options: PrepareUserFolderOptions = {}): Promise<string> {
	const packageDir = path.resolve(options.packageDir ?? REPO_ROOT);
	const parentDir = options.parentDir ?? process.env.X_AAA_E2E_TMP ?? os.tmpdir();
	assertNoShadowingWorkflow(parentDir);
	fs.mkdirSync(parentDir, { recursive: true });
	const userFolder = fs.mkdtempSync(path.join(parentDir, options.prefix ?? 'x-aaa-n8n-'));

	let tarball = options.tarball;
	if (!tarball) {
		if (!fs.existsSync(path.join(packageDir, 'dist')))
			throw new Error(`prepareUserFolder: ${path.join(packageDir, 'dist')} missing; build the package first (npm run build)`);
		tarball = (await packPackage(packageDir, path.join(userFolder, 'download'))).file;
	}
	// n8n: npm pack <name>@<version>, tar -xzf … --strip-components=1, drop dev/peer/optional
	// dependencies from package.json, npm install with these flags, then list it in nodes/package.json.
	const staging = path.join(userFolder, 'download', 'package');
	await extractTarball(tarball, staging);
	const pkg = readPackageJson(staging);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', pkg.name);
	fs.mkdirSync(path.dirname(target), { recursive: true });
	fs.renameSync(staging, target);
	fs.rmSync(path.join(userFolder, 'download'), { recursive: true, force: true });
	const runtime: PackageJson = { ...pkg };
	delete runtime.devDependencies;
	delete runtime.peerDependencies;
	delete runtime.optionalDependencies;
	fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify(runtime, null, 2));
	await runCommand(
		process.platform === 'win32' ? 'npm.cmd' : 'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
			'--loglevel=error',
		],
		{ cwd: target, env: baseEnv(), timeoutMs: 5 * 60 * 1000 },
	);

	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [pkg.name]: pkg.version } }, null, 2)}\n`,
	);
	return userFolder;
}

/** Removes a user folder made by prepareUserFolder (keep it instead when X_AAA_E2E_KEEP=1). */
export function removeUserFolder(userFolder: string): void {
	if (process.env.X_AAA_E2E_KEEP === '1') {
		console.log(`[e2e] keeping ${userFolder}`);
		return;
	}
	fs.rmSync(userFolder, { recursive: true, force: true, maxRetries: 3 });
}
