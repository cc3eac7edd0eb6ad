// End-to-end harness: a real n8n 2.41 (installed once into a cache) running this package as a
// community package. See test/e2e/README.md.
export { ensureN8n, REPO_ROOT, type N8nInstall } from './install';
export {
	prepareUserFolder,
	removeUserFolder,
	readPackageJson,
	type PrepareUserFolderOptions,
} from './user-folder';
export {
	importCredential,
	importWorkflow,
	publishWorkflow,
	unpublishWorkflowOffline,
	runN8nCli,
	type CredentialToImport,
	type WorkflowToImport,
} from './cli';
export { startN8n, type RunningN8n, type StartN8nOptions } from './n8n';
export {
	N8nRestSession,
	deactivateWorkflow,
	activateWorkflow,
	OWNER,
	type WorkflowInfo,
} from './rest';
export {
	listExecutions,
	waitForExecutions,
	executionFromRow,
	isSettled,
	nodeOutputItems,
	type ExecutionRecord,
	type ExecutionRow,
	type ExecutionData,
	type ExecutionItem,
	type ExecutionStatus,
	type NodeRun,
	type WaitForExecutionsOptions,
} from './executions';
export { parseFlatted } from './flatted';
export { queryDb, databasePath, type SqlQuery } from './db';
export {
	publicationState,
	waitForPublication,
	lastOutboxId,
	type WorkflowPublication,
	type TriggerStatus,
	type WaitForPublicationOptions,
} from './publication';
export { freePort, QUIET_N8N_ENV } from './env';
