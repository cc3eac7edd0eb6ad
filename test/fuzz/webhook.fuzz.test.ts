/**
 * Fuzzing the trigger's receiving path (fast-check, fixed seeds). Every request goes through the
 * node's webhook() as n8n calls it.
 *
 * POST: random bytes, random JSON, event-shaped JSON with hostile keys and values, deeply
 * nested bodies, and the published samples mutated byte-wise and structurally; signatures
 * valid, valid for another body, mutated, random, joined, as arrays, or missing. Properties:
 * no crash; every refusal is a 4xx; nothing is accepted without the valid MAC of the exact
 * bytes; accepted items are plain JSON (no function, no prototype object).
 * CRC GET: random tokens and headers. Properties: no crash; 200 only for a token of X's form,
 * answered with its HMAC; everything else 400, signing nothing.
 *
 * FUZZ_RUNS=N multiplies nothing but the run counts (default: the CI size below).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { IWebhookFunctions } from 'n8n-workflow';
import { crcResponse, isPlausibleCrcToken, signWebhookPayload } from '../../client/webhook-signature';
import { XAccountActivityTrigger } from '../../nodes/XAccountActivityTrigger/XAccountActivityTrigger.node';
import { resetDeliveryState } from '../../nodes/XAccountActivityTrigger/delivery-handler';
import { clearSecretCache } from '../../nodes/XAccountActivityTrigger/secret-cache';
import { FakeNode } from '../trigger/helpers/webhook-context';

const SECRET = 'dummy-fuzz-consumer-secret-0123456789';
const SEED = 20261208;
const POST_RUNS = Number(process.env.FUZZ_RUNS ?? 0) || 3000;
const CRC_RUNS = Number(process.env.FUZZ_RUNS ?? 0) || 2000;

const FIXTURES = path.resolve(__dirname, '../fixtures/events');
const SAMPLES: string[] = ['aaa', 'xaa'].flatMap((dir) =>
	readdirSync(path.join(FIXTURES, dir))
		.filter((f) => f.endsWith('.json'))
		.map((f) => readFileSync(path.join(FIXTURES, dir, f), 'utf8')),
);

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'for_user_id', 'data', 'meta', 'users', 'apps'];
const EVENT_KEYS = [
	'tweet_create_events',
	'favorite_events',
	'follow_events',
	'block_events',
	'mute_events',
	'direct_message_events',
	'direct_message_indicate_typing_events',
	'direct_message_mark_read_events',
	'tweet_delete_events',
	'user_event',
	'replay_job_status',
	'x_events',
];
const XAA_TYPES = ['post.mention.create', 'like.create', 'follow.follow', 'dm.received', 'profile.update.bio', 'oauth.revoke', 'chat.received', 'constructor', '__proto__', 'toString', ''];

const hostileString = fc.oneof(fc.string(), fc.constantFrom(...HOSTILE_KEYS), fc.constantFrom('1', '2244994945', '-5', '99999999999999999999'));
const leaf = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.bigInt().map((b) => b.toString()));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
	v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.oneof(hostileString, fc.constantFrom(...HOSTILE_KEYS)), tie('v'), { maxKeys: 5 })),
})).v;

const aaaShaped = fc.record(
	{
		for_user_id: fc.oneof(hostileString, fc.integer(), fc.constant(null)),
		events: fc.dictionary(fc.constantFrom(...EVENT_KEYS), fc.oneof(fc.array(value, { maxLength: 3 }), value), { maxKeys: 3 }),
		users: value,
		apps: value,
		meta: fc.oneof(value, fc.constant({ replay: true })),
	},
	{ requiredKeys: ['events'] },
).map(({ events, ...rest }) => ({ ...rest, ...events }));

const xaaShaped = fc
	.record({
		event_uuid: fc.oneof(hostileString, fc.integer()),
		event_type: fc.oneof(fc.constantFrom(...XAA_TYPES), hostileString),
		filter: fc.oneof(fc.dictionary(fc.constantFrom('user_id', 'direction', 'keyword', '__proto__', 'constructor'), value, { maxKeys: 3 }), value),
		payload: value,
		includes: value,
		tag: value,
	})
	.map((data) => ({ data }));

const deep = fc
	.record({ depth: fc.integer({ min: 1, max: 20_000 }), open: fc.constantFrom('{"a":', '['), inner: fc.constantFrom('1', '{}', '"x"') })
	.map(({ depth, open, inner }) => {
		const close = open === '[' ? ']' : '}';
		return `{"for_user_id":"1","tweet_create_events":[${open.repeat(depth)}${inner}${close.repeat(depth)}]}`;
	});

type Mutation = { kind: 'flip' | 'truncate' | 'insert' | 'delete'; at: number; text: string; byte: number };
const mutation: fc.Arbitrary<Mutation> = fc.record({
	kind: fc.constantFrom('flip', 'truncate', 'insert', 'delete'),
	at: fc.nat(),
	text: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('"__proto__":', '"constructor"', '{', '[', '}', ']', ',', '"')),
	byte: fc.integer({ min: 0, max: 255 }),
});

function applyMutation(bytes: Buffer, m: Mutation): Buffer {
	if (bytes.length === 0) return bytes;
	const at = m.at % bytes.length;
	switch (m.kind) {
		case 'flip': {
			const copy = Buffer.from(bytes);
			copy[at] = m.byte;
			return copy;
		}
		case 'truncate':
			return bytes.subarray(0, at);
		case 'insert':
			return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.text), bytes.subarray(at)]);
		case 'delete':
			return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + (m.byte % 16))]);
	}
}

/** A published sample with one value replaced somewhere (structural mutation). */
const structurallyMutated = fc
	.record({ sample: fc.nat(), at: fc.nat(), replacement: value, renameTo: fc.option(fc.constantFrom(...HOSTILE_KEYS)) })
	.map(({ sample, at, replacement, renameTo }) => {
		const root = JSON.parse(SAMPLES[sample % SAMPLES.length]) as unknown;
		const slots: Array<[Record<string, unknown>, string]> = [];
		const walk = (v: unknown) => {
			if (v === null || typeof v !== 'object') return;
			for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
				slots.push([v as Record<string, unknown>, k]);
				walk(child);
			}
		};
		walk(root);
		if (slots.length > 0) {
			const [parent, key] = slots[at % slots.length];
			if (renameTo !== null) {
				const v = parent[key];
				delete parent[key];
				Object.defineProperty(parent, renameTo, { value: v, enumerable: true, writable: true, configurable: true });
			} else parent[key] = replacement;
		}
		return JSON.stringify(root);
	});

