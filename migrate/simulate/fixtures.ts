/**
 * What both `--simulate` demos share: a CRC-answering webhook receiver, where the demo writes,
 * the legacy input files a simulated app had, and the environment the real command runs with.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { crcResponse } from '../../client/webhook-signature';
import type { MigrateOptions } from '../options';
import { migrate, type MigrateHooks, type MigrateIO, type MigrateResult } from '../pipeline';

/** A webhook receiver on 127.0.0.1 answering X's CRC with the app's consumer secret. */
export async function startCrcReceiver(consumerSecret: string): Promise<{ url: string; close: () => Promise<void> }> {
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			const token = url.searchParams.get('crc_token');
			if (req.method === 'GET' && token) {
				res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(crcResponse(consumerSecret, token)));
				return;
			}
			res.writeHead(200).end();
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
		close: () =>
			new Promise<void>((r) => {
				server.close(() => r());
				server.closeAllConnections();
			}),
	};
}

/** Where a simulation writes: the report's folder, or a fresh temporary one. The journal starts empty. */
export function simulationPaths(options: MigrateOptions, prefix: string): { dir: string; report: string; state: string } {
	const dir = options.report ? resolve(dirname(options.report)) : mkdtempSync(join(tmpdir(), prefix));
	mkdirSync(dir, { recursive: true });
	const report = options.report ? resolve(options.report) : join(dir, 'migrate-report.json');
	const state = options.state ?? join(dir, 'migrate-report.state.jsonl');
	rmSync(state, { force: true }); // a fresh simulator each time: nothing to resume
	return { dir, report, state };
}

/**
 * The legacy inputs a simulated app had: a Site Streams control-stream info.json (ids as bare
 * JSON numbers, most above 2^53) and a CRLF token store without the `noToken` users.
 */
export function writeLegacyInputs(
	dir: string,
	people: ReadonlyArray<{ id: string; screenName: string; token: string; secret: string }>,
	opts: {
		dmFalse?: ReadonlySet<string>;
		noToken: ReadonlySet<string>;
		/** Users whose row carries an OAuth 2.0 user token (column oauth2_access_token). */
		oauth2?: ReadonlyMap<string, string>;
		/** Users whose row has no OAuth 1.0a token (only the OAuth 2.0 one). */
		oauth2Only?: ReadonlySet<string>;
	},
): { info: string; tokens: string } {
	const info = join(dir, 'info.json');
	const tokens = join(dir, 'tokens.csv');
	writeFileSync(
		info,
		'{"info":{\n  "users":[\n' +
			people.map((u) => `    {"id":${u.id},"name":${JSON.stringify(u.screenName)},"dm":${!opts.dmFalse?.has(u.id)}}`).join(',\n') +
			'\n  ],\n  "delimited":"none",\n  "include_followings_activity":false,\n  "include_user_changes":true,\n  "replies":"none",\n  "with":"user"\n}}\n',
	);
	const o2 = opts.oauth2;
	writeFileSync(
		tokens,
		`user_id,access_token,access_token_secret${o2 ? ',oauth2_access_token' : ''}\r\n` +
			people
				.filter((u) => !opts.noToken.has(u.id))
				.map((u) => {
					const oauth1 = opts.oauth2Only?.has(u.id) ? ',' : `${u.token},${u.secret}`;
					return `${u.id},${oauth1}${o2 ? `,${o2.get(u.id) ?? ''}` : ''}\r\n`;
				})
				.join(''),
		{ mode: 0o600 },
	);
	return { info, tokens };
}

/** The environment the real command runs with: the simulator app's keys, no bearer (fetched). */
export function simulatorEnv(app: { consumerKey: string; consumerSecret: string; accessToken: string; accessTokenSecret: string }, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...base,
		X_CONSUMER_KEY: app.consumerKey,
		X_CONSUMER_SECRET: app.consumerSecret,
		X_ACCESS_TOKEN: app.accessToken,
		X_ACCESS_TOKEN_SECRET: app.accessTokenSecret,
	};
	delete env.X_BEARER_TOKEN;
	return env;
}


/** Runs the real pipeline on the simulated app's files, against the simulator, with its keys. */
export function migrateSimulated(
	options: MigrateOptions,
	io: MigrateIO,
	sim: { baseUrl: string; app: Parameters<typeof simulatorEnv>[0] },
	files: { info: string; tokens: string; webhookUrl: string; report: string; state: string; env?: string },
	hooks?: MigrateHooks,
): Promise<MigrateResult> {
	return migrate(
		{
			...options,
			simulate: false,
			from: [files.info],
			tokens: files.tokens,
			webhookUrl: files.webhookUrl,
			webhookId: undefined,
			baseUrl: sim.baseUrl,
			env: files.env,
			report: files.report,
			state: files.state,
		},
		{ ...io, env: simulatorEnv(sim.app, io.env) },
		hooks,
	);
}
