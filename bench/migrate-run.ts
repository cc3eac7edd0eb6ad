/**
 * Bench for the migrate runner, one table at the end:
 *   1. pacing: 600 users against an app-wide limit of 100 subscribe calls per 3 s window
 *      (wall time against the theoretical minimum (ceil(N/limit) - 1) x window; 429s per window);
 *   2. throughput: no rate limit, 50 ms latency per request (requests/s against concurrency / latency);
 *   3. parsing 1,000,000 users with tokens (bench/migrate-parse.js in a child process: rows/s, peak RSS);
 *   4. the built CLI end to end on 1,000,000 users against a stub X (time, peak RSS of the process).
 *
 *   npx tsc -p tsconfig.json --outDir .test-output/bench-build
 *   node .test-output/bench-build/bench/migrate-run.js
 *     [--skip-pacing] [--skip-throughput] [--skip-parse] [--parse-users N]
 *     [--skip-e2e] [--e2e-users N] [--e2e-only]
 *
 * The simulator counts user-context calls per user (so one subscribe per user never meets its
 * limit); the pacing case counts the subscribe limit per app (simulator option userLimitsPerApp).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { crcResponse } from '../client/webhook-signature';
import { parseArgs } from '../migrate/options';
import { migrate } from '../migrate/pipeline';
import { startSimulator, type SimulatorConfig } from '../simulator';

/** Run with `npm run bench:migrate` (builds first): the CLIs it starts are the built ones in dist/. */
const REPO = join(__dirname, '..');

interface Row {
	bench: string;
	figure: string;
	goal: string;
	met: boolean | undefined;
}

const rows: Row[] = [];

