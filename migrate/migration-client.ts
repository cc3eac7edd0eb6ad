/**
 * The X client a migration runs with: one rate gate (no request before a window's reset second
 * has passed), no limit on waiting for a reset, longer timeouts and more retries than the nodes use.
 */
import { RateGate } from '../client/rate-limits';
import { XClient } from '../client/x-client';
import type { EnvCredentials, MigrateOptions } from './options';

export function migrationClient(
	creds: EnvCredentials,
	options: Pick<MigrateOptions, 'api' | 'env' | 'baseUrl'>,
	onWait: (untilMs: number) => void,
	on429: () => void,
): XClient {
	const gate = new RateGate({ onWait: (_endpoint, untilMs) => onWait(untilMs) });
	return new XClient(
		{ ...creds, apiVersion: options.api, environment: options.env, baseUrl: options.baseUrl },
		{
			rateGate: gate,
			maxRateLimitWaitMs: Infinity,
			timeoutMs: 30_000,
			retry: { retries: 5, baseDelayMs: 250, maxDelayMs: 4_000 },
			onResponse: (_endpoint, res) => {
				if (res.status === 429) on429();
			},
		},
	);
}
