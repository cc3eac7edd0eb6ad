// The workflows the queue-mode test and bench run: the trigger alone, and the shipped example
// examples/queue-mode-remove-duplicates.json (trigger → Remove Duplicates → Handle event).
import { loadExamples, withCredential } from '../../../playground/examples';
import type { Simulator } from '../../../simulator';
import { REPO_ROOT, type CredentialToImport, type WorkflowToImport } from '../harness';
import { simCredentialData } from '../../simulator/helpers';

export const TRIGGER_NAME = 'X Account Activity Trigger';
export const TRIGGER_TYPE = 'n8n-nodes-x-account-activity.xAccountActivityTrigger';
export const REMOVE_DUPLICATES_EXAMPLE = 'queue-mode-remove-duplicates.json';
/** The node after Remove Duplicates in the example: reached once per event. */
export const ACTION_NAME = 'Handle event';

const CREDENTIAL = { id: 'xQueueCred000001', name: 'X simulator (enterprise)' };

export function simulatorCredential(sim: Simulator): CredentialToImport {
	return { ...CREDENTIAL, type: 'xAccountActivityApi', data: simCredentialData(sim, 'enterprise') };
}

/** A workflow holding only the trigger (every activity, one output). */
export function triggerOnlyWorkflow(id: string, webhookId: string): WorkflowToImport {
	return {
		id,
		name: `X trigger alone ${id}`,
		nodes: [
			{
				id: `${webhookId}-node`,
				name: TRIGGER_NAME,
				type: TRIGGER_TYPE,
				typeVersion: 2,
				position: [0, 0],
				webhookId,
				parameters: { outputMode: 'single', options: {} },
				credentials: { xAccountActivityApi: CREDENTIAL },
			},
		],
		connections: {},
		settings: { saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
	};
}

/** The shipped example, pointed at the simulator credential; also returns its trigger's `<webhookId>/webhook` path. */
export function removeDuplicatesExample(): { workflow: WorkflowToImport; triggerPath: string } {
	const example = loadExamples(REPO_ROOT).find((e) => e.file === REMOVE_DUPLICATES_EXAMPLE);
	if (!example?.triggerPath) throw new Error(`examples/${REMOVE_DUPLICATES_EXAMPLE} is missing or has no X trigger`);
	const workflow = withCredential(example.workflow, CREDENTIAL);
	return {
		workflow: { ...workflow, settings: { ...workflow.settings, saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' } },
		triggerPath: example.triggerPath,
	};
}
