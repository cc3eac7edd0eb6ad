/** The consumer secret cache on the webhook hot path: few credential reads, prompt rotation. */
import { clearSecretCache, currentSecret, refreshedSecret, SECRET_TTL_MS } from '../../nodes/XAccountActivityTrigger/secret-cache';

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
		expect(await refreshedSecret('cred', 'old', load, 10)).toBe('new');
		expect(await currentSecret('cred', load, 20)).toBe('new');
		// forged requests cannot turn into a credential read each
		const before = reads;
		for (let i = 0; i < 50; i++) expect(await refreshedSecret('cred', 'new', load, 30 + i)).toBeUndefined();
		expect(reads).toBe(before);
		expect(await refreshedSecret('cred', 'new', load, 2000)).toBeUndefined(); // same secret: nothing new
		expect(reads).toBe(before + 1);
	});

	it('requests arriving together when the entry expires share one credential read', async () => {
		let reads = 0;
		const load = () => new Promise<string>((r) => setTimeout(() => r(`s${++reads}`), 10));
		const secrets = await Promise.all(Array.from({ length: 8 }, () => currentSecret('cred', load, 5)));
		expect(secrets).toEqual(Array(8).fill('s1'));
		expect(reads).toBe(1);
	});

	it('without a credential id it always reads', async () => {
		let reads = 0;
		const load = async () => (++reads, 's');
		await currentSecret(undefined, load);
		await currentSecret(undefined, load);
		expect(reads).toBe(2);
		expect(await refreshedSecret(undefined, 's', load)).toBeUndefined();
	});
});