async function receiver(secret: string): Promise<{ url: string; close: () => void }> {
	const server = http.createServer((req, res) => {
		const token = new URL(req.url ?? '/', 'http://x').searchParams.get('crc_token');
		req.resume();
		res.writeHead(200, { 'content-type': 'application/json' }).end(token ? JSON.stringify(crcResponse(secret, token)) : '');
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, close: () => server.close() };
}

const quietIO = (env: NodeJS.ProcessEnv) => ({
	stdout: { write: () => true },
	stderr: { write: () => true, isTTY: false },
	env,
});

/** Starts a simulator with N users, writes the token store, returns what migrate needs. */
async function world(n: number, sim: SimulatorConfig) {
	const s = await startSimulator({
		generateUsers: { count: n },
		subscriptionLimit: { enterprise: n + 10, premium: n + 10, v2: n + 10 },
		...sim,
	});
	const r = await receiver(s.app.consumerSecret);
	const dir = mkdtempSync(join(tmpdir(), 'x-aaa-migrate-runbench-'));
	const people = s.users().filter((u) => u.id !== s.app.ownerUserId).slice(-n);
	const tokens = join(dir, 'tokens.csv');
	writeFileSync(tokens, 'user_id,access_token,access_token_secret\n' + people.map((u) => `${u.id},${u.token},${u.secret}\n`).join(''));
	const env = {
		X_CONSUMER_KEY: s.app.consumerKey,
		X_CONSUMER_SECRET: s.app.consumerSecret,
		X_ACCESS_TOKEN: s.app.accessToken,
		X_ACCESS_TOKEN_SECRET: s.app.accessTokenSecret,
	};
	return {
		s,
		dir,
		tokens,
		env,
		receiverUrl: r.url,
		close: async () => {
			r.close();
			await s.stop();
		},
	};
}

async function pacing(users: number, limit: number, windowS: number, concurrency: number): Promise<void> {
	// the subscribe limit counted per app, as X documents it for AAA subscriptions
	const w = await world(users, { rateLimitWindowSeconds: windowS, userLimitsPerApp: true, rateLimits: { 'enterprise.subscriptions.create': limit } });
	try {
		const argv = ['--tokens', w.tokens, '--report', join(w.dir, 'r.json'), '--base-url', w.s.baseUrl, '--webhook-url', w.receiverUrl, '--concurrency', String(concurrency), '--no-verify'];
		const res = await migrate(parseArgs(argv), quietIO(w.env));
		const min = (Math.ceil(users / limit) - 1) * windowS * 1000;
		const ratio = res.runMs! / min;
		// No request before a window's reset second has fully passed (X rounds resets to whole
		// seconds either way): each window but the last costs at least one more second.
		const edgeMin = (Math.ceil(users / limit) - 1) * (windowS + 1) * 1000;
		const refused = w.s.requestLog.filter((e) => e.status === 429);
		const perWindow = new Map<number, number>();
		for (const e of refused) perWindow.set(e.rateLimitReset ?? 0, (perWindow.get(e.rateLimitReset ?? 0) ?? 0) + 1);
		const maxPerWindow = Math.max(0, ...perWindow.values());
		const proxy = { rateLimited: refused.length };
		const windows = Math.ceil(users / limit);
		console.log(
			`pacing: ${users} users, ${limit}/${windowS} s, concurrency ${concurrency}: ${(res.runMs! / 1000).toFixed(2)} s ` +
				`(minimum ${(min / 1000).toFixed(1)} s, ${ratio.toFixed(3)}x; ${(edgeMin / 1000).toFixed(1)} s when waiting out the reset second, ` +
				`${(res.runMs! / edgeMin).toFixed(3)}x), 429s ${proxy.rateLimited} (max ${maxPerWindow} in a window), ` +
				`gate waits ${res.waits}, exit ${res.exitCode}`,
		);
		rows.push({
			bench: `pacing ${users} users @ ${limit}/${windowS}s, c=${concurrency}`,
			figure: `${(res.runMs! / 1000).toFixed(2)} s vs min ${(min / 1000).toFixed(1)} s = ${ratio.toFixed(3)}x`,
			goal: '<= 1.05x',
			met: ratio <= 1.05,
		});
		rows.push({
			bench: `  429s over ${windows} windows`,
			figure: `${proxy.rateLimited} total, max ${maxPerWindow} per window`,
			goal: '<= 1 per window',
			met: maxPerWindow <= 1,
		});
	} finally {
		await w.close();
	}
}

/**
 * The simulator and the command each run as their own process (the simulator's CLI and the
 * built migrate CLI next to this file), as a user runs them: in one process, both sides'
 * OAuth signing share one core and the figure measures that core rather than the runner.
 */
async function throughput(users: number, latencyMs: number, concurrency: number): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'x-aaa-migrate-tput-'));
	const config = join(dir, 'sim.json');
	writeFileSync(
		config,
		JSON.stringify({ port: 0, generateUsers: { count: users }, latencyMs, subscriptionLimit: { enterprise: users + 10 } }),
	);
	const simProc = spawn(process.execPath, [join(REPO, 'simulator/dist/simulator/cli.js'), 'start', '--config', config], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let banner = '';
	await new Promise<void>((resolve, reject) => {
		simProc.stdout.on('data', (c: Buffer) => {
			banner += c.toString();
			if (/Press Ctrl-C/.test(banner)) resolve();
		});
		simProc.on('exit', () => reject(new Error(`simulator exited: ${banner}`)));
	});
	const field = (name: string) => new RegExp(`${name}\\s+(\\S+)`).exec(banner)?.[1] ?? '';
	const baseUrl = field('Base URL');
	const consumerSecret = field('Consumer secret');
	const r = await receiver(consumerSecret);
	try {
		const list = (await (await fetch(`${baseUrl}/_sim/users`)).json()) as { users: Array<{ id: string; token: string; secret: string }> };
		const people = list.users.filter((u) => /^17\d{17}$/.test(u.id));
		const tokens = join(dir, 'tokens.csv');
		writeFileSync(tokens, 'user_id,access_token,access_token_secret\n' + people.map((u) => `${u.id},${u.token},${u.secret}\n`).join(''));
		const env = {
			X_CONSUMER_KEY: field('Consumer key'),
			X_CONSUMER_SECRET: consumerSecret,
			X_ACCESS_TOKEN: field('Access token'),
			X_ACCESS_TOKEN_SECRET: field('Access token secret'),
		};
		const argv = ['--tokens', tokens, '--report', join(dir, 'r.json'), '--base-url', baseUrl, '--webhook-url', r.url, '--concurrency', String(concurrency), '--no-verify'];
		const cli = join(REPO, 'migrate/dist/migrate/cli.js');
		const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve, reject) => {
			const child = spawn(process.execPath, [cli, ...argv], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
			let out = '';
			child.stdout.on('data', (c: Buffer) => (out += c.toString()));
			child.on('error', reject);
			child.on('exit', (c) => resolve({ stdout: out, code: c }));
		});
		const m = /Subscribe phase: ([\d,]+) users in [\d.]+ s \(([\d.]+)\/s\)/.exec(stdout);
		const rps = m ? Number(m[2]) : 0;
		const ideal = concurrency / (latencyMs / 1000);
		console.log(`throughput: ${users} users, ${latencyMs} ms latency, concurrency ${concurrency}: ${rps.toFixed(1)} req/s (ideal ${ideal.toFixed(0)}/s, ${(rps / ideal).toFixed(3)}), exit ${code}`);
		rows.push({
			bench: `throughput ${users} users, ${latencyMs} ms latency, c=${concurrency}`,
			figure: `${rps.toFixed(1)} req/s vs ${ideal.toFixed(0)}/s = ${(rps / ideal).toFixed(3)}`,
			goal: '>= 0.9',
			met: rps / ideal >= 0.9,
		});
	} finally {
		r.close();
		simProc.kill('SIGTERM');
		rmSync(dir, { recursive: true, force: true });
	}
}

