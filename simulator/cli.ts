#!/usr/bin/env node
/**
 * `x-activity-simulator [start] [--port N] [--config FILE]` (or `npm run simulator -- …`).
 * `x-activity-simulator emit mention|dm|like|follow|… [--count N] [--for USER_ID] [--url URL]`
 *
 * Subcommands live in COMMANDS; `start` is the default. `emit` talks to a running simulator
 * through its loopback admin endpoint (POST /_sim/emit): the running playground's (found through
 * the state file it writes), else `--url`, else `npm run simulator`'s default port.
 * Exit codes: 0 ok, 1 runtime failure, 2 usage or config error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	ConfigError,
	loadConfigFile,
	startSimulator,
	type Simulator,
	type SimulatorConfig,
} from './index';

type FlagKind = 'string' | 'number' | 'boolean';

export class UsageError extends Error {}

interface Command {
	summary: string;
	flags: Record<string, FlagKind>;
	usage: string;
	/** Name under which one leading positional argument (not starting with `-`) is passed in flags. */
	positional?: string;
	run: (flags: Record<string, string | number | boolean>) => Promise<number>;
}

/** Where `emit` finds a running simulator when no playground is running (`npm run simulator`'s port). */
export const DEFAULT_SIMULATOR_URL = 'http://127.0.0.1:8790';

/** The playground's state folder (the same default as `npm start`). */
export function playgroundDir(env: NodeJS.ProcessEnv = process.env): string {
	return (
		env.X_AAA_PLAYGROUND_DIR ??
		path.join(env.X_AAA_N8N_CACHE ?? path.join(os.homedir(), '.cache', 'n8n-nodes-x-account-activity'), 'playground')
	);
}

/** The file a running playground writes with its simulator's URL (and removes when it stops). */
export const SIMULATOR_STATE_FILE = 'simulator.json';

/** The running playground's simulator, from its state file, when its process is alive. */
export function runningPlaygroundSimulator(dir = playgroundDir()): { url: string; file: string } | undefined {
	const file = path.join(dir, SIMULATOR_STATE_FILE);
	try {
		const state = JSON.parse(fs.readFileSync(file, 'utf8')) as { url?: unknown; pid?: unknown };
		if (typeof state.url !== 'string' || typeof state.pid !== 'number') return undefined;
		process.kill(state.pid, 0); // throws when the playground is gone
		return { url: state.url, file };
	} catch {
		return undefined;
	}
}

/**
 * What each AAA kind of `emit` also is in the X Activity API: `emit mention` makes the mention
 * happen on X, so X delivers it to every channel subscribed to it (AAA webhooks, XAA
 * subscriptions on webhooks or on the stream).
 */
export const XAA_EQUIVALENT: Readonly<Record<string, string>> = {
	tweet: 'post.create',
	mention: 'post.mention.create',
	reply: 'post.reply.create',
	retweet: 'post.repost.create',
	quote: 'post.quote.create',
	like: 'like.create',
	follow: 'follow.follow',
	unfollow: 'follow.unfollow',
	block: 'block.block',
	unblock: 'block.unblock',
	mute: 'mute.mute',
	unmute: 'mute.unmute',
	dm: 'dm.received',
	typing: 'dm.indicate_typing',
	read: 'dm.read',
	delete: 'post.delete',
	revoke: 'oauth.revoke',
};

interface EmitAnswer {
	kind?: string;
	forUserId?: string;
	userId?: string;
	fromUserId?: string;
	webhookIds?: string[];
	events?: number;
	subscriptionIds?: string[];
	deliveries?: Array<{ webhookId: string; delivered: boolean; attempts: Array<number | string> }>;
	error?: string;
}

async function postEmit(base: string, body: Record<string, unknown>): Promise<{ status: number; answer: EmitAnswer; text: string }> {
	const response = await fetch(`${base}/_sim/emit`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(120_000),
	});
	const text = await response.text();
	try {
		return { status: response.status, answer: JSON.parse(text) as EmitAnswer, text };
	} catch {
		throw new Error(`${base}/_sim/emit answered ${response.status} with no JSON: ${text.slice(0, 300)}`);
	}
}

async function streamConnections(base: string): Promise<number> {
	try {
		const r = await fetch(`${base}/_sim/state`, { signal: AbortSignal.timeout(10_000) });
		const state = (await r.json()) as { stream?: { connections?: number } };
		return state.stream?.connections ?? 0;
	} catch {
		return 0;
	}
}

/**
 * `emit`: POST /_sim/emit on a running simulator (the running playground's, else --url, else
 * DEFAULT_SIMULATOR_URL) and report what was delivered where: AAA webhooks, and the X Activity
 * API subscriptions the same event reaches (on webhooks, or on the activity stream).
 */
