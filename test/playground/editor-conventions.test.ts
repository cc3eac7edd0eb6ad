/**
 * n8n's conventions as a person meets them in the editor (real n8n from the playground, Debian's
 * chromium driven by playwright-core): the action node's Webhook field is a resource locator
 * whose "From List" shows the app's webhooks as the simulator holds them, and the trigger added
 * to a new workflow starts with no activity picked, which means all of them ("All activity").
 * Screenshots go to .test-output/playground/; with X_AAA_UPDATE_DOCS=1 they replace the ones in
 * docs/ that the README shows (so a test run leaves the tracked files alone).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Page } from 'playwright-core';

import { REPO_ROOT } from '../e2e/harness';
import {
	openEditor,
	openPackageInNodesPanel,
	OUTPUT_DIR,
	startPlayground,
	stopPlayground,
	type Editor,
	type Playground,
} from './helpers';

const DOCS = process.env.X_AAA_UPDATE_DOCS === '1' ? path.join(REPO_ROOT, 'docs') : OUTPUT_DIR;
const LOCATOR_PNG = path.join(DOCS, 'action-webhook-from-list.png');
const TRIGGER_PNG = path.join(DOCS, 'trigger-defaults.png');
const TRIGGER_CANVAS_PNG = path.join(DOCS, 'trigger-all-activity.png');

/** The webhooks the playground's simulator holds (its loopback-only admin view). */
async function simulatorWebhooks(
	simulatorUrl: string,
): Promise<Array<{ id: string; url: string }>> {
	const res = await fetch(`${simulatorUrl}/_sim/state`);
	const state = (await res.json()) as { webhooks: Array<{ id: string; url: string }> };
	return state.webhooks.map((w) => ({ id: String(w.id), url: String(w.url) }));
}

/** A new workflow with the nodes panel searched for the package; `item` is clicked. */
async function addFromNodesPanel(page: Page, n8nUrl: string, item: string): Promise<void> {
	await openPackageInNodesPanel(page, n8nUrl);
	const choice = page.locator('[data-test-id="node-creator-item-name"]', { hasText: item }).first();
	// n8n 2.41 lists the package's trigger and its actions; the actions section may start folded
	if (!(await choice.isVisible({ timeout: 3_000 }).catch(() => false))) {
		const actions = page.getByText(/^Actions \(\d+\)$/).first();
		if (await actions.isVisible().catch(() => false)) await actions.click();
	}
	await choice.waitFor();
	await choice.click();
	await page.locator('[data-test-id="ndv"]').waitFor();
}

describe('n8n conventions in the editor (real n8n, real browser)', () => {
	let pg: Playground | undefined;
	let editor: Editor | undefined;
	let step = 'start the playground';

	beforeAll(async () => {
		pg = await startPlayground();
		step = 'launch chromium and log in';
		editor = await openEditor(pg.ready);
		fs.mkdirSync(DOCS, { recursive: true });
	}, 15 * 60_000);

	afterAll(async () => {
		await editor?.close();
		await stopPlayground(pg);
	}, 90_000);

	const inBrowser = async (name: string, body: () => Promise<void>) => {
		step = name;
		try {
			await body();
		} catch (error) {
			await editor?.screenshotAll();
			throw new Error(
				`browser step "${step}" failed (screenshots: ${OUTPUT_DIR}/failure-*.png): ${(error as Error).message}`,
			);
		}
	};

	it('the action node offers the webhooks From List, loaded from the simulator', async () => {
		const { page } = editor!;
		const { ready } = pg!;
		const hooks = await simulatorWebhooks(ready.simulatorUrl);
		expect(hooks.length).toBeGreaterThan(0); // one per published example trigger

		await inBrowser('add the action node: Webhook → Trigger CRC', () =>
			addFromNodesPanel(page, ready.n8nUrl, 'Trigger a CRC check of a webhook'),
		);
		const ndv = page.locator('[data-test-id="ndv"]');
		let shown: string[] = [];
		await inBrowser('open the Webhook list', async () => {
			const field = ndv.locator('[data-test-id="resource-locator-webhookId"]');
			await field.waitFor();
			// "From List" is the locator's first mode, so the one a new node starts with
			await expect(
				field.locator('[data-test-id="rlc-mode-selector"] input').inputValue(),
			).resolves.toMatch(/^From list$/i);
			await field.locator('[data-test-id="rlc-input"]').click();
			const items = page.locator('[data-test-id="rlc-item"]');
			await items.first().waitFor();
			await page.waitForTimeout(300); // the list finishes rendering
			shown = await items.allInnerTexts();
			await page.screenshot({ path: LOCATOR_PNG });
		});
		expect(shown).toHaveLength(hooks.length);
		for (const h of hooks)
			expect(shown.some((text) => text.includes(h.url) && text.includes(h.id))).toBe(true);

		let picked = '';
		await inBrowser('pick a webhook from the list', async () => {
			await page.locator('[data-test-id="rlc-item"]').first().click();
			const field = ndv.locator('[data-test-id="resource-locator-webhookId"]');
			const values = await field
				.locator('input')
				.evaluateAll((inputs) => inputs.map((i) => (i as unknown as { value: string }).value));
			picked = `${await field.innerText()} ${values.join(' ')}`;
		});
		expect(hooks.some((h) => picked.includes(h.url) || picked.includes(h.id))).toBe(true);
		expect(fs.statSync(LOCATOR_PNG).size).toBeGreaterThan(10_000);
	}, 180_000);

	it('the trigger starts with no activity picked, shown as "All activity"', async () => {
		const { page } = editor!;
		const { ready } = pg!;
		const ndv = page.locator('[data-test-id="ndv"]');
		await inBrowser('add the trigger to a new workflow', () =>
			addFromNodesPanel(page, ready.n8nUrl, 'On new X Account Activity event'),
		);
		let chips: string[] = [];
		await inBrowser('read the Activities field', async () => {
			const activities = ndv.locator('[data-test-id="parameter-input-activities"]');
			await activities.waitFor();
			chips = await activities.locator('.el-tag').allInnerTexts();
			await page.waitForTimeout(300);
			await page.screenshot({ path: TRIGGER_PNG });
		});
		expect(chips.filter((c) => c.trim())).toEqual([]);
		// the canvas names what the trigger listens to: close the panel and read the node's subtitle
		await inBrowser('read the node subtitle on the canvas', async () => {
			await page.keyboard.press('Escape');
			const node = page
				.locator('[data-test-id="canvas-node"]', { hasText: 'X Account Activity' })
				.first();
			await node.waitFor();
			await expect(node.innerText()).resolves.toContain('All activity');
			await page.screenshot({ path: TRIGGER_CANVAS_PNG });
		});
		expect(fs.statSync(TRIGGER_PNG).size).toBeGreaterThan(10_000);
	}, 180_000);
});