const byteMutated = fc
	.record({ sample: fc.nat(), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) })
	.map(({ sample, mutations }) => mutations.reduce<Buffer>((b, m) => applyMutation(b, m), Buffer.from(SAMPLES[sample % SAMPLES.length])));

const body: fc.Arbitrary<Buffer> = fc.oneof(
	fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
	fc.string({ unit: 'binary', maxLength: 256 }).map((s) => Buffer.from(s)),
	value.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
	aaaShaped.map((o) => Buffer.from(JSON.stringify(o))),
	xaaShaped.map((o) => Buffer.from(JSON.stringify(o))),
	deep.map((s) => Buffer.from(s)),
	fc.nat().map((i) => Buffer.from(SAMPLES[i % SAMPLES.length])),
	structurallyMutated.map((s) => Buffer.from(s)),
	byteMutated,
);

type SignatureKind = 'valid' | 'other-body' | 'mutated' | 'random' | 'joined' | 'array' | 'missing' | 'wrong-secret';
const signatureSpec = fc.record({
	kind: fc.constantFrom<SignatureKind>('valid', 'valid', 'valid', 'other-body', 'mutated', 'random', 'joined', 'array', 'missing', 'wrong-secret'),
	mutation,
	random: fc.string({ maxLength: 80 }),
});

function signatureFor(b: Buffer, spec: { kind: SignatureKind; mutation: Mutation; random: string }): string | string[] | undefined {
	const valid = signWebhookPayload(SECRET, b);
	switch (spec.kind) {
		case 'valid':
			return valid;
		case 'other-body':
			return signWebhookPayload(SECRET, Buffer.concat([b, Buffer.from(' ')]));
		case 'mutated':
			return applyMutation(Buffer.from(valid), spec.mutation).toString('latin1');
		case 'random':
			return spec.random;
		case 'joined':
			return valid + ', ' + valid;
		case 'array':
			return [valid, valid];
		case 'missing':
			return undefined;
		case 'wrong-secret':
			return signWebhookPayload(SECRET + 'x', b);
	}
}

function assertPlainJson(value: unknown, seen = new Set<unknown>()): void {
	if (typeof value === 'function') throw new Error('a function reached an item');
	if (typeof value !== 'object' || value === null || seen.has(value)) return;
	seen.add(value);
	if (value === Object.prototype || value === Array.prototype) throw new Error('a prototype object reached an item');
	for (const v of Object.values(value)) assertPlainJson(v, seen);
}

