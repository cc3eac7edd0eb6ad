/**
 * Response bodies in each flavour's shape, and the mapping of shared failures to them.
 *
 * v1.1: `{"errors":[{"code":N,"message":"…"}]}`. v2: 400 `{"errors":[{"message":"<Reason>: <details>"}],
 * "title","detail","type"}` for invalid requests, RFC 7807-style problems otherwise.
 *
 * Choices where REFERENCE.md is silent (each marked below) are our best reading of X.
 */
import type { SimFailure } from './failures';

export interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export const v1Error = (status: number, code: number, message: string): Reply => ({
	status,
	body: { errors: [{ code, message }] },
});

export const V1 = {
	notFound: () => v1Error(404, 34, 'Sorry, that page does not exist.'),
	couldNotAuthenticate: () => v1Error(401, 32, 'Could not authenticate you.'),
	invalidToken: () => v1Error(401, 89, 'Invalid or expired token.'),
	timestamp: () => v1Error(401, 135, 'Timestamp out of bounds.'),
	/** ours: X answers a request without credentials with 400 code 215. */
	badAuthData: () => v1Error(400, 215, 'Bad Authentication data.'),
	forbidden: () => v1Error(403, 200, 'Forbidden.'),
	/** ours: X's answer to app-only (Bearer) auth on a user-context endpoint. */
	userContextRequired: () =>
		v1Error(403, 220, 'Your credentials do not allow access to this resource.'),
	rateLimited: () => v1Error(429, 88, 'Rate limit exceeded'),
};

const CRC_DOC =
	'https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/securing-webhooks';

/** v1.1 status/code/message for a shared failure. */
export function v1Failure(f: SimFailure): Reply {
	switch (f.kind) {
		case 'url_invalid':
			return v1Error(
				400,
				214,
				`Webhook URL does not meet the requirements. Please consult: ${CRC_DOC} (${f.detail})`,
			);
		case 'crc_failed':
			switch (f.reason) {
				case 'timeout':
					return v1Error(
						400,
						214,
						'High latency on CRC GET request. Your webhook should respond in less than 3 seconds.',
					);
				case 'non200':
					return v1Error(
						400,
						214,
						`Non-200 response code during CRC GET request (i.e. 404, 500, etc). (${f.detail})`,
					);
				case 'bad_response':
					return v1Error(400, 214, 'Invalid CRC token or json response format.');
				case 'connect':
					return v1Error(
						400,
						214,
						`Webhook URL does not meet the requirements. Please consult: ${CRC_DOC} (${f.detail})`,
					);
			}
			break;
		case 'duplicate_url':
			// ours: X documents no duplicate-URL message for v1.1. A client that wants to adopt an
			// existing registration matches "already registered" (or code 214 + list webhooks).
			return v1Error(403, 214, 'Webhook URL is already registered for this application.');
		case 'webhook_limit':
			return v1Error(403, 214, 'Too many resources already created.');
		case 'webhook_not_found':
		case 'subscription_not_found':
			return V1.notFound();
		case 'duplicate_subscription':
			// ours: REFERENCE.md gives the message but no code (355 is documented for replay conflicts).
			return v1Error(409, 355, 'Subscription already exists.');
		case 'subscription_limit':
			// ours: 214 is X's "too many resources" family; the message names subscriptions.
			return v1Error(403, 214, 'Too many subscriptions.');
		case 'user_forbidden':
			return v1Error(
				403,
				348,
				"Client application is not permitted to access this user's webhook subscriptions.",
			);
		case 'replay_invalid':
			// ours: 400 with code 214 and a message naming the rule broken.
			return v1Error(400, 214, `Invalid replay window: ${f.detail}.`);
		case 'replay_conflict':
			return v1Error(409, 355, 'A replay job is already in progress for this webhook.');
	}
	return v1Error(500, 131, 'Internal error');
}

/**
 * v2's 400: the OpenAPI's InvalidRequestProblem (type, title, detail) carrying the prose's
 * `errors[0].message` "<Reason>: <details>" (REFERENCE.md), served as application/problem+json.
 */
