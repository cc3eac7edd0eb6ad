/** The webhook both targets deliver to: found by id, or adopted / registered by URL. */
import { ensureRegistration, type RegistrationState } from '../../client/webhook-registration';
import type { XClient } from '../../client/x-client';

export interface WebhookChoice {
	webhookId?: string;
	webhookUrl?: string;
	/** Premium environment name (for messages). */
	environment?: string;
}

/** Returns the webhook id to use (undefined: premium addressed by environment). Throws on failure. */
export async function prepareWebhook(client: XClient, c: WebhookChoice): Promise<string | undefined> {
	if (c.webhookUrl) {
		const state: RegistrationState = {};
		await ensureRegistration(client, c.webhookUrl, state, { subscribeOwnAccount: false });
		return state.webhookId;
	}
	if (c.webhookId) {
		const hooks = await client.listWebhooks();
		const hook = hooks.find((w) => w.id === c.webhookId);
		if (!hook) {
			throw new Error(
				`webhook ${c.webhookId} is not registered for this app` +
					(client.flavour === 'premium' ? ` in environment ${c.environment ?? ''}` : '') +
					`: list the webhooks (registered: ${hooks.map((w) => w.id).join(', ') || 'none'})`,
			);
		}
		if (!hook.valid) await client.triggerCrc(hook.id);
	}
	return c.webhookId;
}
