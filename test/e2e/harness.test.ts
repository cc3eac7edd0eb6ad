// Smoke test of the e2e harness itself: a throwaway community package (generated here, in a
// temp dir) with one POST-webhook trigger runs in a real n8n 2.41. The package's own trigger tests
// use the same harness with prepareUserFolder() on the built repo.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	deactivateWorkflow,
	ensureN8n,
	importWorkflow,
	nodeOutputItems,
	prepareUserFolder,
	publishWorkflow,
	removeUserFolder,
	startN8n,
	waitForExecutions,
	type RunningN8n,
} from './harness';

const PACKAGE_NAME = 'n8n-nodes-e2e-echo';
const WORKFLOW_ID = 'e2eEchoWorkflow1';
const WEBHOOK_ID = 'e2e-echo-hook';

const NODE_SOURCE = `'use strict';
const fs = require('node:fs');
const pLimit = require('p-limit'); // a runtime dependency, installed the way n8n does it

function mark(event, extra) {
	const file = process.env.E2E_ECHO_MARKERS;
	if (file) fs.appendFileSync(file, JSON.stringify({ event, ...extra }) + '\\n');
}

class E2eEchoTrigger {
	constructor() {
		this.description = {
			displayName: 'E2E Echo Trigger',
			name: 'e2eEchoTrigger',
			group: ['trigger'],
			version: 1,
			description: 'Emits the body of each POST as one item',
			defaults: { name: 'E2E Echo Trigger' },
			inputs: [],
			outputs: ['main'],
			webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'echo' }],
			properties: [],
		};
		this.webhookMethods = {
			default: {
				async checkExists() {
					mark('checkExists');
					return false;
				},
				async create() {
					mark('create', { url: this.getNodeWebhookUrl('default'), workflow: require.resolve('n8n-workflow') });
					return true;
				},
				async delete() {
					mark('delete');
					return true;
				},
			},
		};
	}

	async webhook() {
		const body = await pLimit(1)(async () => this.getBodyData());
		return { workflowData: [this.helpers.returnJsonArray([body])] };
	}
}

module.exports = { E2eEchoTrigger };
`;