export const v2Invalid = (reason: string, details: string): Reply => ({
	status: 400,
	body: {
		errors: [{ message: `${reason}: ${details}` }],
		title: 'Invalid Request',
		detail: 'One or more parameters to your request was invalid.',
		type: 'https://api.x.com/2/problems/invalid-request',
	},
});

export const v2Problem = (status: number, title: string, detail: string, type: string): Reply => ({
	status,
	body: { title, detail, type, status },
});

export const V2 = {
	unauthorized: () => v2Problem(401, 'Unauthorized', 'Unauthorized', 'about:blank'),
	rateLimited: () => v2Problem(429, 'Too Many Requests', 'Too Many Requests', 'about:blank'),
	/** The OpenAPI's ResourceNotFoundProblem. ours: resource_type "route" for an unknown path. */
	notFound: (): Reply => ({
		status: 404,
		body: {
			title: 'Not Found Error',
			detail: 'The requested resource could not be found.',
			type: 'https://api.x.com/2/problems/resource-not-found',
			resource_type: 'route',
			status: 404,
		},
	}),
	/** X's answer to an auth type an endpoint does not accept. */
	unsupportedAuth: (given: string, supported: string) =>
		v2Problem(
			403,
			'Unsupported Authentication',
			`Authenticating with ${given} is forbidden for this endpoint.  Supported authentication types are [${supported}].`,
			'https://api.twitter.com/2/problems/unsupported-authentication',
		),
	forbidden: (detail: string) =>
		v2Problem(403, 'Forbidden', detail, 'https://api.twitter.com/2/problems/client-forbidden'),
};

export function v2Failure(f: SimFailure): Reply {
	switch (f.kind) {
		case 'url_invalid':
			return v2Invalid('UrlValidationFailed', f.detail);
		case 'crc_failed':
			return v2Invalid('CrcValidationFailed', `${f.reason}: ${f.detail}`);
		case 'duplicate_url':
			return v2Invalid(
				'DuplicateUrlFailed',
				`URL is already registered with webhook ${f.existingId}`,
			);
		case 'webhook_limit':
			return v2Invalid('WebhookLimitExceeded', 'the app has reached its webhook limit');
		case 'webhook_not_found':
			return v2Invalid('WebhookIdInvalid', 'no webhook with this id for this app');
		case 'duplicate_subscription':
			return v2Invalid(
				'DuplicateSubscriptionFailed',
				'the user is already subscribed to this webhook',
			);
		case 'subscription_limit':
			return v2Invalid('SubscriptionLimitExceeded', 'the app has reached its subscription limit');
		case 'subscription_not_found':
			return v2Invalid('SubscriptionNotFound', 'the user is not subscribed to this webhook');
		case 'user_forbidden':
			// ours: the v1.1 code 348 case as a v2 problem.
			return V2.forbidden(
				"The client application is not permitted to access this user's subscriptions.",
			);
		case 'replay_invalid':
			return v2Invalid('QueryParamInvalid', f.detail);
		case 'replay_conflict':
			return v2Invalid(
				'ReplayConflictError',
				`replay job ${f.jobId} is already in progress for this webhook`,
			);
	}
	return v2Problem(500, 'Internal Error', 'Internal Error', 'about:blank');
}

/** Injected 5xx bodies. */
export function faultReply(isV2: boolean, status: number): Reply {
	if (isV2) {
		const title = status === 503 ? 'Service Unavailable' : 'Internal Server Error';
		return v2Problem(status, title, title, 'about:blank');
	}
	// REFERENCE.md: "5xx / 503 code 67: temporary"; 500 uses X's code 131 "Internal error".
	if (status === 503) return v1Error(503, 67, 'Over capacity');
	return v1Error(status, 131, 'Internal error');
}

/** v1.1 timestamps: `2016-06-02T23:54:02Z`; v2: `2025-01-15T12:00:00.000Z`. */
export function isoV1(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isoV2(ms: number): string {
	return new Date(ms).toISOString();
}
