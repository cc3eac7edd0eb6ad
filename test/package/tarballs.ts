/**
 * The three packages as `npm pack` ships them (packed from what `npm test` built), for the
 * package tests: the n8n node package (the repo root), x-aaa-migrate (migrate/) and
 * x-activity-simulator (simulator/).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../e2e/harness/install';
import { packPackage, type PackedTarball } from '../e2e/harness/pack';

export const PACKAGE_DIRS = {
	node: REPO_ROOT,
	migrate: path.join(REPO_ROOT, 'migrate'),
	simulator: path.join(REPO_ROOT, 'simulator'),
} as const;

export type PackageKey = keyof typeof PACKAGE_DIRS;

export interface Packed {
	dir: string;
	tarballs: Record<PackageKey, PackedTarball>;
	cleanup(): void;
}

/** Packs the given packages into a fresh temp folder (outside the repo). */
export async function packAll(keys: PackageKey[] = ['node', 'migrate', 'simulator']): Promise<Packed> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-aaa-packed-'));
	const tarballs = {} as Record<PackageKey, PackedTarball>;
	for (const key of keys) tarballs[key] = await packPackage(PACKAGE_DIRS[key], dir);
	return { dir, tarballs, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function describeTarball(t: PackedTarball): string {
	return `${t.name}@${t.version}: ${(t.size / 1024).toFixed(1)} kB packed, ${(t.unpackedSize / 1024).toFixed(1)} kB unpacked, ${t.files.length} files`;
}
