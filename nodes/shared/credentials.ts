/**
 * The n8n side of the credential: turning `xAccountActivityApi` into the shared X client, and
 * the programmatic credential test both nodes declare with `testedBy`.
 */
import {
	sleep,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type INodeCredentialTestResult,
} from 'n8n-workflow';
import { XClient, type XClientOptions } from '../../client/x-client';
import type { ApiFlavour, XAppCredentials } from '../../client/types';
import { n8nCredentialTestRequester, n8nHttpRequester, type N8nHttpHelpers } from './n8n-transport';

export const CREDENTIAL_NAME = 'xAccountActivityApi';

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : String(v));

export function toAppCredentials(data: ICredentialDataDecryptedObject): XAppCredentials {
	return {
		consumerKey: text(data.consumerKey),
		consumerSecret: text(data.consumerSecret),
		accessToken: text(data.accessToken) || undefined,
		accessTokenSecret: text(data.accessTokenSecret) || undefined,
		bearerToken: text(data.bearerToken) || undefined,
		apiVersion: (text(data.apiVersion) || 'enterprise') as ApiFlavour,
		environment: text(data.environment) || undefined,
		baseUrl: text(data.baseUrl) || undefined,
	};
}

/**
 * The X client for a node: requests go through the node context's n8n request helper
 * (`this.helpers.httpRequest`), waits through n8n-workflow's `sleep`.
 */
export function clientFromCredentials(context: N8nHttpHelpers, data: ICredentialDataDecryptedObject, opts?: XClientOptions): XClient {
	return new XClient(toAppCredentials(data), { request: n8nHttpRequester(context), sleep, ...opts });
}

/**
 * Proves the keys: the owner's token signs verify_credentials (consumer key + secret + token),
 * and listing webhooks proves Account Activity access for the flavour (and the premium
 * environment name) with the bearer token.
 */
export async function testXCredentials(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const client = new XClient(toAppCredentials(credential.data ?? {}), {
			request: n8nCredentialTestRequester(this),
			sleep,
			retry: { retries: 1 },
			timeoutMs: 10_000,
		});
		const who = await client.verifyCredentials();
		const hooks = await client.listWebhooks();
		return {
			status: 'OK',
			message: `Authenticated as ${who.screenName ? '@' + who.screenName : who.userId}; ${hooks.length} webhook(s) registered for this app`,
		};
	} catch (err) {
		return { status: 'Error', message: (err as Error).message };
	}
}