function parse(users: number): void {
	const script = join(__dirname, 'lib/run-ts.js');
	let out = '';
	let failed = false;
	try {
		out = execFileSync(process.execPath, [script, join(__dirname, 'migrate-parse.ts'), String(users)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
	} catch (err) {
		out = String((err as { stdout?: string }).stdout ?? '');
		failed = true;
	}
	process.stdout.write(out);
	const merged = /readUsers .*: ([\d,]+) rows in ([\d.]+) s, ([\d,]+) rows\/s/.exec(out);
	const peak = /goal: .*: (MET|NOT MET) \((\d+) MB\)/.exec(out);
	rows.push({
		bench: `parse ${users.toLocaleString('en-US')} users + tokens (readUsers)`,
		figure: merged ? `${merged[3]} rows/s (${merged[1]} rows in ${merged[2]} s)` : 'see output above',
		goal: '-',
		met: undefined,
	});
	rows.push({
		bench: '  peak RSS (whole process)',
		figure: peak ? `${peak[2]} MB` : 'see output above',
		goal: '<= 512 MB',
		met: peak ? peak[1] === 'MET' : !failed && undefined,
	});
}

/**
 * The whole command at scale: the built CLI (own process) on N users with tokens against a stub
 * X that answers at once (204, rate-limit headers with room, a subscription list of every
 * user), so the figure is the command's own memory: parse + run + journal + verify + report.
 * Peak RSS is the child's VmHWM from /proc.
 */
async function endToEnd(users: number, concurrency: number): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'x-aaa-migrate-e2e-'));
	const tokens = join(dir, 'tokens.csv');
	const info = join(dir, 'info.json');
	const id = (i: number) => (1460000000000000000n + BigInt(i)).toString();
	{
		const out = createWriteStream(tokens);
		out.write('user_id,access_token,access_token_secret\n');
		for (let i = 0; i < users; i += 10000) {
			let chunk = '';
			for (let k = i; k < Math.min(users, i + 10000); k++) chunk += `${id(k)},${id(k)}-${'t'.repeat(30)}${k},${'s'.repeat(35)}${k}\n`;
			if (!out.write(chunk)) await once(out, 'drain');
		}
		out.end();
		await once(out, 'finish');
		const inf = createWriteStream(info);
		inf.write('{"info":{"users":[\n');
		for (let i = 0; i < users; i += 10000) {
			let chunk = '';
			for (let k = i; k < Math.min(users, i + 10000); k++) chunk += `${k === 0 ? '' : ',\n'}{"id":${id(k)},"name":"u${k}","dm":${k % 10 !== 0}}`;
			if (!inf.write(chunk)) await once(inf, 'drain');
		}
		inf.end('\n],"delimited":"none","with":"user"}}\n');
		await once(inf, 'finish');
	}
	let subscribed = 0;
	const server = http.createServer((req, res): void => {
		req.resume();
		const path = (req.url ?? '').split('?')[0];
		const reset = String(Math.ceil(Date.now() / 1000) + 900);
		const rl = { 'x-rate-limit-limit': '100000000', 'x-rate-limit-remaining': '99999999', 'x-rate-limit-reset': reset };
		if (path === '/oauth2/token') {
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"token_type":"bearer","access_token":"stub-bearer"}');
			return;
		}
		if (path === '/1.1/account_activity/webhooks.json') {
			res.writeHead(200, { 'content-type': 'application/json', ...rl }).end('[{"id":"1","url":"https://example.com/w","valid":true}]');
			return;
		}
		if (req.method === 'POST' && path.endsWith('/subscriptions/all.json')) {
			subscribed++;
			res.writeHead(204, rl).end();
			return;
		}
		if (path.endsWith('/subscriptions/all/list.json')) {
			res.writeHead(200, { 'content-type': 'application/json', ...rl });
			res.write('{"webhook_id":"1","application_id":"1","subscriptions":[');
			let k = 0;
			const more = () => {
				while (k < users) {
					let chunk = '';
					const end = Math.min(users, k + 10000);
					for (; k < end; k++) chunk += `${k === 0 ? '' : ','}{"user_id":"${id(k)}"}`;
					if (!res.write(chunk)) return void res.once('drain', more);
				}
				res.end(']}');
			};
			more();
			return;
		}
		res.writeHead(404).end();
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	try {
		const cli = join(REPO, 'migrate/dist/migrate/cli.js');
		const argv = ['--from', info, '--tokens', tokens, '--report', join(dir, 'r.json'), '--base-url', base, '--webhook-id', '1', '--concurrency', String(concurrency)];
		if (process.env.E2E_NO_VERIFY === '1') argv.push('--no-verify');
		const t0 = performance.now();
		let peak = 0;
		let peakParent = 0;
		let peakSum = 0;
		const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
			const child = spawn(process.execPath, [cli, ...argv], {
				env: {
					PATH: process.env.PATH,
					X_CONSUMER_KEY: 'k',
					X_CONSUMER_SECRET: 'stub-consumer-secret',
					...(process.env.E2E_NODE_OPTIONS ? { NODE_OPTIONS: process.env.E2E_NODE_OPTIONS } : {}),
				},
				stdio: ['ignore', 'pipe', 'ignore'],
			});
			let out = '';
			child.stdout.on('data', (c: Buffer) => (out += c.toString()));
			// The CLI re-runs itself with a capped heap for big inputs: watch it and its child.
			const hwm = (pid: number): number => {
				try {
					const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
					return m ? Number(m[1]) * 1024 : 0;
				} catch {
					return 0; // exited
				}
			};
			let grandchild: number | undefined;
			const timer = setInterval(() => {
				if (grandchild === undefined) {
					try {
						const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
						if (kids) grandchild = Number(kids.split(/\s+/)[0]);
					} catch {
						// not on Linux, or exited
					}
				}
				const parent = hwm(child.pid!);
				const kid = grandchild !== undefined ? hwm(grandchild) : 0;
				peakParent = Math.max(peakParent, parent);
				peak = Math.max(peak, kid > 0 ? kid : parent);
				peakSum = Math.max(peakSum, parent + kid);
			}, 50);
			child.on('error', reject);
			child.on('exit', (c) => {
				clearInterval(timer);
				resolve({ code: c, stdout: out });
			});
		});
		const s = (performance.now() - t0) / 1000;
		const m = /Subscribe phase: ([\d,]+) users in ([\d.]+) s \(([\d.]+)\/s\)/.exec(stdout);
		const v = /verified\s+([\d,]+)/.exec(stdout);
		console.log(
			`end to end: ${users.toLocaleString('en-US')} users, CLI exit ${code} in ${s.toFixed(1)} s; subscribe phase ${m ? `${m[2]} s (${m[3]}/s)` : '?'}; ` +
				`verified ${v ? v[1] : '?'}; stub saw ${subscribed.toLocaleString('en-US')} subscribes; peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB (launcher ${(peakParent / 1024 / 1024).toFixed(0)} MB)`,
		);
		rows.push({
			bench: `CLI end to end, ${users.toLocaleString('en-US')} users (stub X)`,
			figure: `${s.toFixed(1)} s, exit ${code}, verified ${v ? v[1] : '?'}`,
			goal: 'exit 0 (dm:false is a flag only)',
			met: undefined,
		});
		const mbs = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
		rows.push({
			bench: '  CLI peak RSS (VmHWM, the process doing the work)',
			figure: `${mbs(peak)}${peakSum > peak ? ` (+ launcher ${mbs(peakParent)}: ${mbs(peakSum)} both)` : ''}`,
			goal: '<= 512 MB',
			met: peak <= 512 * 1024 * 1024,
		});
	} finally {
		server.close();
		server.closeAllConnections();
		rmSync(dir, { recursive: true, force: true });
	}
}

