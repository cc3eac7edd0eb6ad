/**
 * The client and the simulator held to X's published OpenAPI (test/fixtures/openapi-x-v2-subset.json):
 * every request the client sends to /2/activity, /2/webhooks and /2/account_activity and every
 * answer the simulator gives there is validated (parameters, bodies, status, media type and the
 * security scheme per operation); and each covered operation is probed with every auth scheme:
 * the simulator must accept exactly the schemes the document lists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { sleep } from 'n8n-workflow';

import { XClient } from '../../client/x-client';
import { StreamConnection, STREAM_PATH } from '../../nodes/XActivityStreamTrigger/stream-connection';
import { startSimulator, type Simulator } from '../../simulator';
import { oauthHeader, request, simAppCredentials, startReceiver, type Receiver } from '../simulator/helpers';
import { nodeRequester, until } from '../stream/helpers';
import { OpenApiContract, SAMPLE_DEPARTURES, type Exchange, type SecurityScheme } from './openapi';
import { COVERED_OPERATIONS, NOT_YET_COVERED, type ProbeWorld } from './operations';
import { startRecorder, type Recorder } from './recorder';

const contract = new OpenApiContract();
const SURFACE = /^\/2\/(activity|webhooks|account_activity)(\/|$)/;

/** Reads a response that may never end: until it ends, `lines` non-blank lines came, or `ms` passed; then closes it. */
function readBounded(url: string, headers: Record<string, string>, bound: { ms: number; lines?: number }): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const req = http.get(url, { headers, agent: false }, (res) => {
			let text = '';
			const done = () => {
				clearTimeout(timer);
				resolve({ status: res.statusCode ?? 0, text });
				req.destroy();
			};
			const timer = setTimeout(done, bound.ms);
			res.on('data', (c: Buffer) => {
				text += c.toString('utf8');
				if (bound.lines !== undefined && text.split('\n').filter((l) => l.trim() !== '').length >= bound.lines) done();
			});
			res.on('end', done);
			res.on('close', done);
		});
		req.on('error', reject);
	});
}

/** YYYY-MM-DDTHH:mm:ssZ, as X's stream parameters are written. */
const xTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe("X's OpenAPI document", () => {
	it('every operation under the three surfaces is covered, or listed with who covers it', () => {
		const ops = contract.operations.filter((o) => SURFACE.test(o.path)).map((o) => o.operationId);
		const listed = [...COVERED_OPERATIONS.map((c) => c.operationId), ...Object.keys(NOT_YET_COVERED)];
		expect([...ops].sort()).toEqual([...listed].sort());
	});

	it('catches a response that departs from it (the validator is live)', () => {
		const base = { method: 'GET', path: '/2/activity/subscriptions', query: new URLSearchParams(), scheme: 'BearerToken' as const, status: 200, contentType: 'application/json' };
		expect(contract.validate({ ...base, responseBody: JSON.stringify({ data: [{ subscription_id: '1', event_type: 'post.create' }] }) })).toEqual([]);
		expect(contract.validate({ ...base, responseBody: JSON.stringify({ data: [{ subscription_id: 1 }] }) }).join()).toMatch(/must be string/);
		expect(contract.validate({ ...base, scheme: 'UserToken', method: 'DELETE', path: '/2/activity/subscriptions/1', responseBody: '{"data":{"deleted":true}}' }).join()).toMatch(
			/authenticated with UserToken; the operation accepts BearerToken/,
		);
	});

	it('catches a stream line, a stream parameter or a stream framing that departs from it', () => {
		const line = (data: Record<string, unknown>) => JSON.stringify({ data: { event_uuid: '-1460000000000000001', event_type: 'dm.received', filter: { user_id: '1' }, payload: {}, ...data } });
		const stream = (body: string, query = '', extra: Partial<Exchange> = {}): string =>
			contract
				.validate({ method: 'GET', path: '/2/activity/stream', query: new URLSearchParams(query), scheme: 'BearerToken', status: 200, contentType: 'application/json', responseBody: body, ...extra })
				.join('\n');
		const disconnect = JSON.stringify({ errors: [{ title: 'operational-disconnect', detail: 'gone', type: 'https://api.twitter.com/2/problems/operational-disconnect' }] });
		expect(stream(`\r\n${line({})}\r\n\r\n${disconnect}\r\n`, 'backfill_minutes=5&start_time=2026-01-01T00:00:00Z&end_time=2026-01-01T00:05:00Z')).toBe('');
		expect(stream(`${line({})}\r\n{"data":{"event_uuid`, '', { cutByClient: true })).toBe(''); // cut by the reader: the last line is not held to the schema
		expect(stream(`${line({})}\r\n{"data":{"event_uuid`)).toMatch(/ended in the middle of a line/);
		expect(stream(`${line({ event_uuid: 1460000000000 })}\r\n`)).toMatch(/line 1\/data\/event_uuid must be string/);
		expect(stream(`${line({ filter: { user_id: 1 } })}\r\n`)).toMatch(/line 1\/data\/filter\/user_id must be string/);
		expect(stream(`${line({ payload: undefined })}\r\n`)).toMatch(/line 1\/data must have required property 'payload'/);
		expect(stream(`${line({ event_type: 'post.delete', payload: { id: 5 } })}\r\n`)).toMatch(/payload \(post\.delete\)/);
		expect(stream('{"errors":[{"title":"x","detail":"y","type":"https://api.twitter.com/2/problems/made-up"}]}\r\n')).toMatch(/line 1\/errors\/0/);
		expect(stream('{}\r\n')).toMatch(/line 1 must match a schema in anyOf/);
		expect(stream('\r\n', 'backfill_minutes=6')).toMatch(/query backfill_minutes must be <= 5/);
		expect(stream('\r\n', 'start_time=yesterday')).toMatch(/query start_time must match format "date-time"/);
		expect(stream('\r\n', 'since=1')).toMatch(/query parameter since is not declared/);
		expect(stream('\r\n', '', { contentType: 'text/plain' })).toMatch(/content-type text\/plain/);
	});

	it("X's own sample events validate as stream lines, and every sample departure from the schemas is shown by one of them", () => {
		// the samples named after their event type (and the extra.* inbound/own variants); not the
		// quickstart or XChat variants, which are other products' framings
		const dir = path.join(__dirname, '../fixtures/events/xaa');
		const files = readdirSync(dir).filter((f) => /^(extra\.)?[a-z_]+(\.[a-z_]+)*\.json$/.test(f) && !/quickstart|xchat|^envelope/.test(f));
		expect(files.length).toBeGreaterThan(25);
		const asStream = (f: string, sampleDepartures: boolean) =>
			contract.validate(
				{ method: 'GET', path: '/2/activity/stream', query: new URLSearchParams(), scheme: 'BearerToken', status: 200, contentType: 'application/json', responseBody: JSON.stringify(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))) + '\r\n' },
				{ sampleDepartures },
			);
		expect(files.flatMap((f) => asStream(f, true).map((p) => `${f}: ${p}`))).toEqual([]);
		const raw = files.flatMap((f) => asStream(f, false));
		expect(SAMPLE_DEPARTURES.filter((d) => !raw.some((p) => d.problem.test(p))).map((d) => d.why)).toEqual([]);
	});
});

