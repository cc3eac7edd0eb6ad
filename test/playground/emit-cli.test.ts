/**
 * `npm run simulator -- emit KIND`: signed events from a running simulator (the playground's) to
 * the webhooks its subscribed account is on, through the simulator's loopback admin endpoint.
 */
import { XClient } from '../../client/x-client';
import { startSimulator, type Simulator } from '../../simulator';
import { main } from '../../simulator/cli';
import { freePort } from '../e2e/harness';
import { simAppCredentials, startReceiver, type Receiver } from '../simulator/helpers';

describe('simulator CLI: emit', () => {
	let sim: Simulator;
	let receiver: Receiver;
	let errors: string[];
	let logs: string[];

	beforeAll(async () => {
		sim = await startSimulator({ port: 0 });
		receiver = await startReceiver(sim.app.consumerSecret);
	});
	afterAll(async () => {
		await sim.stop();
		await receiver.close();
	});
	beforeEach(() => {
		errors = [];
		logs = [];
		jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
		jest.spyOn(console, 'log').mockImplementation((m: string) => void logs.push(m));
	});
	afterEach(() => jest.restoreAllMocks());

	it('says so (exit 1) when no webhook receives events yet', async () => {
		expect(await main(['emit', 'mention', '--url', sim.baseUrl])).toBe(1);
		expect(errors.join('\n')).toContain('nothing receives events');
	});

	it('delivers signed events of the kind to the subscribed account and reports where', async () => {
		const client = new XClient(simAppCredentials(sim, 'v2'));
		const hook = await client.registerWebhook(receiver.url);
		await client.subscribe({ webhookId: hook.id });
		for (const kind of ['mention', 'dm', 'like', 'follow']) {
			const before = receiver.posts().length;
			expect(await main(['emit', kind, '--url', sim.baseUrl])).toBe(0);
			expect(receiver.posts().length).toBe(before + 1);
		}
		expect(logs.join('\n')).toContain(`emitted 1 follow event(s) for user ${sim.app.ownerUserId}`);
		expect(logs.join('\n')).toContain('1 of 1 deliveries accepted');
		const body = JSON.parse(receiver.posts().at(-1)!.body.toString('utf8')) as Record<
			string,
			unknown
		>;
		expect(body).toHaveProperty('follow_events');
		expect(receiver.posts().at(-1)!.headers['x-twitter-webhooks-signature']).toMatch(/^sha256=/);

		const before = receiver.posts().length;
		expect(await main(['emit', 'dm', '--count=3', '--url', sim.baseUrl])).toBe(0);
		expect(receiver.posts().length).toBe(before + 3);
	});

	it('reaches the X Activity API stream too: `emit mention` is also a post.mention.create for stream subscribers', async () => {
		const quiet = await startSimulator({ port: 0, stream: { keepAliveMs: 100 } });
		const { openStream, subscribe, until } = await import('../stream/helpers');
		try {
			await subscribe(quiet, 'post.mention.create', quiet.app.ownerUserId, 'mine').catch(async () => {
				// private type: created with the owner's own token through the client
				const client = new XClient(simAppCredentials(quiet, 'v2'));
				await client.xaa.create({
					eventType: 'post.mention.create',
					filter: { userId: quiet.app.ownerUserId },
					tag: 'mine',
					user: { token: quiet.app.accessToken, secret: quiet.app.accessTokenSecret },
				});
			});
			expect(await main(['emit', 'mention', '--url', quiet.baseUrl])).toBe(1); // subscribed, but no stream open
			const stream = await openStream(quiet);
			expect(await main(['emit', 'mention', '--url', quiet.baseUrl])).toBe(0);
			await until(() => stream.lines().length === 1, 3000, 'the mention on the stream');
			expect(stream.lines()[0]).toMatchObject({ data: { event_type: 'post.mention.create', tag: 'mine' } });
			expect(logs.join('\n')).toContain('X Activity API (post.mention.create): 1 subscription(s) matched; activity stream: sent on 1 open connection(s)');
			stream.close();
		} finally {
			await quiet.stop();
		}
	});

	it("without --url, uses the running playground's simulator from the state file it writes", async () => {
		const fs = await import('node:fs');
		const os = await import('node:os');
		const path = await import('node:path');
		const { runningPlaygroundSimulator, SIMULATOR_STATE_FILE } = await import('../../simulator/cli');
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-aaa-pg-'));
		try {
			expect(runningPlaygroundSimulator(dir)).toBeUndefined();
			fs.writeFileSync(path.join(dir, SIMULATOR_STATE_FILE), JSON.stringify({ url: sim.baseUrl, pid: process.pid }));
			expect(runningPlaygroundSimulator(dir)).toEqual({ url: sim.baseUrl, file: path.join(dir, SIMULATOR_STATE_FILE) });
			// a playground that is gone (its pid dead) is ignored
			fs.writeFileSync(path.join(dir, SIMULATOR_STATE_FILE), JSON.stringify({ url: sim.baseUrl, pid: 2 ** 22 + 12345 }));
			expect(runningPlaygroundSimulator(dir)).toBeUndefined();
			fs.writeFileSync(path.join(dir, SIMULATOR_STATE_FILE), JSON.stringify({ url: sim.baseUrl, pid: process.pid }));
			const before = process.env.X_AAA_PLAYGROUND_DIR;
			process.env.X_AAA_PLAYGROUND_DIR = dir;
			try {
				expect(await main(['emit', 'follow'])).toBe(0);
			} finally {
				if (before === undefined) delete process.env.X_AAA_PLAYGROUND_DIR;
				else process.env.X_AAA_PLAYGROUND_DIR = before;
			}
			expect(logs.join('\n')).toContain(`(the playground's simulator, ${sim.baseUrl})`);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('exits 2 on usage errors and on a kind the simulator does not know', async () => {
		expect(await main(['emit'])).toBe(2);
		expect(errors.at(-1)).toContain('emit needs a kind');
		expect(await main(['emit', 'mention', '--count', '0', '--url', sim.baseUrl])).toBe(2);
		expect(await main(['emit', 'mention', '--bogus'])).toBe(2);
		expect(await main(['emit', 'telepathy', '--url', sim.baseUrl])).toBe(2);
		expect(errors.at(-1)).toContain('kind must be one of');
	});

	it('exits 1 with a hint when no simulator answers', async () => {
		const port = await freePort();
		expect(await main(['emit', 'mention', '--url', `http://127.0.0.1:${port}`])).toBe(1);
		expect(errors.at(-1)).toContain('npm start');
	});
});
