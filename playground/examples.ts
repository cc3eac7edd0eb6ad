// The example workflows in examples/: n8n export files with a placeholder credential reference,
// usable as templates in any n8n (Import from file, then pick a credential). The playground
// imports them with the reference pointed at its own simulator credential.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CREDENTIAL_TYPE = 'xAccountActivityApi';
export const PLACEHOLDER_CREDENTIAL_ID = 'REPLACE_WITH_YOUR_CREDENTIAL_ID';
export const PACKAGE_NAME = 'n8n-nodes-x-account-activity';
export const TRIGGER_TYPE = `${PACKAGE_NAME}.xAccountActivityTrigger`;
export const STREAM_TRIGGER_TYPE = `${PACKAGE_NAME}.xActivityStreamTrigger`;

export interface ExampleNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	webhookId?: string;
	credentials?: Record<string, { id: string; name: string }>;
	[key: string]: unknown;
}

export interface ExampleWorkflow {
	id: string;
	name: string;
	nodes: ExampleNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface Example {
	/** File name in examples/. */
	file: string;
	workflow: ExampleWorkflow;
	/** Path of the production webhook URL of its n8n Webhook node, if it has one (`<path>`). */
	webhookPath?: string;
	/** The trigger node's `<webhookId>/webhook` path, if it starts from the X (webhook) trigger. */
	triggerPath?: string;
	/** How its X trigger receives: over X's activity stream (no public URL) or on a webhook. */
	receives?: 'stream' | 'webhook';
}

/** The repository root: the nearest folder up from `from` holding this package's package.json. */
export function findRepoRoot(from: string = __dirname): string {
	for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
		const pkg = path.join(dir, 'package.json');
		if (fs.existsSync(pkg) && fs.existsSync(path.join(dir, 'examples'))) {
			const { name } = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string };
			if (name === PACKAGE_NAME) return dir;
		}
		if (path.dirname(dir) === dir)
			throw new Error(`cannot find the ${PACKAGE_NAME} repository above ${from}`);
	}
}

/** Reads every examples/*.json, sorted by file name. */
export function loadExamples(repoRoot: string = findRepoRoot()): Example[] {
	const dir = path.join(repoRoot, 'examples');
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => {
			const workflow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as ExampleWorkflow;
			if (typeof workflow.id !== 'string' || !Array.isArray(workflow.nodes))
				throw new Error(`examples/${file} is not an n8n workflow export (id, nodes)`);
			const hook = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
			const trigger = workflow.nodes.find((n) => n.type === TRIGGER_TYPE);
			const stream = workflow.nodes.some((n) => n.type === STREAM_TRIGGER_TYPE);
			return {
				file,
				workflow,
				webhookPath: hook ? String(hook.parameters.path) : undefined,
				triggerPath: trigger?.webhookId ? `${trigger.webhookId}/webhook` : undefined,
				receives: stream ? 'stream' : trigger ? 'webhook' : undefined,
			};
		});
}

/** A copy of the workflow whose X credential references point at the given credential. */
export function withCredential(
	workflow: ExampleWorkflow,
	credential: { id: string; name: string },
): ExampleWorkflow {
	const copy = JSON.parse(JSON.stringify(workflow)) as ExampleWorkflow;
	for (const node of copy.nodes) {
		if (node.credentials?.[CREDENTIAL_TYPE]) node.credentials[CREDENTIAL_TYPE] = { ...credential };
	}
	return copy;
}