function table(): void {
	const w = [0, 0, 0];
	for (const r of rows) {
		w[0] = Math.max(w[0], r.bench.length);
		w[1] = Math.max(w[1], r.figure.length);
		w[2] = Math.max(w[2], r.goal.length);
	}
	const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(w[0])}  ${b.padEnd(w[1])}  ${c.padEnd(w[2])}  ${d}`;
	console.log('\n' + line('bench', 'figure', 'goal', 'met'));
	console.log(line('-'.repeat(w[0]), '-'.repeat(w[1]), '-'.repeat(w[2]), '---'));
	for (const r of rows) console.log(line(r.bench, r.figure, r.goal, r.met === undefined ? '' : r.met ? 'yes' : 'NO'));
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const parseUsers = Number(args[args.indexOf('--parse-users') + 1] || 1_000_000);
	const e2e = args.indexOf('--e2e-users');
	const e2eUsers = e2e >= 0 ? Number(args[e2e + 1]) : 1_000_000;
	const only = args.includes('--e2e-only');
	if (!only && !args.includes('--skip-pacing')) await pacing(600, 100, 3, 16);
	if (!only && !args.includes('--skip-throughput')) {
		const lat = Number(process.env.BENCH_LATENCY_MS ?? 50);
		await throughput(1000, lat, 16);
		await throughput(2000, lat, 64);
	}
	if (!only && !args.includes('--skip-parse')) parse(args.includes('--parse-users') ? parseUsers : 1_000_000);
	if (!args.includes('--skip-e2e')) await endToEnd(e2eUsers, 64);
	table();
	if (rows.some((r) => r.met === false)) process.exitCode = 1;
}

void main();
