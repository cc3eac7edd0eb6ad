import {
	NodeApiError,
	NodeOperationError,
	sleep,
	UnexpectedError,
	type IDataObject,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
	type JsonObject,
} from 'n8n-workflow';
import { XApiError } from '../../client/errors';
import { removeXaaSubscriptions } from '../../client/xaa-registration';
import { clientFromCredentials, CREDENTIAL_NAME, testXCredentials } from '../shared/credentials';
import { ACTIVITIES, ACTIVITY_OUTPUTS_EXPRESSION } from '../XAccountActivityTrigger/activities';
import { XAccountActivityTrigger } from '../XAccountActivityTrigger/XAccountActivityTrigger.node';
import { settingsFromParameters } from '../XAccountActivityTrigger/delivery-handler';
import {
	planXaaActivation,
	subscribeXaaStreamAllOrNothing,
	XAA_USER_CONTEXT_TYPE,
	xaaSpecsForActivities,
} from '../XAccountActivityTrigger/xaa-activities';
import { attachListener, heirFor, type ListenerSpec, type StreamListener } from './stream-hub';
import { StreamDelivery } from './stream-delivery';
import type { StreamRequester, StreamResponse } from './stream-connection';


/** The webhook trigger's parameters this node shares, taken from its description (same names, same meaning). */
const webhookTrigger = new XAccountActivityTrigger().description.properties;
function sharedProperty(name: string): INodeProperties {
	const p = webhookTrigger.find((q) => q.name === name);
	if (!p) throw new UnexpectedError(`X Account Activity Trigger has no parameter "${name}"`);
	return p;
}
function sharedOptions(names: string[]): INodeProperties[] {
	const all = (sharedProperty('options').options ?? []) as INodeProperties[];
	return names.map((n) => {
		const o = all.find((q) => q.name === n);
		if (!o) throw new UnexpectedError(`X Account Activity Trigger has no option "${n}"`);
		return o;
	});
}

/** Activities the stream can deliver: those with an XAA subscription, and app revocation (sent unasked). */
export const STREAM_ACTIVITIES = ACTIVITIES.filter(
	(a) => a.value === 'app_revoked' || xaaSpecsForActivities([a.value], '1').length > 0,
);

