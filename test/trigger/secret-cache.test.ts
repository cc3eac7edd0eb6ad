/** The consumer secret cache on the webhook hot path: few credential reads, prompt rotation. */
import {
	clearSecretCache,
	currentSecret,
	forgetSecret,
	refreshedSecret,
	REFETCH_MIN_INTERVAL_MS,
	SECRET_TTL_MS,
	secretCacheSize,
} from '../../nodes/XAccountActivityTrigger/secret-cache';

const later = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('secret cache', () => {
	beforeEach(() => clearSecretCache());

	it('reads the credential once per lifetime, then again when it is stale', async () => {
		let reads = 0;
		const load = async () => (++reads, 'one');
		for (let i = 0; i < 100; i++) expect(await currentSecret('cred', load, 1000 + i)).toBe('one');
		expect(reads).toBe(1);
		await currentSecret('cred', load, 1000 + SECRET_TTL_MS);
		expect(reads).toBe(2);
	});

	it('picks up a rotated secret at once after a failed check, at most once a second', async () => {
		let secret = 'old';
		let reads = 0;
		const load = async () => (++reads, secret);
		expect(await currentSecret('cred', load, 0)).toBe('old');
		secret = 'new';
		expect(await refreshedSecret('cred', 'old', load, 5000)).toBe('new');
		expect(await currentSecret('cred', load, 5010)).toBe('new');
		// forged requests cannot turn into a credential read each
		const before = reads;
		for (let i = 0; i < 50; i++) expect(await refreshedSecret('cred', 'new', load, 5020 + i)).toBeUndefined();
		expect(reads).toBe(before);
		expect(await refreshedSecret('cred', 'new', load, 5000 + REFETCH_MIN_INTERVAL_MS)).toBeUndefined(); // same secret: nothing new
		expect(reads).toBe(before + 1);
	});

	it('requests arriving together when the entry expires share one credential read', async () => {
		let reads = 0;
		const load = () => new Promise<string>((r) => setTimeout(() => r(`s${++reads}`), 10));
		const secrets = await Promise.all(Array.from({ length: 8 }, () => currentSecret('cred', load, 5)));
		expect(secrets).toEqual(Array(8).fill('s1'));
		expect(reads).toBe(1);
	});

	it('concurrent failed checks share one forced re-read, whatever their number (issue: forged load)', async () => {
		let reads = 0;
		const load = async () => {
			reads++;
			await later(20);
			return 'secret';
		};
		await currentSecret('cred', load, 0);
		const results = await Promise.all(Array.from({ length: 500 }, () => refreshedSecret('cred', 'secret', load, 10_000)));
		expect(results.every((r) => r === undefined)).toBe(true);
		expect(reads).toBe(2);
	});

	it('a forced re-read right after a load is not needed: the secret is one second old at most', async () => {
		let reads = 0;
		const load = async () => (++reads, 's');
		await currentSecret('cred', load, 100);
		expect(await refreshedSecret('cred', 's', load, 200)).toBeUndefined();
		expect(reads).toBe(1);
	});

	it('forgetSecret frees a credential (deactivation)', async () => {
		await currentSecret('a', async () => 'x', 0);
		await currentSecret('b', async () => 'y', 0);
		expect(secretCacheSize()).toBe(2);
		forgetSecret('a');
		expect(secretCacheSize()).toBe(1);
	});
});