function writeEchoPackage(dir: string): void {
	fs.mkdirSync(path.join(dir, 'dist', 'nodes'), { recursive: true });
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify(
			{
				name: PACKAGE_NAME,
				version: '0.0.1',
				keywords: ['n8n-community-node-package'],
				files: ['dist'],
				n8n: {
					n8nNodesApiVersion: 1,
					strict: false,
					credentials: [],
					nodes: ['dist/nodes/E2eEchoTrigger.node.js'],
				},
				dependencies: { 'p-limit': '3.1.0' },
				devDependencies: { typescript: '5.9.3' },
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
	);
	fs.writeFileSync(path.join(dir, 'dist', 'nodes', 'E2eEchoTrigger.node.js'), NODE_SOURCE);
}

function readMarkers(file: string): Array<Record<string, unknown>> {
	if (!fs.existsSync(file)) return [];
	return fs
		.readFileSync(file, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as Record<string, unknown>);
}

// Both activation paths of n8n 2.41: the default publication service (asynchronous, via an outbox)
// and the classic one (N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false, as n8n 1.x).
describe.each<{ mode: string; env: Record<string, string> }>([
	{ mode: 'publication service', env: {} },
	{ mode: 'classic activation', env: { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' } },
])('e2e harness (real n8n, $mode)', ({ env }) => {
	let packageDir: string;
	let userFolder: string | undefined;
	let n8n: RunningN8n | undefined;
	let markers: string;

	beforeAll(
		async () => {
			const t = Date.now();
			const install = await ensureN8n();
			console.log(`[e2e] n8n ${install.n8nVersion} ready in ${Date.now() - t} ms (${install.dir})`);
			packageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-aaa-echo-pkg-'));
			writeEchoPackage(packageDir);
			markers = path.join(packageDir, 'markers.jsonl');
		},
		15 * 60 * 1000,
	);

	afterAll(async () => {
		await n8n?.stop();
		if (userFolder) removeUserFolder(userFolder);
		if (packageDir) fs.rmSync(packageDir, { recursive: true, force: true });
	}, 60_000);

	it(
		'runs a community trigger end to end: install, import, publish, start, webhook, execution, deactivate, stop',
		async () => {
			let t = Date.now();
			userFolder = await prepareUserFolder({ packageDir });
			const installed = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
			const installedPkg = JSON.parse(
				fs.readFileSync(path.join(installed, 'package.json'), 'utf8'),
			) as Record<string, unknown>;
			expect(installedPkg.devDependencies).toBeUndefined();
			expect(installedPkg.peerDependencies).toBeUndefined();
			expect(fs.existsSync(path.join(installed, 'node_modules', 'p-limit', 'package.json'))).toBe(
				true,
			);
			expect(fs.existsSync(path.join(installed, 'node_modules', 'n8n-workflow'))).toBe(false);
			console.log(`[e2e] user folder prepared in ${Date.now() - t} ms`);

			t = Date.now();
			await importWorkflow(userFolder, {
				id: WORKFLOW_ID,
				name: 'E2E echo',
				nodes: [
					{
						id: '0f5c7a0e-0d49-4a6f-9a59-7c1e3c0c0001',
						name: 'Echo',
						type: `${PACKAGE_NAME}.e2eEchoTrigger`,
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
						webhookId: WEBHOOK_ID,
					},
				],
				connections: {},
			});
			await publishWorkflow(userFolder, WORKFLOW_ID);
			console.log(`[e2e] workflow imported and published in ${Date.now() - t} ms`);

			t = Date.now();
			n8n = await startN8n({ userFolder, env: { ...env, E2E_ECHO_MARKERS: markers } });
			console.log(`[e2e] n8n started in ${Date.now() - t} ms at ${n8n.baseUrl}`);

			const created = readMarkers(markers).find((m) => m.event === 'create');
			expect(readMarkers(markers).map((m) => m.event)).toEqual(['checkExists', 'create']);
			expect(created?.url).toBe(n8n.webhookUrl(`${WEBHOOK_ID}/echo`));
			// n8n-workflow resolves to n8n's own copy, not a second one.
			expect(String(created?.workflow)).toContain(
				path.join((await ensureN8n()).dir, 'node_modules'),
			);

			const response = await fetch(n8n.webhookUrl(`${WEBHOOK_ID}/echo`), {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ hello: 'world', n: 1 }),
			});
			expect(response.status).toBe(200);

			const [execution] = await waitForExecutions(userFolder, {
				workflowId: WORKFLOW_ID,
				count: 1,
				timeoutMs: 30_000,
			});
			expect(execution.status).toBe('success');
			expect(execution.mode).toBe('webhook');
			expect(nodeOutputItems(execution, 'Echo').map((item) => item.json)).toEqual([
				{ hello: 'world', n: 1 },
			]);

			t = Date.now();
			const deactivated = await deactivateWorkflow(n8n, WORKFLOW_ID);
			console.log(`[e2e] workflow deactivated in ${Date.now() - t} ms`);
			expect(deactivated.active).toBe(false);
			expect(readMarkers(markers).map((m) => m.event)).toContain('delete');
			const after = await fetch(n8n.webhookUrl(`${WEBHOOK_ID}/echo`), {
				method: 'POST',
				body: '{}',
			});
			expect(after.status).toBe(404);

			const pid = n8n.pid;
			t = Date.now();
			await n8n.stop();
			console.log(`[e2e] n8n stopped in ${Date.now() - t} ms`);
			expect(() => process.kill(-pid, 0)).toThrow();
			n8n = undefined;
		},
		5 * 60 * 1000,
	);
});