describe('client ↔ simulator against the OpenAPI', () => {
	let sim: Simulator;
	let receiver: Receiver;
	let recorder: Recorder;
	const oauth2Scopes = new Map<string, string[]>();
	/** Exchanges of the client scenarios (not of the auth probes), to show they reach every covered operation. */
	const scenario: Exchange[] = [];

	beforeAll(async () => {
		sim = await startSimulator({ stream: { keepAliveMs: 50 } });
		receiver = await startReceiver(sim.app.consumerSecret);
		recorder = await startRecorder(sim.baseUrl, (authorization) => {
			if (!authorization) return { scheme: 'none' };
			if (/^OAuth /i.test(authorization)) return { scheme: 'UserToken' };
			const token = authorization.replace(/^Bearer\s+/i, '');
			if (token === sim.app.bearerToken) return { scheme: 'BearerToken' };
			return { scheme: 'OAuth2UserToken', grantedScopes: oauth2Scopes.get(token) };
		});
	});
	afterAll(async () => {
		await recorder.close();
		await sim.stop();
		await receiver.close();
	});

	it('every request the client sends and every answer the simulator gives conforms', async () => {
		const client = new XClient(simAppCredentials(sim, 'v2', { bearerToken: sim.app.bearerToken, baseUrl: recorder.url }), {
			retry: { retries: 0 },
			timeoutMs: 5000,
		});
		const owner = sim.app.ownerUserId;
		const ownerToken = { token: sim.app.accessToken, secret: sim.app.accessTokenSecret };
		const o2 = sim.issueOAuth2Token(owner);
		oauth2Scopes.set(o2.access_token, o2.scope.split(' '));

		const hook = await client.registerWebhook(receiver.url);
		await client.listWebhooks();
		await client.triggerCrc(hook.id);
		await client.subscribe({ webhookId: hook.id });
		await client.checkSubscription({ webhookId: hook.id });
		await client.listSubscriptions({ webhookId: hook.id });
		await client.countSubscriptions();
		await client.unsubscribe({ webhookId: hook.id, userId: owner });
		await client.startReplay({ webhookId: hook.id, from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() - 600_000) });

		const pub = await client.xaa.create({ eventType: 'post.create', filter: { userId: owner }, webhookId: hook.id, tag: 'contract' });
		const priv1 = await client.xaa.create({ eventType: 'dm.received', filter: { userId: owner }, webhookId: hook.id, user: ownerToken });
		const priv2 = await client.xaa.create({ eventType: 'like.create', filter: { userId: owner }, webhookId: hook.id, oauth2: { accessToken: o2.access_token, scopes: o2.scope } });
		const again = await client.xaa.create({ eventType: 'post.create', filter: { userId: owner }, webhookId: hook.id }); // 400 duplicate, found by listing
		expect(again).toMatchObject({ id: pub.id, alreadyExisted: true });
		await client.xaa.list({ maxResults: 2 });
		await client.xaa.listAll();
		await client.xaa.update(pub.id, { tag: 'contract-2' });
		await client.xaa.delete(priv1.id);
		await client.xaa.deleteMany([priv2.id, pub.id, '1460000000000999998']);
		await client.deleteWebhook(hook.id);

		const problems = recorder.exchanges.flatMap((x) => contract.validate(x));
		expect(problems).toEqual([]);
		scenario.push(...recorder.exchanges);
		expect(recorder.exchanges.some((x) => x.status === 400)).toBe(true); // error bodies were checked too
	});

	it("the stream trigger's connection and the stream's answers conform: parameters, status, media type and every NDJSON line", async () => {
		const client = new XClient(simAppCredentials(sim, 'v2', { bearerToken: sim.app.bearerToken, baseUrl: recorder.url }), { retry: { retries: 0 }, timeoutMs: 5000 });
		const owner = sim.app.ownerUserId;
		const user = { token: sim.app.accessToken, secret: sim.app.accessTokenSecret };
		// Without webhook_id: the stream only. Every payload schema of the OpenAPI's mapping, and types it leaves out.
		const types = ['post.create', 'post.delete', 'post.mention.create', 'like.create', 'follow.follow', 'profile.update.bio', 'news.new', 'dm.received', 'chat.received', 'mute.mute', 'broadcast.start'];
		for (const t of types) await client.xaa.create({ eventType: t, filter: t === 'news.new' ? { keyword: 'contract' } : { userId: owner }, user, tag: 'contract-stream' });
		const from = recorder.exchanges.length;

		// The node's own connection (what the trigger sends), through the recorder.
		const envelopes: string[] = [];
		let streamErrors = 0;
		let fatal: Error | undefined;
		const conn = new StreamConnection(
			recorder.url + STREAM_PATH,
			async () => sim.app.bearerToken,
			{ request: () => nodeRequester, sleep: (ms, signal) => sleep(ms, signal), now: () => Date.now() },
			{
				onEnvelope: (f) => envelopes.push(String((f.body as { data?: { event_type?: string } }).data?.event_type)),
				onStreamErrors: () => streamErrors++,
				onFatal: (e) => (fatal = e),
			},
		);
		conn.start();
		await sim.stream.waitForConnections(1);
		for (const t of types) await sim.emitXaa(t as never, t === 'news.new' ? ({ keyword: 'contract' } as never) : { userId: owner });
		await until(() => envelopes.length >= types.length, 5000, 'every type on the stream');
		// X's operational disconnect (an errors line); the connection comes back asking for backfill_minutes
		sim.stream.disconnectAll();
		await until(() => sim.stream.connects.filter((c) => c.backfillMinutes !== undefined).length === 1 && sim.stream.connections().length === 1, 5000, 'reconnect with backfill');
		await sim.emitXaa('post.create', { userId: owner });
		await until(() => envelopes.length >= 2 * types.length + 1, 5000, 'backfill and the new event');
		await conn.stop();
		expect(fatal).toBeUndefined();
		expect(streamErrors).toBe(1);

		// start_time / end_time: a window that ends now closes the stream by itself, after the retained events in it.
		await sleep(1000);
		const now = Date.now();
		const windowed = await readBounded(`${recorder.url}${STREAM_PATH}?start_time=${xTime(now - 60_000)}&end_time=${xTime(now)}`, { authorization: `Bearer ${sim.app.bearerToken}` }, { ms: 3000 });
		expect(windowed.status).toBe(200);
		// A third connection while two are open: refused.
		const bearer = { authorization: `Bearer ${sim.app.bearerToken}` };
		const two = [readBounded(recorder.url + STREAM_PATH, bearer, { ms: 500 }), readBounded(recorder.url + STREAM_PATH, bearer, { ms: 500 })];
		await sim.stream.waitForConnections(2);
		expect((await readBounded(recorder.url + STREAM_PATH, bearer, { ms: 3000 })).status).toBe(429);
		await Promise.all(two);
		await until(() => recorder.exchanges.filter((x) => x.path === STREAM_PATH).length === 6, 3000, 'six stream exchanges recorded');

		const streams = recorder.exchanges.slice(from).filter((x) => x.path === STREAM_PATH);
		expect(streams.flatMap((x) => contract.validate(x))).toEqual([]);
		scenario.push(...recorder.exchanges.slice(from));
		// what was validated: each parameter, both line forms, every type, the refusal
		const lines = streams.flatMap((x) => x.responseBody.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { data?: { event_type: string }; errors?: unknown[] }));
		expect(new Set(lines.map((l) => l.data?.event_type).filter(Boolean))).toEqual(new Set(types));
		expect(lines.filter((l) => l.errors).length).toBe(1);
		expect(streams.map((x) => [...x.query.keys()].sort().join('+') + ' ' + x.status).sort()).toEqual([' 200', ' 200', ' 200', ' 429', 'backfill_minutes 200', 'end_time+start_time 200']);
		expect(streams.find((x) => x.query.has('end_time'))?.cutByClient).toBeUndefined(); // it ended by itself
		await client.xaa.deleteMany(sim.xaaSubscriptions().map((x) => x.subscription_id));
	});

	it('the scenarios reach every covered operation', () => {
		const reached = new Set(scenario.map((x) => contract.operationFor(x.method, x.path)?.operationId));
		expect(COVERED_OPERATIONS.map((c) => c.operationId).filter((id) => !reached.has(id))).toEqual([]);
	});

	it('the simulator accepts exactly the auth schemes each operation lists', async () => {
		const hook = (await request(`${sim.baseUrl}/2/webhooks`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sim.app.bearerToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ url: receiver.url + '/probe' }),
		}).then((r) => r.json)) as { data: { id: string } };
		// every scope any covered operation lists for OAuth2UserToken (AAA subscribe needs dm.write)
		const o2 = sim.issueOAuth2Token(sim.app.ownerUserId, {
			scopes: [...new Set(contract.operations.flatMap((o) => o.security.flatMap((s) => s.scopes)))],
		});
		oauth2Scopes.set(o2.access_token, o2.scope.split(' '));
		let n = 0;
		const world: ProbeWorld = {
			webhookId: hook.data.id,
			ownerUserId: sim.app.ownerUserId,
			receiverUrl: receiver.url + '/probe',
			freshSubscription: async () => {
				const r = await request(`${sim.baseUrl}/2/activity/subscriptions`, {
					method: 'POST',
					headers: { authorization: `Bearer ${sim.app.bearerToken}`, 'content-type': 'application/json' },
					body: JSON.stringify({ event_type: 'profile.update.bio', filter: { user_id: String(2_000_000_000 + n++) } }),
				});
				return (r.json as { data: { subscription: { subscription_id: string } } }).data.subscription.subscription_id;
			},
		};
		const schemes: SecurityScheme[] = ['BearerToken', 'UserToken', 'OAuth2UserToken'];
		const verdicts: string[] = [];
		const problems: string[] = [];
		for (const covered of COVERED_OPERATIONS) {
			const op = contract.operations.find((o) => o.operationId === covered.operationId)!;
			for (const scheme of schemes) {
				const probe = await covered.probe(world);
				const qs = probe.query ? '?' + new URLSearchParams(probe.query).toString() : '';
				const url = `${recorder.url}${probe.path}${qs}`;
				const authorization =
					scheme === 'BearerToken'
						? `Bearer ${sim.app.bearerToken}`
						: scheme === 'OAuth2UserToken'
							? `Bearer ${o2.access_token}`
							: oauthHeader(sim, probe.method, url, { token: sim.app.accessToken, secret: sim.app.accessTokenSecret });
				const before = recorder.exchanges.length;
				const res = op.streaming
					? await readBounded(url, { authorization }, { ms: 300 })
					: await request(url, {
							method: probe.method,
							headers: { authorization, ...(probe.body !== undefined ? { 'content-type': 'application/json' } : {}) },
							body: probe.body !== undefined ? JSON.stringify(probe.body) : undefined,
						});
				await until(() => recorder.exchanges.length > before, 3000, `the recorder to see ${covered.operationId}`);
				const refusedAuth = res.status === 401 || (res.status === 403 && /unsupported-authentication/.test(res.text));
				const listed = op.security.some((s) => s.scheme === scheme);
				verdicts.push(`${covered.operationId} ${scheme}: ${listed ? 'accepted' : 'refused'} → ${refusedAuth ? 'refused' : 'accepted'} (${res.status})`);
				// answers are held to the document whatever the scheme
				for (const x of recorder.exchanges.slice(before)) {
					problems.push(...contract.validate(x).filter((p) => listed || !/authenticated with/.test(p)));
				}
			}
		}
		expect(verdicts.filter((v) => !/: (accepted → accepted|refused → refused)/.test(v))).toEqual([]);
		expect(problems).toEqual([]);
	});
});
