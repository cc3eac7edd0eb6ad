/** The node's description, codex files and pure helpers: what n8n and an AI agent read. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties } from 'n8n-workflow';

import { testXCredentials } from '../../nodes/shared/credentials';
import { XAccountActivity } from '../../nodes/XAccountActivity/XAccountActivity.node';
import {
	compact,
	isNumericUserId,
	scrubText,
	scrubValue,
	toUtcDate,
	userIdFromToken,
} from '../../nodes/XAccountActivity/helpers';

const node = new XAccountActivity();
const d = node.description;

const operationsOf = (resource: string): string[] =>
	(
		d.properties.find(
			(p: INodeProperties) =>
				p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource),
		)?.options ?? []
	).map((o) => (o as { value: string }).value);

describe('node description', () => {
	it('identifies the node as the issue asks', () => {
		expect(d.name).toBe('xAccountActivity');
		expect(d.displayName).toBe('X Account Activity');
		expect(d.icon).toEqual({ light: 'file:x.svg', dark: 'file:x.dark.svg' });
		expect(d.group).toEqual(['transform']);
		expect(d.version).toBe(1);
		expect(d.usableAsTool).toBe(true);
		expect(d.credentials).toEqual([
			{ name: 'xAccountActivityApi', required: true, testedBy: 'xAccountActivityApiTest' },
			{
				// the subscribed user's OAuth 2.0 user context, only where it is chosen
				name: 'xActivityOAuth2Api',
				required: true,
				displayOptions: {
					show: {
						resource: ['activitySubscription'],
						operation: ['create'],
						userAuthentication: ['oAuth2'],
					},
				},
			},
		]);
		expect(node.methods.credentialTest.xAccountActivityApiTest).toBe(testXCredentials);
	});

	it('offers the resources and operations', () => {
		expect(operationsOf('webhook').sort()).toEqual(['delete', 'list', 'register', 'triggerCrc']);
		expect(operationsOf('subscription').sort()).toEqual([
			'check',
			'count',
			'list',
			'subscribe',
			'unsubscribe',
		]);
		expect(operationsOf('replay')).toEqual(['start']);
	});

	it('names operations as n8n does, keeping the values saved workflows hold', () => {
		const named = (resource: string) =>
			Object.fromEntries(
				(
					d.properties.find(
						(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource),
					)?.options ?? []
				).map((o) => [(o as { value: string }).value, (o as { name: string }).name]),
			);
		expect(named('webhook')).toEqual({
			register: 'Create',
			delete: 'Delete',
			list: 'Get Many',
			triggerCrc: 'Trigger CRC',
		});
		expect(named('subscription')).toEqual({
			subscribe: 'Create',
			unsubscribe: 'Delete',
			check: 'Get',
			count: 'Get Count',
			list: 'Get Many',
		});
		expect(named('replay')).toEqual({ start: 'Create' });
		expect(named('activitySubscription')).toEqual({
			create: 'Create',
			delete: 'Delete',
			list: 'Get Many',
			update: 'Update',
		});
		const resources = d.properties.find((p) => p.name === 'resource')?.options as Array<{
			name: string;
			value: string;
			description: string;
		}>;
		expect(Object.fromEntries(resources.map((r) => [r.value, r.name]))).toEqual({
			subscription: 'Account Subscription (AAA)',
			activitySubscription: 'Activity Subscription (XAA)',
			replay: 'Replay',
			webhook: 'Webhook',
		});
		// X's own words stay in the descriptions
		const descriptions = JSON.stringify(d.properties.filter((p) => p.name === 'operation'));
		for (const word of ['Register', 'Subscribe', 'Unsubscribe', 'Check', 'List', 'replay job'])
			expect(descriptions).toContain(word);
		expect(resources.find((r) => r.value === 'subscription')?.description).toMatch(
			/deprecated, no date announced/,
		);
		expect(d.description).toMatch(/deprecated, no date announced/);
	});

	it('describes every field (resource and operation through their options)', () => {
		const undescribed = d.properties
			.filter((p) => !['resource', 'operation'].includes(p.name) && !(p.description ?? '').trim())
			.map((p) => p.name);
		expect(undescribed).toEqual([]);
	});

	it('describes every operation for an AI agent (action and description)', () => {
		for (const p of d.properties.filter((x) => x.name === 'operation')) {
			for (const o of p.options ?? []) {
				const opt = o as { action?: string; description?: string };
				expect(opt.action).toBeTruthy();
				expect((opt.description ?? '').length).toBeGreaterThan(20);
			}
		}
	});

	it('keeps the user token secret a password field', () => {
		const secret = d.properties.find((p) => p.name === 'accessTokenSecret');
		expect(secret?.typeOptions?.password).toBe(true);
	});
});

describe('codex files', () => {
	it.each([
		['XAccountActivity', 'n8n-nodes-x-account-activity.xAccountActivity'],
		['XAccountActivityTrigger', 'n8n-nodes-x-account-activity.xAccountActivityTrigger'],
	])('%s.node.json', (folder, id) => {
		const codex = JSON.parse(
			readFileSync(join(__dirname, '../../nodes', folder, `${folder}.node.json`), 'utf8'),
		);
		expect(codex.node).toBe(id);
		expect(codex.nodeVersion).toBe('1.0');
		expect(codex.codexVersion).toBe('1.0');
		expect(codex.categories).toEqual(['Communication', 'Marketing']);
		expect(codex.resources.primaryDocumentation[0].url).toBe(
			'https://docs.x.com/x-api/account-activity/introduction',
		);
	});
});

describe('helpers', () => {
	it('reads picker dates without a zone as UTC', () => {
		expect(toUtcDate('2025-01-31T10:05:00', 'From').toISOString()).toBe('2025-01-31T10:05:00.000Z');
		expect(toUtcDate('2025-01-31 10:05', 'From').toISOString()).toBe('2025-01-31T10:05:00.000Z');
		expect(toUtcDate('2025-01-31', 'From').toISOString()).toBe('2025-01-31T00:00:00.000Z');
		expect(toUtcDate('2025-01-31T10:05:00+02:00', 'From').toISOString()).toBe(
			'2025-01-31T08:05:00.000Z',
		);
		expect(toUtcDate('202501311005', 'From').toISOString()).toBe('2025-01-31T10:05:00.000Z');
		expect(toUtcDate(Date.UTC(2025, 0, 31, 10, 5), 'From').toISOString()).toBe(
			'2025-01-31T10:05:00.000Z',
		);
		const luxonLike = { toJSDate: () => new Date(Date.UTC(2025, 0, 31, 10, 5)) };
		expect(toUtcDate(luxonLike, 'From').toISOString()).toBe('2025-01-31T10:05:00.000Z');
		expect(() => toUtcDate('', 'To')).toThrow(/To is empty/);
		expect(() => toUtcDate('soon', 'To')).toThrow(/To "soon" is not a date/);
	});

	it('validates user ids and reads them from tokens', () => {
		expect(isNumericUserId('1603419180975409153')).toBe(true);
		expect(isNumericUserId('@alice')).toBe(false);
		expect(isNumericUserId('')).toBe(false);
		expect(userIdFromToken('2244994945-abcdef')).toBe('2244994945');
		expect(userIdFromToken('abcdef')).toBeUndefined();
	});

	it('scrubs secrets deeply and drops undefined values', () => {
		expect(scrubText('a SECRET1 b', ['SECRET1', ''])).toBe('a *** b');
		expect(scrubValue({ a: ['x SECRET1'], b: { c: 'SECRET1' }, n: 3 }, ['SECRET1'])).toEqual({
			a: ['x ***'],
			b: { c: '***' },
			n: 3,
		});
		expect(compact({ a: 1, b: undefined, c: null })).toEqual({ a: 1, c: null });
	});
});
