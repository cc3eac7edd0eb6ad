/**
 * Resource "Activity Subscription" of the X Account Activity action node: X Activity API (XAA)
 * subscriptions, `/2/activity/subscriptions`, through `client.xaa` (create, list, update,
 * delete one or many). XAA uses v2 webhooks, so the credential must be a v2 one.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodePropertyOptions,
	type INodeProperties,
} from 'n8n-workflow';
import type { UserToken } from '../../client/types';
import {
	XAA_EVENT_CATALOGUE,
	XAA_SUBSCRIBABLE_EVENT_TYPES,
	xaaEventTypeInfo,
	type XaaEventType,
	type XaaEventTypeInfo,
} from '../../client/xaa-event-types';
import type { XaaFilter, XaaSubscription } from '../../client/xaa-normalise';
import { compact, userIdFromToken } from './helpers';
import { actingUser, listLimit, param, trimmed, userTokenProperties, type RunContext } from './params';

/** X's limits on the fields the node checks itself (the client checks them again). */
const TAG_MAX = 200;
const KEYWORD_MAX = 150;
const ID = /^\d{1,19}$/;
/** Up to this Limit, List reads single pages of exactly that size (every doc version takes ≤ 100). */
const SINGLE_PAGE_MAX = 100;

export const WRONG_FLAVOUR_MESSAGE =
	"The X Activity API uses v2: set the credential's API Version to v2";

// ----- the catalogue, as the parameters need it ---------------------------------------------

const infoOf = (t: XaaEventType): XaaEventTypeInfo => XAA_EVENT_CATALOGUE[t];
const typesWhere = (pred: (info: XaaEventTypeInfo) => boolean): XaaEventType[] =>
	XAA_SUBSCRIBABLE_EVENT_TYPES.filter((t) => pred(infoOf(t)));

const PUBLIC_USER_TYPES = typesWhere((x) => x.visibility === 'public' && x.filter === 'user_id');
const PRIVATE_TYPES = typesWhere((x) => x.visibility === 'private');
const KEYWORD_TYPES = typesWhere((x) => x.filter === 'keyword');
const DIRECTIONAL_TYPES = typesWhere((x) => x.directional);

/** What an agent or a person needs to pick an event type: meaning, auth, filter. */
export function eventTypeDescription(info: XaaEventTypeInfo): string {
	const meaning = info.description.charAt(0).toUpperCase() + info.description.slice(1);
	const auth =
		info.visibility === 'public'
			? 'Public: created with the app bearer token'
			: "Private: needs the subscribed user's own token (Act As)";
	const filter =
		info.filter === 'keyword'
			? 'filter: Keyword'
			: info.directional
				? 'filter: User ID, optional Direction'
				: 'filter: User ID';
	const actor = info.actorOnly ? ' (actor only: User ID must be the acting account)' : '';
	return `${meaning}. ${auth}; ${filter}${actor}.`;
}

const eventTypeOptions: INodePropertyOptions[] = [...XAA_SUBSCRIBABLE_EVENT_TYPES]
	.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
	.map((t) => ({ name: t, value: t, description: eventTypeDescription(infoOf(t)) }));

// ----- parameters ----------------------------------------------------------------------------

const resource = ['activitySubscription'];
const onCreate = { resource, operation: ['create'] };

