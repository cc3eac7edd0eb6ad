/**
 * Which X Activity API subscriptions deliver each trigger activity for one account, so a
 * trigger set to XAA subscribes exactly what its selected activities need. Activities with no
 * subscribable XAA event (app_revoked arrives unasked; replay status has no XAA event; news
 * needs a keyword) map to nothing.
 */
import { NodeOperationError, type ICredentialDataDecryptedObject, type IHookFunctions, type ITriggerFunctions } from 'n8n-workflow';
import { normaliseBaseUrl } from '../../client/base-url';
import type { XClient } from '../../client/x-client';
import { removeRegistration, type RegistrationState } from '../../client/webhook-registration';
import { ensureXaaSubscriptions, removeXaaSubscriptions, type XaaSubscriptionSpec, type XaaUserAuth } from '../../client/xaa-registration';
import type { Activity } from './activities';

const PROFILE_FIELDS = ['bio', 'profile_picture', 'banner_picture', 'screenname', 'handle', 'geo', 'url', 'verified_badge', 'affiliate_badge'];

type Spec = { eventType: string; direction?: 'inbound' | 'outbound' };

const BY_ACTIVITY: Partial<Record<Activity, Spec[]>> = {
	mention: [{ eventType: 'post.mention.create' }],
	reply: [{ eventType: 'post.reply.create' }],
	quote: [{ eventType: 'post.quote.create' }],
	retweet: [{ eventType: 'post.repost.create' }],
	own_tweet: [{ eventType: 'post.create' }],
	tweet_deleted: [{ eventType: 'post.delete' }],
	// One like.create without direction delivers both sides; one follow.follow carries source and
	// target, so it serves both follow activities (the item builder classifies from the payload).
	like_received: [{ eventType: 'like.create' }],
	like_given: [{ eventType: 'like.create' }],
	new_follower: [{ eventType: 'follow.follow' }],
	follow_given: [{ eventType: 'follow.follow' }],
	unfollow: [{ eventType: 'follow.unfollow' }],
	block: [{ eventType: 'block.block' }],
	unblock: [{ eventType: 'block.unblock' }],
	mute: [{ eventType: 'mute.mute' }],
	unmute: [{ eventType: 'mute.unmute' }],
	dm_received: [{ eventType: 'dm.received' }],
	dm_sent: [{ eventType: 'dm.sent' }],
	typing: [{ eventType: 'dm.indicate_typing' }],
	read: [{ eventType: 'dm.read' }],
	profile_updated: PROFILE_FIELDS.map((f) => ({ eventType: `profile.update.${f}` })),
	chat_received: [{ eventType: 'chat.received' }],
	chat_sent: [{ eventType: 'chat.sent' }],
	chat_joined: [{ eventType: 'chat.conversation.join' }],
	space_started: [{ eventType: 'spaces.start' }],
	space_ended: [{ eventType: 'spaces.end' }],
	broadcast_started: [{ eventType: 'broadcast.start' }],
	broadcast_ended: [{ eventType: 'broadcast.end' }],
	broadcast_chat: [{ eventType: 'broadcast.chat' }],
};

/** The XAA subscriptions (deduplicated, in a stable order) for the activities of one account. */
export function xaaSpecsForActivities(activities: readonly string[], userId: string): XaaSubscriptionSpec[] {
	const chosen = activities.length > 0 ? activities : Object.keys(BY_ACTIVITY);
	const seen = new Set<string>();
	const out: XaaSubscriptionSpec[] = [];
	for (const activity of chosen) {
		for (const s of BY_ACTIVITY[activity as Activity] ?? []) {
			const key = `${s.eventType}|${s.direction ?? ''}`;
			if (seen.has(key)) continue;
			seen.add(key);
			out.push({ eventType: s.eventType, filter: { userId, ...(s.direction ? { direction: s.direction } : {}) } });
		}
	}
	return out;
}

/** How many XAA subscriptions one account needs for these activities (none selected: all). */
export const xaaSubscriptionCount = (activities: readonly string[]): number => xaaSpecsForActivities(activities, '0').length;

// --- activation (n8n side) ---------------------------------------------------------------------

export const XAA_USER_CONTEXT_TYPE = 'xActivityOAuth2Api';

/** The trigger parameter choosing whose token subscribes the account in XAA mode. */
export type XaaUserAuthMode = 'oAuth1' | 'oAuth2';

export interface XaaActivationPlan {
	specs: XaaSubscriptionSpec[];
	/** This node's tag on every subscription it creates. */
	tag: string;
	auth: XaaUserAuth;
	userId: string;
}

/** What activation asks of n8n: the webhook trigger's hooks and the stream trigger's trigger() both offer it. */
type ActivationFunctions = IHookFunctions | ITriggerFunctions;

/**
 * XAA mode (webhook trigger) and the stream trigger: the subscriptions the selected activities
 * need for the account, this node's tag (`opts.tag` overrides it), and the account's own token.
 * OAuth 1.0a: the app credential's access token (the owner's account).
 * OAuth 2.0: the X Activity OAuth2 API credential; `GET /2/users/me` goes through n8n's OAuth2
 * machinery first, which refreshes an expired access token, then the fresh token and its granted
 * scopes are read back from the credential.
 */
