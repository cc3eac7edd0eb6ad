// n8n's internal REST API (/rest/…) as the instance owner, for what the CLI cannot do while n8n
// runs: deactivating (unpublishing) a live workflow so its trigger's webhook `delete` runs, and
// activating it again. n8n 2.41: POST /rest/owner/setup (skipAuth) creates the owner and returns
// the `n8n-auth` cookie (N8N_SECURE_COOKIE=false lets it travel over http); the cookie's JWT is
// bound to the `browser-id` header, so every request sends the same one. Then
// POST /rest/workflows/:id/deactivate and POST /rest/workflows/:id/activate {versionId}.
//
// With n8n's publication service (the default) both calls only enqueue the change; the methods
// here then wait until n8n applied it (see publication.ts), so when they resolve the trigger's
// delete (or checkExists/create) has run.
import type { RunningN8n } from './n8n';
import { lastOutboxId, waitForPublication } from './publication';

type N8nRef = Pick<RunningN8n, 'baseUrl' | 'userFolder' | 'publicationService'>;

export const OWNER = {
	email: 'owner@e2e.test',
	firstName: 'E2e',
	lastName: 'Owner',
	// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- throwaway owner of a throwaway local test instance
	password: 'E2e-harness-Passw0rd',
} as const;

export class N8nRestSession {
	private constructor(
		readonly n8n: N8nRef,
		private readonly cookie: string,
		private readonly browserId: string,
	) {}

	/** Logs in as the owner, setting the owner up first when the instance has none yet. */
	static async login(n8n: N8nRef): Promise<N8nRestSession> {
		const browserId = `e2e-harness-${Math.random().toString(36).slice(2)}`;
		const headers = { 'content-type': 'application/json', 'browser-id': browserId };
		let response = await fetch(`${n8n.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers,
			body: JSON.stringify(OWNER),
		});
		if (response.status !== 200) {
			const setupError = await response.text();
			response = await fetch(`${n8n.baseUrl}/rest/login`, {
				method: 'POST',
				headers,
				body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
			});
			if (response.status !== 200) {
				throw new Error(
					`n8n owner setup (${setupError.slice(0, 300)}) and login failed: ${response.status} ${(await response.text()).slice(0, 300)}`,
				);
			}
		}
		const cookie = response.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.find((c) => c.startsWith('n8n-auth='));
		if (!cookie) throw new Error('n8n login returned no n8n-auth cookie');
		return new N8nRestSession(n8n, cookie, browserId);
	}

	/** Calls /rest/<path>; returns the response's `data` (n8n wraps bodies in {data}). */
	async request<T = unknown>(method: string, restPath: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.n8n.baseUrl}/rest/${restPath.replace(/^\/+/, '')}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				cookie: this.cookie,
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok)
			throw new Error(`n8n ${method} /rest/${restPath}: ${response.status} ${text.slice(0, 500)}`);
		const parsed = text ? (JSON.parse(text) as { data?: T }) : {};
		return (parsed.data ?? parsed) as T;
	}

	/** n8n's loaded node or credential types (`/types/nodes.json`, `/types/credentials.json`): what the editor can offer. */
	async loadedTypes(kind: 'nodes' | 'credentials'): Promise<Array<{ name: string; displayName?: string }>> {
		const response = await fetch(`${this.n8n.baseUrl}/types/${kind}.json`, {
			headers: { 'browser-id': this.browserId, cookie: this.cookie },
		});
		if (!response.ok) throw new Error(`n8n GET /types/${kind}.json: ${response.status}`);
		return (await response.json()) as Array<{ name: string; displayName?: string }>;
	}

	getWorkflow(id: string): Promise<WorkflowInfo> {
		return this.request<WorkflowInfo>('GET', `workflows/${encodeURIComponent(id)}`);
	}

	/** Unpublishes a live workflow: n8n removes its webhooks, calling each trigger's webhookMethods delete. */
	async deactivateWorkflow(
		id: string,
		options: { timeoutMs?: number } = {},
	): Promise<WorkflowInfo> {
		return this.applied(id, options.timeoutMs, () =>
			this.request<WorkflowInfo>('POST', `workflows/${encodeURIComponent(id)}/deactivate`, {}),
		);
	}

	/** Publishes the workflow's current version on the running instance (checkExists/create run). */
	async activateWorkflow(id: string, options: { timeoutMs?: number } = {}): Promise<WorkflowInfo> {
		const workflow = await this.getWorkflow(id);
		return this.applied(id, options.timeoutMs, () =>
			this.request<WorkflowInfo>('POST', `workflows/${encodeURIComponent(id)}/activate`, {
				versionId: workflow.versionId,
			}),
		);
	}

	/** Runs a publication change and waits until n8n applied it (no wait in classic mode: it is synchronous there). */
	private async applied(
		id: string,
		timeoutMs: number | undefined,
		change: () => Promise<WorkflowInfo>,
	): Promise<WorkflowInfo> {
		if (!this.n8n.publicationService) return change();
		const before = await lastOutboxId(this.n8n.userFolder);
		const result = await change();
		await waitForPublication(this.n8n.userFolder, {
			workflowIds: [id],
			afterOutboxId: before,
			timeoutMs: timeoutMs ?? 30_000,
		});
		return result;
	}
}

export interface WorkflowInfo {
	id: string;
	name: string;
	active: boolean;
	versionId: string;
	activeVersionId?: string | null;
	[key: string]: unknown;
}

/** One-shot helper: log in as owner and deactivate (unpublish) a live workflow. */
export async function deactivateWorkflow(n8n: N8nRef, id: string): Promise<WorkflowInfo> {
	return (await N8nRestSession.login(n8n)).deactivateWorkflow(id);
}

/** One-shot helper: log in as owner and activate (publish) a workflow on the running instance. */
export async function activateWorkflow(n8n: N8nRef, id: string): Promise<WorkflowInfo> {
	return (await N8nRestSession.login(n8n)).activateWorkflow(id);
}
