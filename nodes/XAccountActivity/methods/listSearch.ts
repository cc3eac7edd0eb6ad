/**
 * The "From list" entries of the node's resource locators: the app's webhooks, the app's XAA
 * subscriptions (page by page), and a webhook's subscribed accounts. Typing in the list filters
 * by what is shown or by ID.
 */
import {
	NodeOperationError,
	type ILoadOptionsFunctions,
	type INodeListSearchItems,
	type INodeListSearchResult,
} from 'n8n-workflow';
import type { XaaSubscription } from '../../../client/xaa-normalise';
import { CREDENTIAL_NAME, toAppCredentials } from '../../shared/credentials';
import { WRONG_FLAVOUR_MESSAGE } from '../actions/activitySubscription/fields';
import { xClientFor } from '../actions/client';
import { ID } from '../actions/params';
import { scrubText } from '../helpers';

/** A list must answer while the user waits: no long rate-limit waits. */
const LIST_RATE_LIMIT_WAIT_MS = 5_000;
/** XAA subscriptions per "From list" page. */
const PAGE_SIZE = 100;

async function withClient<T>(
	ctx: ILoadOptionsFunctions,
	use: (client: ReturnType<typeof xClientFor>, flavour: string) => Promise<T>,
): Promise<T> {
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
	const app = toAppCredentials(credentials);
	const secrets = [app.consumerSecret, app.accessTokenSecret ?? '', app.bearerToken ?? ''];
	try {
		const client = xClientFor(ctx, credentials, { maxRateLimitWaitMs: LIST_RATE_LIMIT_WAIT_MS });
		return await use(client, app.apiVersion);
	} catch (err) {
		throw new NodeOperationError(ctx.getNode(), scrubText((err as Error).message, secrets));
	}
}

function matching(items: INodeListSearchItems[], filter?: string): INodeListSearchItems[] {
	const f = filter?.trim().toLowerCase();
	if (!f) return items;
	return items.filter(
		(x) => x.name.toLowerCase().includes(f) || String(x.value).toLowerCase().includes(f),
	);
}

/** The app's webhooks (the credential's environment on premium): URL, and whether X marked it invalid. */
export async function webhookSearch(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return withClient(this, async (client) => {
		const hooks = await client.listWebhooks();
		const results = hooks.map((w) => ({
			name: `${w.url}${w.valid ? '' : ' (invalid)'} · ${w.id}`,
			value: w.id,
			url: w.url,
		}));
		return { results: matching(results, filter) };
	});
}

/** One line per XAA subscription: event type, filter, tag, ID. */
function activitySubscriptionName(s: XaaSubscription): string {
	const f = s.filter;
	const target = f.keyword !== undefined ? `"${f.keyword}"` : `user ${f.userId ?? '?'}`;
	const direction = f.direction ? ` ${f.direction}` : '';
	const tag = s.tag ? ` · ${s.tag}` : '';
	return `${s.eventType} · ${target}${direction}${tag} · ${s.id}`;
}

/** The app's XAA subscriptions, one page of X's list per "From list" page. */
export async function activitySubscriptionSearch(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return withClient(this, async (client, flavour) => {
		if (flavour !== 'v2')
			throw new NodeOperationError(
				this.getNode(),
				`${WRONG_FLAVOUR_MESSAGE} (this credential uses ${flavour})`,
			);
		const page = await client.xaa.list({ maxResults: PAGE_SIZE, paginationToken });
		const results = page.subscriptions.map((s) => ({
			name: activitySubscriptionName(s),
			value: s.id,
		}));
		return { results: matching(results, filter), paginationToken: page.nextToken };
	});
}

/** The accounts (user IDs) subscribed to the chosen webhook, or to the premium environment. */
export async function accountSubscriptionSearch(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return withClient(this, async (client, flavour) => {
		let webhookId: string | undefined;
		if (flavour !== 'premium') {
			const raw = this.getNodeParameter('webhookId', '', { extractValue: true }) as unknown;
			webhookId = String(
				raw && typeof raw === 'object' ? ((raw as { value?: unknown }).value ?? '') : (raw ?? ''),
			).trim();
			if (!ID.test(webhookId))
				throw new NodeOperationError(
					this.getNode(),
					`Pick the Webhook first: on the ${flavour} API the subscribed accounts are listed per webhook`,
				);
		}
		const list = await client.listSubscriptions({ webhookId });
		const results = list.userIds.map((id) => ({ name: `User ${id}`, value: id }));
		return { results: matching(results, filter) };
	});
}
