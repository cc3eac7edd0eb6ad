/** The README's main-job command: `x-aaa-migrate --simulate` runs the whole migration on the built-in simulator. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const CLI = join(__dirname, '../../migrate/dist/migrate/cli.js');

describe('x-aaa-migrate --simulate', () => {
	it('migrates generated users end to end, reports the planted problems, and exits 0', () => {
		expect(existsSync(CLI)).toBe(true); // npm test builds first
		const r = spawnSync(process.execPath, [CLI, '--simulate', '--simulate-users', '40'], {
			encoding: 'utf8',
			timeout: 120_000,
			env: { PATH: process.env.PATH ?? '' },
		});
		expect(r.stderr).not.toMatch(/differs from what was planted/);
		expect(r.stdout).toMatch(/Plan: \d+ users/);
		expect(r.stdout).toMatch(/missing_token\s+3/);
		expect(r.stdout).toMatch(/needs_reauth\s+1/);
		expect(r.stdout).toMatch(/Simulation as planted: .* Demo exit 0\./);
		expect(r.status).toBe(0);
	}, 150_000);
});