export async function emitCommand(
	flags: Record<string, string | number | boolean>,
): Promise<number> {
	const kind = flags.kind;
	if (typeof kind !== 'string' || kind === '')
		throw new UsageError('emit needs a kind, e.g. `emit mention` (mention, dm, like, follow, …)');
	const playground = typeof flags.url === 'string' ? undefined : runningPlaygroundSimulator();
	const base = (typeof flags.url === 'string' ? flags.url : (playground?.url ?? DEFAULT_SIMULATOR_URL)).replace(
		/\/+$/,
		'',
	);
	if (!/^https?:\/\/[^/]+$/.test(base))
		throw new UsageError(`--url must be like ${DEFAULT_SIMULATOR_URL}, got "${base}"`);
	const body: Record<string, unknown> = { kind };
	if (typeof flags.count === 'number') {
		if (flags.count < 1) throw new UsageError('--count must be at least 1');
		body.count = flags.count;
	}
	if (typeof flags.for === 'string') body.forUserId = flags.for;
	let first: Awaited<ReturnType<typeof postEmit>>;
	try {
		first = await postEmit(base, body);
	} catch (e) {
		const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
		console.error(
			`error: no simulator answers at ${base} (${cause}). Start one first: \`npm start\` (the playground) or \`npm run simulator\`; use --url for another address.`,
		);
		return 1;
	}
	const { answer } = first;
	if (first.status !== 200) {
		console.error(
			`error: the simulator refused the event (${first.status}): ${answer.error ?? first.text.slice(0, 300)}`,
		);
		return first.status === 400 ? 2 : 1;
	}
	const deliveries = answer.deliveries ?? [];
	const delivered = deliveries.filter((d) => d.delivered).length;
	const forUser = answer.forUserId ?? answer.userId;
	const where = playground ? ` (the playground's simulator, ${base})` : '';
	console.log(
		`emitted ${answer.events ?? '?'} ${answer.kind ?? kind} event(s)${forUser ? ` for user ${forUser}` : ''}${answer.fromUserId ? ` from user ${answer.fromUserId}` : ''}${where}: ${delivered} of ${deliveries.length} deliveries accepted`,
	);
	const report = (list: NonNullable<EmitAnswer['deliveries']>) => {
		for (const d of list) {
			console.log(
				`  webhook ${d.webhookId}: ${d.delivered ? 'delivered' : 'NOT delivered'} (answers: ${d.attempts.join(', ') || 'none'})`,
			);
		}
	};
	report(deliveries);

	// The same activity through the X Activity API: its subscriptions on webhooks and on the stream.
	let streamed = 0;
	let xaaDeliveries: NonNullable<EmitAnswer['deliveries']> = [];
	const xaaType = answer.subscriptionIds === undefined ? XAA_EQUIVALENT[kind] : undefined;
	const xaaAnswer = answer.subscriptionIds !== undefined ? answer : xaaType ? (await postEmit(base, { ...body, kind: xaaType })).answer : undefined;
	if (xaaAnswer?.subscriptionIds !== undefined) {
		const matched = xaaAnswer.subscriptionIds.length;
		xaaDeliveries = xaaAnswer === answer ? [] : (xaaAnswer.deliveries ?? []);
		const connections = matched > 0 ? await streamConnections(base) : 0;
		streamed = connections > 0 ? matched : 0;
		if (xaaAnswer !== answer || matched > 0) {
			console.log(
				`  X Activity API (${xaaAnswer.kind ?? xaaType}): ${matched} subscription(s) matched; activity stream: ${connections > 0 ? `sent on ${connections} open connection(s)` : 'no connection open'}`,
			);
		}
		report(xaaDeliveries);
	}
	const all = [...deliveries, ...xaaDeliveries];
	if (all.length === 0 && streamed === 0) {
		console.error(
			'nothing receives events for this user: publish a workflow with the X Activity Stream Trigger or the X Account Activity Trigger (the playground does), or subscribe the user first.',
		);
		return 1;
	}
	return all.every((d) => d.delivered) ? 0 : 1;
}

/** Parses `--name value`, `--name=value` and boolean `--name`; anything else is a UsageError. */
export function parseFlags(
	args: string[],
	spec: Record<string, FlagKind>,
): Record<string, string | number | boolean> {
	const out: Record<string, string | number | boolean> = {};
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
		if (!m) throw new UsageError(`unexpected argument "${arg}"`);
		const [, name, inline] = m;
		const kind = spec[name];
		if (!kind) throw new UsageError(`unknown flag --${name}`);
		if (kind === 'boolean') {
			if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
			out[name] = true;
			continue;
		}
		const value = inline ?? args[++i];
		if (value === undefined || (inline === undefined && value.startsWith('--'))) {
			throw new UsageError(`--${name} needs a value`);
		}
		if (kind === 'number') {
			const n = Number(value);
			if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
				throw new UsageError(`--${name} must be a whole number, got "${value}"`);
			out[name] = n;
		} else out[name] = value;
	}
	return out;
}

