// ESLint for the code that is not part of the n8n node package: the migrate CLI, the simulator,
// Node's side of the client (client/node/), tests, benches, the playground. n8n's rules without
// the n8n Cloud ones (these run in a plain Node process, so process, timers and Node's HTTP are
// theirs to use), minus package.json checks meant for node packages, and three rules that only
// make sense inside an n8n node. Each of those folders has an eslint.config.mjs re-exporting this;
// `npm run lint` has ESLint look configs up from each file (the root config must stay n8n's
// template in strict mode, and it covers nodes/, credentials/ and client/).
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	...configWithoutCloudSupport.filter((c) => !(Array.isArray(c.files) && c.files.includes('package.json'))),
	{
		// Outside the n8n nodes there is no node to attach a NodeApiError to, command-line
		// programs and test harnesses talk to a person through the console, and they start
		// processes (n8n, the CLI under test) on purpose.
		files: ['**/*.ts'],
		rules: {
			'no-console': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
		},
	},
];
