/**
 * Activity Subscription (XAA) → Create: `POST /2/activity/subscriptions` for one event type and
 * one user (or keyword). Auth per type from the catalogue: public types with the app bearer
 * token; private types only with the subscribed user's own user context, an OAuth 1.0a user
 * token (Act As) or the OAuth 2.0 credential; without one nothing is sent.
 */
import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import type { UserToken } from '../../../../client/types';
import type { XaaOAuth2UserToken } from '../../../../client/xaa-client';
import { XAA_SUBSCRIBABLE_EVENT_TYPES, xaaEventTypeInfo } from '../../../../client/xaa-event-types';
import type { XaaFilter } from '../../../../client/xaa-normalise';
import { userIdFromToken } from '../../helpers';
import { actAsProperties, webhookLocator } from '../common.descriptions';
import { activitySubscriptionJson } from '../output';
import {
	actingUser,
	fail,
	ID,
	idParam,
	param,
	trimmed,
	type OperationExecute,
	type RunContext,
} from '../params';
import {
	assertV2,
	DIRECTIONAL_TYPES,
	eventTypeOptions,
	KEYWORD_MAX,
	KEYWORD_TYPES,
	optionalTag,
	optionalWebhookId,
	PRIVATE_TYPES,
	PUBLIC_USER_TYPES,
	tagProperty,
} from './fields';
import { oauth2UserToken, xaaWithUserContext } from './oauth2';

const show = { resource: ['activitySubscription'], operation: ['create'] };
const privateShow = { ...show, eventType: PRIVATE_TYPES };
const oauth1Show = { ...privateShow, userAuthentication: ['oAuth1'] };

const properties: INodeProperties[] = [
	{
		displayName: 'Event Type',
		name: 'eventType',
		type: 'options',
		required: true,
		options: eventTypeOptions,
		default: 'post.create',
		description:
			"What to be notified of. Public types are created with the app bearer token; private types (mentions, replies, quotes, reposts, likes, follows, DMs, chat, mute, block, Spaces, broadcast chat, news) need the subscribed user's own user-context token. Each user × event type is one subscription and counts against the cap (self-serve 1,500).",
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '2244994945',
		displayOptions: { show: { eventType: PUBLIC_USER_TYPES } },
		description:
			'Numeric X user ID whose activity to receive, as a string of digits (not the @handle); usually an expression reading it from the input item',
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		default: '',
		placeholder: '2244994945',
		displayOptions: {
			show: { eventType: PRIVATE_TYPES.filter((t) => !KEYWORD_TYPES.includes(t)) },
		},
		description:
			"Numeric X user ID whose activity to receive, as a string of digits (not the @handle). With an OAuth 1.0a token, leave empty for the acting account's own ID (read from its access token).",
	},
	{
		displayName: 'Keyword',
		name: 'keyword',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'electric vehicles',
		displayOptions: { show: { eventType: KEYWORD_TYPES } },
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
				description: 'No direction filter: one subscription delivers both sides',
			},
			{
				name: 'Inbound',
				value: 'inbound',
				description: "Done to the user: someone liked the user's post",
			},
			{
				name: 'Outbound',
				value: 'outbound',
				description: 'Done by the user: the user liked a post',
			},
		],
		default: 'both',
		displayOptions: { show: { eventType: DIRECTIONAL_TYPES } },
		description:
			'Which side of the activity to receive (X documents a direction for like.create only)',
	},
	{
		displayName: 'Authentication',
		name: 'userAuthentication',
		type: 'options',
		options: [
			{
				name: 'OAuth 1.0a User Token',
				value: 'oAuth1',
				description:
					"The subscribed user's OAuth 1.0a access token: the credential account's, or a user token from the input items (Act As)",
			},
			{
				name: 'OAuth 2.0 (X Activity OAuth2 API Credential)',
				value: 'oAuth2',
				description:
					"The user's OAuth 2.0 user-context token from an X Activity OAuth2 API credential; it must hold the event type's scope",
			},
		],
		default: 'oAuth1',
		displayOptions: { show: { eventType: PRIVATE_TYPES } },
		description:
			"How the subscribed user authorises this private-type subscription: X accepts it only with that user's own user context",
	},
];

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show }, properties),
	...actAsProperties(oauth1Show, {
		description:
			'Whose OAuth 1.0a token creates this private-type subscription. X accepts it only with user-context authorisation of the subscribed user (for mute and block, the subscribed user must be the acting account).',
		credentialAccount:
			"The app owner's access token from the credential: for subscriptions of the owner's own account",
	}),
	...updateDisplayOptions({ show }, [
		tagProperty(''),
		webhookLocator({
			description:
				'Optional v2 webhook to deliver events to. Without one, X delivers to the activity stream only.',
		}),
	]),
];

