// `npm pack` of a package folder, as a publish would ship it. Packs what is built: `npm test`
// builds first, and packing with lifecycle scripts would rebuild dist/ under the feet of the
// tests that run in parallel (a fresh clone's `npm pack` does run prepack; see test/package/).
import * as fs from 'node:fs';
import * as path from 'node:path';

import { baseEnv, runCommand } from './env';

export interface PackedTarball {
	/** Absolute path of the .tgz. */
	file: string;
	name: string;
	version: string;
	/** Bytes of the .tgz. */
	size: number;
	unpackedSize: number;
	/** Paths inside the package, e.g. dist/nodes/X/X.node.js. */
	files: string[];
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Packs the package in `packageDir` into `destDir` (created if missing). */
export async function packPackage(packageDir: string, destDir: string): Promise<PackedTarball> {
	fs.mkdirSync(destDir, { recursive: true });
	const { stdout } = await runCommand(
		npm,
		['pack', '--ignore-scripts', '--json', '--loglevel=error', '--pack-destination', destDir],
		{ cwd: packageDir, env: baseEnv(), timeoutMs: 120_000 },
	);
	const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{
		filename: string;
		name: string;
		version: string;
		size: number;
		unpackedSize: number;
		files: Array<{ path: string }>;
	}>;
	return {
		file: path.join(destDir, info.filename),
		name: info.name,
		version: info.version,
		size: info.size,
		unpackedSize: info.unpackedSize,
		files: info.files.map((f) => f.path),
	};
}

/** Extracts a tarball's `package/` into `dir`, as n8n's installer does (tar --strip-components=1). */
export async function extractTarball(tarball: string, dir: string): Promise<void> {
	fs.mkdirSync(dir, { recursive: true });
	await runCommand('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], { timeoutMs: 60_000 });
}
