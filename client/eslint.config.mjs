// The X client: n8n's rules with n8n Cloud's (the nodes bundle it, so the same limits apply),
// except require-node-api-error. The client is shared with the migrate CLI, so it throws its own
// XApiError and cannot throw n8n's NodeApiError (the CLI would then depend on n8n); every node
// turns what the client throws into a NodeApiError. Node's side of the client (client/node/) is
// not part of the node package and has its own config.
import { config } from '@n8n/node-cli/eslint';

export default [
	...config,
	{ files: ['**/*.ts'], rules: { '@n8n/community-nodes/require-node-api-error': 'off' } },
];
