/**
 * Seeded pseudo-random numbers (mulberry32), so fault injection and generated credentials are
 * reproducible run to run. Not for anything secret: the simulator's credentials are fake.
 */

export type Rng = () => number;

/** mulberry32: a tiny 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): Rng {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A deterministic alphanumeric string of the given length. */
export function randomAlnum(rng: Rng, length: number): string {
	let out = '';
	for (let i = 0; i < length; i++) out += ALNUM[Math.floor(rng() * ALNUM.length)];
	return out;
}

/** Integer in [min, max] inclusive. */
export function randomInt(rng: Rng, min: number, max: number): number {
	return min + Math.floor(rng() * (max - min + 1));
}
