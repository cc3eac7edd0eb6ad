/**
 * The one place the action node (execute and listSearch) turns its credential into the shared
 * X client.
 */
import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';
import type { XClient } from '../../../client/x-client';
import { clientFromCredentials } from '../../shared/credentials';

/** On 429, wait for the window's reset when it is at most this far away; otherwise fail with the reset time. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000;

export function xClientFor(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	credentials: ICredentialDataDecryptedObject,
	opts: { maxRateLimitWaitMs?: number } = {},
): XClient {
	return clientFromCredentials(ctx, credentials, {
		maxRateLimitWaitMs: opts.maxRateLimitWaitMs ?? MAX_RATE_LIMIT_WAIT_MS,
	});
}
