import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeProperties,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type JsonObject,
} from 'n8n-workflow';
import { XApiError } from '../../client/errors';
import { clientFromCredentials, CREDENTIAL_NAME, testXCredentials } from '../shared/credentials';
import { ACTIVITIES, ACTIVITY_GROUPS, ACTIVITY_OUTPUTS_EXPRESSION } from './activities';
import { explainWebhookRejection } from './registration-diagnosis';
import { receiveWebhook, releaseNodeState } from './webhook-receiver';
import { n8nHttpRequester } from '../shared/n8n-transport';
import { ensureRegistration, registrationExists, removeRegistration, type RegistrationState } from '../../client/webhook-registration';
import { removeXaaSubscriptions, xaaSubscriptionsPresent } from '../../client/xaa-registration';
import { planXaaActivation, subscribeXaaAllOrNothing, XAA_USER_CONTEXT_TYPE, xaaFailureOf, xaaSubscriptionCount } from './xaa-activities';


/** The Activities multi-select for one API: only what it delivers; empty (the default) means all. */
function activitiesProperty(source: 'aaa' | 'xaa'): INodeProperties {
	return {
		displayName: 'Activities',
		name: 'activities',
		type: 'multiOptions',
		displayOptions: { show: { source: [source] } },
		options: ACTIVITIES.filter((a) => a.api === source || a.api === 'both').map((a) => ({
			name: a.name,
			value: a.value,
			description: a.description,
		})),
		default: [],
		description:
			source === 'aaa'
				? 'Which kinds of activity start the workflow. Empty: all activity (shown as "All activity").'
				: 'Which kinds of activity start the workflow; activation subscribes only what they need. Empty: all activity (shown as "All activity").',
	};
}

export class XAccountActivityTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'X Account Activity Trigger',
		name: 'xAccountActivityTrigger',
		icon: { light: 'file:x.svg', dark: 'file:x.dark.svg' },
		group: ['trigger'],
		// v2 from the start: n8n evaluates an extra expression per request for typeVersion 1 webhooks.
		version: 2,
		subtitle: '={{($parameter["activities"] || []).length === 0 ? "All activity" : $parameter["activities"].join(", ")}}',
		description:
			'Starts the workflow when X (Twitter) reports activity on subscribed accounts: mentions, replies, DMs, likes, follows, blocks, mutes and more (Account Activity API)',
		defaults: { name: 'X Account Activity Trigger' },
		inputs: [],
		outputs: ACTIVITY_OUTPUTS_EXPRESSION,
		credentials: [
			{ name: 'xAccountActivityApi', required: true, testedBy: 'xAccountActivityApiTest' },
			{ name: XAA_USER_CONTEXT_TYPE, required: true, displayOptions: { show: { source: ['xaa'], xaaAuth: ['oAuth2'] } } },
		],
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
				displayName: 'XAA User Authentication',
				name: 'xaaAuth',
				type: 'options',
				displayOptions: { show: { source: ['xaa'] } },
				options: [
					{
						name: 'OAuth 1.0a (Access Token in the App Credential)',
						value: 'oAuth1',
						description: "Subscribes the account whose access token and secret are in the X Account Activity API credential",
					},
					{
						name: 'OAuth 2.0 (X Activity OAuth2 API Credential)',
						value: 'oAuth2',
						description: 'Subscribes the account that connected the X Activity OAuth2 API credential; n8n refreshes its token',
					},
				],
				default: 'oAuth1',
				description: "Whose user context subscribes the private activity (mentions, DMs, likes, follows…): X accepts it only with the account's own token",
			},
			{
				displayName: `With every activity selected, activation creates ${xaaSubscriptionCount([])} XAA subscriptions for the account (fewer when you select fewer), each counting against your tier's cap (self-serve 1,500). If one is refused, none is kept.`,
				name: 'xaaNotice',
				type: 'notice',
				displayOptions: { show: { source: ['xaa'] } },
				default: '',
			},
			// One Activities field per API, each offering only what that API delivers. Same name, so
			// a saved selection (or the old explicit all-activities list) is kept and honoured.
			activitiesProperty('aaa'),
			activitiesProperty('xaa'),
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
						description:
							'Whether to drop events X delivers more than once: retries, one copy per subscribed user, replays of events already seen, and the same activity arriving through both AAA and XAA during a cut-over',
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
				const credentials = await this.getCredentials(CREDENTIAL_NAME);
				const client = clientFromCredentials(this, credentials);
				try {
					if (!(await registrationExists(client, url, state))) return false;
					if (this.getNodeParameter('source', 'aaa') !== 'xaa') return true;
					const plan = await planXaaActivation(this, client, credentials);
					return state.xaaTag === plan.tag && (await xaaSubscriptionsPresent(client, plan.specs, state.webhookId));
				} catch (err) {
					throw toNodeError(this, err);
				}
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as RegistrationState;
				const url = this.getNodeWebhookUrl('default') as string;
				const credentials = await this.getCredentials(CREDENTIAL_NAME);
				const xaa = this.getNodeParameter('source', 'aaa') === 'xaa';
				// XAA creates wait for the rate-limit window's reset (500 per 15 min per app).
				const client = clientFromCredentials(this, credentials, xaa ? { rateGate: true } : undefined);
				const options = this.getNodeParameter('options', {}) as IDataObject;
				// n8n retries a failed activation with the node's setup (CRC) route already gone, so a
				// retry after an XAA failure fails the CRC; the failure kept here is the one to report.
				const previous = xaaFailureOf(state);
				try {
					// Plan first: an XAA activation that cannot be authorised registers nothing.
					const plan = xaa ? await planXaaActivation(this, client, credentials) : undefined;
					await ensureRegistration(client, url, state, { subscribeOwnAccount: !xaa && options.subscribeOwnAccount !== false });
					if (plan) await subscribeXaaAllOrNothing(this, client, state, plan);
				} catch (err) {
					if (previous && err instanceof XApiError && err.reason === 'CrcValidationFailed') throw new NodeOperationError(this.getNode(), previous);
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
					if (state.xaaTag && options.keepRegistration !== true) {
						await removeXaaSubscriptions(client, state.xaaTag);
						delete state.xaaTag;
					}
					await removeRegistration(client, state, options.keepRegistration === true);
				} catch (err) {
					throw toNodeError(this, err);
				} finally {
					releaseNodeState(this);
				}
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveWebhook(this);
	}
}

function toNodeError(ctx: IHookFunctions, err: unknown, explanation?: string): Error {
	if (err instanceof NodeOperationError || err instanceof NodeApiError) return err;
	if (err instanceof XApiError) {
		return new NodeApiError(ctx.getNode(), err.toJSON() as unknown as JsonObject, {
			message: explanation ? `${err.operation} failed: ${explanation}` : err.message,
			description: err.hint,
			httpCode: String(err.status),
		});
	}
	return new NodeOperationError(ctx.getNode(), err instanceof Error ? err.message : String(err));
}
