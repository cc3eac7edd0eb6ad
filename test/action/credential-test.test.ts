/** The credential's "Test" button: proves keys, owner token and product access, and never echoes a secret. */
import type { ICredentialTestFunctions } from 'n8n-workflow';
import { testXCredentials } from '../../nodes/shared/credentials';
import { startSimulator, type Simulator } from '../../simulator';
import { simCredentialData } from '../simulator/helpers';
import { credentialTestHelpers } from '../support/n8n-helpers';

const run = (data: Record<string, string>) =>
	testXCredentials.call(credentialTestHelpers as unknown as ICredentialTestFunctions, { id: 'c', name: 'X', type: 'xAccountActivityApi', data });

describe('credential test', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator();
	});
	afterAll(() => sim.stop());

	it.each(['enterprise', 'premium', 'v2'] as const)('passes with working keys (%s)', async (flavour) => {
		const r = await run(simCredentialData(sim, flavour));
		expect(r).toEqual({ status: 'OK', message: expect.stringMatching(/^Authenticated as @\w+; 0 webhook\(s\) registered/) });
	});

	it('fails clearly on a wrong secret, a wrong premium environment, or an unreachable host, without echoing secrets', async () => {
		const cases: Array<[Record<string, string>, RegExp]> = [
			[{ ...simCredentialData(sim, 'enterprise'), accessTokenSecret: 'wrong-secret-value' }, /could not authenticate/i],
			[{ ...simCredentialData(sim, 'premium'), environment: 'DEV' }, /environment name is wrong/],
			[{ ...simCredentialData(sim, 'enterprise'), baseUrl: 'http://127.0.0.1:9' }, /no answer from X|Could not reach/],
			[{ ...simCredentialData(sim, 'enterprise'), baseUrl: 'http://api.x.com' }, /must use https/],
		];
		for (const [data, why] of cases) {
			const r = await run(data);
			expect(r.status).toBe('Error');
			expect(r.message).toMatch(why);
			for (const secret of [sim.app.consumerSecret, sim.app.accessTokenSecret, 'wrong-secret-value']) expect(r.message).not.toContain(secret);
		}
	});
});
