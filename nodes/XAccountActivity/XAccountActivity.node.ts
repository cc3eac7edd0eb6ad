import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type JsonObject,
} from 'n8n-workflow';
import { XApiError } from '../../client/errors';
import { checkReplayWindow, formatReplayDate } from '../../client/replay-window';
import {
	clientFromCredentials,
	CREDENTIAL_NAME,
	testXCredentials,
	toAppCredentials,
} from '../shared/credentials';
import {
	activitySubscriptionProperties,
	executeActivitySubscription,
} from './activity-subscription';
import { fieldProperties, operationProperties, resourceProperty } from './description';
import {
	compact,
	isNumericUserId,
	scrubText,
	scrubValue,
	toUtcDate,
	userIdFromToken,
} from './helpers';
import { actingUser, limited, param, trimmed, type RunContext } from './params';

/** On 429, wait for the window's reset when it is at most this far away; otherwise fail with the reset time. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000;

export class XAccountActivity implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'X Account Activity',
		name: 'xAccountActivity',
		icon: { light: 'file:x.svg', dark: 'file:x.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Manage X (Twitter) Account Activity API webhooks, account subscriptions and replay jobs (enterprise, premium and v2), and X Activity API (XAA) subscriptions',
		defaults: { name: 'X Account Activity' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: CREDENTIAL_NAME, required: true, testedBy: 'xAccountActivityApiTest' }],
		properties: [
			resourceProperty,
			...operationProperties,
			...fieldProperties,
			...activitySubscriptionProperties,
		],
	};

	methods = {
		credentialTest: { xAccountActivityApiTest: testXCredentials },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentials = await this.getCredentials(CREDENTIAL_NAME);
		const app = toAppCredentials(credentials);
		const appSecrets = [app.consumerSecret, app.accessTokenSecret ?? '', app.bearerToken ?? ''];
		let run: RunContext;
		try {
			run = {
				client: clientFromCredentials(this, credentials, { maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS }),
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
				const results = await executeItem(this, run, i, secrets);
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
}

/** Webhook ID of a subscription call: required except on premium (addressed by environment). */
function subscriptionWebhookId(
	ctx: IExecuteFunctions,
	run: RunContext,
	i: number,
): string | undefined {
	const id = trimmed(ctx, 'webhookId', i);
	if (run.flavour === 'premium') return undefined;
	if (!id) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Webhook ID is required on the ${run.flavour} API (item ${i}): list the webhooks to find it. Only premium addresses subscriptions by environment.`,
			{ itemIndex: i },
		);
	}
	return id;
}

function requiredWebhookId(ctx: IExecuteFunctions, i: number): string {
	const id = trimmed(ctx, 'webhookId', i);
	if (!id)
		throw new NodeOperationError(
			ctx.getNode(),
			`Webhook ID is required (item ${i}): list the webhooks to find it`,
			{ itemIndex: i },
		);
	return id;
}

function scope(run: RunContext, webhookId: string | undefined): IDataObject {
	return compact({ webhook_id: webhookId, environment: run.environment });
}

async function executeItem(
	ctx: IExecuteFunctions,
	run: RunContext,
	i: number,
	secrets: string[],
): Promise<IDataObject[]> {
	const resource = param<string>(ctx, 'resource', i, 'webhook');
	const operation = param<string>(ctx, 'operation', i, '');
	const { client } = run;

	if (resource === 'activitySubscription')
		return executeActivitySubscription(ctx, run, operation, i, secrets);

	if (resource === 'webhook') {
		switch (operation) {
			case 'register': {
				const url = trimmed(ctx, 'url', i);
				if (!url)
					throw new NodeOperationError(ctx.getNode(), `Webhook URL is required (item ${i})`, {
						itemIndex: i,
					});
				return [webhookJson(await client.registerWebhook(url))];
			}
			case 'list': {
				const all = param<boolean>(ctx, 'allEnvironments', i, false);
				if (all && run.flavour !== 'premium') {
					throw new NodeOperationError(
						ctx.getNode(),
						'All Premium Environments works only with the premium API: turn it off for enterprise and v2',
						{ itemIndex: i },
					);
				}
				const hooks = all ? await client.listAllEnvironmentWebhooks() : await client.listWebhooks();
				return limited(ctx, i, hooks).map(webhookJson);
			}
			case 'triggerCrc': {
				const webhookId = requiredWebhookId(ctx, i);
				const r = await client.triggerCrc(webhookId);
				return [compact({ webhook_id: webhookId, environment: run.environment, valid: r.valid })];
			}
			case 'delete': {
				const webhookId = requiredWebhookId(ctx, i);
				await client.deleteWebhook(webhookId);
				return [compact({ webhook_id: webhookId, environment: run.environment, deleted: true })];
			}
		}
	}

	if (resource === 'subscription') {
		switch (operation) {
			case 'subscribe': {
				const webhookId = subscriptionWebhookId(ctx, run, i);
				const user = actingUser(ctx, i, secrets);
				const r = await client.subscribe({ webhookId, user });
				return [
					compact({
						user_id: user ? userIdFromToken(user.token) : undefined,
						account: user ? 'user token' : 'credential account',
						...scope(run, webhookId),
						subscribed: true,
						already_subscribed: r.alreadySubscribed,
					}),
				];
			}
			case 'check': {
				const webhookId = subscriptionWebhookId(ctx, run, i);
				const user = actingUser(ctx, i, secrets);
				const r = await client.checkSubscription({ webhookId, user });
				return [
					compact({
						user_id: user ? userIdFromToken(user.token) : undefined,
						account: user ? 'user token' : 'credential account',
						...scope(run, webhookId),
						subscribed: r.subscribed,
					}),
				];
			}
			case 'list': {
				const webhookId = subscriptionWebhookId(ctx, run, i);
				const list = await client.listSubscriptions({ webhookId });
				const common = compact({
					webhook_id: list.webhookId ?? webhookId,
					webhook_url: list.webhookUrl,
					environment: list.environment ?? run.environment,
					application_id: list.applicationId,
				});
				return limited(ctx, i, list.userIds).map((userId) => ({ user_id: userId, ...common }));
			}
			case 'count': {
				const c = await client.countSubscriptions();
				return [
					compact({
						account_name: c.accountName,
						subscriptions_count_all: c.all,
						subscriptions_count_direct_messages: c.directMessages,
						provisioned_count: c.provisioned,
					}),
				];
			}
			case 'unsubscribe': {
				const webhookId = subscriptionWebhookId(ctx, run, i);
				const userId = trimmed(ctx, 'userId', i);
				if (!isNumericUserId(userId)) {
					throw new NodeOperationError(
						ctx.getNode(),
						`User ID "${userId}" is not a numeric X user ID (item ${i}): give the account's ID as digits, not its @handle`,
						{ itemIndex: i },
					);
				}
				await client.unsubscribe({ webhookId, userId });
				return [compact({ user_id: userId, ...scope(run, webhookId), subscribed: false })];
			}
		}
	}

	if (resource === 'replay' && operation === 'start') {
		const webhookId = requiredWebhookId(ctx, i);
		let from: Date;
		let to: Date;
		try {
			from = toUtcDate(param<unknown>(ctx, 'fromDate', i, ''), 'From');
			to = toUtcDate(param<unknown>(ctx, 'toDate', i, ''), 'To');
		} catch (err) {
			throw new NodeOperationError(ctx.getNode(), (err as Error).message, { itemIndex: i });
		}
		const broken = checkReplayWindow(run.flavour, from, to);
		if (broken)
			throw new NodeOperationError(
				ctx.getNode(),
				`${broken} (item ${i}; window ${from.toISOString()} – ${to.toISOString()}, UTC)`,
				{
					itemIndex: i,
				},
			);
		const job = await client.startReplay({ webhookId, from, to });
		return [
			compact({
				job_id: job.jobId,
				created_at: job.createdAt,
				webhook_id: webhookId,
				from_date: formatReplayDate(from),
				to_date: formatReplayDate(to),
			}),
		];
	}

	throw new NodeOperationError(
		ctx.getNode(),
		`Unknown operation "${operation}" for resource "${resource}"`,
		{ itemIndex: i },
	);
}

function webhookJson(w: {
	id: string;
	url: string;
	valid: boolean;
	createdAt?: string;
	environment?: string;
}): IDataObject {
	return compact({
		webhook_id: w.id,
		url: w.url,
		valid: w.valid,
		created_at: w.createdAt,
		environment: w.environment,
	});
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
