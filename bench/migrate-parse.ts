/**
 * Bench for the migrate input side: generates a 1,000,000-user Site Streams info.json and a
 * 1,000,000-row token store CSV in the OS temp folder (streamed, so the generator stays
 * small), reads and merges both with readUsers, walks the plan, and checks the process's peak
 * RSS against the 512 MB goal; then times each reader alone (rows/s only: by then the peak
 * is already taken).
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/benchbuild
 *   NODE_PATH=$PWD/node_modules node /tmp/benchbuild/bench/migrate-parse.js [users]
 *
 * BENCH_KEEP=1 keeps the generated files; BENCH_USERS or the first argument sets the size.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readCsvUsers } from '../migrate/input/csv-users';
import { buildPlan, readUsers } from '../migrate/input';
import { readSiteStreamsInfo } from '../migrate/input/sitestreams-json';

const GOAL_BYTES = 512 * 1024 * 1024;
const MB = 1024 * 1024;

/** User id i: two thirds small, one third above 2^53 (up to 2^64 - 1 territory). */
function userId(i: number): string {
	return i % 3 === 0 ? (1460000000000000000n + BigInt(i)).toString() : String(100000 + i * 7);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(length: number): string {
	const bytes = randomBytes(length);
	let out = '';
	for (let k = 0; k < length; k++) out += ALPHABET[bytes[k] % ALPHABET.length];
	return out;
}

async function writeLines(
	path: string,
	count: number,
	line: (i: number) => string,
	head: string,
	tail: string,
): Promise<void> {
	const out = createWriteStream(path);
	out.write(head);
	let batch: string[] = [];
	for (let i = 0; i < count; i++) {
		batch.push(line(i));
		if (batch.length === 10000 || i === count - 1) {
			if (!out.write(batch.join(''))) await once(out, 'drain');
			batch = [];
		}
	}
	out.end(tail);
	await once(out, 'finish');
}

async function generate(dir: string, users: number): Promise<{ info: string; tokens: string }> {
	const info = join(dir, 'info.json');
	const tokens = join(dir, 'tokens.csv');
	// One user per line, as X's pretty-printed dumps have it (line numbers stay meaningful).
	await writeLines(
		info,
		users,
		(i) =>
			`${i === 0 ? '' : ',\n'}      {"id":${userId(i)},"name":"user_${i}","dm":${i % 10 === 0 ? 'false' : 'true'}}`,
		'{"info":{\n  "delimited":"none",\n  "users":[\n',
		'\n  ],\n  "with":"followings"\n}}\n',
	);
	// The token store: every user but 1 in 100, in a different order (a permutation), plus
	// 1 in 100 rows for users no longer in the stream; X-shaped tokens (`<user id>-…`).
	const step = 7919; // prime, so i * step mod users visits every index once
	await writeLines(
		tokens,
		users,
		(i) => {
			const j = (i * step) % users;
			const id = j % 100 === 1 ? String(900000000000 + j) : userId(j);
			return `${id},${id}-${randomText(40)},${randomText(45)}\r\n`;
		},
		'\ufeffuser_id,access_token,access_token_secret\r\n',
		'',
	);
	return { info, tokens };
}

interface Sampler {
	peakRss: () => number;
	stop: () => void;
}

function sampleRss(): Sampler {
	let peak = process.memoryUsage().rss;
	const timer = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 10);
	return {
		peakRss: () => Math.max(peak, process.memoryUsage().rss),
		stop: () => clearInterval(timer),
	};
}

function rate(rows: number, ms: number): string {
	return `${Math.round((rows / ms) * 1000).toLocaleString('en-US')} rows/s`;
}

const mb = (bytes: number): string => `${(bytes / MB).toFixed(0)} MB`;

/** Peak RSS of this process so far: sampled rss and the kernel's maxRSS (KiB on Linux/macOS). */
function peakOf(sampler: Sampler): { sampled: number; maxRss: number; peak: number } {
	const sampled = sampler.peakRss();
	sampler.stop();
	const maxRss = process.resourceUsage().maxRSS * 1024;
	return { sampled, maxRss, peak: Math.max(sampled, maxRss) };
}

