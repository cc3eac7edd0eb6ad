/** StreamDelivery: webhook-mode items per envelope, and nothing twice (by event_uuid, and by content). */
import { StreamDelivery, envelopeKeys } from '../../nodes/XActivityStreamTrigger/stream-delivery';
import type { TriggerSettings } from '../../nodes/XAccountActivityTrigger/delivery-handler';

const settings = (over: Partial<TriggerSettings> = {}): TriggerSettings => ({
	activities: [],
	outputMode: 'single',
	dedupe: true,
	forUserIds: [],
	ignoreOwnActivity: true,
	...over,
});

const mention = (uuid: string, user = '1111111111111111111', text = 'hi @me') => ({
	data: {
		event_uuid: uuid,
		event_type: 'post.mention.create',
		filter: { user_id: user },
		tag: 't',
		payload: { id: '1603419180975409153', author_id: '42', text },
	},
});

describe('StreamDelivery', () => {
	it('emits an envelope once: a repeat with the same uuid, or the same content under a new uuid, is dropped', () => {
		const d = new StreamDelivery(settings(), 'wf\u0000node');
		const first = d.take(mention('1'));
		expect(first?.outputs[0]).toHaveLength(1);
		expect(first?.outputs[0][0]).toMatchObject({ activity: 'mention', event_id: '1', text: 'hi @me' });
		expect(d.take(mention('1'))).toBeUndefined();
		expect(d.take(mention('2'))).toBeUndefined(); // same payload, type and filter
		expect(d.take(mention('3', '1111111111111111111', 'another'))).toBeDefined();
		// the same event for another subscription (filter) is a delivery of its own, as on the webhook
		expect(d.take(mention('1', '2222222222222222222'))).toBeDefined();
	});

	it('gives n8n a deduplication key unique per trigger and event, within 255 characters', () => {
		const a = new StreamDelivery(settings(), 'wf-a\u0000n').take(mention('1'));
		const b = new StreamDelivery(settings(), 'wf-b\u0000n').take(mention('1'));
		expect(a?.deduplicationKey).toMatch(/^xaa-stream:[0-9a-f]{64}$/);
		expect(a?.deduplicationKey).not.toBe(b?.deduplicationKey);
	});

	it('applies the activity filter and output routing like the webhook mode', () => {
		const onlyDms = new StreamDelivery(settings({ activities: ['dm_received'] }), 's');
		expect(onlyDms.take(mention('1'))).toBeUndefined();
		const grouped = new StreamDelivery(settings({ outputMode: 'perGroup' }), 's');
		const out = grouped.take(mention('1'));
		expect(out?.outputs.length).toBeGreaterThan(1);
		expect(out?.outputs.flat()).toHaveLength(1);
	});

	it('keys payloads independently of key order', () => {
		const a = envelopeKeys({ event_type: 'x', filter: { user_id: '1' }, payload: { a: 1, b: [1, { c: 2, d: 3 }] } });
		const b = envelopeKeys({ event_type: 'x', filter: { user_id: '1' }, payload: { b: [1, { d: 3, c: 2 }], a: 1 } });
		expect(a.content).toBe(b.content);
	});
});
