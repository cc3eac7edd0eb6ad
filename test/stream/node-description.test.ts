/**
 * The stream trigger's description: a trigger() node with no webhooks (n8n 2.41 runs a start
 * node's trigger() before its webhook() in manual mode, so one node with both breaks editor test
 * runs), the webhook trigger's shared parameters, only activities the stream can deliver, and
 * n8n-Cloud-clean sources.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { XActivityStreamTrigger, STREAM_ACTIVITIES } from '../../nodes/XActivityStreamTrigger/XActivityStreamTrigger.node';
import { XAccountActivityTrigger } from '../../nodes/XAccountActivityTrigger/XAccountActivityTrigger.node';
import { xaaSpecsForActivities } from '../../nodes/XAccountActivityTrigger/xaa-activities';

const node = new XActivityStreamTrigger();
const webhook = new XAccountActivityTrigger();

describe('X Activity Stream Trigger description', () => {
	it('is a trigger() node without webhooks', () => {
		expect(typeof node.trigger).toBe('function');
		expect(node.description.webhooks).toBeUndefined();
		expect((node as unknown as Record<string, unknown>).webhookMethods).toBeUndefined();
		expect((node as unknown as Record<string, unknown>).webhook).toBeUndefined();
		expect(node.description.group).toEqual(['trigger']);
	});

	it('shares the webhook trigger parameters it has in common, unchanged', () => {
		const mine = (name: string) => node.description.properties.find((p) => p.name === name);
		const theirs = (name: string) => webhook.description.properties.find((p) => p.name === name);
		expect(mine('outputMode')).toEqual(theirs('outputMode'));
		const opts = (p: ReturnType<typeof mine>) => (p?.options ?? []) as Array<{ name: string }>;
		for (const o of ['ignoreOwnActivity', 'keepRegistration'])
			expect(opts(mine('options')).find((x) => x.name === o)).toEqual(opts(theirs('options')).find((x) => x.name === o));
		expect(opts(mine('options')).map((o) => o.name)).toContain('idleTimeoutSeconds');
	});

	it('offers only activities the stream can deliver (an XAA subscription exists, or X sends it unasked)', () => {
		const offered = STREAM_ACTIVITIES.map((a) => a.value);
		expect(offered).toEqual(expect.arrayContaining(['mention', 'dm_received', 'new_follower', 'app_revoked']));
		expect(offered).not.toContain('replay_complete'); // AAA replay status: no XAA event
		for (const a of offered) if (a !== 'app_revoked') expect(xaaSpecsForActivities([a], '1').length).toBeGreaterThan(0);
	});

	it('its sources are n8n-Cloud clean: no process, console, fs, node:http(s) or global timers', () => {
		const dir = path.join(__dirname, '../../nodes/XActivityStreamTrigger');
		for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
			const code = fs
				.readFileSync(path.join(dir, f), 'utf8')
				.replace(/\/\*[\s\S]*?\*\//g, '')
				.replace(/\/\/.*$/gm, '');
			expect({ f, hits: code.match(/\bprocess\.|\bconsole\.|\bsetTimeout\b|\bsetInterval\b|\bclearTimeout\b|\bsetImmediate\b|(from\s+|require\()['"](node:)?(fs|http|https)['"]/g) }).toEqual({ f, hits: null });
		}
	});
});
