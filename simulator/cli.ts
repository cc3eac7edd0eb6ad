#!/usr/bin/env node
/**
 * `x-activity-simulator [start] [--port N] [--config FILE]` (or `npm run simulator -- …`).
 * `x-activity-simulator emit mention|dm|like|follow|… [--count N] [--for USER_ID] [--url URL]`
 *
 * Subcommands live in COMMANDS; `start` is the default. `emit` talks to a running simulator (the
 * playground's, or `npm run simulator`) through its loopback admin endpoint (POST /_sim/emit).
 * Exit codes: 0 ok, 1 runtime failure, 2 usage or config error.
 */
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

/** Where `emit` finds a running simulator by default (the playground's and `npm run simulator`'s port). */
export const DEFAULT_SIMULATOR_URL = 'http://127.0.0.1:8790';

interface EmitAnswer {
	kind?: string;
	forUserId?: string;
	userId?: string;
	fromUserId?: string;
	webhookIds?: string[];
	events?: number;
	deliveries?: Array<{ webhookId: string; delivered: boolean; attempts: Array<number | string> }>;
	error?: string;
}

/** `emit`: POST /_sim/emit on a running simulator and report what was delivered where. */
export async function emitCommand(
	flags: Record<string, string | number | boolean>,
): Promise<number> {
	const kind = flags.kind;
	if (typeof kind !== 'string' || kind === '')
		throw new UsageError('emit needs a kind, e.g. `emit mention` (mention, dm, like, follow, …)');
	const base = (typeof flags.url === 'string' ? flags.url : DEFAULT_SIMULATOR_URL).replace(
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
	let response: Response;
	try {
		response = await fetch(`${base}/_sim/emit`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(120_000),
		});
	} catch (e) {
		const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
		console.error(
			`error: no simulator answers at ${base} (${cause}). Start one first: \`npm start\` (the playground) or \`npm run simulator\`; use --url for another address.`,
		);
		return 1;
	}
	const text = await response.text();
	let answer: EmitAnswer;
	try {
		answer = JSON.parse(text) as EmitAnswer;
	} catch {
		console.error(
			`error: ${base}/_sim/emit answered ${response.status} with no JSON: ${text.slice(0, 300)}`,
		);
		return 1;
	}
	if (!response.ok) {
		console.error(
			`error: the simulator refused the event (${response.status}): ${answer.error ?? text.slice(0, 300)}`,
		);
		return response.status === 400 ? 2 : 1;
	}
	const deliveries = answer.deliveries ?? [];
	const delivered = deliveries.filter((d) => d.delivered).length;
	const forUser = answer.forUserId ?? answer.userId;
	console.log(
		`emitted ${answer.events ?? '?'} ${answer.kind ?? kind} event(s)${forUser ? ` for user ${forUser}` : ''}${answer.fromUserId ? ` from user ${answer.fromUserId}` : ''}: ${delivered} of ${deliveries.length} deliveries accepted`,
	);
	for (const d of deliveries) {
		console.log(
			`  webhook ${d.webhookId}: ${d.delivered ? 'delivered' : 'NOT delivered'} (answers: ${d.attempts.join(', ') || 'none'})`,
		);
	}
	if (deliveries.length === 0) {
		console.error(
			'no webhook receives events for this user: publish a workflow with the X Account Activity Trigger (the playground does) or subscribe the user first.',
		);
		return 1;
	}
	return delivered === deliveries.length ? 0 : 1;
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
