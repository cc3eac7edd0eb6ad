import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type JsonObject,
} from 'n8n-workflow';
import { XApiError } from '../../client/errors';
import { crcResponse, isPlausibleCrcToken, SIGNATURE_HEADER, verifyWebhookSignature } from '../../client/webhook-signature';
import { clientFromCredentials, CREDENTIAL_NAME, testXCredentials } from '../shared/credentials';
import { ACTIVITIES, ACTIVITY_GROUPS } from './activities';
import { handleDelivery, type TriggerSettings, settingsFromParameters } from './delivery-handler';
import { explainWebhookRejection } from './registration-diagnosis';
import { n8nHttpRequester } from '../shared/n8n-transport';
import { currentSecret, refreshedSecret } from './secret-cache';
import { ensureRegistration, registrationExists, removeRegistration, type RegistrationState } from '../../client/webhook-registration';
import { ensureXaaSubscriptions, removeXaaSubscriptions, xaaSubscriptionsPresent } from '../../client/xaa-registration';
import type { XClient } from '../../client/x-client';
import { xaaSpecsForActivities } from './xaa-activities';

const groupOutputs = ACTIVITY_GROUPS.map((g) => ({ type: 'main', displayName: g.name }));
const ALL_ACTIVITIES = ACTIVITIES.map((a) => a.value);

export class XAccountActivityTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'X Account Activity Trigger',
		name: 'xAccountActivityTrigger',
		icon: { light: 'file:x.svg', dark: 'file:x.dark.svg' },
		group: ['trigger'],
		// v2 from the start: n8n evaluates an extra expression per request for typeVersion 1 webhooks.
		version: 2,
		subtitle:
			'={{[0, ' + ACTIVITIES.length + '].includes($parameter["activities"].length) ? "All activity" : $parameter["activities"].join(", ")}}',
		description:
			'Starts the workflow when X (Twitter) reports activity on subscribed accounts: mentions, replies, DMs, likes, follows, blocks, mutes and more (Account Activity API)',
		defaults: { name: 'X Account Activity Trigger' },
		inputs: [],
		outputs: `={{$parameter["outputMode"] === "perGroup" ? ${JSON.stringify(groupOutputs)} : ["main"]}}`,
		credentials: [{ name: 'xAccountActivityApi', required: true, testedBy: 'xAccountActivityApiTest' }],
		webhooks: [
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [
			{
				displayName:
					'When the workflow is published, this node registers its webhook URL with X and subscribes the account of the credential. X must reach the URL over https without a port.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Subscribe Through',
				name: 'source',
				type: 'options',
				options: [
					{
						name: 'Account Activity API',
						value: 'aaa',
						description: 'One subscription per account delivers all its activity (enterprise, premium or v2 credential)',
					},
					{
						name: 'X Activity API (XAA)',
						value: 'xaa',
						description: "AAA's successor: one subscription per selected kind of activity (v2 credential). Items look the same.",
					},
				],
				default: 'aaa',
				description: 'How activation subscribes the account. Deliveries of both APIs are accepted on the same webhook either way, so a workflow keeps working when the account moves to XAA.',
			},
			{
				displayName: 'Activities',
				name: 'activities',
				type: 'multiOptions',
				options: ACTIVITIES.map((a) => ({ name: a.name, value: a.value, description: a.description })),
				default: [...ALL_ACTIVITIES],
				description: 'Which kinds of activity start the workflow (none selected: all)',
			},
			{
				displayName: 'Output',
				name: 'outputMode',
				type: 'options',
				options: [
					{ name: 'One Output', value: 'single', description: 'Every activity on one output' },
					{
						name: 'One Output per Activity Group',
						value: 'perGroup',
						description: ACTIVITY_GROUPS.map((g) => g.name).join(' / '),
					},
				],
				default: 'single',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Detect Duplicates',
						name: 'dedupe',
						type: 'boolean',
						default: true,
						description: 'Whether to drop events X delivers more than once (retries, one copy per subscribed user). Replayed events always pass.',
					},
					{
						displayName: 'For User IDs',
						name: 'forUserIds',
						type: 'string',
						default: '',
						placeholder: '2244994945, 4337869213',
						description: 'Only activity of these subscribed accounts (comma-separated user IDs). Empty: all.',
					},
					{
						displayName: 'Ignore Own Activity',
						name: 'ignoreOwnActivity',
						type: 'boolean',
						default: true,
						description: 'Whether to drop what the subscribed account did itself: DMs and chats it sent, its own likes, its own typing and read receipts',
					},
					{
						displayName: 'Keep Registration on Deactivation',
						name: 'keepRegistration',
						type: 'boolean',
						default: false,
						description: 'Whether to leave the webhook and subscription at X when the workflow is deactivated',
					},
					{
						displayName: 'Subscribe Own Account',
						name: 'subscribeOwnAccount',
						type: 'boolean',
						default: true,
						description: "Whether to subscribe the credential's account when the workflow is published (other accounts: use the X Account Activity node)",
					},
				],
			},
		],
	};

	methods = { credentialTest: { xAccountActivityApiTest: testXCredentials } };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as RegistrationState;
				const url = this.getNodeWebhookUrl('default') as string;
				const client = clientFromCredentials(this, await this.getCredentials(CREDENTIAL_NAME));
				try {
					if (!(await registrationExists(client, url, state))) return false;
					if (this.getNodeParameter('source', 'aaa') !== 'xaa') return true;
					const plan = await xaaPlan(this, client);
					return state.xaaTag === plan.tag && (await xaaSubscriptionsPresent(client, plan.specs, state.webhookId));
				} catch (err) {
					throw toNodeError(this, err);
				}
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as RegistrationState;
				const url = this.getNodeWebhookUrl('default') as string;
				const credentials = await this.getCredentials(CREDENTIAL_NAME);
				const client = clientFromCredentials(this, credentials);
				const options = this.getNodeParameter('options', {}) as IDataObject;
				const xaa = this.getNodeParameter('source', 'aaa') === 'xaa';
				try {
					await ensureRegistration(client, url, state, { subscribeOwnAccount: !xaa && options.subscribeOwnAccount !== false });
					if (xaa) {
						const plan = await xaaPlan(this, client);
						await ensureXaaSubscriptions(client, plan.specs, { tag: plan.tag, webhookId: state.webhookId, user: plan.owner });
						state.xaaTag = plan.tag;
					}
				} catch (err) {
					if (err instanceof XApiError && (err.code === 214 || err.reason === 'CrcValidationFailed' || err.reason === 'UrlValidationFailed')) {
						const why = await explainWebhookRejection(n8nHttpRequester(this), url, String(credentials.consumerSecret ?? ''));
						throw toNodeError(this, err, why);
					}
					throw toNodeError(this, err);
				}
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as RegistrationState;
				const options = this.getNodeParameter('options', {}) as IDataObject;
				const client = clientFromCredentials(this, await this.getCredentials(CREDENTIAL_NAME));
				try {
					if (state.xaaTag && options.keepRegistration !== true) await removeXaaSubscriptions(client, state.xaaTag);
					await removeRegistration(client, state, options.keepRegistration === true);
				} catch (err) {
					throw toNodeError(this, err);
				}
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const res = this.getResponseObject();
		const credentialKey = this.getNode().credentials?.[CREDENTIAL_NAME]?.id ?? undefined;
		const load = async () => String((await this.getCredentials(CREDENTIAL_NAME)).consumerSecret ?? '');
		const reject = (status: number, error: string): IWebhookResponseData => {
			res.status(status).json({ error });
			return { noWebhookResponse: true };
		};
		const verify = async (message: Buffer | string, header: string | string[] | undefined): Promise<string | undefined> => {
			const secret = await currentSecret(credentialKey, load);
			if (verifyWebhookSignature(secret, message, header)) return secret;
			const fresh = await refreshedSecret(credentialKey, secret, load);
			return fresh !== undefined && verifyWebhookSignature(fresh, message, header) ? fresh : undefined;
		};

		if (this.getWebhookName() === 'setup') {
			// CRC: answer only tokens of the form X sends, so this endpoint signs nothing else.
			const token = (req.query as IDataObject).crc_token;
			if (typeof token !== 'string' || token === '') return reject(400, 'crc_token is missing');
			if (!isPlausibleCrcToken(token)) return reject(400, 'crc_token does not have the form X sends');
			const signature = req.headers[SIGNATURE_HEADER];
			let secret: string | undefined;
			if (signature !== undefined) {
				const rawQuery = (req.originalUrl ?? req.url ?? '').split('?')[1] ?? '';
				secret = await verify(rawQuery, signature);
				if (secret === undefined) return reject(401, 'signature does not match');
			} else {
				secret = await currentSecret(credentialKey, load);
			}
			res.status(200).json(crcResponse(secret, token));
			return { noWebhookResponse: true };
		}

		const raw = (req as unknown as { rawBody?: Buffer }).rawBody;
		const signature = req.headers[SIGNATURE_HEADER];
		if (!Buffer.isBuffer(raw) || signature === undefined) return reject(401, 'missing signature');
		if ((await verify(raw, signature)) === undefined) return reject(401, 'signature does not match');

		const settings: TriggerSettings = settingsFromParameters(this);
		const outcome = handleDelivery(raw, settings, this.getWorkflow().id ?? '', this.getNode().id);
		if (!outcome.ok) return reject(400, outcome.reason);
		if (outcome.outputs.every((o) => o.length === 0)) return { webhookResponse: { accepted: 0 } };
		return {
			workflowData: outcome.outputs.map((items) => items.map((json): INodeExecutionData => ({ json: json as unknown as IDataObject }))),
		};
	}
}