/** What a person pastes into n8n's credential form. The secrets are the simulator's own fake ones. */
export function credentialsText(sim: Simulator): string {
	const a = sim.app;
	return [
		`X simulator listening on ${sim.baseUrl}`,
		'',
		'n8n credential "X Account Activity API" (fake credentials, valid only for this simulator):',
		`  Base URL             ${sim.baseUrl}`,
		`  Consumer key         ${a.consumerKey}`,
		`  Consumer secret      ${a.consumerSecret}`,
		`  Access token         ${a.accessToken}`,
		`  Access token secret  ${a.accessTokenSecret}`,
		`  Bearer token         ${a.bearerToken}`,
		`  API version          ${a.flavours.join(' | ')}`,
		...(a.flavours.includes('premium')
			? [`  Environment          ${a.environments.join(', ')} (premium, case-sensitive)`]
			: []),
		`  App owner user id    ${a.ownerUserId}`,
		'',
		'n8n credential "X Activity OAuth2 API" (OAuth 2.0 user context; consent is automatic here):',
		`  Base URL             ${sim.baseUrl}`,
		`  Client ID            ${a.oauth2ClientId}`,
		`  Client secret        ${a.oauth2ClientSecret}`,
		'',
		`Users and their tokens: GET ${sim.baseUrl}/_sim/users   State: GET ${sim.baseUrl}/_sim/state`,
		'Press Ctrl-C to stop.',
	].join('\n');
}

const COMMANDS: Record<string, Command> = {
	start: {
		summary: 'start the simulator and print the credentials to paste into n8n',
		usage: 'start [--port N] [--config FILE]',
		flags: { port: 'number', config: 'string', help: 'boolean' },
		run: async (flags) => {
			let config: SimulatorConfig = {};
			if (typeof flags.config === 'string') config = loadConfigFile(flags.config);
			if (typeof flags.port === 'number') config.port = flags.port;
			else if (config.port === undefined) config.port = 8790;
			const sim = await startSimulator(config);
			console.log(credentialsText(sim));
			await new Promise<void>((resolve) => {
				const stop = () => {
					process.off('SIGINT', stop);
					process.off('SIGTERM', stop);
					resolve();
				};
				process.on('SIGINT', stop);
				process.on('SIGTERM', stop);
			});
			console.log('\nstopping…');
			await sim.stop();
			return 0;
		},
	},
	emit: {
		summary: 'send signed events of a kind (mention, dm, like, follow, …) from a running simulator',
		usage: 'emit KIND [--count N] [--for USER_ID] [--url URL]',
		positional: 'kind',
		flags: { count: 'number', for: 'string', url: 'string', help: 'boolean' },
		run: emitCommand,
	},
};

function usage(): string {
	return [
		'usage: x-activity-simulator [command] [flags]',
		'',
		'commands:',
		...Object.entries(COMMANDS).map(
			([name, c]) => `  ${c.usage.padEnd(36)} ${c.summary}${name === 'start' ? ' (default)' : ''}`,
		),
	].join('\n');
}

export async function main(argv: string[]): Promise<number> {
	const first = argv[0];
	const name = first !== undefined && !first.startsWith('-') ? first : 'start';
	const rest = name === first ? argv.slice(1) : argv;
	const command = COMMANDS[name];
	try {
		if (!command) throw new UsageError(`unknown command "${name}"`);
		const positional =
			command.positional !== undefined && rest[0] !== undefined && !rest[0].startsWith('-')
				? rest[0]
				: undefined;
		const flags = parseFlags(positional === undefined ? rest : rest.slice(1), command.flags);
		if (positional !== undefined && command.positional !== undefined)
			flags[command.positional] = positional;
		if (flags.help) {
			console.log(usage());
			return 0;
		}
		return await command.run(flags);
	} catch (e) {
		if (e instanceof UsageError) {
			console.error(`error: ${e.message}\n\n${usage()}`);
			return 2;
		}
		if (e instanceof ConfigError) {
			console.error(`error: ${e.message}`);
			return 2;
		}
		if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
			console.error(`error: the port is already in use (${(e as Error).message})`);
			return 1;
		}
		console.error(`error: ${(e as Error).message}`);
		return 1;
	}
}

if (require.main === module) {
	void main(process.argv.slice(2)).then((code) => {
		process.exitCode = code;
	});
}
