import { verifyWebhookSignature } from '../../client/webhook-signature';
import { startSimulator, type Simulator } from '../../simulator';
import { bearer, errorsOf, ownerCreds, signed, startReceiver, type Receiver } from './helpers';

const register = (sim: Simulator, url: string, env?: string) =>
	signed(
		sim,
		'POST',
		`/1.1/account_activity/${env ? `all/${env}/` : ''}webhooks.json?url=${encodeURIComponent(url)}`,
		ownerCreds(sim),
	);

describe('webhook registration and CRC', () => {
	let sim: Simulator;
	const receivers: Receiver[] = [];
	const receiver = async (mode?: Parameters<typeof startReceiver>[1]) => {
		const r = await startReceiver(sim.app.consumerSecret, mode);
		receivers.push(r);
		return r;
	};

	beforeEach(async () => {
		sim = await startSimulator({ crcTimeoutMs: 300 });
	});
	afterEach(async () => {
		await sim.stop();
		await Promise.all(receivers.splice(0).map((r) => r.close()));
	});

	it('registers after a correct CRC, whose GET is signed over the raw query', async () => {
		const rx = await receiver('ok');
		const res = await register(sim, rx.url);
		expect(res.status).toBe(200);
		const body = res.json as { id: string; url: string; valid: boolean; created_at: string };
		expect(body).toEqual({
			id: expect.stringMatching(/^\d{19}$/),
			url: rx.url,
			valid: true,
			created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
		});
		expect(BigInt(body.id)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
		const [crc] = rx.crcs();
		expect(crc.rawQuery).toMatch(/^crc_token=[^&]+&nonce=[^&]+$/);
		const params = new URLSearchParams(crc.rawQuery);
		expect(Buffer.from(params.get('crc_token')!, 'base64').toString()).toMatch(/^[0-9a-f-]{36}$/);
		expect(Number(Buffer.from(params.get('nonce')!, 'base64').toString())).toBeGreaterThan(1.6e12);
		expect(
			verifyWebhookSignature(
				sim.app.consumerSecret,
				crc.rawQuery,
				crc.headers['x-twitter-webhooks-signature'],
			),
		).toBe(true);
		expect(
			verifyWebhookSignature(
				sim.app.consumerSecret,
				crc.rawQuery + 'x',
				crc.headers['x-twitter-webhooks-signature'],
			),
		).toBe(false);
	});

	it.each([
		['wrong-token', 'Invalid CRC token or json response format.'],
		['no-prefix', 'Invalid CRC token or json response format.'],
		['non200', 'Non-200 response code during CRC GET request'],
		[{ delayMs: 800 }, 'High latency on CRC GET request.'],
	] as const)('rejects a receiver answering %p with 400 code 214', async (mode, message) => {
		const rx = await receiver(mode);
		const res = await register(sim, rx.url);
		expect(res.status).toBe(400);
		expect(errorsOf(res)[0].code).toBe(214);
		expect(errorsOf(res)[0].message).toContain(message);
		expect(sim.webhooks()).toHaveLength(0);
	});

	it('answers v2 CrcValidationFailed and creates on success', async () => {
		const bad = await receiver('wrong-token');
		const res = await bearer(sim, 'POST', '/2/webhooks', { url: bad.url });
		expect(res.status).toBe(400);
		expect((res.json as { errors: Array<{ message: string }> }).errors[0].message).toMatch(
			/^CrcValidationFailed: /,
		);
		expect(res.json).toMatchObject({
			title: 'Invalid Request',
			type: 'https://api.x.com/2/problems/invalid-request',
		});
		const good = await receiver('ok');
		const ok = await bearer(sim, 'POST', '/2/webhooks', { url: good.url });
		expect(ok.status).toBe(200);
		expect((ok.json as { data: { valid: boolean; url: string } }).data).toMatchObject({
			valid: true,
			url: good.url,
		});
	});

	it('flips valid on a failing PUT / hourly CRC and back on a passing one', async () => {
		const rx = await receiver('ok');
		const id = ((await register(sim, rx.url)).json as { id: string }).id;
		rx.crc = 'non200';
		const put = await signed(
			sim,
			'PUT',
			`/1.1/account_activity/webhooks/${id}.json`,
			ownerCreds(sim),
		);
		expect(put.status).toBe(400);
		expect(errorsOf(put)[0].code).toBe(214);
		expect(sim.webhooks()[0].valid).toBe(false);
		const list = await bearer(sim, 'GET', '/1.1/account_activity/webhooks.json');
		expect((list.json as Array<{ valid: boolean }>)[0].valid).toBe(false);
		rx.crc = 'ok';
		expect(
			(await signed(sim, 'PUT', `/1.1/account_activity/webhooks/${id}.json`, ownerCreds(sim)))
				.status,
		).toBe(204);
		expect(sim.webhooks()[0].valid).toBe(true);
		rx.crc = 'wrong-token';
		expect((await sim.runCrc(id))?.ok).toBe(false);
		expect(sim.webhooks()[0].valid).toBe(false);
	});

	it('rejects duplicates, enforces the webhook limit and unknown ids', async () => {
		const rx = await receiver('ok');
		expect((await register(sim, rx.url)).status).toBe(200);
		const dup = await register(sim, rx.url);
		expect(dup.status).toBe(403);
		expect(errorsOf(dup)[0]).toEqual({
			code: 214,
			message: 'Webhook URL is already registered for this application.',
		});

		const env = await register(sim, rx.url, 'dev');
		expect(env.status).toBe(200);
		const second = await register(sim, `${rx.url}/2`, 'dev');
		expect(second.status).toBe(403);
		expect(errorsOf(second)[0]).toEqual({
			code: 214,
			message: 'Too many resources already created.',
		});

		const gone = await signed(
			sim,
			'DELETE',
			'/1.1/account_activity/webhooks/1234.json',
			ownerCreds(sim),
		);
		expect(gone.status).toBe(404);
		expect(errorsOf(gone)[0]).toEqual({ code: 34, message: 'Sorry, that page does not exist.' });
		const v2gone = await bearer(sim, 'DELETE', '/2/webhooks/1234');
		expect((v2gone.json as { errors: Array<{ message: string }> }).errors[0].message).toMatch(
			/^WebhookIdInvalid: /,
		);

		const v2a = await bearer(sim, 'POST', '/2/webhooks', { url: rx.url });
		expect(v2a.status).toBe(200);
		const v2dup = await bearer(sim, 'POST', '/2/webhooks', { url: rx.url });
		expect((v2dup.json as { errors: Array<{ message: string }> }).errors[0].message).toMatch(
			/^DuplicateUrlFailed: /,
		);
	});

	it('enforces https and no port when requireHttps is on', async () => {
		const strict = await startSimulator({ requireHttps: true });
		try {
			const res = await register(strict, 'http://127.0.0.1:1/hook');
			expect(res.status).toBe(400);
			expect(errorsOf(res)[0].code).toBe(214);
			const port = await bearer(strict, 'POST', '/2/webhooks', {
				url: 'https://example.com:8443/hook',
			});
			expect((port.json as { errors: Array<{ message: string }> }).errors[0].message).toBe(
				'UrlValidationFailed: url may not specify a port',
			);
		} finally {
			await strict.stop();
		}
	});
});