/** XAA mode: the subscriptions the selected activities need for the credential's account, and this node's tag. */
async function xaaPlan(ctx: IHookFunctions, client: XClient) {
	if (client.flavour !== 'v2') {
		throw new NodeOperationError(ctx.getNode(), 'The X Activity API uses v2: set the credential\'s API Version to v2');
	}
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
	const token = String(credentials.accessToken ?? '');
	const secret = String(credentials.accessTokenSecret ?? '');
	if (!token || !secret) {
		throw new NodeOperationError(ctx.getNode(), "XAA subscriptions for private activity (mentions, DMs, likes…) need the account's access token and secret in the credential");
	}
	const owner = await client.verifyCredentials();
	const activities = ctx.getNodeParameter('activities', []) as string[];
	return {
		specs: xaaSpecsForActivities(activities, owner.userId),
		tag: `n8n:${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`,
		owner: { token, secret },
	};
}

function toNodeError(ctx: IHookFunctions, err: unknown, explanation?: string): Error {
	if (err instanceof XApiError) {
		return new NodeApiError(ctx.getNode(), err.toJSON() as unknown as JsonObject, {
			message: explanation ? `${err.operation} failed: ${explanation}` : err.message,
			description: err.hint,
			httpCode: String(err.status),
		});
	}
	return new NodeOperationError(ctx.getNode(), err instanceof Error ? err.message : String(err));
}
