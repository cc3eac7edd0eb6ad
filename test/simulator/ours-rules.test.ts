/** Every `ours:` marker in the simulator has its row in docs/simulator-rules.md, and no row is stale. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');

function markersPerFile(): Record<string, number> {
	const out: Record<string, number> = {};
	const walk = (dir: string) => {
		for (const e of readdirSync(dir, { withFileTypes: true })) {
			const p = path.join(dir, e.name);
			if (e.isDirectory()) {
				// the simulator package's build output (dist/, node_modules/) is not source
				if (e.name !== 'dist' && e.name !== 'node_modules') walk(p);
			} else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
				const n = (readFileSync(p, 'utf8').match(/(?<![A-Za-z])ours:/g) ?? []).length;
				if (n) out[path.relative(ROOT, p).split(path.sep).join('/')] = n;
			}
		}
	};
	walk(path.join(ROOT, 'simulator'));
	return out;
}

function rowsPerFile(): Record<string, number> {
	const out: Record<string, number> = {};
	for (const line of readFileSync(path.join(ROOT, 'docs/simulator-rules.md'), 'utf8').split('\n')) {
		const m = /^\| `(simulator\/[^`]+)` \|/.exec(line);
		if (m) out[m[1]] = (out[m[1]] ?? 0) + 1;
	}
	return out;
}

test('docs/simulator-rules.md lists one row per ours: marker, file by file', () => {
	expect(rowsPerFile()).toEqual(markersPerFile());
});
