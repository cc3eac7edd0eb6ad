import { parseJsonLossless } from '../../client/lossless-json';
import { verifyWebhookSignature } from '../../client/webhook-signature';
import { EMIT_KINDS, startSimulator, type Simulator } from '../../simulator';
import { formatReplayDate } from '../../simulator/replay';
import {
	bearer,
	errorsOf,
	ownerCreds,
	signed,
	startReceiver,
	userCreds,
	waitFor,
	type Receiver,
} from './helpers';

const alice = '1603419180975409153';
const MIN = 60_000;

async function setup(sim: Simulator, rx: Receiver): Promise<string> {
	const reg = await signed(
		sim,
		'POST',
		`/1.1/account_activity/webhooks.json?url=${encodeURIComponent(rx.url)}`,
		ownerCreds(sim),
	);
	const id = (reg.json as { id: string }).id;
	expect(
		(
			await signed(
				sim,
				'POST',
				`/1.1/account_activity/webhooks/${id}/subscriptions/all.json`,
				userCreds(sim, alice),
			)
		).status,
	).toBe(204);
	return id;
}

describe('event delivery', () => {
	let sim: Simulator;
	let rx: Receiver;
	let webhookId: string;

	beforeEach(async () => {
		sim = await startSimulator({ deliveryRetryDelaysMs: [20, 20, 20], deliveryTimeoutMs: 500 });
		rx = await startReceiver(sim.app.consumerSecret);
		webhookId = await setup(sim, rx);
	});
	afterEach(async () => {
		await sim.stop();
		await rx.close();
	});

	it('POSTs the exact bytes with a signature over the raw body', async () => {
		const raw =
			'{"for_user_id":"1603419180975409153","tweet_delete_events":[{"status":{"id":1460000000000000123}}]}';
		const [rec] = await sim.deliver(raw);
		expect(rec.delivered).toBe(true);
		const [post] = rx.posts();
		expect(post.body.toString()).toBe(raw);
		expect(post.headers['content-type']).toBe('application/json');
		expect(
			verifyWebhookSignature(
				sim.app.consumerSecret,
				post.body,
				post.headers['x-twitter-webhooks-signature'],
			),
		).toBe(true);
		expect(
			verifyWebhookSignature(
				'other-secret',
				post.body,
				post.headers['x-twitter-webhooks-signature'],
			),
		).toBe(false);
	});

	it('retries failures three times, then gives up; injects duplicates', async () => {
		rx.postStatuses = [500, 503];
		const [rec] = await sim.deliver({ for_user_id: alice, follow_events: [] });
		expect(rec.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
		expect(rec.delivered).toBe(true);

		rx.postStatuses = [500, 500, 500, 500];
		const [failed] = await sim.deliver({ for_user_id: alice, follow_events: [] });
		expect(failed.attempts).toHaveLength(4);
		expect(failed.delivered).toBe(false);
		expect(rx.postStatuses).toEqual([]);

		const before = rx.posts().length;
		const dups = await sim.deliver({ for_user_id: alice, favorite_events: [] }, { duplicate: 2 });
		expect(dups.map((d) => d.copy)).toEqual([0, 1, 2]);
		const copies = rx.posts().slice(before);
		expect(copies).toHaveLength(3);
		expect(new Set(copies.map((c) => c.body.toString())).size).toBe(1);
	});

	it('retries a refused connection', async () => {
		const dead = await startSimulator({ deliveryRetryDelaysMs: [10], deliveryTimeoutMs: 100 });
		try {
			const hang = await startReceiver(dead.app.consumerSecret);
			const id = await setup(dead, hang);
			await hang.close();
			const [rec] = await dead.deliver(
				{ for_user_id: alice, follow_events: [] },
				{ webhookId: id },
			);
			expect(rec.attempts.map((a) => a.error)).toEqual(['connect', 'connect']);
		} finally {
			await dead.stop();
		}
	});

	it('builds realistic events for every kind and delivers them to subscribed webhooks', async () => {
		for (const kind of EMIT_KINDS.filter((k) => k !== 'revoke')) {
			const r = await sim.emit(kind, { forUserId: alice, fromUserId: '3001969357' });
			expect(r.webhookIds).toEqual([webhookId]);
			expect(r.deliveries[0].delivered).toBe(true);
		}
		const bodies = rx.posts().map((p) => p.body.toString());
		const parsed = bodies.map((b) => parseJsonLossless(b) as Record<string, unknown>);
		expect(parsed.every((p) => p.for_user_id === alice)).toBe(true);
		const mention = parsed[EMIT_KINDS.indexOf('mention')];
		expect(mention.user_has_blocked).toBe('false');
		const tweet = (mention.tweet_create_events as Array<Record<string, unknown>>)[0];
		// id is a bare 64-bit number with every digit, and id_str carries the same digits
		expect(tweet.id).toBe(tweet.id_str);
		expect(bodies[EMIT_KINDS.indexOf('mention')]).toContain(`"id":${String(tweet.id_str)},`);
		expect(
			(tweet.entities as { user_mentions: Array<{ id_str: string }> }).user_mentions[0].id_str,
		).toBe(alice);
		const dm = parsed[EMIT_KINDS.indexOf('dm')];
		expect(Object.keys(dm.users as object).sort()).toEqual([alice, '3001969357'].sort());
		expect(dm.apps).toBeDefined();
		const follow = parsed[EMIT_KINDS.indexOf('follow')];
		expect(
			(follow.follow_events as Array<{ type: string; target: { id: string } }>)[0],
		).toMatchObject({ type: 'follow', target: { id: alice } });

		const revoke = await sim.emit('revoke', { forUserId: alice });
		expect(revoke.deliveries).toHaveLength(1);
		const last = JSON.parse(rx.posts().at(-1)!.body.toString()) as Record<string, unknown>;
		expect(last).not.toHaveProperty('for_user_id');
		expect(last).toMatchObject({ user_event: { revoke: { source: { user_id: alice } } } });
		expect(sim.subscriptions(webhookId)).toEqual([]);
		expect(
			(
				await signed(
					sim,
					'GET',
					`/1.1/account_activity/webhooks/${webhookId}/subscriptions/all.json`,
					userCreds(sim, alice),
				)
			).status,
		).toBe(401);
	});
});

describe('replay', () => {
	let clock = Date.UTC(2025, 5, 1, 12, 0);
	let sim: Simulator;
	let rx: Receiver;
	let webhookId: string;

	beforeEach(async () => {
		clock = Date.UTC(2025, 5, 1, 12, 0);
		sim = await startSimulator({
			now: () => clock,
			replayStartDelayMs: 100,
			deliveryRetryDelaysMs: [],
		});
		rx = await startReceiver(sim.app.consumerSecret);
		webhookId = await setup(sim, rx);
	});
	afterEach(async () => {
		await sim.stop();
		await rx.close();
	});

	const replayPath = (id: string, from: number, to: number) =>
		`/1.1/account_activity/replay/webhooks/${id}/subscriptions/all.json?from_date=${formatReplayDate(from)}&to_date=${formatReplayDate(to)}`;

	it('validates the enterprise window', async () => {
		const now = clock;
		const cases: Array<[number, number, string]> = [
			[now - 6 * 24 * 60 * MIN, now - 60 * MIN, 'within the last 5 days'],
			[now - 20 * MIN, now - 15 * MIN, 'at least 31 minutes ago'],
			[now - 60 * MIN, now - 5 * MIN, 'at least 10 minutes ago'],
			[now - 60 * MIN, now - 90 * MIN, 'before to_date'],
		];
		for (const [from, to, rule] of cases) {
			const res = await bearer(sim, 'POST', replayPath(webhookId, from, to));
			expect(res.status).toBe(400);
			expect(errorsOf(res)[0].code).toBe(214);
			expect(errorsOf(res)[0].message).toContain(rule);
		}
		const malformed = await bearer(
			sim,
			'POST',
			`/1.1/account_activity/replay/webhooks/${webhookId}/subscriptions/all.json?from_date=2025-06-01&to_date=202506011100`,
		);
		expect(errorsOf(malformed)[0].message).toContain('yyyymmddhhmm');
		const v2 = await bearer(sim, 'POST', '/2/webhooks/replay', {
			webhook_id: '1',
			from_date: '202506011100',
			to_date: '202506011130',
		});
		expect((v2.json as { errors: Array<{ message: string }> }).errors[0].message).toMatch(
			/^WebhookIdInvalid/,
		);
	});

	it('re-delivers the window oldest first byte for byte (no marker X does not document), refuses a second job, then reports Complete', async () => {
		const t0 = clock;
		clock = t0 - 120 * MIN; // before the window
		await sim.emit('like', { forUserId: alice });
		clock = t0 - 50 * MIN;
		await sim.deliver('{"for_user_id":"1603419180975409153","n":1}', { webhookId });
		clock = t0 - 40 * MIN;
		await sim.deliver('{"for_user_id":"1603419180975409153","n":2}', { webhookId });
		clock = t0 - 5 * MIN; // after the window
		await sim.deliver('{"for_user_id":"1603419180975409153","n":3}', { webhookId });
		clock = t0;
		const before = rx.posts().length;

		const res = await bearer(sim, 'POST', replayPath(webhookId, t0 - 60 * MIN, t0 - 30 * MIN));
		expect(res.status).toBe(202);
		const job = res.json as { job_id: string; created_at: string };
		expect(job.job_id).toMatch(/^\d{19}$/);
		expect(job.created_at).toBe('2025-06-01T12:00:00Z');

		const conflict = await bearer(sim, 'POST', replayPath(webhookId, t0 - 60 * MIN, t0 - 30 * MIN));
		expect(conflict.status).toBe(409);
		expect(errorsOf(conflict)[0].code).toBe(355);

		await sim.whenIdle();
		const replayed = rx
			.posts()
			.slice(before)
			.map((p) => p.body.toString());
		expect(replayed).toEqual([
			'{"for_user_id":"1603419180975409153","n":1}',
			'{"for_user_id":"1603419180975409153","n":2}',
			JSON.stringify({
				replay_job_status: {
					webhook_id: webhookId,
					job_state: 'Complete',
					job_state_description: 'Job completed successfully',
					job_id: job.job_id,
				},
			}),
		]);
		for (const p of rx.posts().slice(before)) {
			expect(
				verifyWebhookSignature(
					sim.app.consumerSecret,
					p.body,
					p.headers['x-twitter-webhooks-signature'],
				),
			).toBe(true);
		}
	});

	it('reports Incomplete without retrying when a replayed delivery fails (v2 form)', async () => {
		const v2rx = await startReceiver(sim.app.consumerSecret);
		try {
			const created = await bearer(sim, 'POST', '/2/webhooks', { url: v2rx.url });
			const id = (created.json as { data: { id: string } }).data.id;
			const t0 = clock;
			clock = t0 - 30 * MIN;
			await sim.deliver('{"a":1}', { webhookId: id });
			await sim.deliver('{"a":2}', { webhookId: id });
			clock = t0;
			const tooOld = await bearer(sim, 'POST', '/2/webhooks/replay', {
				webhook_id: id,
				from_date: formatReplayDate(t0 - 25 * 60 * MIN),
				to_date: formatReplayDate(t0 - 10 * MIN),
			});
			expect((tooOld.json as { errors: Array<{ message: string }> }).errors[0].message).toMatch(
				/^QueryParamInvalid: .*24 hours/,
			);

			const before = v2rx.posts().length;
			v2rx.postStatuses = [500];
			// X removed the AAA replay endpoint on 2026-03-25: 404, and no job starts
			const removed = await bearer(
				sim,
				'POST',
				`/2/account_activity/replay/webhooks/${id}/subscriptions/all?from_date=${formatReplayDate(t0 - 60 * MIN)}&to_date=${formatReplayDate(t0)}`,
			);
			expect(removed.status).toBe(404);
			const res = await bearer(sim, 'POST', '/2/webhooks/replay', {
				webhook_id: id,
				from_date: formatReplayDate(t0 - 60 * MIN),
				to_date: formatReplayDate(t0),
			});
			expect(res.status).toBe(200);
			const jobId = (res.json as { data: { job_id: string } }).data.job_id;
			const conflict = await bearer(sim, 'POST', '/2/webhooks/replay', {
				webhook_id: id,
				from_date: formatReplayDate(t0 - 60 * MIN),
				to_date: formatReplayDate(t0),
			});
			expect((conflict.json as { errors: Array<{ message: string }> }).errors[0].message).toMatch(
				/^ReplayConflictError: /,
			);
			await sim.whenIdle();
			await waitFor(() => v2rx.posts().length - before === 3);
			const bodies = v2rx
				.posts()
				.slice(before)
				.map((p) => p.body.toString());
			expect(bodies[0]).toBe('{"a":1}'); // failed once, not retried
			expect(bodies[1]).toBe('{"a":2}');
			expect(JSON.parse(bodies[2])).toEqual({
				replay_job_status: {
					webhook_id: id,
					job_state: 'Incomplete',
					job_state_description: 'Job failed to deliver all events, please retry your replay job',
					job_id: jobId,
				},
			});
		} finally {
			await v2rx.close();
		}
	});
});
