/**
 * The node's execute(): one run context per execution, then per item the operation module of
 * the chosen resource, with X's errors turned into n8n errors (no secret in any of them).
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';
import { XApiError } from '../../../client/errors';
import { CREDENTIAL_NAME, toAppCredentials } from '../../shared/credentials';
import { compact, scrubText, scrubValue } from '../helpers';
import * as activitySubscription from './activitySubscription/ActivitySubscription.resource';
import { xClientFor } from './client';
import { param, type OperationExecute, type RunContext } from './params';
import * as replay from './replay/Replay.resource';
import * as subscription from './subscription/Subscription.resource';
import * as webhook from './webhook/Webhook.resource';

/** Resource values → their operations (values as saved workflows hold them). */
export const RESOURCES: Record<string, Record<string, { execute: OperationExecute }>> = {
	webhook: webhook.operations,
	subscription: subscription.operations,
	replay: replay.operations,
	activitySubscription: activitySubscription.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	const app = toAppCredentials(credentials);
	const appSecrets = [app.consumerSecret, app.accessTokenSecret ?? '', app.bearerToken ?? ''];
	let run: RunContext;
	try {
		run = {
			client: xClientFor(this, credentials),
			flavour: app.apiVersion,
			environment: app.apiVersion === 'premium' ? app.environment : undefined,
			owner:
				app.accessToken && app.accessTokenSecret
					? { token: app.accessToken, secret: app.accessTokenSecret }
					: undefined,
		};
	} catch (err) {
		throw new NodeOperationError(this.getNode(), scrubText((err as Error).message, appSecrets));
	}

	const returnData: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		// Secrets that may reach this item's messages: the app's and the item's user token secret.
		const secrets = [...appSecrets];
		try {
			const resource = param<string>(this, 'resource', i, 'webhook');
			const operation = param<string>(this, 'operation', i, '');
			const op = RESOURCES[resource]?.[operation];
			if (!op)
				throw new NodeOperationError(
					this.getNode(),
					`Unknown operation "${operation}" for resource "${resource}"`,
					{ itemIndex: i },
				);
			const results = await op.execute.call(this, run, i, secrets);
			for (const json of results)
				returnData.push({ json: scrubValue(json, secrets), pairedItem: { item: i } });
		} catch (err) {
			const nodeError = toNodeError(this.getNode(), err, i, secrets);
			if (this.continueOnFail()) {
				returnData.push({
					json: errorJson(err, nodeError.message, secrets),
					pairedItem: { item: i },
				});
				continue;
			}
			throw nodeError;
		}
	}
	return [returnData];
}

/** The message the user sees: X's failure with the hint, the reset time on rate limits, no secret. */
function messageOf(err: unknown, secrets: string[]): string {
	if (err instanceof XApiError) {
		let msg = err.message;
		if (err.isRateLimited && !err.rateLimitReset)
			msg += ' (X did not say when the rate-limit window resets)';
		return scrubText(msg, secrets);
	}
	return scrubText(err instanceof Error ? err.message : String(err), secrets);
}

function toNodeError(
	node: INode,
	err: unknown,
	itemIndex: number,
	secrets: string[],
): NodeApiError | NodeOperationError {
	const message = messageOf(err, secrets);
	if (err instanceof XApiError) {
		const apiError = new NodeApiError(
			node,
			scrubValue(err.toJSON(), secrets) as unknown as JsonObject,
			{
				message,
				description: err.hint ? scrubText(err.hint, secrets) : undefined,
				httpCode: err.status ? String(err.status) : undefined,
				itemIndex,
			},
		);
		// n8n swaps messages naming ECONNREFUSED, ETIMEDOUT… for a generic text; ours names the
		// operation and the host, so it stays.
		apiError.message = message;
		return apiError;
	}
	return new NodeOperationError(node, message, { itemIndex });
}

/** The json of a continue-on-fail error item. */
function errorJson(err: unknown, message: string, secrets: string[]): IDataObject {
	if (err instanceof XApiError) {
		const d = err.toJSON();
		return scrubValue(
			compact({
				error: message,
				status: d.status,
				code: d.code,
				reason: d.reason,
				xMessage: d.xMessage,
				hint: d.hint,
				operation: d.operation,
				endpoint: d.endpoint,
				retryable: d.retryable,
				rateLimitReset: d.rateLimitReset,
			}),
			secrets,
		);
	}
	return { error: message };
}
