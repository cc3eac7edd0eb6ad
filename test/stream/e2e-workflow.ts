/** A workflow holding one X Activity Stream Trigger, as the real-n8n tests import it. */
export const STREAM_NODE = 'X Activity Stream Trigger';

export function streamWorkflow(
	id: string,
	nodeId: string,
	parameters: Record<string, unknown>,
	credentials: Record<string, { id: string; name: string }>,
) {
	return {
		id,
		name: `X stream e2e ${id}`,
		nodes: [
			{
				id: nodeId,
				name: STREAM_NODE,
				type: 'n8n-nodes-x-account-activity.xActivityStreamTrigger',
				typeVersion: 1,
				position: [0, 0] as [number, number],
				parameters: { outputMode: 'single', options: {}, ...parameters },
				credentials,
			},
		],
		connections: {},
		settings: { saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all', saveManualExecutions: true },
	};
}