function describePeak(p: { sampled: number; maxRss: number }): string {
	return `peak RSS ${mb(p.sampled)} sampled, ${mb(p.maxRss)} maxRSS`;
}

/** Reads and merges both files with readUsers, walks the plan, and checks the memory goal. */
async function measureMerge(info: string, tokens: string): Promise<boolean> {
	const sampler = sampleRss();
	const t = performance.now();
	const users = await readUsers([info], tokens);
	const plan = buildPlan(users);
	const ms = performance.now() - t;
	const rows = plan.inputs.reduce((sum, input) => sum + input.rows, 0);
	let walked = 0;
	let withToken = 0;
	for (const user of plan.users) {
		walked++;
		if (user.token !== undefined) withToken++;
	}
	const walkMs = performance.now() - t - ms;
	const c = plan.counts;
	if (walked !== c.total || withToken !== c.withTokens)
		throw new Error('plan walk disagrees with the counts');
	const held = process.memoryUsage();
	const peak = peakOf(sampler);
	console.log(
		`readUsers (info.json + tokens.csv, merged): ${rows.toLocaleString('en-US')} rows in ` +
			`${(ms / 1000).toFixed(2)} s, ${rate(rows, ms)}; plan walk ${(walkMs / 1000).toFixed(2)} s`,
	);
	console.log(
		`  plan: ${c.total.toLocaleString('en-US')} users, ${c.withTokens.toLocaleString('en-US')} with tokens, ` +
			`${c.missingToken.toLocaleString('en-US')} missing, ${c.dmFalse.toLocaleString('en-US')} dm:false, ` +
			`${c.unmatchedTokens.toLocaleString('en-US')} unmatched token rows`,
	);
	console.log(
		`  held at the end: heapUsed ${mb(held.heapUsed)}, arrayBuffers ${mb(held.arrayBuffers)}, rss ${mb(held.rss)}; ` +
			describePeak(peak),
	);
	const met = peak.peak <= GOAL_BYTES;
	console.log(
		`  goal: ${c.total.toLocaleString('en-US')} users with tokens within ${mb(GOAL_BYTES)} peak RSS ` +
			`(whole process, generator included): ${met ? 'MET' : 'NOT MET'} (${mb(peak.peak)})`,
	);
	return met;
}

/** Parse rates of each reader alone (run after the merge: their memory is not measured). */
async function measureReaders(info: string, tokens: string): Promise<void> {
	let t = performance.now();
	let bigIds = 0;
	const users = await readSiteStreamsInfo(info, (user) => {
		if (user.userId.length > 16) bigIds++;
	});
	let ms = performance.now() - t;
	console.log(
		`info.json alone:  ${users.toLocaleString('en-US')} users (${bigIds.toLocaleString('en-US')} above 2^53) ` +
			`in ${(ms / 1000).toFixed(2)} s, ${rate(users, ms)}`,
	);
	t = performance.now();
	const rows = await readCsvUsers(tokens, 'tokens', () => undefined);
	ms = performance.now() - t;
	console.log(
		`tokens.csv alone: ${rows.toLocaleString('en-US')} rows in ${(ms / 1000).toFixed(2)} s, ${rate(rows, ms)}`,
	);
}

async function main(): Promise<void> {
	const users = Number(process.argv[2] ?? process.env.BENCH_USERS ?? 1_000_000);
	const dir = mkdtempSync(join(tmpdir(), 'x-aaa-migrate-bench-'));
	try {
		const t = performance.now();
		const files = await generate(dir, users);
		console.log(
			`generated ${users.toLocaleString('en-US')} users into ${dir} in ${((performance.now() - t) / 1000).toFixed(1)} s: ` +
				`info.json ${mb(statSync(files.info).size)}, tokens.csv ${mb(statSync(files.tokens).size)}`,
		);
		const met = await measureMerge(files.info, files.tokens);
		await measureReaders(files.info, files.tokens);
		if (!met) process.exitCode = 1;
	} finally {
		if (process.env.BENCH_KEEP === '1') console.log(`kept ${dir}`);
		else rmSync(dir, { recursive: true, force: true });
	}
}

void main();
