/**
 * Signed but hostile bodies (issue: hardening, rows 7 and 8): prototype keys never reach an
 * item, and nothing a body holds turns into a 500 (handleDelivery answers ok:false instead).
 */
import { parseJsonLossless } from '../../client/lossless-json';
import { handleDelivery, resetDeliveryState } from '../../nodes/XAccountActivityTrigger/delivery-handler';
import { parseDelivery } from '../../nodes/XAccountActivityTrigger/delivery-parser';
import type { ActivityItem } from '../../nodes/XAccountActivityTrigger/activity-item';
import { EVERYTHING_ONCE } from './helpers/settings';

const settings = EVERYTHING_ONCE;

afterEach(() => resetDeliveryState());

function itemsOf(text: string): ActivityItem[] {
	const r = parseDelivery(parseJsonLossless(text));
	if (!r.ok) throw new Error(r.reason);
	return r.items;
}

/** Every object reachable from the item is a plain data object or array: no function, no prototype. */
function assertPlain(value: unknown, seen = new Set<unknown>()): void {
	if (typeof value === 'function') throw new Error('function in item');
	if (typeof value !== 'object' || value === null || seen.has(value)) return;
	seen.add(value);
	if (value === Object.prototype || value === Array.prototype || value === Function.prototype)
		throw new Error('prototype object in item');
	for (const v of Object.values(value)) assertPlain(v, seen);
}

describe('prototype keys in a delivery', () => {
	test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
		'XAA event_type %j is an unknown activity, not an inherited member',
		(type) => {
			const [item] = itemsOf(
				JSON.stringify({ data: { event_uuid: 'u1', event_type: type, filter: { user_id: '1' }, payload: { id: '5' } } }),
			);
			expect(item.activity).toBe('unknown');
			assertPlain(item);
		},
	);

	test.each(['__proto__', 'constructor', 'toString'])('DM source_app_id %j gives no app', (appId) => {
		const [item] = itemsOf(
			`{"for_user_id":"1","direct_message_events":[{"id":"9","message_create":{"sender_id":"2","source_app_id":${JSON.stringify(appId)},"target":{"recipient_id":"1"},"message_data":{"text":"hi"}}}],"apps":{}}`,
		);
		expect(item.app).toBeUndefined();
		assertPlain(item);
	});

	test('a sender id naming a prototype member gives a bare user, not Object.prototype', () => {
		const [item] = itemsOf(
			'{"for_user_id":"1","direct_message_events":[{"id":"9","message_create":{"sender_id":"__proto__","target":{"recipient_id":"constructor"},"message_data":{"text":"hi"}}}],"users":{}}',
		);
		expect(item.sender?.raw).toBeNull();
		expect(item.recipient?.raw).toBeNull();
		assertPlain(item);
	});

	test('an own "__proto__" key in the body is data, never the prototype', () => {
		const items = itemsOf('{"__proto__":{"for_user_id":"1"},"for_user_id":"1","follow_events":[{"type":"follow","source":{"id":"2"},"target":{"id":"1"}}]}');
		expect(items).toHaveLength(1);
		assertPlain(items[0]);
	});
});

describe('failures on a signed body are 400 with a reason, never a throw', () => {
	const deep = (depth: number, inner: string): string => '{"a":'.repeat(depth) + inner + '}'.repeat(depth);

	test('an id-less event nested 10,000 deep', () => {
		const body = `{"for_user_id":"1","tweet_create_events":[${deep(10_000, '1')}]}`;
		const out = handleDelivery(Buffer.from(body), settings, 'wf', 'n');
		expect(out.ok).toBe(false);
		if (!out.ok) expect(out.reason).toMatch(/nested/);
	});

	test('a deeply nested XAA payload without event_uuid', () => {
		const body = `{"data":{"event_type":"post.create","filter":{"user_id":"1"},"payload":${deep(10_000, '1')}}}`;
		const out = handleDelivery(Buffer.from(body), settings, 'wf', 'n');
		expect(out.ok).toBe(false);
	});

	test('arrays nested deep inside strings do not count', () => {
		const body = JSON.stringify({ for_user_id: '1', tweet_create_events: [{ id_str: '7', text: '['.repeat(500), user: { id_str: '2' } }] });
		const out = handleDelivery(Buffer.from(body), settings, 'wf', 'n');
		expect(out.ok).toBe(true);
	});
});
