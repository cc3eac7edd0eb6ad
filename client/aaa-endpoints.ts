/**
 * Account Activity API endpoints per flavour (REFERENCE.md): path template, auth kind, and
 * whether repeating the call is harmless. Premium paths carry the environment name instead of
 * a webhook id for subscriptions.
 */
import type { ApiFlavour } from './types';

export type AuthKind = 'app' | 'user' | 'bearer';

export type AaaOperation =
	| 'registerWebhook'
	| 'listWebhooks'
	| 'triggerCrc'
	| 'deleteWebhook'
	| 'subscribe'
	| 'checkSubscription'
	| 'listSubscriptions'
	| 'countSubscriptions'
	| 'unsubscribe'
	| 'unsubscribeUserContext'
	| 'replay'
	| 'verifyCredentials';

export interface EndpointDef {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	template: string;
	auth: AuthKind;
	idempotent: boolean;
	/** Human words for errors. */
	operation: string;
}

type Table = Partial<Record<AaaOperation, EndpointDef>>;

const e = (
	method: EndpointDef['method'],
	template: string,
	auth: AuthKind,
	operation: string,
	idempotent = method !== 'POST',
): EndpointDef => ({ method, template, auth, operation, idempotent });

const ENTERPRISE: Table = {
	registerWebhook: e('POST', '/1.1/account_activity/webhooks.json', 'app', 'register webhook'),
	listWebhooks: e('GET', '/1.1/account_activity/webhooks.json', 'bearer', 'list webhooks'),
	triggerCrc: e('PUT', '/1.1/account_activity/webhooks/:webhook_id.json', 'app', 'validate webhook (CRC)'),
	deleteWebhook: e('DELETE', '/1.1/account_activity/webhooks/:webhook_id.json', 'app', 'delete webhook'),
	subscribe: e('POST', '/1.1/account_activity/webhooks/:webhook_id/subscriptions/all.json', 'user', 'subscribe user', true),
	checkSubscription: e('GET', '/1.1/account_activity/webhooks/:webhook_id/subscriptions/all.json', 'user', 'check subscription'),
	listSubscriptions: e('GET', '/1.1/account_activity/webhooks/:webhook_id/subscriptions/all/list.json', 'bearer', 'list subscriptions'),
	countSubscriptions: e('GET', '/1.1/account_activity/subscriptions/count.json', 'bearer', 'count subscriptions'),
	unsubscribe: e('DELETE', '/1.1/account_activity/webhooks/:webhook_id/subscriptions/:user_id/all.json', 'bearer', 'unsubscribe user'),
	unsubscribeUserContext: e('DELETE', '/1.1/account_activity/webhooks/:webhook_id/subscriptions/all.json', 'user', 'unsubscribe user (user context)'),
	replay: e('POST', '/1.1/account_activity/replay/webhooks/:webhook_id/subscriptions/all.json', 'bearer', 'start replay'),
	verifyCredentials: e('GET', '/1.1/account/verify_credentials.json', 'app', 'verify credentials'),
};

const PREMIUM: Table = {
	registerWebhook: e('POST', '/1.1/account_activity/all/:env_name/webhooks.json', 'app', 'register webhook'),
	listWebhooks: e('GET', '/1.1/account_activity/all/:env_name/webhooks.json', 'bearer', 'list webhooks'),
	triggerCrc: e('PUT', '/1.1/account_activity/all/:env_name/webhooks/:webhook_id.json', 'app', 'validate webhook (CRC)'),
	deleteWebhook: e('DELETE', '/1.1/account_activity/all/:env_name/webhooks/:webhook_id.json', 'app', 'delete webhook'),
	subscribe: e('POST', '/1.1/account_activity/all/:env_name/subscriptions.json', 'user', 'subscribe user', true),
	checkSubscription: e('GET', '/1.1/account_activity/all/:env_name/subscriptions.json', 'user', 'check subscription'),
	listSubscriptions: e('GET', '/1.1/account_activity/all/:env_name/subscriptions/list.json', 'bearer', 'list subscriptions'),
	countSubscriptions: e('GET', '/1.1/account_activity/all/subscriptions/count.json', 'bearer', 'count subscriptions'),
	unsubscribe: e('DELETE', '/1.1/account_activity/all/:env_name/subscriptions/:user_id.json', 'bearer', 'unsubscribe user'),
	unsubscribeUserContext: e('DELETE', '/1.1/account_activity/all/:env_name/subscriptions.json', 'user', 'unsubscribe user (user context)'),
	verifyCredentials: e('GET', '/1.1/account/verify_credentials.json', 'app', 'verify credentials'),
};

const V2: Table = {
	registerWebhook: e('POST', '/2/webhooks', 'bearer', 'register webhook'),
	listWebhooks: e('GET', '/2/webhooks', 'bearer', 'list webhooks'),
	triggerCrc: e('PUT', '/2/webhooks/:webhook_id', 'bearer', 'validate webhook (CRC)'),
	deleteWebhook: e('DELETE', '/2/webhooks/:webhook_id', 'bearer', 'delete webhook'),
	subscribe: e('POST', '/2/account_activity/webhooks/:webhook_id/subscriptions/all', 'user', 'subscribe user', true),
	checkSubscription: e('GET', '/2/account_activity/webhooks/:webhook_id/subscriptions/all', 'user', 'check subscription'),
	listSubscriptions: e('GET', '/2/account_activity/webhooks/:webhook_id/subscriptions/all/list', 'bearer', 'list subscriptions'),
	countSubscriptions: e('GET', '/2/account_activity/subscriptions/count', 'bearer', 'count subscriptions'),
	unsubscribe: e('DELETE', '/2/account_activity/webhooks/:webhook_id/subscriptions/:user_id/all', 'bearer', 'unsubscribe user'),
	replay: e('POST', '/2/webhooks/replay', 'bearer', 'start replay'),
	verifyCredentials: e('GET', '/2/users/me', 'app', 'verify credentials'),
};

/** Premium: every environment's webhooks at once. */
export const PREMIUM_ALL_WEBHOOKS = e('GET', '/1.1/account_activity/all/webhooks.json', 'bearer', 'list webhooks of all environments');

export const OAUTH2_TOKEN = e('POST', '/oauth2/token', 'app', 'obtain bearer token', true);

const TABLES: Record<ApiFlavour, Table> = { enterprise: ENTERPRISE, premium: PREMIUM, v2: V2 };

export function endpointFor(flavour: ApiFlavour, op: AaaOperation): EndpointDef {
	const def = TABLES[flavour][op];
	if (!def) {
		const what = op === 'replay' ? 'Replay' : op === 'unsubscribeUserContext' ? 'User-context unsubscribe' : op;
		throw new Error(`${what} is not available on the ${flavour} Account Activity API`);
	}
	return def;
}