export const activitySubscriptionProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create an activity subscription',
				description:
					'Subscribe to one XAA event type for one user (or keyword), optionally delivered to a v2 webhook. If X already has the same subscription, it is returned with already_existed true.',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete activity subscriptions',
				description:
					'Delete one subscription by ID, or many at once (one output item per ID with deleted true/false and the reason)',
			},
			{
				name: 'List',
				value: 'list',
				action: 'List activity subscriptions',
				description:
					"One item per XAA subscription of the app (every page), optionally only one event type's or one tag's",
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Update an activity subscription',
				description:
					"Change a subscription's tag and/or webhook. The event type and filter cannot change: delete and create instead.",
			},
		],
		default: 'create',
	},
	// ----- create -----
	{
		displayName: 'Event Type',
		name: 'eventType',
		type: 'options',
		required: true,
		options: eventTypeOptions,
		default: 'post.create',
		displayOptions: { show: onCreate },
		description:
			"What to be notified of. Public types are created with the app bearer token; private types (mentions, replies, quotes, reposts, likes, DMs, chat, mute, block) need the subscribed user's own token. Each user × event type is one subscription and counts against the cap (self-serve 1,500).",
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '2244994945',
		displayOptions: { show: { ...onCreate, eventType: PUBLIC_USER_TYPES } },
		description:
			'Numeric X user ID whose activity to receive, as a string of digits (not the @handle); usually an expression reading it from the input item',
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		default: '',
		placeholder: '2244994945',
		displayOptions: { show: { ...onCreate, eventType: PRIVATE_TYPES } },
		description:
			"Numeric X user ID whose activity to receive, as a string of digits (not the @handle). Leave empty for the acting account's own ID (read from its access token).",
	},
	{
		displayName: 'Keyword',
		name: 'keyword',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'electric vehicles',
		displayOptions: { show: { ...onCreate, eventType: KEYWORD_TYPES } },
		description: `Keyword the news stories must match, 1 to ${KEYWORD_MAX} characters`,
	},
	{
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		options: [
			{
				name: 'Both',
				value: 'both',
				description: 'No direction filter: activity by and towards the user',
			},
			{
				name: 'Inbound',
				value: 'inbound',
				description: "Done to the user: someone liked the user's post, followed the user",
			},
			{
				name: 'Outbound',
				value: 'outbound',
				description: 'Done by the user: the user liked a post, followed someone',
			},
		],
		default: 'both',
		displayOptions: { show: { ...onCreate, eventType: DIRECTIONAL_TYPES } },
		description: 'Which side of the activity to receive',
	},
	{
		displayName: 'Act As',
		name: 'actAs',
		type: 'options',
		options: [
			{
				name: 'Credential Account',
				value: 'credential',
				description:
					"The app owner's access token from the credential: for subscriptions of the owner's own account",
			},
			{
				name: 'User Token',
				value: 'userToken',
				description:
					'A user who authorised the app: give their access token and secret, usually as expressions from the input items',
			},
		],
		default: 'credential',
		displayOptions: { show: { ...onCreate, eventType: PRIVATE_TYPES } },
		description:
			'Whose OAuth 1.0a token creates this private-type subscription. X accepts it only with user-context authorisation of the subscribed user (for mute and block, the subscribed user must be the acting account).',
	},
	...userTokenProperties({ ...onCreate, eventType: PRIVATE_TYPES }),
	// ----- update / delete: which subscription -----
	{
		displayName: 'Subscriptions to Delete',
		name: 'deleteMode',
		type: 'options',
		options: [
			{ name: 'One', value: 'one', description: 'One subscription, by its ID' },
			{
				name: 'Many',
				value: 'many',
				description: 'A list of subscription IDs, deleted 100 per request',
			},
		],
		default: 'one',
		displayOptions: { show: { resource, operation: ['delete'] } },
		description: 'Whether to delete one subscription or a list of them',
	},
	{
		displayName: 'Subscription ID',
		name: 'subscriptionId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1146654567674912769',
		displayOptions: { show: { resource, operation: ['update'] } },
		description:
			'ID of the subscription to change, as returned by Create or List (a string of digits)',
	},
	{
		displayName: 'Subscription ID',
		name: 'subscriptionId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1146654567674912769',
		displayOptions: { show: { resource, operation: ['delete'], deleteMode: ['one'] } },
		description: 'ID of the subscription, as returned by Create or List (a string of digits)',
	},
	{
		displayName: 'Subscription IDs',
		name: 'subscriptionIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: '1146654567674912769, 1146654567674912770',
		displayOptions: { show: { resource, operation: ['delete'], deleteMode: ['many'] } },
		description:
			'IDs of the subscriptions to delete, separated by commas or spaces, or an array from an expression (e.g. the subscription_id of every input item). An ID X does not know is reported in its item, not thrown.',
	},
	// ----- create / update: tag and webhook -----
	{
		displayName: 'Tag',
		name: 'tag',
		type: 'string',
		default: '',
		placeholder: 'crm-sync',
		displayOptions: { show: { resource, operation: ['create', 'update'] } },
		description: `Optional label, 1 to ${TAG_MAX} characters, returned with the subscription and its events. On Update, leave empty to keep the current tag.`,
	},
	{
		displayName: 'Webhook ID',
		name: 'webhookId',
		type: 'string',
		default: '',
		placeholder: '1234567890123456789',
		displayOptions: { show: { resource, operation: ['create', 'update'] } },
		description:
			'Optional ID of the v2 webhook to deliver events to (Webhook → List). Without one, X delivers to the activity stream only. On Update, leave empty to keep the current webhook.',
	},
	// ----- list -----
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource, operation: ['list'] } },
		description: 'Keep only some subscriptions (applied by the node after reading every page)',
		options: [
			{
				displayName: 'Event Type',
				name: 'eventType',
				type: 'options',
				options: eventTypeOptions,
				default: 'post.create',
				description: 'Keep only subscriptions of this event type',
			},
			{
				displayName: 'Tag',
				name: 'tag',
				type: 'string',
				default: '',
				description: 'Keep only subscriptions with exactly this tag',
			},
		],
	},
];

