/**
 * The consumer secret on the webhook hot path. Fetching credentials on every request costs a
 * database read and a decryption (measured: ~40% of throughput), so the secret is cached per
 * credential for a short time. A rotated secret takes effect at once: a signature that fails
 * with the cached secret re-reads the credential and checks again; the old secret stops being
 * accepted when its short lifetime ends.
 *
 * Forged traffic must not turn into credential reads: requests arriving together share one
 * in-flight read (the first load and the forced re-read alike), and a forced re-read happens at
 * most once a second per credential, under any concurrency (the time is taken before the read
 * starts, so no request waiting on a read can start another).
 */

export const SECRET_TTL_MS = 30_000;
export const REFETCH_MIN_INTERVAL_MS = 1_000;

interface Entry {
	secret: string;
	fetchedAt: number;
}

const cache = new Map<string, Entry>();
/** Loads under way, so requests arriving together when the entry expires share one credential read. */
const loading = new Map<string, Promise<string>>();
/** When each credential was last read (a load or a forced re-read): the re-read budget. */
const lastRead = new Map<string, number>();
/** Forced re-reads under way, shared by every failed check that arrives meanwhile. */
const forcing = new Map<string, Promise<string>>();

export type SecretLoader = () => Promise<string>;

function read(key: string, load: SecretLoader, now: number, pending: Map<string, Promise<string>>): Promise<string> {
	lastRead.set(key, now);
	const p = load().then(
		(secret) => {
			pending.delete(key);
			cache.set(key, { secret, fetchedAt: now });
			return secret;
		},
		(err: unknown) => {
			pending.delete(key);
			throw err;
		},
	);
	pending.set(key, p);
	return p;
}

/** The cached secret (fetched when absent or stale; concurrent callers share one read). */
export async function currentSecret(key: string, load: SecretLoader, now = Date.now()): Promise<string> {
	const e = cache.get(key);
	if (e && now - e.fetchedAt < SECRET_TTL_MS) return e.secret;
	return await (loading.get(key) ?? read(key, load, now, loading));
}

/**
 * After a failed check with `used`: a fresh secret when the credential changed, else undefined
 * (the request is then rejected). Reads the credential only when no read is under way and none
 * happened within the last second.
 */
export async function refreshedSecret(key: string, used: string, load: SecretLoader, now = Date.now()): Promise<string | undefined> {
	let pending = forcing.get(key) ?? loading.get(key);
	if (pending === undefined) {
		const last = lastRead.get(key);
		if (last !== undefined && now - last < REFETCH_MIN_INTERVAL_MS) return undefined;
		pending = read(key, load, now, forcing);
	}
	const secret = await pending;
	return secret !== used ? secret : undefined;
}

/** Forgets one credential's secret (the trigger's workflow was deactivated). */
export function forgetSecret(key: string): void {
	cache.delete(key);
	loading.delete(key);
	lastRead.delete(key);
	forcing.delete(key);
}

/** How many credentials have state here (tests: release on deactivation). */
export function secretCacheSize(): number {
	return new Set([...cache.keys(), ...lastRead.keys()]).size;
}

/** For tests. */
export function clearSecretCache(): void {
	cache.clear();
	loading.clear();
	lastRead.clear();
	forcing.clear();
}