export class XActivityStreamTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'X Activity Stream Trigger',
		name: 'xActivityStreamTrigger',
		icon: { light: 'file:x.svg', dark: 'file:x.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{[0, ' +
			STREAM_ACTIVITIES.length +
			'].includes($parameter["activities"].length) ? "All activity" : $parameter["activities"].join(", ")}}',
		description:
			'Starts the workflow on X (Twitter) activity received over the X Activity API stream: mentions, replies, DMs, likes, follows and more, with no public URL',
		eventTriggerDescription: 'Waiting for X activity on the stream',
		defaults: { name: 'X Activity Stream Trigger' },
		triggerPanel: {
			header: '',
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click 'Execute step', then make the activity happen on X (a mention, a DM…): the first matching event runs the workflow here.<br /><br /><b>Once you're happy with it</b>, publish the workflow: it keeps a stream open to X and runs on every event.",
				active:
					"<b>While building your workflow</b>, click 'Execute step', then make the activity happen on X: the first matching event shows up here.<br /><br /><b>The published workflow</b> also runs on every event; those executions appear in the executions list.",
			},
			activationHint:
				'Once you have finished building your workflow, publish it to keep listening to the stream.',
		},
		inputs: [],
		outputs: ACTIVITY_OUTPUTS_EXPRESSION,
		credentials: [
			{ name: CREDENTIAL_NAME, required: true, testedBy: 'xAccountActivityApiTest' },
			{ name: XAA_USER_CONTEXT_TYPE, required: true, displayOptions: { show: { xaaAuth: ['oAuth2'] } } },
		],
		properties: [
			{
				displayName:
					"Receives X Activity API events over X's stream, which n8n opens itself: no public URL needed. The credential needs API Version v2. One stream per app in this n8n is shared by all its stream triggers (X allows 2 connections per app).",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			// The webhook trigger's choice of user context, shown always here (the stream is XAA only).
			{ ...sharedProperty('xaaAuth'), displayOptions: undefined },
			{
				displayName: 'Activities',
				name: 'activities',
				type: 'multiOptions',
				options: STREAM_ACTIVITIES.map((a) => ({ name: a.name, value: a.value, description: a.description })),
				default: [],
				description:
					'Which kinds of activity start the workflow. Activation creates one X Activity API subscription per kind (none selected: all).',
			},
			sharedProperty('outputMode'),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					...sharedOptions(['ignoreOwnActivity', 'keepRegistration']),
					{
						displayName: 'Reconnect After Silence (Seconds)',
						name: 'idleTimeoutSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 45,
						description:
							'X sends a keep-alive at least every 20 seconds; after this long without a byte the stream is treated as dead and reopened, with backfill covering the gap',
					},
				],
			},
		],
	};

	methods = { credentialTest: { xAccountActivityApiTest: testXCredentials } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const credentials = await this.getCredentials(CREDENTIAL_NAME);
		// XAA creates wait for the rate-limit window's reset (500 per 15 min per app), as in the webhook trigger.
		const client = clientFromCredentials(this, credentials, { rateGate: true });
		const node = this.getNode();
		const manual = this.getMode() === 'manual';
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const settings = settingsFromParameters(this);
		// Stream items are always de-duplicated: backfill after a reconnect re-sends what was seen.
		settings.dedupe = true;
		// A test run (editor) gets its own tag, so closing it never deletes the published workflow's subscriptions.
		const tag = `n8n:${this.getWorkflow().id ?? ''}:${node.id}${manual ? ':test' : ''}`;
		let specs: ListenerSpec[];
		try {
			// The webhook trigger's XAA activation: the user context chosen (OAuth 1.0a or 2.0), all
			// or nothing; without webhook_id, so X delivers to the stream only.
			const plan = await planXaaActivation(this, client, credentials, { tag });
			await subscribeXaaStreamAllOrNothing(this, client, plan);
			specs = plan.specs.map((s) => ({
				eventType: s.eventType,
				userId: s.filter.userId,
				keyword: s.filter.keyword,
				direction: s.filter.direction,
			}));
		} catch (err) {
			throw toNodeError(this, err);
		}

		const delivery = new StreamDelivery(settings, `${this.getWorkflow().id ?? ''}\u0000${node.id}`);
		let firstEmit: (() => void) | undefined;
		let firstFail: ((e: Error) => void) | undefined;
		const first = new Promise<void>((resolve, reject) => {
			firstEmit = resolve;
			firstFail = reject;
		});
		first.catch(() => undefined);

		const listener: StreamListener = {
			tag,
			specs,
			receive: (frame) => {
				const out = delivery.take(frame.body);
				if (out === undefined) return;
				this.emit(
					out.outputs.map((items) => items.map((json): INodeExecutionData => ({ json: json as unknown as IDataObject }))),
					undefined,
					undefined,
					manual ? undefined : out.deduplicationKey,
				);
				firstEmit?.();
			},
			fail: (err) => {
				const error = new NodeOperationError(node, err.message);
				firstFail?.(error);
				if (!manual) this.emitError(error);
			},
			streamErrors: (errors) => {
				this.logger.warn(`X activity stream sent errors: ${errors.map((e) => String(e.detail ?? e.title ?? e.message ?? '')).join('; ')}`);
			},
			gapTooLong: (gapMs) => {
				this.logger.warn(
					`X activity stream was away ${Math.round(gapMs / 1000)} s, longer than X's 5-minute backfill: events in between may be missing`,
				);
			},
		};

		const request: StreamRequester = async ({ url, headers, abortSignal }) =>
			(await this.helpers.httpRequest({
				method: 'GET',
				url,
				headers,
				encoding: 'stream',
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				abortSignal,
			})) as StreamResponse;

		const idle = Number(options.idleTimeoutSeconds ?? 45);
		const appKey = `${client.baseUrl}|${String(credentials.consumerKey ?? '')}`;
		const detach = attachListener(listener, {
			appKey,
			baseUrl: client.baseUrl,
			bearer: () => client.getBearerToken(),
			deps: {
				request,
				sleep: (ms, signal) => sleep(ms, signal),
				now: () => Date.now(),
				timings: { idleTimeoutMs: Math.max(1, Number.isFinite(idle) ? idle : 45) * 1000 },
			},
		});

		const closeFunction = async () => {
			await detach();
			if (options.keepRegistration === true && !manual) return;
			try {
				// A subscription another stream trigger of this app still needs is handed over to it.
				await removeXaaSubscriptions(client, tag, (sub) => heirFor(appKey, tag, sub));
			} catch (err) {
				throw toNodeError(this, err);
			}
		};

		if (manual) {
			return { closeFunction, manualTriggerFunction: async () => await first };
		}
		return { closeFunction };
	}
}

function toNodeError(ctx: ITriggerFunctions, err: unknown): Error {
	if (err instanceof XApiError) {
		return new NodeApiError(ctx.getNode(), err.toJSON() as unknown as JsonObject, {
			message: err.message,
			description: err.hint,
			httpCode: String(err.status),
		});
	}
	if (err instanceof NodeOperationError || err instanceof NodeApiError) return err;
	return new NodeOperationError(ctx.getNode(), err instanceof Error ? err.message : String(err));
}
