#!/usr/bin/env node
/**
 * `node dist/simulator/cli.js [start] [--port N] [--config FILE]` (or `npm run simulator -- …`).
 *
 * Subcommands live in COMMANDS; `start` is the default. A later `emit` subcommand talks to a
 * running simulator through its admin endpoint (POST /_sim/emit).
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
	run: (flags: Record<string, string | number | boolean>) => Promise<number>;
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
};

function usage(): string {
	return [
		'usage: x-aaa-simulator [command] [flags]',
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
		const flags = parseFlags(rest, command.flags);
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
