// Reads executions (execution_entity + execution_data) from the user folder's sqlite database and
// decodes their run data.
import { queryDb } from './db';
import { sleep } from './env';
import { parseFlatted } from './flatted';

export type ExecutionStatus =
	| 'new'
	| 'running'
	| 'success'
	| 'error'
	| 'canceled'
	| 'crashed'
	| 'waiting'
	| 'unknown';

/** One item as a node output it. */
export interface ExecutionItem {
	json: Record<string, unknown>;
	binary?: Record<string, unknown>;
	[key: string]: unknown;
}

/** What n8n records per run of a node (ITaskData, trimmed to what tests read). */
export interface NodeRun {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	error?: Record<string, unknown>;
	data?: { main?: Array<ExecutionItem[] | null> };
	[key: string]: unknown;
}

export interface ExecutionRecord {
	id: string;
	workflowId: string;
	status: ExecutionStatus;
	mode: string;
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	/** Decoded IRunExecutionData (undefined while the execution has no data row yet). */
	data: ExecutionData | undefined;
}

export interface ExecutionData {
	resultData: {
		runData: Record<string, NodeRun[]>;
		lastNodeExecuted?: string;
		error?: Record<string, unknown>;
		[key: string]: unknown;
	};
	[key: string]: unknown;
}

/** execution_entity columns (plus execution_data.data) under n8n's names. */
export interface ExecutionRow {
	id: number | string;
	workflowId: string;
	status: string | null;
	mode: string;
	finished: number | boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	data: string | null;
}

/** All executions (of one workflow, when given), oldest first. */
export async function listExecutions(
	userFolder: string,
	options: { workflowId?: string } = {},
): Promise<ExecutionRecord[]> {
	const [rows] = await queryDb(userFolder, [
		{
			sql:
				'SELECT e.id AS id, e.workflowId AS workflowId, e.status AS status, e.mode AS mode, e.finished AS finished, ' +
				'e.startedAt AS startedAt, e.stoppedAt AS stoppedAt, d.data AS data ' +
				'FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id ' +
				'WHERE (? IS NULL OR e.workflowId = ?) ORDER BY e.id',
			params: [options.workflowId ?? null, options.workflowId ?? null],
		},
	]);
	return (rows as unknown as ExecutionRow[]).map(executionFromRow);
}

/** Decodes one execution_entity row joined with its execution_data (any database n8n uses). */
export function executionFromRow(row: ExecutionRow): ExecutionRecord {
	return {
		id: String(row.id),
		workflowId: row.workflowId,
		status: (row.status ?? 'unknown') as ExecutionStatus,
		mode: row.mode,
		finished: Boolean(row.finished),
		startedAt: row.startedAt,
		stoppedAt: row.stoppedAt,
		data: row.data ? (parseFlatted(row.data) as ExecutionData) : undefined,
	};
}

export interface WaitForExecutionsOptions {
	workflowId: string;
	/** Wait until at least this many executions have finished (status no longer new/running/waiting). */
	count: number;
	timeoutMs?: number;
	pollMs?: number;
}

/** Finished (not new/running/waiting) and its data written. */
export function isSettled(execution: ExecutionRecord): boolean {
	return (
		!['new', 'running', 'waiting', 'unknown'].includes(execution.status) &&
		execution.data !== undefined
	);
}

/** Polls until `count` executions of the workflow have settled; returns all settled ones. */
export async function waitForExecutions(
	userFolder: string,
	options: WaitForExecutionsOptions,
): Promise<ExecutionRecord[]> {
	const deadline = Date.now() + (options.timeoutMs ?? 30_000);
	let last: ExecutionRecord[] = [];
	for (;;) {
		last = await listExecutions(userFolder, { workflowId: options.workflowId });
		const settled = last.filter(isSettled);
		if (settled.length >= options.count) return settled;
		if (Date.now() > deadline) {
			const seen = last.map((e) => `${e.id}:${e.status}`).join(', ') || 'none';
			throw new Error(
				`waitForExecutions: wanted ${options.count} settled execution(s) of workflow ${options.workflowId}, saw ${seen}`,
			);
		}
		await sleep(options.pollMs ?? 300);
	}
}

/** The items a node output in one execution (run `run`, output `output`; both default 0). */
export function nodeOutputItems(
	execution: ExecutionRecord,
	nodeName: string,
	options: { run?: number; output?: number } = {},
): ExecutionItem[] {
	const runs = execution.data?.resultData.runData[nodeName];
	if (!runs)
		throw new Error(
			`execution ${execution.id} has no run data for node "${nodeName}" (nodes: ${Object.keys(execution.data?.resultData.runData ?? {}).join(', ')})`,
		);
	const run = runs[options.run ?? 0];
	if (!run)
		throw new Error(`execution ${execution.id}: node "${nodeName}" has no run ${options.run ?? 0}`);
	return run.data?.main?.[options.output ?? 0] ?? [];
}
