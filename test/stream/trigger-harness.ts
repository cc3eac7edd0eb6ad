/**
 * Runs the X Activity Stream Trigger's trigger() in-process against the simulator, with the parts
 * of n8n's ITriggerFunctions it uses: credentials, parameters, emit / emitError, a logger, and
 * `helpers.httpRequest` implemented as n8n answers `{ encoding: 'stream', returnFullResponse: true,
 * ignoreHttpStatusErrors: true }` (the real n8n runs in test/e2e).
 */
import http from 'node:http';
import type { ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';

import { XActivityStreamTrigger } from '../../nodes/XActivityStreamTrigger/XActivityStreamTrigger.node';
import type { Simulator } from '../../simulator';
import { simCredentialData } from '../simulator/helpers';
import { httpRequest as textHttpRequest } from '../support/n8n-helpers';

export interface Emitted {
	items: Array<Record<string, unknown>>;
	deduplicationKey?: string;
}

export interface RunningTrigger {
	emitted: Emitted[];
	errors: Error[];
	warnings: string[];
	response: ITriggerResponse;
	close(): Promise<void>;
}

interface HttpOpts {
	method?: string;
	url: string;
	headers?: Record<string, string>;
	abortSignal?: AbortSignal;
	encoding?: string;
	body?: unknown;
}

/** n8n's httpRequest, reduced to what the node asks of it: the streamed GET, and the client's text requests. */
function httpRequest(opts: HttpOpts): Promise<unknown> {
	if (opts.encoding !== 'stream') return textHttpRequest(opts as Parameters<typeof textHttpRequest>[0]);
	return new Promise((resolve, reject) => {
		const req = http.request(
			opts.url,
			{ method: opts.method ?? 'GET', headers: opts.headers, signal: opts.abortSignal, agent: false },
			(res) => resolve({ statusCode: res.statusCode, statusMessage: res.statusMessage, headers: res.headers, body: res }),
		);
		req.on('error', reject);
		req.end();
	});
}

export async function startTrigger(
	sim: Simulator,
	params: Record<string, unknown>,
	opts: { mode?: 'trigger' | 'manual'; workflowId?: string; nodeId?: string } = {},
): Promise<RunningTrigger> {
	const emitted: Emitted[] = [];
	const errors: Error[] = [];
	const warnings: string[] = [];
	const node = {
		id: opts.nodeId ?? 'node-1',
		name: 'X Activity Stream Trigger',
		type: 'n8n-nodes-x-account-activity.xActivityStreamTrigger',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: params,
	};
	const ctx = {
		getCredentials: async () => simCredentialData(sim, 'v2'),
		getNode: () => node,
		getMode: () => opts.mode ?? 'trigger',
		getActivationMode: () => 'activate',
		getWorkflow: () => ({ id: opts.workflowId ?? 'wf-1', name: 'test', active: true }),
		getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name] : fallback),
		emit: (data: Array<Array<{ json: Record<string, unknown> }>>, _r?: unknown, _d?: unknown, key?: string) => {
			emitted.push({ items: data.flat().map((i) => i.json), deduplicationKey: key });
		},
		emitError: (e: Error) => errors.push(e),
		logger: {
			warn: (m: string) => warnings.push(m),
			info: () => undefined,
			debug: () => undefined,
			error: (m: string) => warnings.push(m),
		},
		helpers: { httpRequest },
	} as unknown as ITriggerFunctions;
	const response = await new XActivityStreamTrigger().trigger.call(ctx);
	return {
		emitted,
		errors,
		warnings,
		response,
		close: async () => {
			await response.closeFunction?.();
		},
	};
}
