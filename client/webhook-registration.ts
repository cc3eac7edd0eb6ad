/**
 * What the trigger does with X when its workflow is activated and deactivated, kept apart from
 * n8n so it can be tested against the simulator. The state lives in the node's static data.
 *
 * Rules: never register a second webhook for the same URL (adopt an existing one, including
 * one X reports as a duplicate); re-validate an invalid one; on removal, undo only what this
 * node created.
 */
import type { XClient } from './x-client';
import { XApiError } from './errors';
import type { Webhook } from './types';

export interface RegistrationState {
	webhookId?: string;
	webhookUrl?: string;
	/** True when this node registered the webhook (so deactivation may delete it). */
	createdWebhook?: boolean;
	/** The account this node subscribed (so deactivation may unsubscribe it). */
	subscribedUserId?: string;
	/** Premium environment the webhook lives in. */
	environment?: string;
	/** XAA mode: the tag on the X Activity API subscriptions this node created. */
	xaaTag?: string;
}

export interface EnsureOptions {
	subscribeOwnAccount: boolean;
}

function sameUrl(a: string, b: string): boolean {
	return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

async function findByUrl(client: XClient, url: string): Promise<Webhook | undefined> {
	return (await client.listWebhooks()).find((w) => sameUrl(w.url, url));
}

/** checkExists: true when X still holds the webhook this node recorded, for this URL. */
export async function registrationExists(client: XClient, url: string, state: RegistrationState): Promise<boolean> {
	if (!state.webhookId) return false;
	const hooks = await client.listWebhooks();
	const mine = hooks.find((w) => w.id === state.webhookId);
	if (!mine || !sameUrl(mine.url, url)) return false;
	if (!mine.valid) await client.triggerCrc(mine.id);
	return true;
}

/** create: adopt or register the webhook, re-validate it, and subscribe the owner. Mutates state. */
export async function ensureRegistration(
	client: XClient,
	url: string,
	state: RegistrationState,
	opts: EnsureOptions,
): Promise<void> {
	if (state.webhookId && state.createdWebhook && state.webhookUrl && !sameUrl(state.webhookUrl, url)) {
		// n8n's URL changed (new host, port or path): retire the webhook this node registered for the old one.
		await removeRegistration(client, state, false);
	}
	let hook = await findByUrl(client, url);
	let created = false;
	if (!hook) {
		try {
			hook = await client.registerWebhook(url);
			created = true;
		} catch (err) {
			// X says the URL is already registered (a concurrent activation, or a v1.1 duplicate): adopt it.
			if (err instanceof XApiError && (err.reason === 'DuplicateUrlFailed' || /already (registered|exists)/i.test(err.xMessage))) {
				hook = await findByUrl(client, url);
			}
			if (!hook) throw err;
		}
	}
	if (!hook.valid) await client.triggerCrc(hook.id);
	state.webhookId = hook.id;
	state.webhookUrl = url;
	state.createdWebhook = created || (state.createdWebhook === true && state.webhookId === hook.id);
	state.environment = hook.environment;
	if (opts.subscribeOwnAccount) {
		const result = await client.subscribe({ webhookId: hook.id });
		if (!result.alreadySubscribed || state.subscribedUserId) {
			state.subscribedUserId = state.subscribedUserId ?? (await client.verifyCredentials()).userId;
		}
	}
}

const gone = (err: unknown) => err instanceof XApiError && (err.status === 404 || err.code === 34 || err.reason === 'WebhookIdInvalid' || err.reason === 'SubscriptionNotFound');

/** delete: undo what this node created (unless told to keep it). Clears state. */
export async function removeRegistration(client: XClient, state: RegistrationState, keep: boolean): Promise<void> {
	try {
		if (!keep && state.webhookId) {
			if (state.subscribedUserId) {
				try {
					await client.unsubscribe({ webhookId: state.webhookId, userId: state.subscribedUserId });
				} catch (err) {
					if (!gone(err)) throw err;
				}
			}
			if (state.createdWebhook) {
				try {
					await client.deleteWebhook(state.webhookId);
				} catch (err) {
					if (!gone(err)) throw err;
				}
			}
		}
	} finally {
		delete state.webhookId;
		delete state.webhookUrl;
		delete state.createdWebhook;
		delete state.subscribedUserId;
		delete state.environment;
		delete state.xaaTag;
	}
}
