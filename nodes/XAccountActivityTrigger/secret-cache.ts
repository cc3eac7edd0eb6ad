/**
 * The consumer secret on the webhook hot path. Fetching credentials on every request costs a
 * database read and a decryption (measured: ~40% of throughput), so the secret is cached per
 * credential for a short time. A rotated secret takes effect at once: a signature that fails
 * with the cached secret re-reads the credential (at most once a second, so forged requests
 * cannot turn into a database load) and checks again; the old secret stops being accepted when
 * its short lifetime ends.
 */

export const SECRET_TTL_MS = 30_000;
const REFETCH_MIN_INTERVAL_MS = 1_000;

interface Entry {
	secret: string;
	fetchedAt: number;
	lastForcedAt: number;
}

const cache = new Map<string, Entry>();
/** Loads under way, so requests arriving together when the entry expires share one credential read. */
const loading = new Map<string, Promise<string>>();

export type SecretLoader = () => Promise<string>;

/** The cached secret (fetched when absent or stale). */
export async function currentSecret(key: string | undefined, load: SecretLoader, now = Date.now()): Promise<string> {
	if (!key) return await load();
	const e = cache.get(key);
	if (e && now - e.fetchedAt < SECRET_TTL_MS) return e.secret;
	let pending = loading.get(key);
	if (!pending) {
		pending = load().then(
			(secret) => {
				loading.delete(key);
				cache.set(key, { secret, fetchedAt: now, lastForcedAt: cache.get(key)?.lastForcedAt ?? Number.NEGATIVE_INFINITY });
				return secret;
			},
			(err: unknown) => {
				loading.delete(key);
				throw err;
			},
		);
		loading.set(key, pending);
	}
	return await pending;
}

/**
 * After a failed check with `used`: a fresh secret when the credential may have changed and the
 * refetch budget allows, else undefined (the request is then rejected).
 */
export async function refreshedSecret(
	key: string | undefined,
	used: string,
	load: SecretLoader,
	now = Date.now(),
): Promise<string | undefined> {
	if (!key) return undefined; // loaded fresh already
	const e = cache.get(key);
	if (e && now - e.lastForcedAt < REFETCH_MIN_INTERVAL_MS) return undefined;
	const secret = await load();
	cache.set(key, { secret, fetchedAt: now, lastForcedAt: now });
	return secret !== used ? secret : undefined;
}

/** For tests. */
export function clearSecretCache(): void {
	cache.clear();
	loading.clear();
}
