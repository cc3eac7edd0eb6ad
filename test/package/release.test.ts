/** What the release workflow relies on: the three packages agree, and the workflow publishes each with provenance. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../e2e/harness/install';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { problems } = require('../../scripts/check-release.js') as { problems: (tag?: string) => string[] };

describe('release', () => {
	it('the three packages share version, repository, bugs, author and licence', () => {
		expect(problems()).toEqual([]);
	});

	it('a tag that does not match the versions is refused', () => {
		expect(problems('v999.0.0').join('\n')).toMatch(/version .* expected 999\.0\.0/);
	});

	it('the workflow runs CI, then publishes simulator, migrate and node package with provenance on a version tag', () => {
		const yml = fs.readFileSync(path.join(REPO_ROOT, '.github', 'workflows', 'release.yml'), 'utf8');
		expect(yml).toMatch(/tags:\s*\n\s*- 'v\*'/);
		expect(yml).toMatch(/id-token: write/);
		expect(yml).toMatch(/\.ci\/run/);
		const publishes = [...yml.matchAll(/npm publish --provenance[^\n]*/g)].map((m) => m[0]);
		expect(publishes).toEqual([
			expect.stringContaining('-w x-activity-simulator'),
			expect.stringContaining('-w x-aaa-migrate'),
			expect.not.stringContaining('-w '),
		]);
	});
});
