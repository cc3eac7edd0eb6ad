/**
 * The trigger as a user meets it in the editor: Activities empty by default meaning all,
 * only the activities the chosen API delivers offered, saved selections honoured, and items
 * that show the useful fields before the raw event.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { signWebhookPayload } from '../../client/webhook-signature';
import { ACTIVITIES } from '../../nodes/XAccountActivityTrigger/activities';
import { resetDeliveryState } from '../../nodes/XAccountActivityTrigger/delivery-handler';
import { clearSecretCache } from '../../nodes/XAccountActivityTrigger/secret-cache';
import { XAccountActivityTrigger } from '../../nodes/XAccountActivityTrigger/XAccountActivityTrigger.node';
import { FakeNode } from './helpers/webhook-context';

const description = new XAccountActivityTrigger().description;
const activityFields = description.properties.filter((p) => p.name === 'activities');
const fieldFor = (source: string): INodeProperties => {
	const f = activityFields.find((p) => p.displayOptions?.show?.source?.includes(source));
	if (!f) throw new Error(`no Activities field for ${source}`);
	return f;
};
const offered = (source: string) => (fieldFor(source).options as INodePropertyOptions[]).map((o) => o.value);

beforeEach(() => {
	clearSecretCache();
	resetDeliveryState();
});

describe('Activities', () => {
	test('one field per API, empty by default (all activity)', () => {
		expect(activityFields).toHaveLength(2);
		for (const f of activityFields) {
			expect(f.default).toEqual([]);
			expect(f.type).toBe('multiOptions');
			expect(f.description).toMatch(/Empty: all activity/);
		}
	});

	test('only what the chosen API delivers is offered', () => {
		const aaa = offered('aaa');
		const xaa = offered('xaa');
		for (const a of ACTIVITIES) {
			expect(aaa.includes(a.value)).toBe(a.api !== 'xaa');
			expect(xaa.includes(a.value)).toBe(a.api !== 'aaa');
		}
		expect(aaa).toContain('replay_complete');
		expect(aaa).not.toContain('profile_updated');
		expect(xaa).toContain('profile_updated');
		expect(xaa).not.toContain('replay_complete');
	});

	test('the subtitle says "All activity" when none is selected', () => {
		const subtitle = String(description.subtitle);
		expect(subtitle).toContain('All activity');
		// evaluate the expression the way n8n would, with $parameter
		const body = subtitle.replace(/^=\{\{/, '').replace(/\}\}$/, '');
		const evaluate = (activities: unknown) => new Function('$parameter', `return ${body};`)({ activities }) as string;
		expect(evaluate([])).toBe('All activity');
		expect(evaluate(undefined)).toBe('All activity');
		expect(evaluate(['mention', 'reply'])).toBe('mention, reply');
	});
});

describe('saved workflows', () => {
	const MENTION = readFileSync(path.resolve(__dirname, '../fixtures/events/aaa/tweet_create_events.json'));
	const DM = readFileSync(path.resolve(__dirname, '../fixtures/events/aaa/direct_message_events.json'));
	const SECRET = 'dummy-saved-workflow-secret-0123';

	async function deliver(node: FakeNode, body: Buffer) {
		const { ctx, response } = node.webhook({ method: 'POST', headers: { 'x-twitter-webhooks-signature': signWebhookPayload(SECRET, body) }, rawBody: body });
		const result = await new XAccountActivityTrigger().webhook.call(ctx);
		expect(response.status).toBeUndefined();
		return (result.workflowData ?? []).flat().map((i) => i.json);
	}

	test('an explicit list (as saved before) is honoured', async () => {
		const node = new FakeNode({ secret: SECRET, parameters: { activities: ['dm_received'], options: {} } });
		expect(await deliver(node, MENTION)).toEqual([]);
		expect((await deliver(node, DM)).map((i) => i.activity)).toEqual(['dm_received']);
	});

	test('the old default (every activity listed) still means all', async () => {
		const node = new FakeNode({ secret: SECRET, parameters: { activities: ACTIVITIES.map((a) => a.value), options: {} } });
		expect((await deliver(node, MENTION)).map((i) => i.activity)).toEqual(['mention']);
	});

	test('no activities parameter at all (the new default) means all', async () => {
		const node = new FakeNode({ secret: SECRET, parameters: { options: {} } });
		expect((await deliver(node, MENTION)).map((i) => i.activity)).toEqual(['mention']);
		expect((await deliver(node, DM)).map((i) => i.activity)).toEqual(['dm_received']);
	});

	test('items show activity, text, users, ids and dedupe_key first, the raw event last', async () => {
		const node = new FakeNode({ secret: SECRET, parameters: { options: {} } });
		const [mention] = await deliver(node, MENTION);
		const keys = Object.keys(mention);
		expect(keys.slice(0, 3)).toEqual(['activity', 'text', 'author']);
		expect(keys[keys.length - 1]).toBe('event');
		for (const k of ['tweet_id', 'for_user_id', 'event_id', 'dedupe_key']) expect(keys.indexOf(k)).toBeLessThan(keys.indexOf('event'));
		const [dm] = await deliver(node, DM);
		expect(Object.keys(dm).slice(0, 3)).toEqual(['activity', 'text', 'sender']);
	});
});
