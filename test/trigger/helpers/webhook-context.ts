/**
 * A stand-in for the part of n8n's IWebhookFunctions / IHookFunctions the trigger uses, so the
 * receiving path can be driven thousands of times per second (fuzzing, forged load). The
 * real-n8n tests in test/e2e drive the same code through n8n itself.
 */
import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { nodeHelpers } from '../../support/n8n-helpers';

export interface FakeRequest {
	method: 'GET' | 'POST';
	headers?: Record<string, string | string[] | undefined>;
	query?: Record<string, unknown>;
	rawBody?: unknown;
}

export interface FakeResponse {
	status?: number;
	body?: unknown;
}

export interface FakeNodeOptions {
	/** The consumer secret the credential holds (a function: it may change between reads). */
	secret: string | (() => string);
	credentialId?: string;
	workflowId?: string;
	nodeId?: string;
	parameters?: Record<string, unknown>;
	/** Delay of a credential read (a database read and decryption in n8n). */
	readDelayMs?: number;
	/** Extra credential fields (consumerKey, accessTokenSecret, baseUrl, …). */
	credentials?: Record<string, unknown>;
}

export class FakeNode {
	reads = 0;
	readonly staticData: Record<string, unknown> = {};
	constructor(readonly o: FakeNodeOptions) {}

	private node() {
		return {
			id: this.o.nodeId ?? 'node-1',
			name: 'X Account Activity Trigger',
			type: 'n8n-nodes-x-account-activity.xAccountActivityTrigger',
			typeVersion: 2,
			position: [0, 0] as [number, number],
			parameters: {},
			credentials: { xAccountActivityApi: { id: this.o.credentialId ?? 'cred-1', name: 'X' } },
		};
	}

	private async getCredentials() {
		this.reads++;
		if (this.o.readDelayMs) await new Promise((r) => setTimeout(r, this.o.readDelayMs));
		const secret = typeof this.o.secret === 'function' ? this.o.secret() : this.o.secret;
		return { consumerKey: 'ck', apiVersion: 'enterprise', ...this.o.credentials, consumerSecret: secret };
	}

	private param(name: string, fallback?: unknown): unknown {
		const p = this.o.parameters ?? {};
		return Object.prototype.hasOwnProperty.call(p, name) ? p[name] : fallback;
	}

	/** An IWebhookFunctions for one request; the answer lands in `response`. */
	webhook(req: FakeRequest): { ctx: IWebhookFunctions; response: FakeResponse } {
		const response: FakeResponse = {};
		const res = {
			status(code: number) {
				response.status = code;
				return res;
			},
			json(body: unknown) {
				response.body = body;
				return res;
			},
		};
		const request = { method: req.method, headers: req.headers ?? {}, query: req.query ?? {}, rawBody: req.rawBody };
		const ctx = {
			getRequestObject: () => request,
			getResponseObject: () => res,
			getWebhookName: () => (req.method === 'GET' ? 'setup' : 'default'),
			getNode: () => this.node(),
			getWorkflow: () => ({ id: this.o.workflowId ?? 'wf-1' }),
			getCredentials: () => this.getCredentials(),
			getNodeParameter: (name: string, fallback?: unknown) => this.param(name, fallback),
		} as unknown as IWebhookFunctions;
		return { ctx, response };
	}

	/** An IHookFunctions for webhookMethods (checkExists / create / delete). */
	hook(webhookUrl = 'https://example.com/webhook/x/webhook'): IHookFunctions {
		return {
			getNode: () => this.node(),
			getWorkflow: () => ({ id: this.o.workflowId ?? 'wf-1' }),
			getCredentials: () => this.getCredentials(),
			getNodeParameter: (name: string, fallback?: unknown) => this.param(name, fallback),
			getNodeWebhookUrl: () => webhookUrl,
			getWorkflowStaticData: () => this.staticData,
			...nodeHelpers,
		} as unknown as IHookFunctions;
	}
}