// ----- execution -----------------------------------------------------------------------------

function fail(ctx: IExecuteFunctions, i: number, message: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { itemIndex: i });
}

/**
 * An id parameter as a string. A number from an expression is accepted only while it is exact:
 * X's 64-bit ids lose digits as JavaScript numbers.
 */
function idParam(ctx: IExecuteFunctions, name: string, label: string, i: number): string {
	const v = param<unknown>(ctx, name, i, '');
	if (typeof v === 'number') {
		if (!Number.isSafeInteger(v) || v < 0)
			throw fail(
				ctx,
				i,
				`${label} ${String(v)} reached the node as a number and lost digits (item ${i}): pass it as a string, e.g. {{ $json.id_str }}`,
			);
		return String(v);
	}
	return v === undefined || v === null ? '' : String(v).trim();
}

function requireId(ctx: IExecuteFunctions, i: number, label: string, id: string): string {
	if (!id) throw fail(ctx, i, `${label} is required (item ${i})`);
	if (!ID.test(id))
		throw fail(ctx, i, `${label} "${id}" is not an X ID (item ${i}): give 1 to 19 digits`);
	return id;
}

/** The ids of Delete (many): a comma / space separated text, an array, or both nested. */
export function parseIdList(value: unknown): string[] {
	const out: string[] = [];
	const add = (v: unknown): void => {
		if (v === undefined || v === null || v === '') return;
		if (Array.isArray(v)) {
			v.forEach(add);
			return;
		}
		if (typeof v === 'number' || typeof v === 'bigint') {
			if (typeof v === 'number' && (!Number.isSafeInteger(v) || v < 0))
				throw new Error(
					`subscription ID ${String(v)} reached the node as a number and lost digits: pass IDs as strings`,
				);
			out.push(String(v));
			return;
		}
		if (typeof v === 'object') {
			const o = v as IDataObject;
			const id = o.subscription_id ?? o.id;
			if (id === undefined) throw new Error('an entry of Subscription IDs has no subscription_id');
			add(id);
			return;
		}
		// "1, 2 3", also a JSON array as text: ["1","2"]
		for (const part of String(v).split(/[\s,;[\]"']+/)) if (part) out.push(part);
	};
	add(value);
	return [...new Set(out)];
}

function optionalTag(ctx: IExecuteFunctions, i: number): string | undefined {
	const raw = param<unknown>(ctx, 'tag', i, '');
	const tag = raw === undefined || raw === null ? '' : String(raw).trim();
	if (!tag) return undefined;
	if (tag.length > TAG_MAX)
		throw fail(
			ctx,
			i,
			`Tag is ${tag.length} characters long (item ${i}): X allows 1 to ${TAG_MAX}`,
		);
	return tag;
}

function optionalWebhookId(ctx: IExecuteFunctions, i: number): string | undefined {
	const id = idParam(ctx, 'webhookId', 'Webhook ID', i);
	return id ? requireId(ctx, i, 'Webhook ID', id) : undefined;
}

/** The normalised subscription as the node puts it out (snake_case, ids as strings). */
export function subscriptionJson(s: XaaSubscription, alreadyExisted?: boolean): IDataObject {
	return compact({
		subscription_id: s.id,
		event_type: s.eventType,
		filter: compact({
			user_id: s.filter.userId,
			keyword: s.filter.keyword,
			direction: s.filter.direction,
		}),
		tag: s.tag,
		webhook_id: s.webhookId,
		created_at: s.createdAt,
		updated_at: s.updatedAt,
		already_existed: alreadyExisted,
	});
}

async function create(
	ctx: IExecuteFunctions,
	run: RunContext,
	i: number,
	secrets: string[],
): Promise<IDataObject[]> {
	const given = trimmed(ctx, 'eventType', i);
	const info = xaaEventTypeInfo(given);
	if (!info || !info.subscribable) {
		throw fail(
			ctx,
			i,
			`Event Type "${given}" is not an XAA event type one can subscribe to (item ${i}): use one of ${XAA_SUBSCRIBABLE_EVENT_TYPES.join(', ')}`,
		);
	}
	const eventType = info.type;

	let user: UserToken | undefined;
	if (info.visibility === 'private') {
		user = actingUser(ctx, i, secrets) ?? run.owner;
		if (!user) {
			throw fail(
				ctx,
				i,
				`${eventType} is a private event type and Act As is Credential Account, but the credential has no Access Token and Access Token Secret (item ${i}): fill them in, or choose Act As: User Token`,
			);
		}
	}

	const filter: XaaFilter = {};
	if (info.filter === 'keyword') {
		const keyword = trimmed(ctx, 'keyword', i);
		if (!keyword || keyword.length > KEYWORD_MAX)
			throw fail(
				ctx,
				i,
				`${eventType} needs a Keyword of 1 to ${KEYWORD_MAX} characters (item ${i})`,
			);
		filter.keyword = keyword;
	} else {
		let userId = idParam(ctx, 'userId', 'User ID', i);
		if (!userId && user) userId = userIdFromToken(user.token) ?? '';
		if (!userId)
			throw fail(
				ctx,
				i,
				`User ID is required for ${eventType} (item ${i}): the numeric ID of the account whose activity to receive`,
			);
		if (!ID.test(userId))
			throw fail(
				ctx,
				i,
				`User ID "${userId}" is not a numeric X user ID (item ${i}): give the account's ID as digits, not its @handle`,
			);
		filter.userId = userId;
	}
	if (info.directional) {
		const direction = param<string>(ctx, 'direction', i, 'both');
		if (direction === 'inbound' || direction === 'outbound') filter.direction = direction;
		else if (direction && direction !== 'both')
			throw fail(
				ctx,
				i,
				`Direction must be both, inbound or outbound, not "${direction}" (item ${i})`,
			);
	}

	const created = await run.client.xaa.create({
		eventType,
		filter,
		tag: optionalTag(ctx, i),
		webhookId: optionalWebhookId(ctx, i),
		user,
	});
	return [subscriptionJson(created, created.alreadyExisted)];
}

async function list(ctx: IExecuteFunctions, run: RunContext, i: number): Promise<IDataObject[]> {
	const filters = param<IDataObject>(ctx, 'filters', i, {}) ?? {};
	let typeFilter: string | undefined;
	if (filters.eventType !== undefined && filters.eventType !== '') {
		const info = xaaEventTypeInfo(String(filters.eventType));
		if (!info)
			throw fail(
				ctx,
				i,
				`Filters → Event Type "${String(filters.eventType)}" is not an XAA event type (item ${i})`,
			);
		typeFilter = info.type;
	}
	const tagFilter =
		filters.tag !== undefined && filters.tag !== '' ? String(filters.tag) : undefined;
	const keep = (s: XaaSubscription) =>
		(typeFilter === undefined || s.eventType === typeFilter) &&
		(tagFilter === undefined || s.tag === tagFilter);

	const limit = listLimit(ctx, i);
	const { xaa } = run.client;
	let subs: XaaSubscription[];
	if (limit === undefined || limit > SINGLE_PAGE_MAX || typeFilter || tagFilter !== undefined) {
		// every page (1,000 per request), then filter locally
		subs = (await xaa.listAll()).filter(keep);
	} else {
		subs = [];
		let token: string | undefined;
		while (subs.length < limit) {
			const page = await xaa.list({ maxResults: limit, paginationToken: token });
			subs.push(...page.subscriptions);
			if (!page.nextToken || page.nextToken === token || page.subscriptions.length === 0) break;
			token = page.nextToken;
		}
	}
	if (limit !== undefined) subs = subs.slice(0, limit);
	return subs.map((s) => subscriptionJson(s));
}

async function update(ctx: IExecuteFunctions, run: RunContext, i: number): Promise<IDataObject[]> {
	const id = requireId(
		ctx,
		i,
		'Subscription ID',
		idParam(ctx, 'subscriptionId', 'Subscription ID', i),
	);
	const tag = optionalTag(ctx, i);
	const webhookId = optionalWebhookId(ctx, i);
	if (tag === undefined && webhookId === undefined) {
		throw fail(
			ctx,
			i,
			`Update needs a Tag and/or a Webhook ID (item ${i}): only those can change. To change the event type or filter, delete the subscription and create a new one.`,
		);
	}
	return [subscriptionJson(await run.client.xaa.update(id, { tag, webhookId }))];
}

async function remove(ctx: IExecuteFunctions, run: RunContext, i: number): Promise<IDataObject[]> {
	const { xaa } = run.client;
	if (param<string>(ctx, 'deleteMode', i, 'one') !== 'many') {
		const id = requireId(
			ctx,
			i,
			'Subscription ID',
			idParam(ctx, 'subscriptionId', 'Subscription ID', i),
		);
		const r = await xaa.delete(id);
		return [{ subscription_id: id, deleted: r.deleted }];
	}
	let ids: string[];
	try {
		ids = parseIdList(param<unknown>(ctx, 'subscriptionIds', i, ''));
	} catch (err) {
		throw fail(ctx, i, `Subscription IDs: ${(err as Error).message} (item ${i})`);
	}
	if (!ids.length)
		throw fail(
			ctx,
			i,
			`Subscription IDs is empty (item ${i}): give IDs separated by commas or spaces, or an array`,
		);
	const results = await xaa.deleteMany(ids);
	return results.map((r) => compact({ subscription_id: r.id, deleted: r.deleted, error: r.error }));
}

/** One item of resource Activity Subscription. */
export async function executeActivitySubscription(
	ctx: IExecuteFunctions,
	run: RunContext,
	operation: string,
	i: number,
	secrets: string[],
): Promise<IDataObject[]> {
	if (run.flavour !== 'v2') {
		throw fail(
			ctx,
			i,
			`${WRONG_FLAVOUR_MESSAGE} (this credential uses ${run.flavour}; XAA delivers to v2 webhooks)`,
		);
	}
	switch (operation) {
		case 'create':
			return create(ctx, run, i, secrets);
		case 'list':
			return list(ctx, run, i);
		case 'update':
			return update(ctx, run, i);
		case 'delete':
			return remove(ctx, run, i);
	}
	throw fail(ctx, i, `Unknown operation "${operation}" for resource "activitySubscription"`);
}
