// Workflow publication state of n8n 2.41. With its default publication service
// (N8N_USE_WORKFLOW_PUBLICATION_SERVICE), activating and deactivating triggers is asynchronous:
// `n8n start`, POST /rest/workflows/:id/activate and /deactivate enqueue a record in
// workflow_publication_outbox (pending → in_progress → completed | partial_success | failed), and
// its consumer then runs the triggers' webhook methods (checkExists/create, or delete) and writes
// one row per trigger node in workflow_publication_trigger_status (activated | failed).
// /healthz/readiness answers 200 before that has happened, so tests wait on these tables.
import { queryDb } from './db';
import { sleep } from './env';

export interface TriggerStatus {
	nodeId: string;
	versionId: string;
	status: 'activated' | 'failed' | string;
	errorMessage: string | null;
}

export interface WorkflowPublication {
	id: string;
	name: string;
	active: boolean;
	activeVersionId: string | null;
	/** Statuses of this workflow's outbox records, oldest first. */
	outbox: Array<{ id: number; status: string; reason: string | null; errorMessage: string | null }>;
	/** Trigger status rows for the active version (empty when unpublished). */
	triggers: TriggerStatus[];
}

const BUSY = new Set(['pending', 'in_progress']);

export async function publicationState(userFolder: string): Promise<WorkflowPublication[]> {
	const [workflows, outbox, triggers] = await queryDb(userFolder, [
		{ sql: 'SELECT id, name, active, activeVersionId FROM workflow_entity ORDER BY id' },
		{
			sql: 'SELECT id, workflowId, status, reason, errorMessage FROM workflow_publication_outbox ORDER BY id',
		},
		{
			sql: 'SELECT workflowId, nodeId, versionId, status, errorMessage FROM workflow_publication_trigger_status',
		},
	]);
	return workflows.map((w) => {
		const id = String(w.id);
		const activeVersionId = (w.activeVersionId as string | null) ?? null;
		return {
			id,
			name: String(w.name),
			active: Boolean(w.active),
			activeVersionId,
			outbox: outbox
				.filter((o) => o.workflowId === id)
				.map((o) => ({
					id: Number(o.id),
					status: String(o.status),
					reason: (o.reason as string | null) ?? null,
					errorMessage: (o.errorMessage as string | null) ?? null,
				})),
			triggers: triggers
				.filter(
					(t) => t.workflowId === id && activeVersionId !== null && t.versionId === activeVersionId,
				)
				.map((t) => ({
					nodeId: String(t.nodeId),
					versionId: String(t.versionId),
					status: String(t.status),
					errorMessage: (t.errorMessage as string | null) ?? null,
				})),
		};
	});
}

export interface WaitForPublicationOptions {
	/** Workflows to wait for; default all of them. */
	workflowIds?: string[];
	/** Only count outbox records with an id above this (to wait for a newer request). */
	afterOutboxId?: number;
	timeoutMs?: number;
	/** Throw when a trigger failed to activate (default true). */
	failOnTriggerError?: boolean;
}

function settled(w: WorkflowPublication, afterOutboxId: number): boolean {
	if (w.outbox.some((o) => BUSY.has(o.status))) return false;
	if (afterOutboxId > 0 && !w.outbox.some((o) => o.id > afterOutboxId)) return false;
	// A published workflow is live once its triggers have reported for the active version (or its
	// latest publication attempt failed outright).
	const latest = w.outbox[w.outbox.length - 1];
	return !w.active || w.triggers.length > 0 || latest?.status === 'failed';
}

/**
 * Waits until n8n has applied the publication state of the workflows: no outbox record pending or
 * in progress, and every published one has trigger status rows for its active version.
 */
export async function waitForPublication(
	userFolder: string,
	options: WaitForPublicationOptions = {},
): Promise<WorkflowPublication[]> {
	const deadline = Date.now() + (options.timeoutMs ?? 30_000);
	const afterOutboxId = options.afterOutboxId ?? 0;
	for (;;) {
		const all = await publicationState(userFolder);
		const wanted = options.workflowIds
			? all.filter((w) => options.workflowIds?.includes(w.id))
			: all;
		const missing = (options.workflowIds ?? []).filter((id) => !all.some((w) => w.id === id));
		if (missing.length > 0)
			throw new Error(`waitForPublication: no workflow with id ${missing.join(', ')}`);
		if (wanted.every((w) => settled(w, afterOutboxId))) {
			const failed = wanted.flatMap((w) => [
				...w.triggers
					.filter((t) => t.status === 'failed')
					.map((t) => `${w.id}/${t.nodeId}: ${t.errorMessage ?? '?'}`),
				...w.outbox
					.slice(-1)
					.filter((o) => o.status === 'failed' || o.status === 'partial_success')
					.map((o) => `${w.id}: publication ${o.status}: ${o.errorMessage ?? '?'}`),
			]);
			if (failed.length > 0 && options.failOnTriggerError !== false)
				throw new Error(`waitForPublication: trigger(s) failed to activate: ${failed.join('; ')}`);
			return wanted;
		}
		if (Date.now() > deadline) {
			throw new Error(
				`waitForPublication: not settled after ${options.timeoutMs ?? 30_000} ms: ${JSON.stringify(wanted)}`,
			);
		}
		await sleep(200);
	}
}

/** Highest outbox record id so far (0 when none): pass it as afterOutboxId to wait for a newer request. */
export async function lastOutboxId(userFolder: string): Promise<number> {
	const [rows] = await queryDb(userFolder, [
		{ sql: 'SELECT COALESCE(MAX(id), 0) AS id FROM workflow_publication_outbox' },
	]);
	return Number(rows[0]?.id ?? 0);
}
