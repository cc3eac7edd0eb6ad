import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
	configureDedupe,
	handleDelivery,
	parseUserIdList,
	resetDeliveryState,
	settingsFromParameters,
	type TriggerSettings,
} from '../../nodes/XAccountActivityTrigger/delivery-handler';

const FIXTURES = path.resolve(__dirname, '../fixtures/events');
const raw = (rel: string): Buffer => readFileSync(path.join(FIXTURES, rel));

const settings = (over: Partial<TriggerSettings> = {}): TriggerSettings => ({
	activities: [],
	outputMode: 'single',
	dedupe: true,
	forUserIds: [],
	ignoreOwnActivity: true,
	...over,
});

afterEach(() => {
	resetDeliveryState();
	configureDedupe({});
});

describe('handleDelivery', () => {
	test('a mention comes out on the single output', () => {
		const out = handleDelivery(raw('aaa/tweet_create_events.json'), settings(), 'wf', 'node');
		expect(out.ok).toBe(true);
		if (!out.ok) return;
		expect(out.api).toBe('aaa');
		expect(out.outputs).toHaveLength(1);
		expect(out.outputs[0].map((i) => [i.activity, i.event_id])).toEqual([
			['mention', '1045396744374804480'],
		]);
	});

	test('not JSON or not an event → ok:false with a reason', () => {
		expect(handleDelivery(Buffer.from('{"for_user_id":'), settings(), 'wf', 'n')).toEqual({
			ok: false,
			reason: 'body is not valid JSON',
		});
		const r = handleDelivery('[]', settings(), 'wf', 'n');
		expect(r.ok).toBe(false);
	});

	test('a retried delivery is dropped; another node keeps its own memory', () => {
		const body = raw('aaa/follow_events.json');
		const first = handleDelivery(body, settings(), 'wf', 'a');
		const again = handleDelivery(body, settings(), 'wf', 'a');
		const otherNode = handleDelivery(body, settings(), 'wf', 'b');
		expect(first.ok && first.outputs[0].length).toBe(1);
		expect(again.ok && again.outputs[0].length).toBe(0);
		expect(otherNode.ok && otherNode.outputs[0].length).toBe(1);
	});

	test('dedupe off passes retries', () => {
		const body = raw('xaa/post.mention.create.json');
		handleDelivery(body, settings({ dedupe: false }), 'wf', 'n');
		const again = handleDelivery(body, settings({ dedupe: false }), 'wf', 'n');
		expect(again.ok && again.outputs[0].length).toBe(1);
	});

	test('a replayed copy of an event already seen is a duplicate like any other (the key decides)', () => {
		handleDelivery(raw('aaa/tweet_create_events.json'), settings(), 'wf', 'n');
		const replayed = handleDelivery(
			raw('aaa/extra.tweet_create_events.replayed.json'),
			settings(),
			'wf',
			'n',
		);
		expect(replayed.ok && replayed.outputs[0]).toEqual([]);
	});

	test('a replayed event not seen before passes once, marked replay', () => {
		const body = raw('aaa/extra.tweet_create_events.replayed.json');
		const first = handleDelivery(body, settings(), 'wf', 'n');
		const again = handleDelivery(body, settings(), 'wf', 'n');
		expect(first.ok && first.outputs[0].map((i) => i.replay)).toEqual([true]);
		expect(again.ok && again.outputs[0]).toEqual([]);
	});

	test('per-group outputs and filters', () => {
		const out = handleDelivery(
			raw('aaa/direct_message_events.json'),
			settings({ outputMode: 'perGroup' }),
			'wf',
			'n',
		);
		expect(out.ok && out.outputs.map((o) => o.length)).toEqual([0, 1, 0, 0, 0, 0]);
		const filtered = handleDelivery(
			raw('aaa/favorite_events.json'),
			settings({ activities: ['mention'] }),
			'wf',
			'n',
		);
		expect(filtered.ok && filtered.outputs).toEqual([[]]);
		const own = handleDelivery(
			raw('aaa/extra.direct_message_events.sent.json'),
			settings(),
			'wf',
			'n',
		);
		expect(own.ok && own.outputs).toEqual([[]]);
		const other = handleDelivery(
			raw('aaa/tweet_create_events.json'),
			settings({ forUserIds: ['1'] }),
			'wf',
			'n2',
		);
		expect(other.ok && other.outputs).toEqual([[]]);
	});

	test('changed settings take effect on the next delivery', () => {
		const body = raw('aaa/favorite_events.json');
		expect(
			(
				handleDelivery(body, settings({ activities: ['mention'] }), 'wf', 'n') as {
					outputs: unknown[][];
				}
			).outputs[0],
		).toHaveLength(0);
		expect(
			(
				handleDelivery(body, settings({ activities: ['like_received'] }), 'wf', 'n') as {
					outputs: unknown[][];
				}
			).outputs[0],
		).toHaveLength(1);
	});

	test('memory stays bounded under a long run of distinct events (no timing asserted)', () => {
		configureDedupe({ capacity: 500 });
		const template = readFileSync(path.join(FIXTURES, 'aaa/tweet_create_events.json'), 'utf8');
		let emitted = 0;
		for (let i = 0; i < 5_000; i++) {
			const body = template.replace(
				'"id_str": "1045396744374804480"',
				`"id_str": "${1045396744374804480n + BigInt(i)}"`,
			);
			const out = handleDelivery(body, settings(), 'wf', 'bench');
			if (out.ok) emitted += out.outputs[0].length;
		}
		expect(emitted).toBe(5_000);
		const again = handleDelivery(
			template.replace(
				'"id_str": "1045396744374804480"',
				`"id_str": "${1045396744374804480n + 4999n}"`,
			),
			settings(),
			'wf',
			'bench',
		);
		expect(again.ok && again.outputs[0]).toHaveLength(0);
	});
});

describe('settingsFromParameters', () => {
	test('reads the node parameters with their defaults', () => {
		const params: Record<string, unknown> = {
			activities: ['mention', 'reply'],
			outputMode: 'perGroup',
			options: { forUserIds: '2244994945, 4337869213\n 12', ignoreOwnActivity: false },
		};
		const ctx = {
			getNodeParameter: (name: string, fallback?: unknown) =>
				name in params ? params[name] : fallback,
		};
		expect(settingsFromParameters(ctx)).toEqual({
			activities: ['mention', 'reply'],
			outputMode: 'perGroup',
			dedupe: true,
			forUserIds: ['2244994945', '4337869213', '12'],
			ignoreOwnActivity: false,
		});
		const empty = { getNodeParameter: (_name: string, fallback?: unknown) => fallback };
		expect(settingsFromParameters(empty)).toEqual({
			activities: [],
			outputMode: 'single',
			dedupe: true,
			forUserIds: [],
			ignoreOwnActivity: true,
		});
	});

	test('parseUserIdList', () => {
		expect(parseUserIdList(' 1 ,2;3  4 ')).toEqual(['1', '2', '3', '4']);
		expect(parseUserIdList(['5', 6])).toEqual(['5', '6']);
		expect(parseUserIdList(undefined)).toEqual([]);
		expect(parseUserIdList('')).toEqual([]);
	});
});
