// Non-cloud mode: this package has runtime dependencies (oauth-1.0a, p-limit, csv-parse),
// which n8n Cloud does not allow, so we lint with n8n's rules for self-hosted community nodes.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	...configWithoutCloudSupport,
	{
		// Command-line programs and test harnesses talk to a person through the console.
		files: ['migrate/**/*.ts', 'simulator/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
		rules: { 'no-console': 'off' },
	},
];