export async function planXaaActivation(
	ctx: ActivationFunctions,
	client: XClient,
	appCredentials: ICredentialDataDecryptedObject,
	opts: { tag?: string } = {},
): Promise<XaaActivationPlan> {
	if (client.flavour !== 'v2') {
		throw new NodeOperationError(ctx.getNode(), "The X Activity API uses v2: set the X Account Activity API credential's API Version to v2");
	}
	const mode = ctx.getNodeParameter('xaaAuth', 'oAuth1') as XaaUserAuthMode;
	const activities = ctx.getNodeParameter('activities', []) as string[];
	const tag = opts.tag ?? `n8n:${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
	let auth: XaaUserAuth;
	let userId: string;
	if (mode === 'oAuth2') {
		const o2 = await ctx.getCredentials(XAA_USER_CONTEXT_TYPE);
		const base = normaliseBaseUrl(typeof o2.baseUrl === 'string' ? o2.baseUrl : undefined);
		const me = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, XAA_USER_CONTEXT_TYPE, {
			method: 'GET',
			url: `${base}/2/users/me`,
			json: true,
		})) as { data?: { id?: unknown } };
		userId = String(me?.data?.id ?? '');
		if (!/^\d{1,19}$/.test(userId)) throw new NodeOperationError(ctx.getNode(), 'X did not say which account the OAuth 2.0 credential belongs to (GET /2/users/me)');
		const fresh = (await ctx.getCredentials(XAA_USER_CONTEXT_TYPE)).oauthTokenData as { access_token?: unknown; scope?: unknown } | undefined;
		const accessToken = typeof fresh?.access_token === 'string' ? fresh.access_token : '';
		if (!accessToken) throw new NodeOperationError(ctx.getNode(), 'The X Activity OAuth2 API credential is not connected: open it and click Connect my account');
		auth = { oauth2: { accessToken, scopes: typeof fresh?.scope === 'string' ? fresh.scope : undefined } };
	} else {
		const token = String(appCredentials.accessToken ?? '');
		const secret = String(appCredentials.accessTokenSecret ?? '');
		userId = (await client.verifyCredentials()).userId;
		auth = token && secret ? { user: { token, secret } } : {};
	}
	return { specs: xaaSpecsForActivities(activities, userId), tag, auth, userId };
}

/** The node's static data with the last XAA activation failure (kept in memory across n8n's retries). */
type XaaFailureMemo = RegistrationState & { xaaFailure?: string };

/**
 * n8n retries a failed activation with the node's setup (CRC) route already gone, so the retry
 * fails the CRC; the XAA failure of the attempt before is the one to report.
 */
export const xaaFailureOf = (state: RegistrationState): string | undefined => (state as XaaFailureMemo).xaaFailure;

/**
 * Creates the plan's subscriptions, tagged; with `webhookId` they go to that webhook (and to the
 * stream while one is open), without it to the stream only. When one is refused, the ones created
 * are deleted again (the client does that, and everything under the tag is removed besides) and
 * X's answer naming the type is returned; undefined when every create was accepted.
 */
async function createXaaOrRollBack(client: XClient, plan: XaaActivationPlan, webhookId: string | undefined): Promise<string | undefined> {
	const failure = await ensureXaaSubscriptions(client, plan.specs, { tag: plan.tag, webhookId, ...plan.auth }).then(
		() => undefined,
		(e: unknown) => (e instanceof Error ? e.message : String(e)),
	);
	if (failure !== undefined) await removeXaaSubscriptions(client, plan.tag).catch(() => undefined);
	return failure;
}

/**
 * Webhook trigger: creates the plan's subscriptions for its webhook, tagged (the tag recorded
 * first, so deactivation always finds them). All or nothing: when one is refused, the ones
 * created are deleted again and so is the webhook this node registered, and the error names the
 * type and X's answer.
 */
export async function subscribeXaaAllOrNothing(ctx: IHookFunctions, client: XClient, state: RegistrationState, plan: XaaActivationPlan): Promise<void> {
	const memo = state as XaaFailureMemo;
	state.xaaTag = plan.tag;
	const failure = await createXaaOrRollBack(client, plan, state.webhookId);
	if (failure === undefined) {
		delete memo.xaaFailure;
		return;
	}
	await removeRegistration(client, state, false).catch(() => undefined);
	memo.xaaFailure = failure;
	throw new NodeOperationError(ctx.getNode(), failure);
}

/**
 * Stream trigger: creates the plan's subscriptions without `webhook_id` (X delivers them to the
 * activity stream only), all or nothing as for the webhook trigger.
 */
export async function subscribeXaaStreamAllOrNothing(ctx: ITriggerFunctions, client: XClient, plan: XaaActivationPlan): Promise<void> {
	const failure = await createXaaOrRollBack(client, plan, undefined);
	if (failure !== undefined) throw new NodeOperationError(ctx.getNode(), failure);
}
