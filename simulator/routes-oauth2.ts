/**
 * POST /oauth2/token: app-only bearer token for `grant_type=client_credentials` with HTTP Basic
 * consumer key:secret. X hands out the app's one bearer token (the same until invalidated).
 */
import { basicCredentials, constantTimeEqual, parseFormPairs } from './oauth-verify';
import type { Route } from './router';
import { v1Error } from './responses';

export function oauth2Routes(): Route[] {
	return [
		{
			method: 'POST',
			pattern: /^\/oauth2\/token$/,
			api: 'oauth2',
			auth: 'basic',
			group: 'oauth2.token',
			handle: (rc) => {
				const creds = basicCredentials(rc.authorization);
				const app = rc.sim.config.app;
				if (
					!creds ||
					!constantTimeEqual(creds[0], app.consumerKey) ||
					!constantTimeEqual(creds[1], app.consumerSecret)
				) {
					return {
						status: 403,
						body: {
							errors: [
								{
									code: 99,
									label: 'authenticity_token_error',
									message: 'Unable to verify your credentials',
								},
							],
						},
					};
				}
				const form = new Map(parseFormPairs(rc.rawBody.toString('utf8')));
				for (const [k, v] of rc.query) if (!form.has(k)) form.set(k, v);
				const grant = form.get('grant_type');
				if (!grant) return v1Error(403, 170, 'Missing required parameter: grant_type');
				if (grant !== 'client_credentials')
					return v1Error(403, 99, 'Unable to verify your credentials');
				return { status: 200, body: { token_type: 'bearer', access_token: app.bearerToken } };
			},
		},
	];
}
