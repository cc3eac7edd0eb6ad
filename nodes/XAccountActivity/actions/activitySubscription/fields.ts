/**
 * What the Activity Subscription (XAA) operations share: the catalogue as the fields need it,
 * the Tag and Webhook fields with their checks, and the v2-only rule.
 */
import type { IExecuteFunctions, INodePropertyOptions } from 'n8n-workflow';
import {
	XAA_EVENT_CATALOGUE,
	XAA_SUBSCRIBABLE_EVENT_TYPES,
	type XaaEventType,
	type XaaEventTypeInfo,
} from '../../../../client/xaa-event-types';
import { XAA_LIMITS } from '../../../../client/xaa-client';
import { fail, idParam, param, requireId, type RunContext } from '../params';

export const RESOURCE = ['activitySubscription'];
export const TAG_MAX = XAA_LIMITS.tagMaxLength;
export const KEYWORD_MAX = XAA_LIMITS.keywordMaxLength;

export const WRONG_FLAVOUR_MESSAGE =
	"The X Activity API uses v2: set the credential's API Version to v2";

const infoOf = (t: XaaEventType): XaaEventTypeInfo => XAA_EVENT_CATALOGUE[t];
const typesWhere = (pred: (info: XaaEventTypeInfo) => boolean): XaaEventType[] =>
	XAA_SUBSCRIBABLE_EVENT_TYPES.filter((t) => pred(infoOf(t)));

export const PUBLIC_USER_TYPES = typesWhere(
	(x) => x.visibility === 'public' && x.filter === 'user_id',
);
export const PRIVATE_TYPES = typesWhere((x) => x.visibility === 'private');
export const KEYWORD_TYPES = typesWhere((x) => x.filter === 'keyword');
export const DIRECTIONAL_TYPES = typesWhere((x) => x.directional);

/** What an agent or a person needs to pick an event type: meaning, auth, filter. */
export function eventTypeDescription(info: XaaEventTypeInfo): string {
	const meaning = info.description.charAt(0).toUpperCase() + info.description.slice(1);
	const scope = info.oauth2Scope ? `, OAuth 2.0 scope ${info.oauth2Scope}` : '';
	const auth =
		info.visibility === 'public'
			? 'Public: created with the app bearer token'
			: `Private: needs the subscribed user's own user-context token (OAuth 1.0a user token${scope})`;
	const filter =
		info.filter === 'keyword'
			? 'filter: Keyword'
			: info.directional
				? 'filter: User ID, optional Direction'
				: 'filter: User ID';
	const actor = info.actorOnly ? ' (actor only: User ID must be the acting account)' : '';
	return `${meaning}. ${auth}; ${filter}${actor}.`;
}

export const eventTypeOptions: INodePropertyOptions[] = [...XAA_SUBSCRIBABLE_EVENT_TYPES]
	.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
	.map((t) => ({ name: t, value: t, description: eventTypeDescription(infoOf(t)) }));

export function assertV2(ctx: IExecuteFunctions, run: RunContext, i: number): void {
	if (run.flavour !== 'v2') {
		throw fail(
			ctx,
			i,
			`${WRONG_FLAVOUR_MESSAGE} (this credential uses ${run.flavour}; XAA delivers to v2 webhooks)`,
		);
	}
}

export function optionalTag(ctx: IExecuteFunctions, i: number): string | undefined {
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

export function optionalWebhookId(ctx: IExecuteFunctions, i: number): string | undefined {
	const id = idParam(ctx, 'webhookId', 'Webhook ID', i);
	return id ? requireId(ctx, i, 'Webhook ID', id) : undefined;
}

/** The Tag field of Create and Update. */
export function tagProperty(description: string) {
	return {
		displayName: 'Tag',
		name: 'tag',
		type: 'string' as const,
		default: '',
		placeholder: 'crm-sync',
		description:
			`Optional label, 1 to ${TAG_MAX} characters, returned with the subscription and its events. ${description}`.trim(),
	};
}