type UserContext =
	| { kind: 'oauth1'; token: UserToken }
	| { kind: 'oauth2'; token: XaaOAuth2UserToken };

/** The user context a private type is created with, or an error naming the type and what is missing. */
async function userContextFor(
	ctx: IExecuteFunctions,
	run: RunContext,
	i: number,
	secrets: string[],
	eventType: string,
): Promise<UserContext> {
	if (param<string>(ctx, 'userAuthentication', i, 'oAuth1') === 'oAuth2') {
		return { kind: 'oauth2', token: await oauth2UserToken(ctx, i, secrets, eventType) };
	}
	const token = actingUser(ctx, i, secrets) ?? run.owner;
	if (!token) {
		throw fail(
			ctx,
			i,
			`${eventType} is a private event type and needs user context, but Act As is Credential Account and the credential has no Access Token and Access Token Secret (item ${i}): fill them in, choose Act As: User Token, or Authentication: OAuth 2.0 with an X Activity OAuth2 API credential`,
		);
	}
	return { kind: 'oauth1', token };
}

export const execute: OperationExecute = async function (run, i, secrets) {
	assertV2(this, run, i);
	const given = trimmed(this, 'eventType', i);
	const info = xaaEventTypeInfo(given);
	if (!info || !info.subscribable) {
		throw fail(
			this,
			i,
			`Event Type "${given}" is not an XAA event type one can subscribe to (item ${i}): use one of ${XAA_SUBSCRIBABLE_EVENT_TYPES.join(', ')}`,
		);
	}
	const eventType = info.type;

	const user =
		info.visibility === 'private'
			? await userContextFor(this, run, i, secrets, eventType)
			: undefined;

	const filter: XaaFilter = {};
	if (info.filter === 'keyword') {
		const keyword = trimmed(this, 'keyword', i);
		if (!keyword || keyword.length > KEYWORD_MAX)
			throw fail(
				this,
				i,
				`${eventType} needs a Keyword of 1 to ${KEYWORD_MAX} characters (item ${i})`,
			);
		filter.keyword = keyword;
	} else {
		let userId = idParam(this, 'userId', 'User ID', i);
		if (!userId && user?.kind === 'oauth1') userId = userIdFromToken(user.token.token) ?? '';
		if (!userId)
			throw fail(
				this,
				i,
				`User ID is required for ${eventType} (item ${i}): the numeric ID of the account whose activity to receive`,
			);
		if (!ID.test(userId))
			throw fail(
				this,
				i,
				`User ID "${userId}" is not a numeric X user ID (item ${i}): give the account's ID as digits, not its @handle`,
			);
		filter.userId = userId;
	}
	if (info.directional) {
		const direction = param<string>(this, 'direction', i, 'both');
		if (direction === 'inbound' || direction === 'outbound') filter.direction = direction;
		else if (direction && direction !== 'both')
			throw fail(
				this,
				i,
				`Direction must be both, inbound or outbound, not "${direction}" (item ${i})`,
			);
	}

	const request = {
		eventType,
		filter,
		tag: optionalTag(this, i),
		webhookId: optionalWebhookId(this, i),
	};
	// the client picks the auth for the type and checks an OAuth 2.0 token's scopes before sending
	const created =
		user?.kind === 'oauth2'
			? await xaaWithUserContext(this, run).create({ ...request, oauth2: user.token })
			: await run.client.xaa.create({ ...request, user: user?.token });
	return [activitySubscriptionJson(created, created.alreadyExisted)];
};