const counts = { post: 0, accepted: 0, acceptedWithItems: 0, refused4xx: 0, crashes: 0, non4xx: 0, acceptedWithoutMac: 0, crc: 0, crcAnswered: 0, crcRefused: 0 };

/** The node's webhook(), as n8n calls it; a throw is a crash (n8n would answer 500). */
async function call(trigger: XAccountActivityTrigger, ctx: IWebhookFunctions) {
	try {
		return await trigger.webhook.call(ctx);
	} catch (err) {
		counts.crashes++;
		throw err;
	}
}

beforeAll(() => {
	clearSecretCache();
	resetDeliveryState();
});

afterAll(() => {
	console.log(`fuzz (seed ${SEED}): ${JSON.stringify(counts)}`);
});

test('webhook POST: no crash, refusals are 4xx, nothing accepted without a valid MAC', async () => {
	const node = new FakeNode({ secret: SECRET, parameters: { options: { ignoreOwnActivity: false } } });
	const trigger = new XAccountActivityTrigger();
	await fc.assert(
		fc.asyncProperty(body, signatureSpec, fc.boolean(), async (b, spec, dedupe) => {
			counts.post++;
			const signature = signatureFor(b, spec);
			const headers: Record<string, string | string[] | undefined> = { 'x-twitter-webhooks-signature': signature };
			const { ctx, response } = node.webhook({ method: 'POST', headers, rawBody: b });
			node.o.parameters = { options: { dedupe, ignoreOwnActivity: false } };
			const result = await call(trigger, ctx);
			if (response.status !== undefined) {
				if (response.status < 400 || response.status > 499) counts.non4xx++;
				expect(response.status).toBeGreaterThanOrEqual(400);
				expect(response.status).toBeLessThan(500);
				counts.refused4xx++;
				return;
			}
			counts.accepted++;
			const macOk = signature === signWebhookPayload(SECRET, b);
			if (!macOk) counts.acceptedWithoutMac++;
			expect(macOk).toBe(true);
			const items = (result.workflowData ?? []).flat();
			if (items.length > 0) counts.acceptedWithItems++;
			for (const item of items) {
				assertPlainJson(item.json);
				expect(() => JSON.stringify(item.json)).not.toThrow();
				expect(typeof item.json.dedupe_key).toBe('string');
			}
		}),
		{ seed: SEED, numRuns: POST_RUNS },
	);
	expect(counts.crashes).toBe(0);
	expect(counts.acceptedWithoutMac).toBe(0);
	expect(counts.acceptedWithItems).toBeGreaterThan(0); // the generator does reach the item path
});

test('CRC GET: no crash, answers only tokens of X\'s form, with their HMAC', async () => {
	const node = new FakeNode({ secret: SECRET });
	const trigger = new XAccountActivityTrigger();
	const token = fc.oneof(
		fc.string({ maxLength: 140 }),
		fc.uint8Array({ minLength: 1, maxLength: 96 }).map((a) => Buffer.from(a).toString('base64')),
		fc.uuid().map((u) => Buffer.from(u).toString('base64')),
		value.map((v) => JSON.stringify(v)),
		fc.array(fc.string(), { maxLength: 3 }),
		value,
	);
	const header = fc.option(fc.oneof(fc.string(), fc.constant('sha256=AAAA'), fc.array(fc.string(), { maxLength: 2 })));
	await fc.assert(
		fc.asyncProperty(fc.option(token), header, fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }), async (t, sig, extra) => {
			counts.crc++;
			const query: Record<string, unknown> = { ...extra };
			if (t !== null) query.crc_token = t;
			const headers: Record<string, string | string[] | undefined> = sig === null ? {} : { 'x-twitter-webhooks-signature': sig };
			const { ctx, response } = node.webhook({ method: 'GET', headers, query });
			const result = await call(trigger, ctx);
			expect(result.workflowData).toBeUndefined();
			const sent = query.crc_token;
			if (response.status === 200) {
				counts.crcAnswered++;
				expect(isPlausibleCrcToken(sent)).toBe(true);
				expect(response.body).toEqual(crcResponse(SECRET, sent as string));
			} else {
				counts.crcRefused++;
				expect(response.status).toBe(400);
				expect(isPlausibleCrcToken(sent)).toBe(false);
				expect(JSON.stringify(response.body)).not.toContain('sha256=');
			}
		}),
		{ seed: SEED, numRuns: CRC_RUNS },
	);
	expect(counts.crcAnswered).toBeGreaterThan(0);
});
