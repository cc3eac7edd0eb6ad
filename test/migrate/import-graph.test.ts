/** migrate/'s import graph: no circle, and the pipeline never reaches the simulator (only --simulate's wrapper does). */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../migrate');

function graph(): Map<string, string[]> {
	const files: string[] = [];
	const walk = (d: string) => {
		for (const f of readdirSync(d)) {
			const p = join(d, f);
			if (statSync(p).isDirectory()) walk(p);
			else if (p.endsWith('.ts')) files.push(p);
		}
	};
	walk(ROOT);
	const g = new Map<string, string[]>();
	for (const f of files) {
		const deps: string[] = [];
		for (const m of readFileSync(f, 'utf8').matchAll(/(?:from\s+|import\()\s*'(\.[^']+)'/g)) {
			const p = resolve(dirname(f), m[1]);
			const hit = [`${p}.ts`, join(p, 'index.ts')].find((c) => existsSync(c));
			if (hit) deps.push(hit);
			else if (m[1].includes('simulator')) deps.push('SIMULATOR');
		}
		g.set(f, deps);
	}
	return g;
}

describe('migrate import graph', () => {
	it('has no circle', () => {
		const g = graph();
		const state = new Map<string, number>();
		const cycles: string[] = [];
		const stack: string[] = [];
		const dfs = (n: string) => {
			state.set(n, 1);
			stack.push(n);
			for (const m of g.get(n) ?? []) {
				if (state.get(m) === 1) cycles.push([...stack.slice(stack.indexOf(m)), m].map((x) => relative(ROOT, x)).join(' → '));
				else if (!state.has(m)) dfs(m);
			}
			stack.pop();
			state.set(n, 2);
		};
		for (const f of g.keys()) if (!state.has(f)) dfs(f);
		expect(g.size).toBeGreaterThan(20);
		expect(cycles).toEqual([]);
	});

	it('the pipeline does not reach the simulator', () => {
		const g = graph();
		const seen = new Set<string>();
		const visit = (n: string) => {
			if (seen.has(n)) return;
			seen.add(n);
			for (const m of g.get(n) ?? []) visit(m);
		};
		visit(join(ROOT, 'pipeline.ts'));
		expect(seen.has('SIMULATOR')).toBe(false);
		expect([...seen].filter((f) => f.includes(`${join(ROOT, 'simulate')}`))).toEqual([]);
	});
});
