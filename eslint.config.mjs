// Non-cloud mode: this package is for self-hosted n8n and has runtime dependencies
// (oauth-1.0a for request signing, p-limit and csv-parse for migrate), which n8n Cloud does not allow.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	// build and test output (compiled JS, screenshots) is not source
	{ ignores: ['dist/**', '.test-output/**', 'node_modules/**'] },
	...configWithoutCloudSupport,
	{
		// This version of the rule set forbids runtime dependencies even in non-cloud mode; the
		// dependencies above are deliberate (see README, "Lint"), so this one rule is off.
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
	{
		// Outside the n8n nodes there is no node to attach a NodeApiError to, command-line
		// programs and test harnesses talk to a person through the console, and they start
		// processes (n8n, the CLI under test) on purpose.
		files: ['client/**/*.ts', 'migrate/**/*.ts', 'simulator/**/*.ts', 'playground/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
		rules: {
			'no-console': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
		},
	},
];
