import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSimulator } from '../../simulator';
import { main, parseFlags } from '../../simulator/cli';
import { ownerCreds, request, signed, startReceiver, userCreds } from './helpers';

describe('simulator CLI', () => {
	let errors: string[];
	let logs: string[];
	beforeEach(() => {
		errors = [];
		logs = [];
		jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
		jest.spyOn(console, 'log').mockImplementation((m: string) => void logs.push(m));
	});
	afterEach(() => jest.restoreAllMocks());

	it('exits 2 with a clear message for unknown flags, commands and bad values', async () => {
		expect(await main(['--bogus'])).toBe(2);
		expect(errors.join('\n')).toContain('unknown flag --bogus');
		expect(await main(['frobnicate'])).toBe(2);
		expect(errors.join('\n')).toContain('unknown command "frobnicate"');
		expect(await main(['--port', 'abc'])).toBe(2);
		expect(errors.join('\n')).toContain('--port must be a whole number');
		expect(
			parseFlags(['--port=8080', '--config', 'x.json'], { port: 'number', config: 'string' }),
		).toEqual({ port: 8080, config: 'x.json' });
	});

	it('exits 2 for a missing, malformed or wrong config file', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
		expect(await main(['--config', join(dir, 'missing.json')])).toBe(2);
		expect(errors.at(-1)).toContain('cannot read config file');
		writeFileSync(join(dir, 'bad.json'), '{ nope');
		expect(await main(['--config', join(dir, 'bad.json')])).toBe(2);
		expect(errors.at(-1)).toContain('is not valid JSON');
		writeFileSync(join(dir, 'unknown.json'), JSON.stringify({ prot: 1 }));
		expect(await main(['--config', join(dir, 'unknown.json')])).toBe(2);
		expect(errors.at(-1)).toContain('unknown field(s) prot');
		writeFileSync(
			join(dir, 'users.json'),
			JSON.stringify({ users: [{ id: 12, screenName: 'x', token: 't', secret: 's' }] }),
		);
		expect(await main(['--config', join(dir, 'users.json')])).toBe(2);
		expect(errors.at(-1)).toContain('user id must be a decimal string');
	});

	it('starts from a config file, prints base URL and credentials, stops on SIGINT', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
		const file = join(dir, 'sim.json');
		writeFileSync(
			file,
			JSON.stringify({ environments: ['staging'], app: { consumerKey: 'ck-from-file' } }),
		);
		const running = main(['start', '--config', file, '--port', '0']);
		const deadline = Date.now() + 5000;
		while (!logs.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
		const out = logs.join('\n');
		const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
		expect(base).toBeDefined();
		expect(out).toContain('ck-from-file');
		expect(out).toMatch(/Consumer secret\s+\S{50}/);
		expect(out).toMatch(/Bearer token\s+AAAA/);
		expect(out).toContain('staging');
		const state = await request(`${base}/_sim/state`);
		expect(state.status).toBe(200);
		process.emit('SIGINT');
		expect(await running).toBe(0);
	});
});

describe('admin endpoint', () => {
	it('emits through POST /_sim/emit and refuses non-loopback Host headers', async () => {
		const sim = await startSimulator();
		const rx = await startReceiver(sim.app.consumerSecret);
		try {
			const reg = await signed(
				sim,
				'POST',
				`/1.1/account_activity/webhooks.json?url=${encodeURIComponent(rx.url)}`,
				ownerCreds(sim),
			);
			const id = (reg.json as { id: string }).id;
			await signed(
				sim,
				'POST',
				`/1.1/account_activity/webhooks/${id}/subscriptions/all.json`,
				userCreds(sim, '3001969357'),
			);
			const res = await request(`${sim.baseUrl}/_sim/emit`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ kind: 'mention', count: 3 }),
			});
			expect(res.status).toBe(200);
			expect(res.json).toMatchObject({
				kind: 'mention',
				forUserId: '3001969357',
				webhookIds: [id],
				events: 3,
			});
			expect(rx.posts()).toHaveLength(3);
			const bad = await request(`${sim.baseUrl}/_sim/emit`, {
				method: 'POST',
				body: JSON.stringify({ kind: 'poke' }),
			});
			expect(bad.status).toBe(400);
			const rebinding = await request(`${sim.baseUrl}/_sim/state`, {
				headers: { host: 'evil.example:80' },
			});
			expect(rebinding.status).toBe(403);
			expect(sim.stats.requests).toBe(2); // admin calls are not API requests
		} finally {
			await sim.stop();
			await rx.close();
		}
	});
});
