/**
 * The X client's public vocabulary: what callers pass in and the one normalised shape each
 * operation returns, whatever the API flavour. Every id is a string.
 */

/** Which Account Activity API the app is provisioned for. */
export type ApiFlavour = 'enterprise' | 'premium' | 'v2';

export const API_FLAVOURS: readonly ApiFlavour[] = ['enterprise', 'premium', 'v2'];

/** The app's keys, as held by the n8n credential or the migrate environment variables. */
export interface XAppCredentials {
	consumerKey: string;
	consumerSecret: string;
	/** The app owner's user-context token (registers webhooks on v1.1). */
	accessToken?: string;
	accessTokenSecret?: string;
	/** App-only OAuth 2 bearer token; fetched with POST /oauth2/token when absent. */
	bearerToken?: string;
	apiVersion: ApiFlavour;
	/** Premium environment name (case-sensitive). */
	environment?: string;
	/** Default https://api.x.com. Plain http only for hosts other than X's own. */
	baseUrl?: string;
}

/** A subscribing user's own OAuth 1.0a token. */
export interface UserToken {
	token: string;
	secret: string;
}

/** x-rate-limit-* headers of a response, when X sent them. */
export interface RateLimitInfo {
	limit: number;
	remaining: number;
	/** Unix seconds when the window resets. */
	reset: number;
}

export interface Webhook {
	id: string;
	url: string;
	valid: boolean;
	createdAt?: string;
	/** Premium: the environment the webhook belongs to. */
	environment?: string;
}

export interface SubscriptionList {
	webhookId?: string;
	webhookUrl?: string;
	environment?: string;
	applicationId?: string;
	userIds: string[];
}

export interface SubscriptionCount {
	accountName?: string;
	/** Counts as X sends them: decimal strings. */
	all: string;
	directMessages?: string;
	provisioned?: string;
}

export interface ReplayJob {
	jobId: string;
	createdAt?: string;
}

/** Result of subscribe: `alreadySubscribed` when X said "Subscription already exists". */
export interface SubscribeResult {
	subscribed: true;
	alreadySubscribed: boolean;
}
